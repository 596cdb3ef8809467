// Builds the single-file bundle dist/runsecrets.mjs: the whole CLI and its
// dependencies in one ES module that runs with a bare `node`, no node_modules. What only
// watch mode, templates, --check and the launcher use is kept out of what V8 parses at
// start (scripts/bundle-chunks.mjs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync } from 'node:zlib';
import { build } from 'esbuild';
import { stitchChunks } from './scripts/bundle-chunks.mjs';
import { execModeFunctions } from './scripts/exec-mode-functions.mjs';

const require = createRequire(import.meta.url);
const builtins = new Set(builtinModules);
const ROOT = fileURLToPath(new URL('.', import.meta.url));

/**
 * esbuild hoists every `import … from 'node:x'` to the top of an ES module bundle, so a
 * module that is imported lazily (the supervisor, the template engine, the watcher)
 * would still load its Node built-ins at start-up: child_process and crypto alone cost
 * several milliseconds. This plugin replaces each built-in with a small module that
 * fetches it with process.getBuiltinModule(), which esbuild evaluates only when the
 * importing module itself is initialised.
 *
 * An `import` gets an ES module shim with one export per name of the built-in, each
 * marked pure so that esbuild drops the ones nobody imports. (A CommonJS shim would do,
 * but esbuild then wraps it with __toESM, which defines a getter for every property of
 * the built-in, about 110 for node:fs, on every importing module: 1-2 ms at start-up.)
 * A namespace import (`import * as fs`) keeps every export, so it reads every property
 * of the built-in when its importer initialises. A `require()` from a CommonJS dependency
 * gets the built-in itself.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: /^[a-z0-9_:/]+$/ }, ({ path, kind }) => {
      const bare = path.replace(/^node:/, '');
      if (!builtins.has(bare)) return undefined;
      return { path: `node:${bare}`, namespace: kind === 'require-call' ? 'builtin-cjs' : 'builtin-esm' };
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, ({ path }) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(path)});`,
      loader: 'js',
    }));
    build.onLoad({ filter: /.*/, namespace: 'builtin-esm' }, ({ path }) => ({ contents: esmShim(path), loader: 'js' }));
  },
};

/** An ES module re-exporting built-in `path` (as of the Node.js running the build), name by name. */
function esmShim(path) {
  const names = Object.keys(require(path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
  return [
    `const builtin = /* @__PURE__ */ process.getBuiltinModule(${JSON.stringify(path)});`,
    'const pick = (name) => builtin[name];',
    'export default builtin;',
    ...names.map((name) => `export const ${name} = /* @__PURE__ */ pick(${JSON.stringify(name)});`),
  ].join('\n');
}

/**
 * Big dependencies that only some runs use (liquidjs, for --template) are bundled as a
 * string, compiled with `new Function` when first required. Code in the bundle costs
 * start-up even if it never runs: V8 must pre-parse every function to find where it
 * ends, about 4 ms for liquidjs' 180 KB on every start. A string literal is only
 * scanned; brotli and base64 make it 50 KB without escapes, quotes or line breaks, so
 * that costs next to nothing (BENCHMARKS.md, "Templates"). The package's CommonJS build is used; its `require()`
 * of Node built-ins goes to process.getBuiltinModule().
 *
 * chokidar (for --watch) is plain code in watch mode's lazy chunk, which is itself kept out
 * of the parse at start (scripts/bundle-chunks.mjs): as a compressed string it made the
 * resident supervisor load node:zlib, 0.7 MiB of RSS (BENCHMARKS.md, "Watch mode").
 */
const LAZY_SOURCE_PACKAGES = ['liquidjs'];
const lazySource = {
  name: 'lazy-source',
  setup(build) {
    const filter = new RegExp(`^(${LAZY_SOURCE_PACKAGES.join('|')})$`);
    // Paths relative to the repo root: the bundle names the package, not the build machine's dirs.
    build.onResolve({ filter }, ({ path }) => ({ path: relative(ROOT, require.resolve(path)), namespace: 'lazy-source' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-source' }, ({ path }) => ({
      contents: [
        `const packed = ${JSON.stringify(brotliCompressSync(`${readFileSync(join(ROOT, path), 'utf8')}\n//# sourceURL=${path}`).toString('base64'))};`,
        "const source = process.getBuiltinModule('node:zlib').brotliDecompressSync(Buffer.from(packed, 'base64')).toString();",
        'const builtin = (id) => process.getBuiltinModule(id);',
        "builtin.resolve = (id) => { throw new Error(`cannot resolve ${id} from a bundled package`); };",
        "new Function('exports', 'require', 'module', source)(module.exports, builtin, module);",
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// 1. esbuild splits the code at every import(): the entry with what it imports statically,
// and one chunk per lazily imported module (plus chunks they share).
const options = { bundle: true, platform: 'node', format: 'esm', target: 'node22', minifySyntax: true, legalComments: 'none', logLevel: 'warning' };
const split = await build({ ...options, entryPoints: { entry: 'bin/runsecrets.ts' }, outdir: 'dist/chunks', splitting: true, write: false, metafile: true, plugins: [lazySource, lazyBuiltins] });
// 2. One file again: exec mode's chunks as code; the lazy ones in comments, compiled on
// first import (scripts/bundle-chunks.mjs).
const bundleWith = await stitchChunks(split, join(ROOT, 'dist/chunks/entry.js'), options);
// 3. Compiled with the script: the functions a sample exec-mode run calls (scripts/exec-mode-functions.mjs).
const called = execModeFunctions(bundleWith(() => true));
const code = bundleWith((name) => called.has(name));
// A non-ASCII character anywhere would make V8 hold and scan the whole script as UTF-16.
if (/[^\x00-\x7f]/.test(code)) throw new Error('dist/runsecrets.mjs: a non-ASCII character crept in');
// Every import() is of a chunk in the file, through the registry; a real one would look for a file next to it.
if (/\bimport\(/.test(code)) throw new Error('dist/runsecrets.mjs: an import() was left that would look for a file');
mkdirSync(join(ROOT, 'dist'), { recursive: true });
writeFileSync(join(ROOT, 'dist/runsecrets.mjs'), code, { mode: 0o755 });
