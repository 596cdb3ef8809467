// The deployment examples against the images Dockerfile.example builds: every image an
// example names is a stage of it (by the image names its header gives), the paths and
// the ENTRYPOINT an example relies on are the image's, and each example runs in its
// image (a container-like sandbox, test/helpers/container.ts) with its own settings:
// Compose's service and `run --rm app --check`, Swarm's service and `docker exec …
// runsecrets --check`, Kubernetes' container with its Secret volume and emptyDir.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import { copies, runtimeOf, startSandbox, type Stage } from '../helpers/container.js';
import { kubernetesDir, tempDir } from '../helpers/fixtures.js';
import { imageSandbox, SANDBOX_NEEDS, stage, STAGES } from '../helpers/images.js';
import { allProcesses, LineLog } from '../helpers/processes.js';
import { requires } from '../helpers/requirements.js';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface ComposeService { image?: string; build?: { context: string; dockerfile: string; target: string }; environment: Record<string, string>; secrets: (string | { source: string; target: string })[] }
const compose = parse(read('examples/compose/compose.yaml')) as { services: { app: ComposeService }; secrets: Record<string, { file: string }> };
const stack = parse(read('examples/swarm/stack.yaml')) as { services: { api: ComposeService } };
interface Container { image: string; command: string[]; args: string[]; env: { name: string; value: string }[]; volumeMounts: { name: string; mountPath: string }[] }
interface PodSpec { containers: Container[]; volumes: { name: string; secret?: { defaultMode: number }; emptyDir?: object }[] }
// Kubernetes reads manifests as YAML 1.1, where `defaultMode: 0400` is octal.
const manifests = parseAllDocuments(read('examples/kubernetes/deployment.yaml'), { version: '1.1' }).map((doc) => doc.toJS() as { kind: string; stringData?: Record<string, string>; spec?: { template: { spec: PodSpec } } });
const pod = manifests.find((m) => m.kind === 'Deployment')?.spec?.template.spec as PodSpec;
const container = pod.containers[0] as Container;
const k8sEnv = Object.fromEntries(container.env.map(({ name, value }) => [name, value]));

