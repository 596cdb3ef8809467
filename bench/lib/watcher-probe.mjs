// For bench/watch.mjs, what chokidar costs: an idle node that watches DIR with nothing
// (`none`), with one fs.watch (`fs.watch`), or with chokidar under runsecrets' options
// (`chokidar`: inotify, symlinks not followed, regular files not watched one by one, as
// src/watch/file-watcher.ts does). Prints READY when watching; then idles.
//
//   node bench/lib/watcher-probe.mjs none|fs.watch|chokidar DIR

import { watch } from 'node:fs';

const [mode, dir] = process.argv.slice(2);
if (mode === 'fs.watch') watch(dir, () => {});
if (mode === 'chokidar') {
  const chokidar = await import('chokidar');
  const watcher = chokidar.watch([dir], { ignoreInitial: true, followSymlinks: false, atomic: false, ignorePermissionErrors: true, ignored: (path, stats) => stats?.isFile() === true });
  await new Promise((resolve) => watcher.once('ready', resolve));
}
process.stdout.write('READY\n');
setInterval(() => {}, 1 << 30);
