// build.mjs's second step: esbuild's code-split output (one ES module per chunk) made
// into the single file dist/runsecrets.mjs again, with the chunks that exec mode never
// loads kept out of what V8 parses at start.
//
// V8 pre-parses every function of a script when it loads it, run or not; a string is
// only scanned. So the entry and the chunks it imports statically (exec mode's code) are
// bundled again by esbuild into ordinary code, while every chunk reached only through
// import() (watch mode, templates, --check, the launcher, the supervised fallback,
// dotenv, the fingerprints) is turned into a CommonJS function body and stored as a
// string, compiled with `new Function` the first time it is imported. Lazy chunks get
// the static chunks' exports through a small registry, so a class or a constant shared
// by both (RunsecretsError, the logger) is one and the same (BENCHMARKS.md, "Lazy chunks").

import { build, transform } from 'esbuild';
import { eagerFunctions } from './eager-functions.mjs';

const REGISTRY = 'runsecrets:chunks';

/**
 * `outputs`: esbuild's output files (write: false) and its metafile from a build with
 * `splitting: true`; `entry`: the entry chunk's path. Returns a function giving the
 * single module's code with the top-level functions `eager(name)` accepts compiled
 * with the script (scripts/eager-functions.mjs).
 */
export async function stitchChunks({ outputFiles, metafile }, entry, options) {
  const code = new Map(outputFiles.filter((file) => file.path.endsWith('.js')).map((file) => [file.path, file.text]));
  const staticChunks = staticClosure(metafile, entry);
  const lazyChunks = [...code.keys()].filter((path) => !staticChunks.has(path));
  const lazySources = Object.fromEntries(await Promise.all(lazyChunks.map(async (path) => [chunkId(path), await commonJsBody(code.get(path), path)])));
  const exportsOf = (path) => metafile.outputs[relativeOutput(metafile, path)]?.exports ?? [];
  const { plugin, withRegistry } = stitchPlugin(code, staticChunks, lazySources, exportsOf);
  const result = await build({
    ...options,
    stdin: { contents: withRegistry(code.get(entry)), resolveDir: '/', sourcefile: 'entry.js' },
    write: false,
    splitting: false,
    plugins: [plugin],
  });
  // The lazy sources go in after esbuild, which would turn strings into template literals,
  // and after the eager rewrite, which must not see their functions.
  const joined = result.outputFiles[0].text;
  return (eager) => eagerFunctions(joined, eager).code.replace(SOURCES_PLACEHOLDER, () => sourcesLiteral(lazySources));
}

/** The chunks `entry` imports with import statements, transitively (not through import()); paths as in `code`. */
function staticClosure(metafile, entry) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const { path: target, kind } of metafile.outputs[relativeOutput(metafile, path)]?.imports ?? []) {
      if (kind === 'import-statement' && !target.startsWith('node:')) visit(absoluteOutput(target));
    }
  };
  visit(entry);
  return seen;
}

const relativeOutput = (metafile, path) => Object.keys(metafile.outputs).find((key) => absoluteOutput(key) === path);
const absoluteOutput = (key) => new URL(key, `file://${process.cwd()}/`).pathname;
/** A chunk's id in the registry: its file name, as the chunks' own imports spell it. */
const chunkId = (path) => `./${path.split('/').at(-1)}`;

/** An ES module chunk as the body of `function (exports, require, module)`; import() becomes a promise of require(). */
async function commonJsBody(text, path) {
  const { code } = await transform(text, { format: 'cjs', loader: 'js', target: 'node22', legalComments: 'none', minifySyntax: true, supported: { 'dynamic-import': false } });
  return `${code}//# sourceURL=runsecrets.mjs/${path.split('/').at(-1)}\n`;
}

/**
 * The second bundle: static chunks are resolved to their code, which esbuild joins into
 * one scope as in an ordinary bundle. Their import() of a lazy chunk becomes
 * `importChunk(id)` from the registry, which also holds the static chunks' namespaces
 * for the lazy chunks to require(). (An import() left to esbuild would make it wrap the
 * registry and every static chunk it imports in lazy-initialisation functions.)
 */
