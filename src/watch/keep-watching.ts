// Watching that never stops silently (issue 11, item 5). On top of the chokidar adapter:
// files that are mount points themselves get a watch of their own (mounts.ts); when
// inotify cannot be had (this user's instances or watches used up, e.g. by the app
// running as the same user), it polls instead and says so; and refresh(), called by the
// periodic resync, sets the watcher up again when the mount table changed under the
// watched paths (a tmpfs mounted over a secret dir after the start).

import type { Logger } from '../log.js';
import { watchFiles, type FileWatcher } from './file-watcher.js';
import { mountedFiles, mountsKey, readMounts, type Mount } from './mounts.js';
import { withParents, type WatchRoot } from './watch-paths.js';

/** The polling interval, in ms, once inotify has proved unavailable. */
export const FALLBACK_POLL = 1000;

/** A watcher that can be set up again. */
export interface KeptWatcher {
  /** Sets the watcher up again if the mounts at or around the watched paths changed; true if it did. */
  refresh(): Promise<boolean>;
  close(): Promise<void>;
}

/** What to watch: the roots, and the single files read (NAME_FILE targets, secrets, --env-files, template files). */
export interface WatchTargets {
  readonly roots: readonly WatchRoot[];
  readonly files: readonly string[];
}

/** Starts watching `targets`; resolves once the first scan is done. */
export async function keepWatching(targets: WatchTargets, poll: number | undefined, onChange: (event: string, path: string) => void, log: Logger, mounts: () => Mount[] = readMounts): Promise<KeptWatcher> {
  const dirs = withParents(targets.roots).map((root) => root.dir);
  let interval = poll;
  let key = '';
  let current: FileWatcher | undefined;
  let closed = false;
  // Every (re)start runs after the one before: never two watchers racing to be current.
  let chain = Promise.resolve();
  const restart = (): Promise<void> => (chain = chain.then(start));

  async function start(): Promise<void> {
    if (closed) return;
    const table = mounts();
    key = mountsKey(table, dirs);
    const files = interval === undefined ? mountedFiles(table, targets.roots, targets.files) : [];
    if (files.length > 0) log.debug(`watching ${files.join(', ')} on their own: each is a mount point, whose writes its directory's watch does not see`);
    // The old one goes first: chokidar shares one fs.watch per path among its watchers,
    // so a new watcher started beside it would take over its watch of the old inode.
    // What changes in between, the resync's read right after a refresh() picks up.
    await current?.close();
    current = undefined;
    const next = await watchFiles(targets.roots, { poll: interval, mountedFiles: files }, onChange, unavailable, log);
    if (closed) await next.close();
    else current = next;
  }
  // inotify refused (at start or later): poll from now on, and say so once.
  function unavailable(code: string): void {
    if (interval !== undefined || closed) return;
    interval = FALLBACK_POLL;
    const what = code === 'EMFILE' ? 'instances (fs.inotify.max_user_instances)' : 'watches (fs.inotify.max_user_watches)';
    log.warn(`inotify is unavailable (${code}: this user's limit of inotify ${what} is reached, perhaps by the app running as the same user); polling every ${FALLBACK_POLL / 1000}s instead`);
    void restart();
  }

  // A refusal during the first scan queues the polling start: wait for it too.
  await restart();
  for (let seen = chain; ; seen = chain) {
    await seen;
    if (seen === chain) break;
  }
  return {
    async refresh() {
      if (closed || mountsKey(mounts(), dirs) === key) return false;
      log.debug('the mounts at the watched paths changed; watching them again');
      await restart();
      return true;
    },
    async close() {
      closed = true;
      await chain;
      await current?.close();
      current = undefined;
    },
  };
}
