// `npm run build:exe`: dist/runsecrets-linux-x64 and dist/runsecrets-linux-arm64, runsecrets
// as one executable for images without Node.js, and dist/SHA256SUMS (`sha256sum -c`). Each is
// the bundle dist/runsecrets.mjs (the code the tests run) compiled by Bun: `bun build
// --compile --bytecode --format=cjs --compile-jit-policy=10 --target=bun-linux-ARCH`, on
// the Bun runtime of that architecture, with its top-level process.getBuiltinModule()
// calls made require() calls (forBun() below).
// BENCHMARKS.md ("Standalone executable") has the evidence for Bun over a Node.js single
// executable application (SEA): both pass the integration suite; Bun's starts in about
// 13 ms, the best SEA in about 30 ms.
//
//   node scripts/build-exe.mjs                     Bun, both targets (what ships)
//   node scripts/build-exe.mjs --node-sea [--no-code-cache | --snapshot]
//       the Node.js SEA, for comparison only: dist/runsecrets-linux-x64-node-sea, with
//       V8's code cache (its fastest form) unless told otherwise; needs postject
//       (`npm install --no-save postject`) and the Node.js 24 running this script
//
// The runtime of this machine's architecture is the `bun` dev dependency's own binary. The
// other one comes from the npm registry at the same version (`npm pack`, as npm refuses to
// install a package whose `cpu` field does not match) and must have the integrity that
// package-lock.json records for it as an optional dependency of `bun`.
//
// Next to each executable it writes NAME.bundle-sha256, the hash of the bundle it was built
// from, so tests can tell a stale executable from a current one. The build is reproducible:
// the same bundle gives the same bytes (.ci/run builds twice and compares SHA256SUMS).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const bundle = join(root, 'dist/runsecrets.mjs');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const flags = new Set(process.argv.slice(2));

/**
 * What ships: process.arch names the file (and is what `--version` says), Bun's npm
 * packages say aarch64, ELF's e_machine tells the built file's architecture, and qemu-user
 * with the Debian cross loader runs it on another host (optional, for the self-check).
 */
