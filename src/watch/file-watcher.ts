// The chokidar adapter: watches the roots (watch-paths.ts) with inotify, or by polling
// with --poll, and reports that something changed. Which event it was does not matter:
// every settled change leads to a full re-read and a comparison by content. When
// inotify cannot be had (EMFILE, ENOSPC), it says so to `onUnavailable` rather than
// leave a watcher that sees nothing (keep-watching.ts then polls).

import type { FSWatcher } from 'chokidar';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { isIgnored, withParents, type WatchRoot } from './watch-paths.js';

/** A running watcher. */
export interface FileWatcher {
  close(): Promise<void>;
}

/** How to watch: polling interval in ms, or undefined for inotify. */
export interface WatchOptions {
  readonly poll: number | undefined;
  /** Files that are mount points themselves (mounts.ts): with inotify, each gets a watch on its own inode. */
  readonly mountedFiles: readonly string[];
}

/** inotify errors that mean no watch can be had: this user's instances (EMFILE) or watches (ENOSPC) are used up. */
const UNAVAILABLE = new Set(['EMFILE', 'ENOSPC']);

/**
 * Starts watching and resolves once the initial scan is done; `onChange` is called for
 * each change after that, with the path chokidar reports.
 *
 * With inotify, regular files get no watcher of their own: a directory's watch already
 * reports writes, renames and deletions of its entries (chokidar's `raw` events), and
 * one fs.watch per file would cost memory for every secret (BENCHMARKS.md, "Watch
 * mode"). Symlinks stay chokidar's: that is how a Kubernetes `..data` swap shows. A
 * poll, by contrast, sees a file's writes only by stat-ing the file itself.
 */
export async function watchFiles(roots: readonly WatchRoot[], options: WatchOptions, onChange: (event: string, path: string) => void, onUnavailable: (code: string) => void, log: Logger): Promise<FileWatcher> {
  // Nothing to watch (only an explicit dir, gone since it was read): chokidar given no
  // path would never report ready, so supervision goes on without it.
  if (roots.length === 0) return { close: async () => {} };
  const { watch } = await import('chokidar');
  const watched = withParents(roots);
  const polling = options.poll !== undefined;
  const mounted = new Set(polling ? [] : options.mountedFiles);
  const watcher = watch(
    [...watched.map((root) => root.dir), ...mounted],
    {
      ignoreInitial: true,
      // Off: a Kubernetes key is a symlink, and chokidar notices its target changing
      // (the `..data` swap) only when it watches the link itself.
      followSymlinks: false,
      // Off: it holds unlink events back 100 ms to merge editors' atomic saves, which
      // --wait already does for every kind of change.
      atomic: false,
      // Judge files by what runsecrets can read, not by their owner's read bit.
      ignorePermissionErrors: true,
      usePolling: polling,
      ...(polling ? { interval: options.poll, binaryInterval: options.poll } : {}),
      ignored: (path: string, stats?: { isFile(): boolean }) => isIgnored(path, watched) || (!polling && stats?.isFile() === true && !mounted.has(path)),
    },
  );
  let ready = false;
  watcher.on('all', (event, path) => {
    if (ready) onChange(event, path);
  });
  if (!polling) {
    watcher.on('raw', (event, name, details) => {
      const path = join((details as { watchedPath?: string }).watchedPath ?? '', name ?? '');
      if (ready && !isIgnored(path, watched)) onChange(`raw ${event}`, path);
    });
  }
  watcher.on('error', (error) => {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (!polling && UNAVAILABLE.has(code)) onUnavailable(code);
    else log.warn(`watching failed: ${code}; changes may be missed until the next --resync`);
  });
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  ready = true;
  return { close: () => closeWatcher(watcher) };
}

/**
 * chokidar's close() forgets its throttles without clearing their timers. A directory
 * read under way at that moment (on a busy parent such as /tmp, often) leaves its 1 s
 * `readdir` throttle running, which kept runsecrets alive for a second after the app
 * had exited (chokidar 5, handler.js `_handleRead`: the read's end returns early once
 * the watcher is closed, before `throttler.clear()`).
 */
async function closeWatcher(watcher: FSWatcher): Promise<void> {
  for (const throttles of watcher._throttled.values()) {
    for (const throttle of throttles.values()) (throttle as { clear(): void }).clear();
  }
  await watcher.close();
}
