// What root writes and runs, attacked by the app's user (SECURITY.md): a template the
// app can swap for a symlink to a root-only file, a destination dir the app turned into
// a symlink before the next container start or the next rotation, the code a root
// supervisor relaunches, and root without the capabilities to switch.

import { execa } from 'execa';
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APP, appDir, asApp, ATTACKER_NEEDS, rootOnlyFile } from '../helpers/attacker.js';
import { baseEnv, CLI, cliCommand, runCli, STANDALONE } from '../helpers/cli.js';
import { secretsDir, tempDir } from '../helpers/fixtures.js';
import { notApplicable, requires } from '../helpers/requirements.js';
import { appScript, killWatch, startWatch, type Watched } from '../helpers/watch.js';

const LEAK = 'ROOT-ONLY-LEAK-9e2b';

/** A secrets dir nobody but root may read: a supervisor for nobody must stay root. */
function rootOnlySecrets(files: Record<string, string>): string {
  const dir = secretsDir(files);
  for (const name of Object.keys(files)) chmodSync(join(dir, name), 0o400);
  return dir;
}

let running: Watched | undefined;
afterEach(async () => {
  if (running !== undefined) await killWatch(running);
  running = undefined;
});

describe("a root supervisor and the app's files (needs root: acts as nobody)", requires(...ATTACKER_NEEDS), () => {
  it('reads a template in a dir the app owns as the app: a swap for a root-only file is refused, not rendered', async () => {
    const secrets = rootOnlySecrets({ db: 'one' });
    const [tpl, out] = [appDir('tpl'), appDir('out')];
    const template = join(tpl, 'app.conf.tmpl');
    await asApp(['sh', '-c', `printf 'db={{ secrets.db }}\\n' > ${template}`]);
    running = await startWatch(['--user', APP.name, '--dir', secrets, '--template', `${template}:${out}/app.conf`, '--wait', '50ms', appScript()]);
    await running.err.waitFor(/supervisor stays root/);
    expect(readFileSync(join(out, 'app.conf'), 'utf8')).toBe('db=one\n');
    const target = rootOnlyFile(LEAK);
    await asApp(['sh', '-c', `ln -s ${target} ${tpl}/.swap && mv -T ${tpl}/.swap ${template}`]);
    await running.err.waitFor(/rotation not applied|rotation: /);
    expect(readFileSync(join(out, 'app.conf'), 'utf8')).not.toContain(LEAK);
    expect(running.err.text).toMatch(/cannot read template .*app\.conf\.tmpl: permission denied \(EACCES\) at .*shadow for uid 65534[^\n]*\n[^\n]*rotation not applied/);
  });

  it('does not follow a destination dir the app replaced with a symlink before the next start', async () => {
    const app = appDir('app');
    const template = join(tempDir(), 'app.conf.tmpl');
    writeFileSync(template, 'setting={{ secrets.db }}\n');
    const args = ['--user', APP.name, '--dir', secretsDir({ db: 'one' }), '--template', `${template}:${app}/conf/app.conf`, '--', 'true'];
    expect((await runCli(args)).exitCode).toBe(0);
    expect(statSync(join(app, 'conf', 'app.conf'))).toMatchObject({ uid: APP.uid });
    // A root-owned dir, as /etc is, with a file of root's where the template would go.
    const victim = join(tempDir(), 'etc');
    mkdirSync(victim);
    writeFileSync(join(victim, 'app.conf'), 'root=1\n', { mode: 0o644 });
    await asApp(['sh', '-c', `mv ${app}/conf ${app}/conf.old && ln -s ${victim} ${app}/conf`]);
    const second = await runCli(args);
    expect(second.exitCode).toBe(1);
    expect(second.stderr.trimEnd()).toMatch(/^runsecrets: error: cannot write rendered file .*\/conf\/app\.conf: permission denied \(EACCES\) creating .*for uid 65534 .*; no rendered file was changed$/);
    expect(readFileSync(join(victim, 'app.conf'), 'utf8')).toBe('root=1\n');
    expect(statSync(join(victim, 'app.conf'))).toMatchObject({ uid: 0 });
    expect(readdirSync(victim)).toEqual(['app.conf']);
  });

  it('does not create a missing sub-dir through a parent the app swapped while it ran, at a rotation', async () => {
    const secrets = rootOnlySecrets({ db: 'one' });
    const app = appDir('app');
    const template = join(tempDir(), 'app.conf.tmpl');
    writeFileSync(template, 'setting={{ secrets.db }}\n');
    running = await startWatch(['--user', APP.name, '--dir', secrets, '--template', `${template}:${app}/conf/sub/app.conf`, '--wait', '50ms', appScript()]);
    const victim = join(tempDir(), 'etc');
    mkdirSync(victim);
    await asApp(['sh', '-c', `mv ${app}/conf ${app}/conf.old && ln -s ${victim} ${app}/conf`]);
    writeFileSync(join(secrets, 'db'), 'two');
    await running.err.waitFor(/rotation not applied|rotation: /);
    expect(readdirSync(victim)).toEqual([]);
    expect(running.err.text).toMatch(/cannot write rendered file .*sub\/app\.conf: .*(EACCES|no longer the directory written at start)/);
  });

  const unbundled = /lib\/bin\/runsecrets\.js$/.test(CLI) ? 'it copies the CLI under test, and the unbundled bin cannot run as a copy' : undefined;
  it('refuses to stay root with launcher code the app can change, before any child starts', notApplicable(unbundled), async () => {
    const secrets = rootOnlySecrets({ db: 'one' });
    const copy = join(appDir('install'), STANDALONE ? 'runsecrets' : 'runsecrets.mjs');
    copyFileSync(CLI, copy);
    chownSync(copy, APP.uid, APP.gid);
    const started = join(appDir('marks'), 'started');
    const args = ['--watch', '--user', APP.name, '--dir', secrets, '--', 'sh', '-c', `touch ${started}`];
    const refused = await runCli(args, { cli: copy });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`the supervisor must stay root .* but someone besides root can change it: ${join(copy, '..')} is owner 65534:65534`));
    expect(existsSync(started)).toBe(false);
    // Negative control: the same copy in the same dir, both root's, supervises the app.
    chownSync(copy, 0, 0);
    chownSync(join(copy, '..'), 0, 0);
    const ran = await runCli(args, { cli: copy });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(existsSync(started)).toBe(true);
  });

  it('reads the app\'s command file as the app when a root supervisor restarts it: a root-only file linked in stays unread', async () => {
    const secrets = rootOnlySecrets({ db: 'one' });
    const bin = appDir('bin');
    const command = join(bin, 'app.sh');
    writeFileSync(command, readFileSync(appScript()));
    chmodSync(command, 0o755);
    chownSync(command, APP.uid, APP.gid);
    running = await startWatch(['--user', APP.name, '--dir', secrets, '--wait', '50ms', command]);
    // Execute-only for the app (0711, as some binaries are): it may run it, but not read it.
    const hidden = join(tempDir(), 'sbin');
    mkdirSync(hidden, { mode: 0o711 });
    chmodSync(hidden, 0o711);
    const target = join(hidden, 'tool');
    writeFileSync(target, `#!/${LEAK}\n`, { mode: 0o711 });
    await asApp(['sh', '-c', `ln -s ${target} ${bin}/.swap && mv -T ${bin}/.swap ${command}`]);
    writeFileSync(join(secrets, 'db'), 'two');
    await running.err.waitFor(/rotation not applied|rotation: /);
    // Read as the app, the file is execute-only: its first line, root's to read, is never shown.
    expect(running.err.text).not.toContain(LEAK);
  });

  it('as root without CAP_SETUID and CAP_SETGID, fails before writing anything', async () => {
    const out = join(tempDir(), 'out', 'app.conf');
    const template = join(tempDir(), 'app.conf.tmpl');
    writeFileSync(template, 'x={{ secrets.db }}\n');
    const result = await execa('/usr/bin/setpriv', ['--bounding-set=-setuid,-setgid', '--', ...cliCommand(), '--user', APP.name, '--dir', secretsDir({ db: 'one' }), '--template', `${template}:${out}`, '--', 'id', '-u'], { env: baseEnv(), extendEnv: false, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd()).toMatch(/^runsecrets: error: --user nobody \(RUNSECRETS_USER\): runsecrets runs as root without CAP_SETUID and CAP_SETGID, so it cannot switch to 65534:65534; give the container --cap-add SETUID --cap-add SETGID/);
    expect(existsSync(out)).toBe(false);
    expect(lstatSync(join(out, '..'), { throwIfNoEntry: false })).toBeUndefined();
  });
});