/** Image name → stage, from the `docker build … --target STAGE -t NAME .` lines of Dockerfile.example's header. */
const BUILDS = Object.fromEntries([...read('Dockerfile.example').matchAll(/^#\s+docker build -f Dockerfile\.example --target (\S+)\s+-t (\S+) \.$/gm)].map(([, target = '', name = '']) => [name, target]));
/** The stage a `registry/name:tag` image is built from. */
const stageOfImage = (image: string): string | undefined => BUILDS[image.replace(/^[^/]+\.[^/]+\//, '').replace(/:[^/]+$/, '')];
/** Whether the built image has a file at `path` (a COPY destination). */
const hasFile = (s: Stage, path: string): boolean => copies(STAGES, s, ROOT).some((copy) => copy.destination === path);

describe('the examples name images Dockerfile.example builds, and rely on what they hold', () => {
  it('its header builds every app stage, each under its own image name, as the README does', () => {
    // The app images: the stages with an ENTRYPOINT (build and the executable stages have none).
    expect(Object.values(BUILDS)).toEqual(STAGES.map((s) => s.name).filter((name) => runtimeOf(stage(name)).entrypoint.length > 0));
    expect(Object.values(BUILDS)).toEqual(['node-app', 'kubernetes-app', 'legacy-app']);
    expect(new Set(Object.keys(BUILDS)).size).toBe(Object.keys(BUILDS).length);
    const readme = [...read('README.md').matchAll(/^docker build -f Dockerfile\.example --target (\S+) -t (\S+) \.$/gm)].map(([, target, name]) => [name, target]);
    expect(Object.fromEntries(readme)).toEqual(BUILDS);
  });

  it('Compose builds node-app from Dockerfile.example at the repository root', () => {
    expect(compose.services.app.build).toEqual({ context: '../..', dockerfile: 'Dockerfile.example', target: 'node-app' });
    expect(stageOfImage(compose.services.app.image ?? '')).toBe('node-app');
  });

  it('Swarm runs node-app, whose ENTRYPOINT its README quotes, with runsecrets on PATH for docker exec', () => {
    expect(stageOfImage(stack.services.api.image ?? '')).toBe('node-app');
    const readme = read('examples/swarm/README.md');
    expect(readme).toContain(`ENTRYPOINT ${JSON.stringify(runtimeOf(stage('node-app')).entrypoint).replaceAll(',', ', ')}`);
    expect(readme).toMatch(/docker exec .* runsecrets --check/);
    expect(copies(STAGES, stage('node-app'), ROOT).map((copy) => copy.destination)).toContain('/usr/local/bin/runsecrets');
  });

  it('Kubernetes runs kubernetes-app: its command is the ENTRYPOINT, its app and template are in the image', () => {
    const built = stage(stageOfImage(container.image) ?? 'no stage');
    expect(built.name).toBe('kubernetes-app');
    expect(container.command).toEqual(runtimeOf(built).entrypoint);
    expect(container.args[0]).toBe('node');
    expect(hasFile(built, container.args[1] ?? '')).toBe(true);
    const [source, destination] = (k8sEnv.RUNSECRETS_TEMPLATE ?? '').split(':');
    expect(hasFile(built, source ?? '')).toBe(true);
    // The rendered file goes into the emptyDir, the secrets come from the Secret volume.
    const mountOf = (name: string) => container.volumeMounts.find((m) => m.name === name)?.mountPath;
    expect(destination?.startsWith(`${mountOf(pod.volumes.find((v) => v.emptyDir !== undefined)?.name ?? '')}/`)).toBe(true);
    expect(k8sEnv.RUNSECRETS_DIR).toBe(mountOf(pod.volumes.find((v) => v.secret !== undefined)?.name ?? ''));
  });

  it.each([
    // Compose requires api-key too; Swarm maps STRIPE_KEY too.
    ['Compose', 'node-app', compose.services.app.environment, ['RUNSECRETS_REQUIRE']],
    ['Swarm', 'node-app', stack.services.api.environment, ['RUNSECRETS_MAP']],
    ['Kubernetes', 'kubernetes-app', k8sEnv, []],
  ])('%s contradicts no setting of its image, but for the ones it overrides on purpose', (_, name, env, meant) => {
    const image = runtimeOf(stage(name)).env;
    const truthy = (value: string) => (/^(1|true|yes)$/i.test(value) ? 'on' : value);
    expect(Object.keys(env).filter((key) => key in image && truthy(image[key] ?? '') !== truthy(env[key] ?? ''))).toEqual(meant);
  });

  it('the legacy-app README shows the stage as it is', () => {
    const shown = /```dockerfile\n([\s\S]*?)```/.exec(read('examples/legacy-app/README.md'))?.[1] ?? '';
    const instructions = (text: string) => text.replace(/\\\n\s*/g, ' ').split('\n').map((line) => line.trim().replace(/\s+/g, ' ')).filter(Boolean);
    const stageLines = stage('legacy-app').instructions.map((i) => `${i.keyword} ${i.args}`.replace(/\s+/g, ' '));
    expect(instructions(shown).filter((line) => !stageLines.includes(line))).toEqual([]);
    expect(instructions(shown).length).toBeGreaterThanOrEqual(4);
  });
});

/** The secrets of a Compose or Swarm service as the platform mounts them in /run/secrets: by target name. */
function serviceSecrets(service: ComposeService, values: (source: string) => string): Record<string, string> {
  return Object.fromEntries(service.secrets.map((secret) => (typeof secret === 'string' ? [secret, values(secret)] : [secret.target, values(secret.source)])));
}

/** The names of the variables the sample app lists (`  NAME   N chars`). */
const received = (stdout: string): string[] => stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim().split(/\s+/)[0] ?? '');

describe('each example runs in its image (a container-like sandbox; needs root)', requires(...SANDBOX_NEEDS), () => {
  const devSecret = (name: string) => readFileSync(join(ROOT, 'examples/compose', compose.secrets[name]?.file ?? ''), 'utf8');

  it('Compose: `up` runs the sample app as node with its variables; `run --rm app --check` shows the plan', async () => {
    const sandbox = { secrets: serviceSecrets(compose.services.app, devSecret), env: compose.services.app.environment };
    const up = await startSandbox(imageSandbox('node-app', sandbox));
    expect(up.stderr).not.toMatch(/error/);
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toMatch(/^sample app: pid \d+, uid 1000, HOME=\/home\/node$/m);
    expect(received(up.stdout)).toEqual(['API_KEY', 'PGPASSWORD', 'SMTP_PASSWORD', 'SMTP_USER']);
    const check = await startSandbox(imageSandbox('node-app', { ...sandbox, cmd: ['--check'] }));
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toMatch(/^runsecrets check: ok$/m);
    expect(check.stdout).toMatch(/^command: \(none given\)$/m);
  });

  it('Swarm: the service gets only its mapped secrets; `docker exec … runsecrets --check` finds runsecrets on PATH', async () => {
    const values: Record<string, string> = { db_password_v1: 'first-password', stripe_key_v1: 'sk_test_first' };
    const sandbox = { secrets: serviceSecrets(stack.services.api, (source) => values[source] ?? ''), env: stack.services.api.environment };
    const show = ['sh', '-c', 'id -u; echo "${#PGPASSWORD} ${#STRIPE_KEY} ${API_KEY-unset}"'];
    const task = await startSandbox(imageSandbox('node-app', { ...sandbox, cmd: show }));
    expect(task).toMatchObject({ exitCode: 0, stdout: '1000\n14 13 unset' });
    // docker exec runs the command alone, in the container's environment: no ENTRYPOINT.
    const exec = imageSandbox('node-app', sandbox);
    const check = await startSandbox({ ...exec, argv: ['runsecrets', '--check', '--log-format', 'json'] });
    expect(check.exitCode).toBe(0);
    expect((JSON.parse(check.stdout) as { variables: { name: string }[] }).variables.map((v) => v.name)).toEqual(['PGPASSWORD', 'STRIPE_KEY']);
    // Negative control: without the image's runsecrets on PATH there is none to exec.
    const without = await startSandbox({ ...exec, files: exec.files.filter((file) => file.image !== '/usr/local/bin/runsecrets'), argv: ['runsecrets', '--check'] });
    expect(without.exitCode).toBe(127);
  });

  it('Kubernetes: the container renders database.json from its Secret volume into the emptyDir, runs as node, stops on SIGTERM', async () => {
    const secret = manifests.find((m) => m.kind === 'Secret')?.stringData ?? {};
    const volume = pod.volumes.find((v) => v.secret !== undefined);
    const mountOf = (name: string | undefined) => container.volumeMounts.find((m) => m.name === name)?.mountPath ?? '';
    const keys = kubernetesDir(secret, tempDir());
    const sub = startSandbox(imageSandbox('kubernetes-app', {
      secrets: {},
      env: k8sEnv,
      files: [{ host: keys, image: mountOf(volume?.name) }],
      dirs: { [mountOf(pod.volumes.find((v) => v.emptyDir !== undefined)?.name)]: 0o777 },
    }));
    const [out, err] = [new LineLog(sub.stdout), new LineLog(sub.stderr)];
    // Kubernetes' command and args replace the image's ENTRYPOINT and CMD: here they are the same.
    await out.waitFor('app: READY').catch((error: Error) => {
      throw new Error(`${error.message}\nrunsecrets said:\n${err.text}`);
    });
    expect(out.lines[0]).toBe(`app: loaded /run/app/database.json: user ${secret.db_user?.length} chars, password ${secret.db_password?.length} chars`);
    // The start line follows the watcher's readiness, which may come after the app's.
    await err.waitFor(/^runsecrets: supervising \S+ \(pid \d+\) as node \(1000:1000\) with 0 variable\(s\) from secrets; watching/);
    const tini = allProcesses().find((p) => p.ppid === sub.pid);
    if (tini === undefined) throw new Error(`no child of unshare (${sub.pid})`);
    expect(tini.argv.slice(0, 3)).toEqual(['tini', '--', 'runsecrets']);
    process.kill(tini.pid, 'SIGTERM');
    expect((await sub).exitCode).toBe(0);
  });
});
