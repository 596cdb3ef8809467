// `npm run bench`: how long runsecrets takes from `node …` to exec'ing the command,
// next to `node -e 0` (the cost of starting Node at all), gosu (a native peer) and
// /bin/true (the cost of creating a process). See BENCHMARKS.md for method and figures.
//
//   BENCH_RUNS=40    measured rounds (each round runs every case once)
//   BENCH_WARMUP=5   rounds run first and thrown away

import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, homedir, release, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureInterleaved, quantile, timeOnce } from './lib/measure.mjs';
import { createSecretsDir } from './lib/secrets-dir.mjs';
import { createTemplatesDir } from './lib/templates-dir.mjs';

const GOAL_MS = 5;
const root = fileURLToPath(new URL('..', import.meta.url));
const runs = wholeNumber('BENCH_RUNS', 40, 1);
const warmup = wholeNumber('BENCH_WARMUP', 5, 0);
const node = process.execPath;
const trueBin = '/bin/true';

// 1. One environment for every case, the small one a container starts with (Docker's
// default PATH, HOME), rather than the caller's: nothing of npm's, no RUNSECRETS_* twins,
// no compile cache, no NODE_EXTRA_CA_CERTS (most images do not set it; it gets its own
// pair of cases below).
const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: homedir() };
const caCerts = process.env.NODE_EXTRA_CA_CERTS ?? (existsSync('/etc/ssl/certs/ca-certificates.crt') ? '/etc/ssl/certs/ca-certificates.crt' : undefined);
const secrets = createSecretsDir(100);
// The templates case (BENCHMARKS.md, "Templates"): 100 templates over 1,000 secrets.
const manySecrets = createSecretsDir(1000);
const templates = createTemplatesDir(manySecrets.dir, 100);
const cacheDir = mkdtempSync(join(tmpdir(), 'runsecrets-bench-cache-'));

// 2. The cases. Every runsecrets case reads the 100 secrets and execs /bin/true.
const run = (entry, level = 'warn') => [entry, '--log-level', level, '--dir', secrets.dir, '--', trueBin];
const bundle = join(root, 'dist/runsecrets.mjs');
const cases = [
  { name: 'node -e 0', command: node, args: ['-e', '0'], env },
  { name: 'bundle (dist/runsecrets.mjs)', command: node, args: run(bundle), env },
  { name: 'unbundled (lib/bin/runsecrets.js)', command: node, args: run(join(root, 'lib/bin/runsecrets.js')), env },
];
const notes = [];
// Standalone executables, when built: the shipped one (npm run build:exe, Bun) and the
// Node.js SEA it was chosen over (node scripts/build-exe.mjs --node-sea; BENCHMARKS.md).
// Each is measured only if built from the current bundle (its .bundle-sha256 stamp).
const bundleHash = createHash('sha256').update(readFileSync(bundle)).digest('hex');
for (const [file, name] of [['dist/runsecrets-linux-x64', 'standalone exe (Bun)'], ['dist/runsecrets-linux-x64-node-sea', 'standalone exe (Node.js SEA)']]) {
  const exe = join(root, file);
  const stamp = `${exe}.bundle-sha256`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === bundleHash) cases.push({ name: `${name} ${file.slice(5)}`, command: exe, args: run(exe).slice(1), env });
  else if (existsSync(exe)) notes.push(`${file}: skipped, built from another bundle (rebuild it: scripts/build-exe.mjs)`);
  else if (!file.endsWith('-sea')) notes.push(`${file}: skipped, not built (npm run build:exe)`);
}
const gosu = findOnPath('gosu');
if (gosu === undefined) notes.push('gosu: skipped, not installed (apt-get install -y gosu)');
else if (process.getuid?.() !== 0) notes.push('gosu: skipped, switching users needs root');
else cases.push({ name: 'gosu nobody /bin/true', command: gosu, args: ['nobody', trueBin], env });
cases.push({ name: '/bin/true (floor)', command: trueBin, args: [], env });
const extras = [];
if (caCerts === undefined) notes.push('NODE_EXTRA_CA_CERTS: no CA bundle to test with; pair skipped');
else {
  const withCa = { ...env, NODE_EXTRA_CA_CERTS: caCerts };
  extras.push({ name: 'node -e 0, NODE_EXTRA_CA_CERTS set', command: node, args: ['-e', '0'], env: withCa });
  extras.push({ name: 'bundle, NODE_EXTRA_CA_CERTS set', command: node, args: run(bundle), env: withCa });
}
extras.push({ name: 'bundle, NODE_COMPILE_CACHE warm', command: node, args: run(bundle), env: { ...env, NODE_COMPILE_CACHE: cacheDir } });
// The default --log-level info writes a start line; under Docker stderr is a pipe.
extras.push({ name: 'bundle, --log-level info, stderr a pipe', command: node, args: run(bundle, 'info'), env, stderrPipe: true });
// Templates: 1,000 secrets (--explicit: no variables, so the rows differ by the templates
// alone), without templates, then 100 templates rendered and written to a fresh dir, then
// the same 100 rendered again over unchanged files (nothing written).
const explicitRun = (extra) => [bundle, '--log-level', 'warn', '--explicit', '--dir', manySecrets.dir, ...extra, '--', trueBin];
const renderTo = ['--template', `${templates.dir}:${templates.out}`];
extras.push({ name: 'bundle, 1,000 secrets, no templates', command: node, args: explicitRun([]), env });
extras.push({ name: 'bundle, 1,000 secrets, 100 templates written', command: node, args: explicitRun(renderTo), env, before: () => rmSync(templates.out, { recursive: true, force: true }) });
extras.push({ name: 'bundle, 1,000 secrets, 100 templates unchanged', command: node, args: explicitRun(renderTo), env });
// BENCH_BASELINE=path/to/other/runsecrets.mjs: the same 100-secret run with another build, e.g. the one before a change.
if (process.env.BENCH_BASELINE !== undefined) extras.push({ name: 'baseline bundle (BENCH_BASELINE)', command: node, args: run(process.env.BENCH_BASELINE), env });

