// Dockerfile.example without a Docker engine: every COPY source exists after the build,
// and each app image's runtime path (its ENV, WORKDIR, ENTRYPOINT and CMD) runs in a
// container-like sandbox (test/helpers/container.ts): tini as PID 1, secrets on a tmpfs
// at /run/secrets as Swarm mounts them (root-owned, 0444), runsecrets switching to the
// image's non-root user and exec'ing the app as tini's child. The legacy-app image has
// no Node.js: every node of this machine is hidden from it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { copies, platformArgs, runtimeOf, startSandbox, type Sandbox } from '../helpers/container.js';
import { imageSandbox, SANDBOX_NEEDS, stage, STAGES } from '../helpers/images.js';
import { EXE, EXE_NEED } from '../helpers/packaged.js';
import { allProcesses, waitForLine } from '../helpers/processes.js';
import { requires, skipUnless } from '../helpers/requirements.js';

const stages = STAGES;
const APP_IMAGES = ['node-app', 'kubernetes-app', 'legacy-app'];
/** Docker's TARGETARCH → the executable npm run build:exe makes for it (named by Node's process.arch). */
const PLATFORMS = [['amd64', 'x64'], ['arm64', 'arm64']] as const;
const EXE_SOURCES = PLATFORMS.map(([, arch]) => join(ROOT, `dist/runsecrets-linux-${arch}`));

describe('Dockerfile.example', () => {
  it('has the build stage, the app images the examples refer to, and one executable stage per platform', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'node-app', 'kubernetes-app', 'exe-amd64', 'exe-arm64', 'exe', 'legacy-app']);
    expect(stage('build').instructions).toContainEqual({ keyword: 'RUN', args: 'npm run build:exe' });
    // Built once, natively, for every platform: Bun cross-compiles.
    expect(stage('build').from).toBe('${NODE_IMAGE}');
    expect(readFileSync(join(ROOT, 'Dockerfile.example'), 'utf8')).toMatch(/^FROM --platform=\$BUILDPLATFORM \$\{NODE_IMAGE\} AS build$/m);
  });

  it.for(stages.filter((s) => s.instructions.some((i) => i.keyword === 'COPY')).map((s) => s.name))('every COPY source of stage %s exists after npm run build:exe', (name, context) => {
    const sources = PLATFORMS.flatMap(([targetArch]) => copies(stages, stage(name), ROOT, platformArgs(targetArch)).map((copy) => copy.source));
    expect(sources.length).toBeGreaterThan(0);
    if (sources.some((source) => EXE_SOURCES.includes(source))) skipUnless(context, EXE_NEED);
    expect(sources.filter((source) => !existsSync(source))).toEqual([]);
  });

  it.for(PLATFORMS)('legacy-app for linux/%s (docker buildx --platform) gets dist/runsecrets-linux-%s, which npm run build:exe lists in dist/SHA256SUMS', ([targetArch, arch], context) => {
    const exe = copies(stages, stage('legacy-app'), ROOT, platformArgs(targetArch)).find((copy) => copy.destination === '/usr/local/bin/runsecrets');
    expect(exe?.source).toBe(join(ROOT, `dist/runsecrets-linux-${arch}`));
    skipUnless(context, EXE_NEED);
    const built = readFileSync(join(ROOT, 'dist/SHA256SUMS'), 'utf8').trim().split('\n').map((line) => line.split(/\s+/)[1]);
    expect(built).toEqual(PLATFORMS.map(([, a]) => `runsecrets-linux-${a}`));
  });

  it('negative control: for a platform without an executable stage (FROM exe-riscv64, an image that does not exist) no built file is taken', () => {
    const exe = copies(stages, stage('legacy-app'), ROOT, platformArgs('riscv64')).find((copy) => copy.destination === '/usr/local/bin/runsecrets');
    expect(EXE_SOURCES).not.toContain(exe?.source);
    expect(existsSync(exe?.source ?? '')).toBe(false);
  });

  it.for(APP_IMAGES)('%s: configured through ENV RUNSECRETS_*, no USER (runsecrets must start as root), ENTRYPOINT tini -- runsecrets', (name) => {
    expect(Object.keys(runtimeOf(stage(name)).env).filter((key) => key.startsWith('RUNSECRETS_'))).toContain('RUNSECRETS_USER');
    expect(stage(name).instructions.filter((i) => i.keyword === 'USER')).toEqual([]);
    expect(runtimeOf(stage(name)).entrypoint).toEqual(['tini', '--', 'runsecrets']);
  });

  it.for(APP_IMAGES)('%s: runsecrets is on PATH at /usr/local/bin/runsecrets: the executable, or the script that starts the bundle with node --', (name) => {
    const all = copies(stages, stage(name), ROOT);
    const copied = all.find((copy) => copy.destination === '/usr/local/bin/runsecrets');
    expect(copied).toBeDefined();
    if (copied?.source !== join(ROOT, 'scripts/runsecrets-node.sh')) return;
    // The script starts the bundle the stage copies, by its .mjs name (node loads it as an ES module at once), after `node --`.
    const script = readFileSync(copied.source, 'utf8');
    const bundle = /exec node --disable-sigusr1 -- (\S+\.mjs) "\$@"$/m.exec(script)?.[1];
    expect(all).toContainEqual({ source: join(ROOT, 'dist/runsecrets.mjs'), destination: bundle });
  });
});

