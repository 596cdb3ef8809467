// The Liquid engine every template renders with: strict about names, blind to the
// file system, with runsecrets' filters added.

import { Liquid, type FS } from 'liquidjs';
import { FILTERS } from './filters.js';

/** Tags that would read other files; removed, so using one is a parse error. */
export const FILE_TAGS: readonly string[] = ['include', 'render', 'layout'];

/**
 * Creates the engine:
 * - strictVariables / strictFilters: an unknown name is an error, never an empty string;
 * - lenientIf: `{% if secrets.x %}` and `{{ secrets.x | default: "..." }}` may name a
 *   secret that does not exist, the two ways a template says "optional";
 * - ownPropertyOnly: `secrets.constructor` and the like do not resolve;
 * - catchAllErrors: every error of a template is reported, not only the first;
 * - no include/render/layout, and a file system that refuses every read.
 */
export function createEngine(): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    lenientIf: true,
    ownPropertyOnly: true,
    catchAllErrors: true,
    cache: false,
    relativeReference: false,
    fs: NO_FILES,
    // Without a locale liquidjs asks Intl.DateTimeFormat for the system's when the engine
    // is created: 15 ms of ICU set-up on every run, for the `date` filter alone.
    locale: 'en-US',
  });
  for (const tag of FILE_TAGS) delete engine.tags[tag];
  for (const [name, filter] of Object.entries(FILTERS)) engine.registerFilter(name, filter);
  return engine;
}

const refuse = (): never => {
  throw new Error('templates cannot read files');
};

/** Belt and braces: even if a file tag came back, it could read nothing. */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => refuse(),
  readFileSync: () => refuse(),
  resolve: (_dir: string, file: string) => file,
  contains: async () => false,
  containsSync: () => false,
};
