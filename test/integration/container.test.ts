// Dockerfile.example without a Docker engine: every COPY source exists after the build,
// and each app image's runtime path (its ENV, WORKDIR, ENTRYPOINT and CMD) runs in a
// container-like sandbox (test/helpers/container.ts): tini as PID 1, secrets on a tmpfs
// at /run/secrets as Swarm mounts them (root-owned, 0444), runsecrets switching to the
// image's non-root user and exec'ing the app as tini's child. The legacy-app image has
// no Node.js: every node of this machine is hidden from it.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { copies, parseDockerfile, runtimeOf, startSandbox, type Sandbox, type Stage } from '../helpers/container.js';
import { EXE, EXE_NEED } from '../helpers/packaged.js';
import { allProcesses, waitForLine } from '../helpers/processes.js';
import { AS_ROOT, needs, requires, skipUnless, TINI, UNSHARE } from '../helpers/requirements.js';

const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile.example'), 'utf8'));
const stage = (name: string): Stage => stages.find((s) => s.name === name) ?? expect.fail(`Dockerfile.example has no stage ${name}`);
const EXE_SOURCE = join(ROOT, 'dist/runsecrets-linux-x64');

describe('Dockerfile.example', () => {
  it('has the build stage and the two app images the examples refer to', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'node-app', 'legacy-app']);
    expect(stage('build').instructions).toContainEqual({ keyword: 'RUN', args: 'npm run build:exe' });
  });

  it.for(stages.map((s) => s.name))('every COPY source of stage %s exists after npm run build:exe', (name, context) => {
    const sources = copies(stages, stage(name), ROOT).map((copy) => copy.source);
    expect(sources.length).toBeGreaterThan(0);
    if (sources.includes(EXE_SOURCE)) skipUnless(context, EXE_NEED);
    expect(sources.filter((source) => !existsSync(source))).toEqual([]);
  });

  it('configures runsecrets through ENV RUNSECRETS_* and never sets USER (runsecrets must start as root)', () => {
    for (const name of ['node-app', 'legacy-app']) {
      expect(Object.keys(runtimeOf(stage(name)).env).filter((key) => key.startsWith('RUNSECRETS_'))).toContain('RUNSECRETS_USER');
      expect(stage(name).instructions.filter((i) => i.keyword === 'USER')).toEqual([]);
      expect(runtimeOf(stage(name)).entrypoint.slice(0, 2)).toEqual(['tini', '--']);
    }
  });
});

/** The sandbox: root for mount and PID namespaces and chroot; unshare, chroot, and tini as PID 1. */
const SANDBOX = [AS_ROOT, UNSHARE, needs('chroot', 'apt-get install coreutils'), TINI];
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SECRETS = { db_password: 'pw-$"\'\\ 123\n', 'api-key': 'k-0123456789abcdef\n' };
/** This machine's nodes under /usr, which the images do not have (node-app's is /usr/local/bin/node). */
const HOST_NODES = PATH.split(':').filter((dir) => dir.startsWith('/usr/') && !dir.startsWith('/usr/local')).map((dir) => `${dir}/node`).filter(existsSync);

/** The sandbox for stage `name`: its COPYs, users, ENV (over Docker's defaults) and ENTRYPOINT, with `cmd` or the image's CMD. */
function imageSandbox(name: string, extra: { files?: Sandbox['files']; passwd: string[]; group: string[] }, cmd?: string[]): Sandbox {
  const runtime = runtimeOf(stage(name));
  const files = copies(stages, stage(name), ROOT).map((copy) => ({ host: copy.source, image: copy.destination }));
  return {
    files: [...files, ...(extra.files ?? [])],
    passwd: ['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin', ...extra.passwd],
    group: ['root:x:0:', 'nogroup:x:65534:', ...extra.group],
    secrets: SECRETS,
    hide: HOST_NODES,
    env: { PATH, HOME: '/root', HOSTNAME: 'sandbox', ...runtime.env },
    workdir: runtime.workdir,
    argv: [...runtime.entrypoint, ...(cmd ?? runtime.cmd)],
  };
}

/** node-app: the official node image's user `node` (uid 1000) and its node at /usr/local/bin. */
const nodeApp = (cmd?: string[]): Sandbox =>
  imageSandbox('node-app', { files: [{ host: realpathSync(process.execPath), image: '/usr/local/bin/node' }], passwd: ['node:x:1000:1000::/home/node:/bin/bash'], group: ['node:x:1000:'] }, cmd);

/** legacy-app: the user its RUN creates (checked against the Dockerfile). */
const legacyApp = (cmd?: string[]): Sandbox => imageSandbox('legacy-app', { passwd: ['app:x:10001:10001::/nonexistent:/usr/sbin/nologin'], group: ['app:x:10001:'] }, cmd);

/** Prints where the app runs: its PID, its parent, PID 1, its uid, whether node is on PATH. */
const WHERE = 'echo "pid $$ ppid $(cut -d" " -f4 /proc/$$/stat) pid1 $(cat /proc/1/comm) uid $(id -u) node $(command -v node || echo none)"';

describe("the images' runtime path in a container-like sandbox (needs root: mount and PID namespaces, chroot)", requires(...SANDBOX), () => {
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
