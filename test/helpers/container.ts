// Dockerfile.example as data, and a container-like sandbox to run an image's runtime
// path in without a Docker engine: a private mount and PID namespace (unshare), a
// tmpfs root holding the host's /usr (the base image's programs: sh, tini, id), the
// files the stage COPYs at their image paths, the image's users, and secrets on a tmpfs
// at /run/secrets laid out as Swarm does (root-owned, 0444). The ENTRYPOINT runs as PID 1.

import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { tempDir } from './fixtures.js';

/** One `FROM … AS name` stage: its instructions in order, continuation lines joined, comments dropped. */
export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly { keyword: string; args: string }[];
}

/** Parses a Dockerfile into its stages (enough of the grammar for Dockerfile.example). */
export function parseDockerfile(text: string): Stage[] {
  const logical = text.replace(/\\\n(?:\s*#.*\n)*/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const stages: { name: string; from: string; instructions: { keyword: string; args: string }[] }[] = [];
  for (const line of logical) {
    const [, word = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const keyword = word.toUpperCase();
    if (keyword === 'FROM') {
      const [from = '', , name = `stage${stages.length}`] = args.split(/\s+/).filter((word) => !word.startsWith('--platform='));
      stages.push({ name, from, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword, args });
  }
  return stages;
}

/**
 * Stage `name` as built: a stage `FROM` another stage of the file starts with that
 * stage's instructions (its ENV, WORKDIR, COPYs, ENTRYPOINT and CMD carry over).
 */
export function builtStage(stages: readonly Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`Dockerfile.example has no stage ${name}`);
  const parent = stages.some((s) => s.name === stage.from) ? builtStage(stages, stage.from) : undefined;
  return parent === undefined ? stage : { ...stage, instructions: [...parent.instructions, ...stage.instructions] };
}

/** The symlinks the stage's RUNs make with `ln -s TARGET LINK`: link path → target. */
export function symlinksOf(stage: Stage): Record<string, string> {
  const links: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'RUN') for (const [, target = '', link = ''] of args.matchAll(/\bln -sf? (\S+) (\S+)/g)) links[link] = target;
  }
  return links;
}

/** One source of a COPY: where it is on this machine, and where it lands in the image. */
export interface Copy {
  readonly source: string;
  readonly destination: string;
}

/** Docker's automatic platform ARGs when this (amd64) machine builds for linux/TARGETARCH. */
export function platformArgs(targetArch = 'amd64'): Record<string, string> {
  return { BUILDPLATFORM: 'linux/amd64', BUILDARCH: 'amd64', TARGETPLATFORM: `linux/${targetArch}`, TARGETOS: 'linux', TARGETARCH: targetArch };
}

/** `${NAME}` and `$NAME` replaced from `args`. */
function expand(text: string, args: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => args[braced ?? bare ?? ''] ?? whole);
}

/**
 * The stage's COPYs with sources resolved on this machine: from the build context
 * (`root`), or `--from=<stage>` paths: a stage built FROM an image stands for the build,
 * whose WORKDIR `root` stands in for; a stage FROM scratch or another stage holds what
 * it copied itself, and the rest of its parent. `args`: the build ARGs (TARGETARCH, …).
 */
export function copies(stages: readonly Stage[], stage: Stage, root: string, args: Readonly<Record<string, string>> = platformArgs()): Copy[] {
  const result: Copy[] = [];
  let workdir = '/';
  for (const { keyword, args: text } of stage.instructions) {
    if (keyword === 'WORKDIR') workdir = posix.resolve(workdir, text);
    if (keyword !== 'COPY') continue;
    const words = expand(text, args).split(/\s+/);
    const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((word) => !word.startsWith('--'));
    const target = paths.pop() ?? '';
    for (const source of paths) {
      const local = from === undefined ? join(root, posix.relative('/', posix.resolve('/', source))) : sourceIn(stages, from, source, root, args);
      const into = posix.resolve(workdir, target);
      // A dir source (`src/`) copies its contents into the target; a file goes into a target ending in `/`.
      result.push({ source: local, destination: target.endsWith('/') && !source.endsWith('/') ? posix.join(into, basename(source)) : into });
    }
  }
  return result;
}

/** Where `path` of stage `name` comes from on this machine (see copies()). */
function sourceIn(stages: readonly Stage[], name: string, path: string, root: string, args: Readonly<Record<string, string>>): string {
  const stage = stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  const parent = expand(stage.from, args);
  const base = workdirOf(stage);
  const absolute = posix.resolve(base, path);
  if (parent !== 'scratch' && !stages.some((s) => s.name === parent)) return join(root, posix.relative(base, absolute));
  const own = copies(stages, stage, root, args).find((copy) => copy.destination === absolute);
  if (own !== undefined) return own.source;
  if (parent === 'scratch') throw new Error(`stage ${name} (FROM scratch) has no ${absolute}`);
  return sourceIn(stages, parent, absolute, root, args);
}

function workdirOf(stage: Stage | undefined): string {
  return stage?.instructions.filter((i) => i.keyword === 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.args), '/') ?? '/';
}

