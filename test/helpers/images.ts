// The images Dockerfile.example builds, as sandboxes (container.ts) to run them in:
// each stage as built (what it inherits included), its COPYs and symlinks, ENV over
// Docker's defaults, WORKDIR, ENTRYPOINT and CMD, and the users the base image has.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { builtStage, copies, parseDockerfile, runtimeOf, symlinksOf, type Sandbox, type Stage } from './container.js';
import { needs, AS_ROOT, TINI, UNSHARE } from './requirements.js';

/** Every stage of Dockerfile.example, in order. */
export const STAGES = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile.example'), 'utf8'));

/** Stage `name` as built, with what it inherits from a stage it is FROM. */
export const stage = (name: string): Stage => builtStage(STAGES, name);

/** What a sandbox needs: root for mount and PID namespaces and chroot; unshare, chroot, and tini as PID 1. */
export const SANDBOX_NEEDS = [AS_ROOT, UNSHARE, needs('chroot', 'apt-get install coreutils'), TINI];

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** This machine's nodes under /usr, which the images do not have (the node images' is /usr/local/bin/node). */
const HOST_NODES = PATH.split(':').filter((dir) => dir.startsWith('/usr/') && !dir.startsWith('/usr/local')).map((dir) => `${dir}/node`).filter(existsSync);

/** The users and the node of the base images: the official node image's `node` (uid 1000), legacy-app's `app` (its RUN creates it). */
const BASES: Record<string, { files?: Sandbox['files']; passwd: string[]; group: string[] }> = {
  node: { files: [{ host: realpathSync(process.execPath), image: '/usr/local/bin/node' }], passwd: ['node:x:1000:1000::/home/node:/bin/bash'], group: ['node:x:1000:'] },
  debian: { passwd: ['app:x:10001:10001::/nonexistent:/usr/sbin/nologin'], group: ['app:x:10001:'] },
};

/**
 * The sandbox for image `name`: its files, links, users, ENV (over Docker's defaults,
 * then `options.env`, as `docker run -e` or a manifest's env) and ENTRYPOINT, then
 * `options.cmd` or the image's CMD.
 */
export function imageSandbox(name: string, options: { secrets: Sandbox['secrets']; env?: Record<string, string>; cmd?: readonly string[]; files?: Sandbox['files']; dirs?: Sandbox['dirs'] }): Sandbox {
  const built = stage(name);
  const base = BASES[name === 'legacy-app' ? 'debian' : 'node'] ?? { passwd: [], group: [] };
  const runtime = runtimeOf(built);
  const files = copies(STAGES, built, ROOT).map((copy) => ({ host: copy.source, image: copy.destination }));
  return {
    // A later COPY to the same path wins, as in the image.
    files: [...new Map([...files, ...(base.files ?? []), ...(options.files ?? [])].map((file) => [file.image, file])).values()],
    links: symlinksOf(built),
    dirs: options.dirs ?? {},
    passwd: ['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin', ...base.passwd],
    group: ['root:x:0:', 'nogroup:x:65534:', ...base.group],
    secrets: options.secrets,
    hide: HOST_NODES,
    env: { PATH, HOME: '/root', HOSTNAME: 'sandbox', ...runtime.env, ...options.env },
    workdir: runtime.workdir,
    argv: [...runtime.entrypoint, ...(options.cmd ?? runtime.cmd)],
  };
}