const TARGETS = [
  { arch: 'x64', bun: 'x64', machine: 0x3e, qemu: ['qemu-x86_64-static', '-L', '/usr/x86_64-linux-gnu'] },
  { arch: 'arm64', bun: 'aarch64', machine: 0xb7, qemu: ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'] },
];

// 1. What to build, from what.
if (process.platform !== 'linux') fail(`builds the Linux executables on Linux only, not ${process.platform}`);
if (!existsSync(bundle)) fail(`${bundle} is missing; run npm run build first (npm run build:exe does)`);
const source = readFileSync(bundle, 'utf8');
const stamp = `${createHash('sha256').update(source).digest('hex')}\n`;

if (flags.has('--node-sea')) {
  // 2. The SEA, for comparison: this machine's architecture only.
  if (process.arch !== 'x64') fail(`--node-sea builds the linux-x64 SEA on linux-x64 only, not ${process.arch}`);
  const output = join(root, 'dist/runsecrets-linux-x64-node-sea');
  await buildNodeSea(source, output, { codeCache: !flags.has('--no-code-cache') && !flags.has('--snapshot'), snapshot: flags.has('--snapshot') });
  console.log(`${output}: ${checkVersion(output, TARGETS[0], `node ${process.version}`)}`);
  writeFileSync(`${output}.bundle-sha256`, stamp);
} else {
  // 2. Compile each target on its own runtime, 3. check that it runs, then stamp it and list it in SHA256SUMS.
  const bunVersion = JSON.parse(readFileSync(require.resolve('bun/package.json'), 'utf8')).version;
  const sums = [];
  const work = mkdtempSync(join(tmpdir(), 'runsecrets-exe-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  writeFileSync(join(work, 'runsecrets.mjs'), forBun(source));
  for (const target of TARGETS) {
    const output = join(root, `dist/runsecrets-linux-${target.arch}`);
    buildBun(work, output, target, target.arch === process.arch ? findBun() : fetchRuntime(target, bunVersion));
    const said = checkVersion(output, target, `bun ${bunVersion}`);
    writeFileSync(`${output}.bundle-sha256`, stamp);
    const sha256 = createHash('sha256').update(readFileSync(output)).digest('hex');
    sums.push(`${sha256}  ${basename(output)}\n`);
    console.log(`${output}: ${said}, ${(statSync(output).size / 1e6).toFixed(1)} MB, sha256 ${sha256}`);
  }
  writeFileSync(join(root, 'dist/SHA256SUMS'), sums.join(''));
}

/**
 * The bundle's text as Bun compiles it. build.mjs fetches every Node.js built-in with
 * process.getBuiltinModule() (a lazily imported module's built-ins load only with it), and
 * Bun's process.getBuiltinModule("node:fs") runs 5.8 million instructions, about a quarter
 * of a whole start of the executable, where `require("node:fs")` in a CommonJS module,
 * which the executable is, costs nothing: Bun builds what a program requires into it
 * (1.5 MB more; BENCHMARKS.md, "The executable's built-ins").
 * So the top-level code's calls become require() calls; the lazy chunks' code, kept in
 * comments and compiled with `new Function` whose `require` is the chunk registry's,
 * keeps process.getBuiltinModule.
 */
function forBun(text) {
  let replaced = 0;
  const code = text.split(/(\/\*![^]*?\*\/)/).map((part, i) => (i % 2 === 1 ? part : part.replace(/\bprocess\.getBuiltinModule\(("node:[\w/]+")\)/g, (_, id) => {
    replaced += 1;
    return `require(${id})`;
  }))).join('');
  if (replaced === 0 || /\bprocess\.getBuiltinModule\(/.test(code.replace(/\/\*![^]*?\*\//g, ''))) fail(`${bundle}: the built-ins fetched at its top level are not all plain process.getBuiltinModule("node:...") calls`);
  return code;
}

/**
 * Bun: the bundle (forBun()'s text, in `work`, the working directory, so that the file's
 * name in the executable is runsecrets.mjs whatever the temp dir is) as the entry,
 * compiled as CommonJS to bytecode at build time, `runtime` (a Bun binary for the target)
 * as the executable's base. The same bytecode as an ES module starts about 1.5 ms slower
 * (BENCHMARKS.md, "Standalone executable"). JavaScriptCore tiers functions up to its JIT
 * ten times later than by default (--compile-jit-policy=10): a start runs most of its
 * code once, and compiling it on the two other threads costs more than it saves up to
 * about a thousand secrets (at 10,000 the start is 10% slower).
 *
 * A compiled Bun program by default reads .env, .env.local, bunfig.toml, package.json and
 * tsconfig.json from the working directory when it starts, and would pass a .env file's
 * variables to the command as if the container had set them; the four flags turn all of
 * that off.
 */
function buildBun(work, outfile, target, runtime) {
  const args = ['build', 'runsecrets.mjs', '--compile', '--bytecode', '--format=cjs', '--compile-jit-policy=10', `--target=bun-linux-${target.arch}`, '--compile-executable-path', runtime, '--outfile', outfile,
    '--no-compile-autoload-dotenv', '--no-compile-autoload-bunfig', '--no-compile-autoload-package-json', '--no-compile-autoload-tsconfig'];
  execFileSync(findBun(), args, { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The bun binary of the `bun` dev dependency: its postinstall script moves the binary of
 * @oven/bun-linux-ARCH over node_modules/bun/bin/bun.exe; without the script (npm
 * --ignore-scripts) it is still in the platform package.
 */
function findBun() {
  const host = TARGETS.find((target) => target.arch === process.arch) ?? fail(`no Bun runtime for linux-${process.arch}; runsecrets builds on ${TARGETS.map((t) => `linux-${t.arch}`).join(' and ')}`);
  const candidates = [];
  for (const [pkg, file] of [[`@oven/bun-linux-${host.bun}/package.json`, 'bin/bun'], ['bun/package.json', 'bin/bun.exe']]) {
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
 * The Bun runtime of another architecture: @oven/bun-linux-ARCH at `bunVersion`, fetched
 * with `npm pack` into node_modules/.cache (npm's cache answers later builds) and used only
 * if its sha512 is the integrity package-lock.json pins.
 */
function fetchRuntime(target, bunVersion) {
  const name = `@oven/bun-linux-${target.bun}`;
  const locked = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages?.[`node_modules/${name}`];
  if (locked?.version !== bunVersion || typeof locked.integrity !== 'string') fail(`package-lock.json does not pin ${name} ${bunVersion} (an optional dependency of bun ${bunVersion}); run npm install`);
  const cache = join(root, 'node_modules/.cache/runsecrets-build-exe');
  mkdirSync(cache, { recursive: true });
  const tarball = join(cache, `${name.slice(1).replace('/', '-')}-${bunVersion}.tgz`);
  if (!existsSync(tarball) || integrityOf(tarball) !== locked.integrity) {
    const [npm, ...npmArgs] = process.env.npm_execpath?.endsWith('.js') ? [process.execPath, process.env.npm_execpath] : ['npm'];
    execFileSync(npm, [...npmArgs, 'pack', `${name}@${bunVersion}`, '--pack-destination', cache, '--silent'], { cwd: cache, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const integrity = integrityOf(tarball);
  if (integrity !== locked.integrity) fail(`${tarball} has integrity ${integrity}, but package-lock.json pins ${locked.integrity}; delete it and run npm run build:exe again`);
  const dir = join(cache, `${target.bun}-${bunVersion}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin/bun']);
  return join(dir, 'package/bin/bun');
}

/** npm's integrity string for a file: sha512, base64. */
function integrityOf(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * Checks that the built file is for `target` (ELF e_machine) and that `--version` says so,
 * run with no Node.js variables and nothing of the caller's: natively on its own
 * architecture, through qemu-user where it is installed, otherwise from the header only.
 */
function checkVersion(file, target, runtime) {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  if (header.readUInt32BE(0) !== 0x7f454c46 || header.readUInt16LE(18) !== target.machine) fail(`${file} is not an ELF executable for linux-${target.arch}`);
  const expected = `runsecrets ${version} (${runtime} on linux/${target.arch})`;
  const command = target.arch === process.arch ? [file] : existsSync(target.qemu[2]) && onPath(target.qemu[0]) ? [...target.qemu, file] : undefined;
  if (command === undefined) return `linux-${target.arch} ELF (not run: no ${target.qemu[0]} with ${target.qemu[2]})`;
  const said = execFileSync(command[0], [...command.slice(1), '--version'], { env: {}, encoding: 'utf8' }).trim();
  if (said !== expected) fail(`${file} --version printed ${JSON.stringify(said)}, expected ${JSON.stringify(expected)}`);
  return said;
}

function onPath(program) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, program)));
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
