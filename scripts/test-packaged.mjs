// Runs test/integration against runsecrets as it ships, through RUNSECRETS_TEST_BIN
// (test/helpers/cli.ts):
//
//   node scripts/test-packaged.mjs bundle        a copy of dist/runsecrets.mjs alone in an
//                                                empty temp dir, run by a bare node
//   node scripts/test-packaged.mjs exe [FILE]    dist/runsecrets-linux-ARCH (or FILE) with no
//                                                node on the tests' PATH
//
// For `exe`, every node on the PATH the tests give runsecrets is hidden for the run: an
// empty, non-executable file is bind-mounted over it in a private mount namespace (needs
// root and unshare; without them the run says so and leaves node where it is). The tests
// themselves still run on the Node.js running this script, by its absolute path.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
/** The PATH of baseEnv() in test/helpers/cli.ts: what the tests give runsecrets. */
const TEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const [kind, file] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), 'runsecrets-packaged-'));
chmodSync(work, 0o755); // tests run the copy as nobody too
try {
  if (kind === 'bundle') process.exitCode = testBundleAlone();
  else if (kind === 'exe') process.exitCode = testExecutable(resolve(file ?? join(root, `dist/runsecrets-linux-${process.arch}`)));
  else fail('usage: node scripts/test-packaged.mjs bundle | exe [FILE]');
} catch (error) {
  console.error(`test-packaged: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The bundle alone: nothing next to it, no node_modules in any dir above it. */
function testBundleAlone() {
  const bundle = join(root, 'dist/runsecrets.mjs');
  if (!existsSync(bundle)) fail(`${bundle} is missing; run npm run build`);
  for (let dir = work; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) fail(`${dir}/node_modules exists, so the copy would not be alone; set TMPDIR elsewhere`);
    if (dir === dirname(dir)) break;
  }
  const copy = join(work, 'runsecrets.mjs');
  copyFileSync(bundle, copy);
  console.log(`test/integration against ${copy} (dist/runsecrets.mjs alone), run by ${process.execPath}`);
  return runSuite(copy, []);
}

/** The standalone executable, built from the current bundle, with node hidden from it. */
function testExecutable(exe) {
  if (!existsSync(exe)) fail(`${exe} is missing; run npm run build:exe`);
  const built = readFileSync(`${exe}.bundle-sha256`, 'utf8').trim();
  const current = createHash('sha256').update(readFileSync(join(root, 'dist/runsecrets.mjs'))).digest('hex');
  if (built !== current) fail(`${exe} was built from another dist/runsecrets.mjs; run npm run build:exe`);
  const nodes = [...new Set(TEST_PATH.split(':').map((dir) => join(dir, 'node')).filter(existsSync).map((path) => realpathSync(path)))];
  const canHide = process.getuid?.() === 0 && spawnSync('unshare', ['--version'], { stdio: 'ignore' }).status === 0;
  console.log(`test/integration against ${exe}, ${nodes.length === 0 ? 'no node on PATH' : canHide ? `hiding ${nodes.join(', ')}` : `NOT hiding ${nodes.join(', ')} (needs root and unshare)`}`);
  if (nodes.length === 0 || !canHide) return runSuite(exe, []);
  const empty = join(work, 'no-node');
  writeFileSync(empty, '', { mode: 0o644 });
  // Bind the empty file over each node, check that none is left, then run the suite.
  const hide = [
    'empty=$1; shift',
    'while [ "$1" != -- ]; do mount --bind "$empty" "$1" || exit 1; shift; done; shift',
    `if PATH=${TEST_PATH} command -v node; then echo "test-packaged: node is still on PATH" >&2; exit 1; fi`,
    'exec "$@"',
  ].join('\n');
  return runSuite(exe, ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', hide, 'sh', empty, ...nodes, '--']);
}

/** vitest run test/integration with RUNSECRETS_TEST_BIN=bin, started through `prefix`. */
function runSuite(bin, prefix) {
  const { NODE_OPTIONS, NODE_PATH, ...env } = process.env;
  const command = [...prefix, process.execPath, vitest, 'run', 'test/integration'];
  const result = spawnSync(command[0], command.slice(1), { cwd: root, stdio: 'inherit', env: { ...env, RUNSECRETS_TEST_BIN: bin } });
  if (result.error !== undefined) fail(`${command[0]}: ${result.error.message}`);
  return result.status ?? 1;
}

function fail(message) {
  throw new Error(message);
}
