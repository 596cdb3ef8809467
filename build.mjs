// Builds the single-file bundle dist/runsecrets.mjs: the whole CLI and its
// dependencies in one ES module that runs with a bare `node`, no node_modules.
import { builtinModules, createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const builtins = new Set(builtinModules);

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
    build.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path, kind }) => {
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

await build({
  entryPoints: ['bin/runsecrets.ts'],
  outfile: 'dist/runsecrets.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minifySyntax: true,
  legalComments: 'none',
  plugins: [lazyBuiltins],
  logLevel: 'warning',
});
