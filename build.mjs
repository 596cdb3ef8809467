// Builds the single-file bundle dist/runsecrets.mjs: the whole CLI and its
// dependencies in one ES module that runs with a bare `node`, no node_modules.
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

const builtins = new Set(builtinModules);

/**
 * esbuild hoists every `import … from 'node:x'` to the top of an ES module bundle, so a
 * module that is imported lazily (the supervisor, the template engine, the watcher)
 * would still load its Node built-ins at start-up: child_process and crypto alone cost
 * several milliseconds. This plugin turns each built-in into a tiny CommonJS module that
 * fetches it with process.getBuiltinModule() when first required, which esbuild
 * evaluates only when the importing module itself is initialised.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path }) => {
      const bare = path.replace(/^node:/, '');
      return builtins.has(bare) ? { path: `node:${bare}`, namespace: 'lazy-builtin' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, ({ path }) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};

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
