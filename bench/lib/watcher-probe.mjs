// For bench/watch.mjs, what chokidar costs: a node that watches DIR with one fs.watch
// (`fs.watch`) or with chokidar under runsecrets' options (`chokidar`: inotify,
// symlinks not followed, regular files not watched one by one, as
// src/watch/file-watcher.ts does), set up as the supervisor is: V8's optimizing
// compilers off and the start's garbage collected (src/watch/resident.ts). Bundled by
// the bench, as runsecrets is. Prints READY when watching; then idles.
//
//   node watcher-probe.mjs fs.watch|chokidar DIR

import { watch } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const [mode, dir] = process.argv.slice(2);
for (const flag of ['--no-turbofan', '--no-maglev', '--semi-space-growth-factor=1']) setFlagsFromString(flag);
if (mode === 'fs.watch') watch(dir, () => {});
if (mode === 'chokidar') {
  const chokidar = await import('chokidar');
  const watcher = chokidar.watch([dir], { ignoreInitial: true, followSymlinks: false, atomic: false, ignorePermissionErrors: true, ignored: (path, stats) => stats?.isFile() === true });
  await new Promise((resolve) => watcher.once('ready', resolve));
}
setFlagsFromString('--expose-gc');
runInNewContext('gc')({ type: 'major', execution: 'sync', flavor: 'last-resort' });
process.stdout.write('READY\n');
setInterval(() => {}, 1 << 30);
