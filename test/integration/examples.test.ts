// The deployment examples, run here: each test reads the example's own YAML, lays the
// secrets out as that platform mounts them, and runs runsecrets with the RUNSECRETS_*
// settings of its image (Dockerfile.example) and of the example over them. The one
// difference from a real container is RUNSECRETS_DIR, which points at the temp dir
// standing in for /run/secrets. examples-images.test.ts runs them in their images.

import { execa } from 'execa';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT, baseEnv, runCli } from '../helpers/cli.js';
import { runtimeOf } from '../helpers/container.js';
import { kubernetesDir, kubernetesUpdate, tempDir } from '../helpers/fixtures.js';
import { stage } from '../helpers/images.js';
import { AS_ROOT, requires, TINI, USERADD } from '../helpers/requirements.js';
import { killWatch, startWatch } from '../helpers/watch.js';

interface Service {
  environment: Record<string, string>;
  build?: { target: string };
  secrets: (string | { source: string; target: string })[];
}

interface ComposeFile {
  services: Record<string, Service>;
  secrets: Record<string, { file?: string; external?: boolean }>;
}

/** The RUNSECRETS_* settings image `name` has (its other ENV, like NODE_COMPILE_CACHE, is for the image only). */
function imageSettings(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(runtimeOf(stage(name)).env).filter(([key]) => key.startsWith('RUNSECRETS_')));
}

function readExample(path: string): ComposeFile {
  return parse(readFileSync(join(ROOT, path), 'utf8')) as ComposeFile;
}

/** Creates `name` like the official node images' user unless it exists; removes it afterwards. */
function useAccount(name: string): { home: string; uid: () => number } {
  let created = false;
  let uid = -1;
  const admin = { env: baseEnv(), extendEnv: false } as const;
  beforeAll(async () => {
    const exists = await execa('id', ['-u', name], { ...admin, reject: false });
    if (exists.exitCode !== 0) {
      await execa('useradd', ['--no-create-home', '--home-dir', `/home/${name}`, '--shell', '/bin/sh', '--user-group', name], admin);
      created = true;
    }
    uid = Number((await execa('id', ['-u', name], admin)).stdout);
  });
  afterAll(async () => {
    if (created) await execa('userdel', [name], { ...admin, reject: false });
  });
  return { home: `/home/${name}`, uid: () => uid };
}

describe('examples/compose: local development with file secrets (needs root: switches to the node user)', requires(AS_ROOT, USERADD), () => {
  const compose = readExample('examples/compose/compose.yaml');
  const service = compose.services.app as Service;
  const account = useAccount(service.environment.RUNSECRETS_USER as string);

  it('gives the sample app its mapped, automatic and dotenv variables as the node user', async () => {
    // Compose mounts each file secret at /run/secrets/NAME, and the app at working_dir.
    const secrets = tempDir();
    for (const name of service.secrets as string[]) {
      copyFileSync(join(ROOT, 'examples/compose', compose.secrets[name]?.file as string), join(secrets, name));
    }
    const app = tempDir();
    cpSync(join(ROOT, 'examples/sample-app'), app, { recursive: true });

    // The image's node (node:24-slim has it in /usr/local/bin) is the one running the tests,
    // so that the app also runs where scripts/test-packaged.mjs hides the system's node.
    const path = `${dirname(process.execPath)}:${baseEnv().PATH}`;
    const { cmd } = runtimeOf(stage(service.build?.target ?? ''));
    const result = await runCli(cmd, { env: baseEnv({ ...imageSettings('node-app'), ...service.environment, RUNSECRETS_DIR: secrets, PATH: path }), cwd: app });

    expect(result.stderr).not.toMatch(/error/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`uid ${account.uid()}, HOME=${account.home}`);
    const received = result.stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim().split(/\s+/)[0]);
    expect(received).toEqual(['API_KEY', 'PGPASSWORD', 'SMTP_PASSWORD', 'SMTP_USER']);
    expect(result.stdout).toContain('RUNSECRETS_* variables visible: none');
  });

  it('refuses to start the app when a required secret is not mounted', async () => {
    const secrets = tempDir();
    const result = await runCli(runtimeOf(stage('node-app')).cmd, { env: baseEnv({ ...imageSettings('node-app'), ...service.environment, RUNSECRETS_DIR: secrets }), cwd: ROOT });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/secret "db_password" is required/);
  });
});