function stitchPlugin(code, staticChunks, lazySources, exportsOf) {
  const statics = [...staticChunks].filter((path) => chunkId(path) !== './entry.js').map((path) => ({ id: chunkId(path), names: exportsOf(path) }));
  const quoted = Object.keys(lazySources).map((id) => JSON.stringify(id).replaceAll('.', '\\.'));
  const lazyImport = new RegExp(`\\bimport\\((${quoted.join('|')})\\)`, 'g');
  const withRegistry = (text) => {
    const replaced = text.replace(lazyImport, (_, id) => `importChunk(${id})`);
    if (replaced === text) return text;
    const [, hashbang = '', rest] = /^(#!.*\n)?([^]*)$/.exec(replaced);
    return `${hashbang}import { importChunk } from ${JSON.stringify(REGISTRY)};\n${rest}`;
  };
  const plugin = {
    name: 'stitch-chunks',
    setup(b) {
      b.onResolve({ filter: /^\.\/[^/]+\.js$/ }, ({ path, importer }) => {
        const full = [...code.keys()].find((key) => chunkId(key) === path);
        if (full === undefined) return undefined;
        if (!staticChunks.has(full)) throw new Error(`${importer} imports lazy chunk ${path} statically`);
        // By id, not by the build machine's path, which esbuild would print in the bundle.
        return { path, namespace: 'static-chunk', pluginData: { full } };
      });
      b.onResolve({ filter: new RegExp(`^${REGISTRY}$`) }, () => ({ path: REGISTRY, namespace: 'registry' }));
      b.onLoad({ filter: /.*/, namespace: 'static-chunk' }, ({ pluginData }) => ({ contents: withRegistry(code.get(pluginData.full)), loader: 'js' }));
      b.onLoad({ filter: /.*/, namespace: 'registry' }, () => ({ contents: registrySource(statics), loader: 'js' }));
    },
  };
  return { plugin, withRegistry };
}

const SOURCES_PLACEHOLDER = '"__runsecrets_lazy_sources__"';

/**
 * Each lazy chunk's source as a comment in the body of a function, read back with
 * Function.prototype.toString(): V8 skips a comment faster than it scans a string
 * literal of the same length (BENCHMARKS.md, "Lazy chunks"). It is a legal comment
 * (`/*!`), which Bun's compiler keeps, on one line, since Bun re-indents the lines of
 * a comment: line breaks are stored as \x02 and a comment's end `*\/` as `*\x01/`.
 */
function sourcesLiteral(lazySources) {
  const entries = Object.entries(lazySources).map(([id, source]) => {
    if (/[\x01\x02]/.test(source)) throw new Error(`lazy chunk ${id} contains \\x01 or \\x02`);
    return `${JSON.stringify(id)}: function () {/*!${source.replaceAll('*/', '*\x01/').replaceAll('\n', '\x02')}*/}`;
  });
  return `{\n${entries.join(',\n')}\n}`;
}

/**
 * The registry module: static chunks' exports by id, lazy chunks' sources compiled once
 * on first require. It imports the static chunks' exports by name and wraps them in
 * getters only on a lazy chunk's first require: `import * as` would make esbuild build
 * every static chunk's namespace object, a getter per export, at every start.
 */
function registrySource(statics) {
  const local = (i, j) => `s${i}_${j}`;
  const getters = (names, i) => `{ ${names.map((name, j) => `get ${name}() { return ${local(i, j)}; }`).join(', ')} }`;
  return [
    ...statics.map(({ id, names }, i) => `import { ${names.map((name, j) => `${name} as ${local(i, j)}`).join(', ')} } from ${JSON.stringify(id)};`),
    `const sources = ${SOURCES_PLACEHOLDER};`,
    'let loaded;',
    '/** A chunk\'s exports; a lazy chunk is compiled and run the first time. */',
    'function requireChunk(id) {',
    // Filled on first use: at the registry's own evaluation a static chunk may not be yet.
    `  loaded ??= new Map([${statics.map(({ id, names }, i) => `[${JSON.stringify(id)}, ${getters(names, i)}]`).join(', ')}]);`,
    '  const known = loaded.get(id);',
    '  if (known !== undefined) return known;',
    '  const packed = sources[id];',
    '  if (packed === undefined) throw new Error(`no chunk ${id} in the bundle`);',
    '  const text = String(packed);',
    "  const source = text.slice(text.indexOf('/*!') + 3, text.lastIndexOf('*/')).replaceAll('\\x02', '\\n').replaceAll('*\\x01/', '*/');",
    '  const module = { exports: {} };',
    '  loaded.set(id, module.exports);',
    "  new Function('exports', 'require', 'module', source)(module.exports, requireChunk, module);",
    '  const exports = withNamedExports(module.exports);',
    '  loaded.set(id, exports);',
    '  return exports;',
    '}',
    // esbuild's chunk of a CommonJS package (dotenv) exports it as `default` only, where
    // Node's import() of the package also gives its properties by name.
    'function withNamedExports(exports) {',
    '  const names = Object.keys(exports);',
    "  const only = names.length === 1 && names[0] === 'default' ? exports.default : undefined;",
    "  return only !== null && (typeof only === 'object' || typeof only === 'function') ? { __esModule: true, ...only, default: only } : exports;",
    '}',
    '/** import() of a lazy chunk. */',
    'export const importChunk = (id) => Promise.resolve().then(() => requireChunk(id));',
  ].join('\n');
}