const SECRETS = { db_password: 'pw-$"\'\\ 123\n', 'api-key': 'k-0123456789abcdef\n' };
const nodeApp = (cmd?: string[]): Sandbox => imageSandbox('node-app', { secrets: SECRETS, ...(cmd === undefined ? {} : { cmd }) });
const legacyApp = (cmd?: string[]): Sandbox => imageSandbox('legacy-app', { secrets: SECRETS, ...(cmd === undefined ? {} : { cmd }) });

/** Prints where the app runs: its PID, its parent, PID 1, its uid, whether node is on PATH. */
const WHERE = 'echo "pid $$ ppid $(cut -d" " -f4 /proc/$$/stat) pid1 $(cat /proc/1/comm) uid $(id -u) node $(command -v node || echo none)"';

describe("the images' runtime path in a container-like sandbox (needs root: mount and PID namespaces, chroot)", requires(...SANDBOX_NEEDS), () => {
  it('node-app runs its CMD, the sample app, as node with the mapped secret and no RUNSECRETS_* variable', async () => {
    const result = await startSandbox(nodeApp());
    expect(result.stderr).not.toMatch(/error/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^sample app: pid \d+, uid 1000, HOME=\/home\/node$/m);
    expect(result.stdout).toContain(`  PGPASSWORD     ${SECRETS.db_password.trimEnd().length} chars`);
    expect(result.stdout).toContain('RUNSECRETS_* variables visible: none');
  });

  it('node-app: the app is tini\'s child (runsecrets exec\'d it), not root', async () => {
    const result = await startSandbox(nodeApp(['sh', '-c', WHERE]));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^pid (\d+) ppid 1 pid1 tini uid 1000 node \/usr\/local\/bin\/node$/);
  });

  describe(`legacy-app, with ${EXE}`, requires(EXE_NEED), () => {
    it('creates the user runsecrets switches to as the test does', () => {
      expect(stage('legacy-app').instructions.find((i) => i.keyword === 'RUN')?.args).toMatch(/useradd --system --uid 10001 --gid app .* app$/);
    });

    it('runs its CMD: the legacy app reads every setting from the rendered file, none from its environment', async () => {
      const result = await startSandbox(legacyApp());
      expect(result.stderr).not.toMatch(/error/);
      expect(result.exitCode).toBe(0);
      expect(result.stdout.split('\n')).toEqual([
        'legacy app: uid 10001, settings from /etc/legacy-app/app.conf',
        `legacy app: db_host=localhost db_user=legacy, db_password ${SECRETS.db_password.trimEnd().length} chars, api_key ${SECRETS['api-key'].trimEnd().length} chars`,
        'legacy app: no secret in the environment',
      ]);
    });

    it('has no node, and the app is tini\'s child running as app', async () => {
      const result = await startSandbox(legacyApp(['sh', '-c', WHERE]));
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/^pid \d+ ppid 1 pid1 tini uid 10001 node none$/);
    });

    it('refuses to start when a required secret is missing (Swarm did not mount it)', async () => {
      const sandbox = legacyApp(['sh', '-c', 'echo started']);
      const result = await startSandbox({ ...sandbox, secrets: { db_password: SECRETS.db_password } });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^runsecrets: error: .*"api-key"/m);
    });

    it.for([
      ['a trapped SIGTERM: the app exits 0', `trap 'echo got TERM; exit 0' TERM`, 0, 'READY\ngot TERM'],
      ['negative control, no trap: the app dies of it, tini exits 143', ':', 143, 'READY'],
    ] as const)('docker stop: tini passes SIGTERM to the app, %s', async ([, trap, code, stdout]) => {
      const wait = 'i=0; while [ $i -lt 50 ]; do sleep 0.2 >/dev/null 2>&1 & wait $!; i=$((i+1)); done; echo no signal';
      const sub = startSandbox(legacyApp(['sh', '-c', `${trap}; echo READY; ${wait}`]));
      await waitForLine(sub.stdout, 'READY');
      // PID 1 of the sandbox, seen from here: unshare's child.
      const tini = allProcesses().find((p) => p.ppid === sub.pid);
      if (tini === undefined) throw new Error(`no child of unshare (${sub.pid})`);
      expect(tini.argv[0]).toBe('tini');
      process.kill(tini.pid, 'SIGTERM');
      const result = await sub;
      expect(result.stdout).toBe(stdout);
      expect(result.exitCode).toBe(code);
    });
  });
});
