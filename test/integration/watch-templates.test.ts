// Rotation with templates (SPEC §7): files alone changed and --reload-signal → render,
// then signal, no restart; a variable changed → render, then restart; a broken
// template keeps the app and the rendered files as they were.

import { readdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { appScript, killWatch, startWatch, starts, waitForStart, type Watched } from '../helpers/watch.js';

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

/** A secrets dir, a template dir with app.conf.tmpl, and an app that shows the rendered file at start and on HUP. */
function setup(template = 'password={{ secrets.db }}\n') {
  const dir = secretsDir({ db: 's-one\n', level: 'info\n' });
  const templates = writeFiles(tempDir(), { 'app.conf.tmpl': template });
  const out = join(tempDir(), 'out', 'app.conf');
  const app = appScript({ traps: [], extra: `echo "conf $(cat ${out})"; trap 'echo "got HUP $(cat ${out})"' HUP` });
  return { dir, templates, out, app };
}

async function watch(args: readonly string[]): Promise<Watched> {
  const watched = await startWatch(['--prefix', 'T_', '--wait', '50ms', ...args]);
  running.push(watched);
  return watched;
}

describe('templates in watch mode', () => {
  it('only files changed and --reload-signal: renders, then signals; no restart', async () => {
    const { dir, templates, out, app } = setup();
    // --explicit: db feeds the template only, so its rotation changes no variable.
    const watched = await watch(['--explicit', '--reload-signal', 'SIGHUP', '--dir', dir, '--template', `${join(templates, 'app.conf.tmpl')}:${out}`, app]);
    expect(watched.out.lines).toContain('conf password=s-one');
    writeFileSync(join(dir, 'db'), 's-two\n');
    await watched.out.waitFor('got HUP password=s-two');
    expect(starts(watched)).toHaveLength(1);
    // The rotation line follows the signal: wait for it rather than race the app's output.
    await watched.err.waitFor(/^runsecrets: rotation: /);
    expect(watched.err.lines.filter((line) => line.startsWith('runsecrets: rotation: '))).toEqual([
      expect.stringMatching(new RegExp(`^runsecrets: rotation: secret db sha256:\\w{8}→\\w{8}, ${out} sha256:\\w{8}→\\w{8}; rendered, sent SIGHUP in \\d+ ms$`)),
    ]);
    // A template source changing is a change too.
    writeFileSync(join(templates, 'app.conf.tmpl'), 'pw={{ secrets.db }}\n');
    await watched.out.waitFor('got HUP pw=s-two');
    expect(starts(watched)).toHaveLength(1);
    expect(watched.err.text).not.toMatch(/s-one|s-two/);
  });

  it('negative control: without --reload-signal the same change restarts the app', async () => {
    const { dir, templates, out, app } = setup();
    const watched = await watch(['--explicit', '--dir', dir, '--template', `${join(templates, 'app.conf.tmpl')}:${out}`, app]);
    writeFileSync(join(dir, 'db'), 's-two\n');
    await watched.out.waitFor('conf password=s-two');
    expect(starts(watched)).toHaveLength(2);
    expect(watched.out.lines.some((line) => line.startsWith('got HUP'))).toBe(false);
  });

  it('a variable changed: renders first, then restarts, so the new app reads the new file', async () => {
    const { dir, templates, out, app } = setup('password={{ secrets.db }} level={{ env.T_LEVEL }}\n');
    const watched = await watch(['--reload-signal', 'SIGHUP', '--dir', dir, '--template', `${join(templates, 'app.conf.tmpl')}:${out}`, app]);
    writeFileSync(join(dir, 'level'), 'debug\n');
    await waitForStart(watched, /T_LEVEL=debug /);
    await watched.out.waitFor('conf password=s-one level=debug');
    expect(watched.out.lines.some((line) => line.startsWith('got HUP'))).toBe(false);
  });

  it('a broken template keeps the app and the rendered file, names the template and line; a fix is applied', async () => {
    const { dir, templates, out, app } = setup();
    const source = join(templates, 'app.conf.tmpl');
    const watched = await watch(['--explicit', '--reload-signal', 'SIGHUP', '--dir', dir, '--template', `${source}:${out}`, app]);
    const before = readFileSync(out);
    writeFileSync(source, 'password={{ secrets.db }}\nother={{ secrets.no_such }}\n');
    await watched.err.waitFor(/^runsecrets: error: rotation not applied \(1 problem\(s\)\)/);
    expect(watched.err.text).toMatch(new RegExp(`template ${source}, line 2: unknown variable secrets.no_such`));
    expect(readFileSync(out)).toEqual(before);
    writeFileSync(source, 'password={{ secrets.db }}\nother={{ secrets.level }}\n');
    await watched.out.waitFor(/^got HUP password=s-one/);
    expect(readFileSync(out, 'utf8')).toBe('password=s-one\nother=info\n');
    expect(starts(watched)).toHaveLength(1);
  });

  it('a new *.tmpl in a template dir is rendered on rotation', async () => {
    const { dir, templates, out, app } = setup();
    const outDir = join(out, '..');
    const watched = await watch(['--explicit', '--reload-signal', 'SIGHUP', '--dir', dir, '--template', `${templates}:${outDir}`, app]);
    writeFiles(templates, { 'sub/extra.conf.tmpl': 'level={{ secrets.level }}\n' });
    await watched.out.waitFor(/^got HUP /);
    expect(readFileSync(join(outDir, 'sub', 'extra.conf'), 'utf8')).toBe('level=info\n');
    await watched.err.waitFor(/^runsecrets: rotation: .*sub\/extra\.conf added sha256:\w{8}; rendered, sent SIGHUP/);
  });

  it('a rendered file\'s directory swapped for a symlink while the app runs is refused by name; nothing is written through it', async () => {
    // What an app user who owns the parent of its config dir could do to a supervisor
    // that stays root: move the dir away and leave a symlink to a directory of root's.
    const { dir, templates, app } = setup();
    const parent = tempDir();
    const conf = join(parent, 'conf');
    const victim = tempDir();
    const watched = await watch(['--explicit', '--reload-signal', 'SIGHUP', '--dir', dir, '--template', `${join(templates, 'app.conf.tmpl')}:${join(conf, 'app.conf')}`, app]);
    renameSync(conf, `${conf}.moved`);
    symlinkSync(victim, conf);
    writeFileSync(join(dir, 'db'), 's-two\n');
    await watched.err.waitFor(new RegExp(`^runsecrets: error: cannot write rendered files into ${conf}: it is no longer the directory written at start`));
    await watched.err.waitFor(/rotation not applied/);
    expect(readdirSync(victim)).toEqual([]);
    expect(readFileSync(join(`${conf}.moved`, 'app.conf'), 'utf8')).toBe('password=s-one\n');
    // Restored, the next rotation is applied.
    unlinkSync(conf);
    renameSync(`${conf}.moved`, conf);
    writeFileSync(join(dir, 'db'), 's-three\n');
    await watched.out.waitFor(/^got HUP /);
    expect(readFileSync(join(conf, 'app.conf'), 'utf8')).toBe('password=s-three\n');
    expect(starts(watched)).toHaveLength(1);
  });
});
