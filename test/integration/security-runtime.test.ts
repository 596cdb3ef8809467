// The runtime under a root runsecrets, attacked through what the app controls
// (SECURITY.md): Node.js takes --env-file* and --experimental-config-file from any
// argv, runsecrets' and the app's command included; NODE_OPTIONS and BUN_OPTIONS load
// code before runsecrets runs; an inspector in a root process runs anyone's code as root.

import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP, appDir, ATTACKER_NEEDS } from '../helpers/attacker.js';
import { baseEnv, cliCommand, NEEDS_SCRIPT, runCli, STANDALONE } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { EXE, EXE_NEED } from '../helpers/packaged.js';
import { AS_ROOT, notApplicable, requires } from '../helpers/requirements.js';

/** These need a root runsecrets started by node (not a standalone executable, which Node.js' flags do not reach). */
const ROOT_NODE = STANDALONE ? notApplicable(NEEDS_SCRIPT) : requires(AS_ROOT);

/**
 * An app-owned dir holding evil.cjs, which records the uid it ran as; `app(...args)` is a
 * command that marks that it ran, with `args` for it (or for Node.js to find).
 */
function plant(): { dir: string; evil: string; ranAs: () => string | undefined; app: (...args: string[]) => string[]; appRan: () => boolean } {
  const dir = appDir();
  const evil = join(dir, 'evil.cjs');
  const mark = join(dir, 'evil-ran-as');
  const started = join(dir, 'app-started');
  writeFileSync(evil, `require('node:fs').writeFileSync(${JSON.stringify(mark)}, String(process.getuid()));\n`);
  return {
    dir,
    evil,
    ranAs: () => (existsSync(mark) ? readFileSync(mark, 'utf8') : undefined),
    app: (...args) => ['sh', '-c', `touch ${started}`, 'app', ...args],
    appRan: () => existsSync(started),
  };
}