describe('examples/swarm: external secrets on a tmpfs, root-owned 0444 (needs root)', requires(AS_ROOT, USERADD), () => {
  const stack = readExample('examples/swarm/stack.yaml');
  const service = stack.services.api as Service;
  const account = useAccount(service.environment.RUNSECRETS_USER as string);

  /** Swarm's layout: one root-owned 0444 file per secret, named by its target. */
  function mount(values: Record<string, string>): string {
    const dir = tempDir();
    for (const secret of service.secrets as { source: string; target: string }[]) {
      expect(stack.secrets[secret.source]?.external).toBe(true);
      const path = join(dir, secret.target);
      writeFileSync(path, values[secret.target] as string);
      chmodSync(path, 0o444);
    }
    return dir;
  }

  const env = (dir: string) => baseEnv({ ...imageSettings('node-app'), ...service.environment, RUNSECRETS_DIR: dir });
  const printEnv = ['sh', '-c', 'id -u; echo "${#PGPASSWORD} ${#STRIPE_KEY} ${API_KEY-unset}"'];

  it('maps only the listed secrets and runs the app as node', async () => {
    const dir = mount({ db_password: 'first-password', stripe_key: 'sk_test_first' });
    const result = await runCli(printEnv, { env: env(dir) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([String(account.uid()), '14 13 unset']);
  });

  it('a rotated secret (new version, same target) changes its fingerprint and nothing else', async () => {
    const check = async (password: string) => {
      const result = await runCli(['--check', '--log-format', 'json', ...printEnv], { env: env(mount({ db_password: password, stripe_key: 'sk_test_first' })) });
      expect(result.exitCode).toBe(0);
      const plan = JSON.parse(result.stdout) as { variables: { name: string; sha256: string }[] };
      return Object.fromEntries(plan.variables.map((v) => [v.name, v.sha256]));
    };
    const before = await check('first-password');
    const after = await check('second-password');
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after.PGPASSWORD).not.toBe(before.PGPASSWORD);
    expect(after.STRIPE_KEY).toBe(before.STRIPE_KEY);
  });
});

interface KubernetesDocument {
  kind: string;
  stringData?: Record<string, string>;
  spec?: {
    template: {
      spec: {
        containers: { command: string[]; args: string[]; env: { name: string; value: string }[]; volumeMounts: { name: string; mountPath: string }[] }[];
        volumes: { name: string; secret?: { secretName: string; defaultMode: number } }[];
      };
    };
  };
}

describe('examples/kubernetes: Secret volume → rendered config → reload signal (needs root: switches to the node user; tini in front)', requires(AS_ROOT, USERADD, TINI), () => {
  // Kubernetes reads manifests as YAML 1.1, where `defaultMode: 0400` is octal.
  const documents = parseAllDocuments(readFileSync(join(ROOT, 'examples/kubernetes/deployment.yaml'), 'utf8'), { version: '1.1' }).map((doc) => doc.toJS() as KubernetesDocument);
  const secret = documents.find((doc) => doc.kind === 'Secret')?.stringData as Record<string, string>;
  const pod = documents.find((doc) => doc.kind === 'Deployment')?.spec?.template.spec;
  const container = pod?.containers[0];
  const volume = pod?.volumes.find((v) => v.secret !== undefined);
  const account = useAccount(container?.env.find((e) => e.name === 'RUNSECRETS_USER')?.value as string);

  it('renders database.json for node from root-only 0400 keys and sends SIGHUP, not a restart, on a ..data swap', async () => {
    if (container === undefined || volume?.secret === undefined) throw new Error('deployment.yaml: no container or Secret volume');
    expect(container.command).toEqual(['tini', '--', 'runsecrets']);
    const secretMount = container.volumeMounts.find((m) => m.name === volume.name)?.mountPath as string;

    // The pod's filesystem under one temp root: the image's /app, kubelet's Secret
    // volume (root-owned, defaultMode) and the emptyDir for rendered files (0777).
    const root = tempDir();
    const at = (path: string): string => join(root, path);
    cpSync(join(ROOT, 'examples/kubernetes'), at('/app'), { recursive: true });
    const secrets = kubernetesDir(secret, at(secretMount));
    const applyMode = (): void => {
      for (const entry of readdirSync(secrets)) if (entry.startsWith('..2026')) for (const key of readdirSync(join(secrets, entry))) chmodSync(join(secrets, entry, key), volume.secret?.defaultMode ?? 0o644);
    };
    applyMode();
    mkdirSync(at('/run/app'), { recursive: true, mode: 0o777 });
    chmodSync(at('/run/app'), 0o777);
    const moved = (value: string): string => value.replace(/(^|:)(\/(?:app|run)\/)/g, (_, sep: string, path: string) => `${sep}${at(path)}`);

    const env = Object.fromEntries([...Object.entries(imageSettings('kubernetes-app')), ...container.env.map(({ name, value }) => [name, value] as const)].map(([name, value]) => [name, moved(value)]));
    const path = `${dirname(process.execPath)}:${baseEnv().PATH}`;
    // tini -s: a subreaper in front, as it is PID 1 in the pod.
    const watched = await startWatch(container.args.map(moved), { env: baseEnv({ ...env, PATH: path }), prefix: ['tini', '-s', '--'], ready: false });
    try {
      const config = at('/run/app/database.json');
      // runsecrets' own lines say why when the app never gets ready.
      await watched.out.waitFor('app: READY').catch((error: Error) => {
        throw new Error(`${error.message}\nrunsecrets said:\n${watched.err.text}`);
      });
      expect(watched.out.lines[0]).toBe(`app: loaded ${config}: user ${secret.db_user?.length} chars, password ${secret.db_password?.length} chars`);
      // The keys are root-only, so the supervisor stays root and says why; the file is node's alone.
      expect(volume.secret.defaultMode).toBe(0o400);
      expect(watched.err.text).toMatch(/supervisor stays root: user node \(\d+\) cannot read \S+\/db_password \(owner 0:0, mode 0400\)/);
      expect(statSync(config)).toMatchObject({ uid: account.uid(), mode: 0o100600 });

      kubernetesUpdate(secrets, { ...secret, db_password: 'rotated-by-kubectl-apply' });
      applyMode();
      await watched.out.waitFor(`app: reloaded ${config}: user ${secret.db_user?.length} chars, password 24 chars`);
      await watched.err.waitFor(/^runsecrets: rotation: secret db_password sha256:\w{8}→\w{8}, \S+database\.json sha256:\w{8}→\w{8}; rendered, sent SIGHUP in \d+ ms$/);
      expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ host: env.DB_HOST, user: secret.db_user, password: 'rotated-by-kubectl-apply' });
      expect(watched.out.count('app: READY')).toBe(1);
      expect(`${watched.out.text}\n${watched.err.text}`).not.toContain('rotated-by-kubectl-apply');

      watched.sub.kill('SIGTERM');
      expect(await watched.exited).toBe(0);
    } finally {
      await killWatch(watched);
    }
  });
});