// 3. Measure, all cases interleaved; check first that each one runs at all.
try {
  for (const c of [...cases, ...extras]) timeOnce(c);
  console.log(`node ${process.version} (${node}), ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, Linux ${release()}`);
  console.log(`NODE_EXTRA_CA_CERTS is ${process.env.NODE_EXTRA_CA_CERTS === undefined ? 'not set' : `set (${process.env.NODE_EXTRA_CA_CERTS})`} here; the main table runs without it`);
  console.log(`${runs} interleaved rounds after ${warmup} warm-up rounds; 100 secrets in ${secrets.dir}\n`);
  const samples = measureInterleaved([...cases, ...extras], { runs, warmup });
  report(samples);
} finally {
  secrets.remove();
  manySecrets.remove();
  templates.remove();
  rmSync(cacheDir, { recursive: true, force: true });
}

/** Prints the table, the CA bundle's effect and the goal status. */
function report(samples) {
  const median = (name) => quantile(samples.get(name), 0.5);
  const base = median('node -e 0');
  const floor = median('/bin/true (floor)');
  const rows = [...cases, ...extras].map(({ name }) => [
    name, median(name).toFixed(1), quantile(samples.get(name), 0.9).toFixed(1),
    `${(median(name) / base).toFixed(2)}x`, `${(median(name) - floor).toFixed(1)}`,
  ]);
  printTable(['case', 'median ms', 'p90 ms', 'vs node -e 0', 'over /bin/true ms'], rows, cases.length);
  for (const note of notes) console.log(`note: ${note}`);
  const bundleMs = median('bundle (dist/runsecrets.mjs)');
  if (caCerts !== undefined) {
    const nodeCa = median('node -e 0, NODE_EXTRA_CA_CERTS set') - base;
    const bundleCa = median('bundle, NODE_EXTRA_CA_CERTS set') - bundleMs;
    console.log(`\nNODE_EXTRA_CA_CERTS=${caCerts}: node -e 0 ${signed(nodeCa)} ms, bundle ${signed(bundleCa)} ms`);
  }
  const delta = bundleMs - base;
  console.log(`bundle over node -e 0: ${signed(delta)} ms (median); goal within ${GOAL_MS} ms: ${delta <= GOAL_MS ? 'met' : 'NOT met'}`);
}

function printTable(header, rows, separatorAfter) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(line(header));
  rows.forEach((row, i) => {
    if (i === separatorAfter) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    console.log(line(row));
  });
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

function wholeNumber(name, fallback, min) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(process.env[name])}`);
  return value;
}

function signed(ms) {
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(1)}`;
}
