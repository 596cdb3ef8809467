// `node bench/read-path.mjs`: what reading one secret file costs in Node's fs calls
// alone, for the ways src/secrets/ can read it, as user-space instructions per file
// (callgrind over 1,000 files, less the same run over none) and CPU time per file
// (bench/lib/runner.c, median of 9 interleaved runs; includes the kernel's share,
// which the procfs path adds to). Not part of `npm run bench`; BENCHMARKS.md has its figures.

import { cpus, tmpdir } from 'node:os';
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countInstructions, inParallel } from './lib/callgrind.mjs';
import { haveCpuTime, measureInterleaved, quantile } from './lib/measure.mjs';
import { table } from './lib/report.mjs';
import { createSecretsDir } from './lib/secrets-dir.mjs';

const WAYS = {
  'open(path), fstat, readFileSync(fd), close (today)': (dir, name) => {
    const fd = openSync(`${dir}/${name}`, 'r');
    fstatSync(fd);
    readFileSync(fd);
    closeSync(fd);
  },
  'open(path, O_NOFOLLOW), fstat, one read, close': (dir, name) => readOnce(`${dir}/${name}`),
  'open(/proc/self/fd/N/name, O_NOFOLLOW), fstat, one read, close': (dir, name, held) => readOnce(`/proc/self/fd/${held}/${name}`),
};

function readOnce(path) {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  const buffer = Buffer.allocUnsafe(fstatSync(fd).size + 1);
  readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
}

// As a child: `read-path.mjs WAY DIR` reads every file of DIR that way.
const [way, childDir] = process.argv.slice(2);
if (way !== undefined) {
  const held = openSync(childDir, constants.O_RDONLY | constants.O_DIRECTORY);
  if (way !== 'none') for (const name of readdirSync(childDir)) WAYS[way](childDir, name, held);
} else {
  const work = mkdtempSync(join(tmpdir(), 'runsecrets-bench-read-'));
  try {
    const self = fileURLToPath(import.meta.url);
    const files = createSecretsDir(1000, work);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const ways = ['none', ...Object.keys(WAYS)];
    const counts = await inParallel(ways.map((w) => () => countInstructions(process.execPath, [self, w, files], env)), cpus().length);
    const samples = measureInterleaved(ways.map((w) => ({ name: w, command: process.execPath, args: [self, w, files], env })), { runs: 9, warmup: 1 });
    const cpu = (w) => quantile(samples.get(w).map((s) => s.cpu), 0.5);
    console.log(table(['way, per file', 'instructions', 'CPU µs'], Object.keys(WAYS).map((w) => [
      w, Math.round((counts[ways.indexOf(w)] - counts[0]) / 1000).toLocaleString('en-US'), haveCpuTime ? (cpu(w) - cpu('none')).toFixed(1) : '—',
    ])));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
