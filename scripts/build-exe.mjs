// `npm run build:exe`: dist/runsecrets-linux-x64, runsecrets as one executable for images
// without Node.js. It is the bundle dist/runsecrets.mjs (the code the tests run) compiled
// by Bun: `bun build --compile --bytecode`. BENCHMARKS.md ("Standalone executable") has
// the evidence for Bun over a Node.js single executable application (SEA): both pass
// the integration suite; Bun's starts in about 13 ms, the best SEA in about 30 ms.
//
//   node scripts/build-exe.mjs                     Bun (the shipped executable)
//   node scripts/build-exe.mjs --node-sea [--no-code-cache | --snapshot]
//       the Node.js SEA, for comparison only: dist/runsecrets-linux-x64-node-sea, with
//       V8's code cache (its fastest form) unless told otherwise; needs postject
//       (`npm install --no-save postject`) and the Node.js 24 running this script
//
// Next to the executable it writes NAME.bundle-sha256, the hash of the bundle it was
// built from, so tests can tell a stale executable from a current one.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const bundle = join(root, 'dist/runsecrets.mjs');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const flags = new Set(process.argv.slice(2));

// 1. What to build, from what.
if (process.platform !== 'linux' || process.arch !== 'x64') fail(`builds the linux-x64 executable on linux-x64 only, not ${process.platform}-${process.arch}`);
if (!existsSync(bundle)) fail(`${bundle} is missing; run npm run build first (npm run build:exe does)`);
const source = readFileSync(bundle, 'utf8');
const output = join(root, flags.has('--node-sea') ? 'dist/runsecrets-linux-x64-node-sea' : 'dist/runsecrets-linux-x64');

// 2. Compile.
if (flags.has('--node-sea')) await buildNodeSea(source, output, { codeCache: !flags.has('--no-code-cache') && !flags.has('--snapshot'), snapshot: flags.has('--snapshot') });
else buildBun(output);

// 3. Check that it runs on its own (no Node.js variables, nothing of the caller's), then stamp it.
const said = execFileSync(output, ['--version'], { env: {}, encoding: 'utf8' }).trim();
if (!said.startsWith(`runsecrets ${version} (`)) fail(`${output} --version printed ${JSON.stringify(said)}, expected "runsecrets ${version} (RUNTIME on OS/ARCH)"`);
writeFileSync(`${output}.bundle-sha256`, `${createHash('sha256').update(source).digest('hex')}\n`);
console.log(`${output}: ${said}`);

/**
 * Bun: the bundle as the entry, bytecode compiled at build time. A compiled Bun program
 * by default reads .env, .env.local, bunfig.toml, package.json and tsconfig.json from
 * the working directory when it starts, and would pass a .env file's variables to the
 * command as if the container had set them; the four flags turn all of that off.
 */
function buildBun(outfile) {
  const bun = findBun();
  const args = ['build', bundle, '--compile', '--bytecode', '--format=esm', '--outfile', outfile,
    '--no-compile-autoload-dotenv', '--no-compile-autoload-bunfig', '--no-compile-autoload-package-json', '--no-compile-autoload-tsconfig'];
  execFileSync(bun, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The bun binary of the `bun` dev dependency: its postinstall script moves the binary of
 * @oven/bun-linux-x64 over node_modules/bun/bin/bun.exe; without the script (npm
 * --ignore-scripts) it is still in the platform package.
 */
function findBun() {
  const candidates = [];
  for (const [pkg, file] of [['@oven/bun-linux-x64/package.json', 'bin/bun'], ['bun/package.json', 'bin/bun.exe']]) {
    try {
      candidates.push(join(dirname(require.resolve(pkg)), file));
    } catch {
      // Not installed: try the next.
    }
  }
  for (const bun of candidates) {
    try {
      execFileSync(bun, ['--version'], { stdio: 'ignore' });
      return bun;
    } catch {
      // A placeholder or missing: try the next.
    }
  }
  return fail('no working bun binary in node_modules (the `bun` dev dependency); run npm install');
}

/**
 * Node.js SEA: Node.js 24 runs only a CommonJS main script (an ES module main came in
 * 25.7), so the bundle's code goes into an async function, which its top-level await
 * needs. That is sound only while the bundle has no import or export statement and no
 * import.meta, which the build's lazy built-ins ensure today; this checks it. NODE_OPTIONS
 * is ignored (execArgvExtension "none"): it belongs to the app, not to runsecrets.
 */
async function buildNodeSea(code, outfile, { codeCache, snapshot }) {
  let postject;
  try {
    postject = require('postject');
  } catch {
    fail('postject is not installed: it is not a dev dependency, as the shipped executable is Bun\'s; npm install --no-save postject');
  }
  const body = code.replace(/^#!.*\n/, '');
  if (/^\s*(?:import|export)\b(?!\s*\()|\bimport\.meta\b/m.test(body)) fail(`${bundle} has an import/export statement or import.meta; it cannot run as a CommonJS SEA main script`);
  const run = `(async () => {\n${body}\n})()`;
  const main = snapshot ? `require('node:v8').startupSnapshot.setDeserializeMainFunction(() => ${run});` : `${run};`;
  const work = mkdtempSync(join(tmpdir(), 'runsecrets-sea-'));
  try {
    writeFileSync(join(work, 'main.cjs'), `'use strict';\n${main}\n`);
    const config = { main: 'main.cjs', output: 'sea.blob', disableExperimentalSEAWarning: true, useCodeCache: codeCache, useSnapshot: snapshot, execArgvExtension: 'none' };
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
    execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { cwd: work, stdio: 'ignore' });
    copyFileSync(process.execPath, outfile);
    try {
      execFileSync('strip', [outfile]); // Node.js's Linux builds carry debug info: 127 MB → 109 MB
    } catch {
      console.warn('strip failed or is missing; the executable keeps its debug info');
    }
    await postject.inject(outfile, 'NODE_SEA_BLOB', readFileSync(join(work, 'sea.blob')), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function fail(message) {
  console.error(`build-exe: ${message}`);
  process.exit(1);
}