/** The stage's ENV settings (KEY=VALUE words, no quoting), its last WORKDIR, ENTRYPOINT and CMD. */
export function runtimeOf(stage: Stage): { env: Record<string, string>; workdir: string; entrypoint: string[]; cmd: string[] } {
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'ENV') for (const [, key = '', value = ''] of args.matchAll(/(\w+)=(\S*)/g)) env[key] = value;
    if (keyword === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
    if (keyword === 'CMD') cmd = JSON.parse(args) as string[];
  }
  return { env, workdir: workdirOf(stage), entrypoint, cmd };
}

/** What the sandbox holds and runs. */
export interface Sandbox {
  /** Files and dirs at their image paths (bind-mounted read-only from this machine). */
  readonly files: readonly { host: string; image: string }[];
  /** /etc/passwd and /etc/group lines. */
  readonly passwd: readonly string[];
  readonly group: readonly string[];
  /** Secret files for /run/secrets, by name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Symlinks the image has (symlinksOf): link path → target. */
  readonly links?: Readonly<Record<string, string>>;
  /** Empty writable dirs (an emptyDir volume): path → mode. */
  readonly dirs?: Readonly<Record<string, number>>;
  /** Paths of this machine's /usr hidden from the image (e.g. /usr/bin/node for an image without Node.js). */
  readonly hide: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  /** ENTRYPOINT followed by CMD: runs as PID 1. */
  readonly argv: readonly string[];
}

/** The setup run inside the namespaces, as root: $1 is the new root, $2 a dir of secrets, $3 an empty file. */
const SETUP = `set -eu
R=$1 secrets=$2 empty=$3; shift 3
mount -t tmpfs -o mode=0755 tmpfs "$R"
mkdir -p "$R/usr" "$R/etc" "$R/proc" "$R/dev" "$R/tmp" "$R/run/secrets"
chmod 1777 "$R/tmp"
mount --rbind /usr "$R/usr"
mount -t tmpfs -o mode=0755 tmpfs "$R/usr/local"
for d in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$R/$d"; elif [ -d "/$d" ]; then mkdir "$R/$d"; mount --rbind "/$d" "$R/$d"; fi
done
mount --rbind /dev "$R/dev"
mount -t proc proc "$R/proc"
cp "$secrets/passwd" "$secrets/group" "$R/etc/"
mount -t tmpfs -o mode=0755 tmpfs "$R/run/secrets"
for f in "$secrets"/run/*; do [ -e "$f" ] || continue; cp "$f" "$R/run/secrets/"; done
chown -R 0:0 "$R/run/secrets"; chmod 0444 "$R"/run/secrets/* 2>/dev/null || true
while [ "$1" != -- ]; do mount --bind "$empty" "$R$1"; shift; done; shift
while [ "$1" != -- ]; do mkdir -p "$R$(dirname "$2")"; if [ -d "$1" ]; then mkdir -p "$R$2"; else touch "$R$2"; fi; mount --bind -o ro "$1" "$R$2"; shift 2; done; shift
while [ "$1" != -- ]; do mkdir -p "$R$(dirname "$1")"; ln -s "$2" "$R$1"; shift 2; done; shift
while [ "$1" != -- ]; do mkdir -p "$R$1"; chmod "$2" "$R$1"; shift 2; done; shift
workdir=$1; shift
mkdir -p "$R$workdir"
exec chroot "$R" /usr/bin/env -i -C "$workdir" "$@"`;

/**
 * Starts `sandbox` under `unshare --mount --pid --fork --mount-proc`: the setup script
 * is PID 1 of the new PID namespace and execs the ENTRYPOINT, so that is PID 1 too.
 */
export function startSandbox(sandbox: Sandbox) {
  const root = tempDir('runsecrets-rootfs-');
  const data = tempDir('runsecrets-sandbox-');
  writeFileSync(join(data, 'passwd'), `${sandbox.passwd.join('\n')}\n`);
  writeFileSync(join(data, 'group'), `${sandbox.group.join('\n')}\n`);
  const run = join(data, 'run');
  mkdirSync(run);
  for (const [name, value] of Object.entries(sandbox.secrets)) writeFileSync(join(run, name), value);
  const empty = join(data, 'empty');
  writeFileSync(empty, '', { mode: 0o644 });
  const binds = sandbox.files.flatMap(({ host, image }) => [host, image]);
  const env = Object.entries(sandbox.env).map(([key, value]) => `${key}=${value}`);
  const links = Object.entries(sandbox.links ?? {}).flat();
  const dirs = Object.entries(sandbox.dirs ?? {}).flatMap(([path, mode]) => [path, mode.toString(8)]);
  const args = ['--mount', '--pid', '--fork', '--mount-proc', 'sh', '-c', SETUP, 'sh', root, data, empty, ...sandbox.hide, '--', ...binds, '--', ...links, '--', ...dirs, '--', sandbox.workdir, ...env, ...sandbox.argv];
  return execa('unshare', args, { reject: false, stdin: 'ignore', extendEnv: false, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
}