describe('Node.js acting on arguments meant for the app (needs root)', ROOT_NODE, () => {
  it('refuses to run when Node.js loaded an --env-file from the app\'s command, and `node --` keeps Node.js from it', async () => {
    const { dir, evil, ranAs, app, appRan } = plant();
    writeFileSync(join(dir, '.env'), `NODE_OPTIONS=--require ${evil}\n`);
    // As ENTRYPOINT ["node", "runsecrets.mjs"] with CMD ["node", "--env-file=.env", "app.js"] would.
    const [node, ...cli] = cliCommand();
    const refused = await execa(node, [...cli, '--dir', tempDir(), ...app(`--env-file=${join(dir, '.env')}`)], { env: baseEnv(), extendEnv: false, reject: false });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^runsecrets: error: Node\.js took --env-file from runsecrets' own command line .*; start it as `node --disable-sigusr1 -- runsecrets\.mjs …`/m);
    expect(appRan()).toBe(false);
    expect(ranAs()).toBe('0'); // Node.js ran it as root before runsecrets' first line: why it is refused
    // Negative control, and the way out: after `node --`, Node.js reads none of it, and the app runs.
    const { ranAs: ranAs2, app: app2, appRan: appRan2, dir: dir2, evil: evil2 } = plant();
    writeFileSync(join(dir2, '.env'), `NODE_OPTIONS=--require ${evil2}\n`);
    const safe = await execa(node, ['--disable-sigusr1', '--', ...cli, '--dir', tempDir(), ...app2(`--env-file=${join(dir2, '.env')}`)], { env: baseEnv(), extendEnv: false, reject: false });
    expect(safe.exitCode, safe.stderr).toBe(0);
    expect([ranAs2(), appRan2()]).toEqual([undefined, true]);
  });

  it('refuses when the command holds --experimental-config-file, which Node.js reads even after --', async () => {
    const { dir, evil, ranAs, app, appRan } = plant();
    const config = join(dir, 'node.config.json');
    writeFileSync(config, JSON.stringify({ nodeOptions: { require: evil } }));
    const [node, ...cli] = cliCommand();
    const result = await execa(node, ['--', ...cli, '--dir', tempDir(), '--', ...app(`--experimental-config-file=${config}`)], { env: baseEnv(), extendEnv: false, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^runsecrets: error: Node\.js took --experimental-config-file from runsecrets' own command line/m);
    expect(appRan()).toBe(false);
    expect(ranAs()).toBe('0');
  });

  it('refuses NODE_OPTIONS that loads code or opens the inspector, which Node.js applied to runsecrets as root', async () => {
    for (const options of ['--require EVIL', '--import=EVIL', '-r EVIL', '--inspect=127.0.0.1:0']) {
      const { evil, app, appRan } = plant();
      const result = await runCli(['--dir', tempDir(), ...app()], { env: baseEnv({ NODE_OPTIONS: options.replace('EVIL', evil) }) });
      expect(result.exitCode, options).toBe(1);
      expect(result.stderr, options).toMatch(/runsecrets: error: (NODE_OPTIONS holds --(require|import)|NODE_OPTIONS holds -r|a debugger inspector listens in runsecrets, which runs as root)/);
      expect(appRan(), options).toBe(false);
    }
    // Negative control: NODE_OPTIONS that loads nothing is the app's business.
    const { app, appRan } = plant();
    expect((await runCli(['--dir', tempDir(), ...app()], { env: baseEnv({ NODE_OPTIONS: '--max-old-space-size=64' }) })).exitCode).toBe(0);
    expect(appRan()).toBe(true);
  });

  it('never runs the command while an inspector opened by an early SIGUSR1 listens', async () => {
    const outcomes = new Set<string>();
    for (let run = 0; run < 16; run += 1) {
      const [node, ...cli] = cliCommand();
      const sub = execa(node, [...cli, '--dir', tempDir(), 'sh', '-c', 'echo started'], { env: baseEnv(), extendEnv: false, reject: false });
      await new Promise((resolve) => setTimeout(resolve, (run * 7) % 60));
      sub.kill('SIGUSR1');
      const result = await sub;
      const listening = result.stderr.includes('Debugger listening');
      expect(listening && result.stdout.includes('started'), result.stderr).toBe(false);
      outcomes.add(result.stdout.includes('started') ? 'ran' : listening ? 'refused' : `ended ${result.signal ?? result.exitCode}`);
    }
    expect(outcomes.has('ran') || outcomes.has('refused')).toBe(true);
  });
});

describe('not root: nothing to protect, nothing refused', ROOT_NODE, () => {
  it('lets NODE_OPTIONS=--inspect through for a runsecrets that is not root (needs root to become nobody)', requires(...ATTACKER_NEEDS), async () => {
    const [node, ...cli] = cliCommand();
    const result = await execa('/usr/bin/setpriv', [`--reuid=${APP.uid}`, `--regid=${APP.gid}`, '--clear-groups', '--', node, ...cli, '--dir', tempDir(), 'true'], { env: baseEnv({ NODE_OPTIONS: '--inspect=127.0.0.1:0' }), extendEnv: false, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
  });
});

describe(`the standalone executable ${EXE} as root (needs root)`, requires(EXE_NEED, AS_ROOT), () => {
  it('refuses BUN_INSPECT and BUN_OPTIONS that loads code, which Bun applies to the executable itself', async () => {
    const { evil, app, appRan } = plant();
    for (const env of [{ BUN_INSPECT: '1' }, { BUN_OPTIONS: `--preload ${evil}` }]) {
      const result = await runCli(['--dir', tempDir(), ...app()], { cli: EXE, env: baseEnv(env) });
      expect(result.exitCode, JSON.stringify(env)).toBe(1);
      expect(result.stderr).toMatch(/runsecrets: error: (BUN_INSPECT makes the executable open a debugger inspector|BUN_OPTIONS holds --preload)/);
    }
    expect(appRan()).toBe(false);
    // Negative control: an --env-file in the app's command is nothing to Bun.
    const { app: app2, appRan: appRan2 } = plant();
    expect((await runCli(['--dir', tempDir(), ...app2('--env-file=/x')], { cli: EXE })).exitCode).toBe(0);
    expect(appRan2()).toBe(true);
  });
});
