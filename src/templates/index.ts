// The templates stage (SPEC §4): render every --template in memory, then write the
// results atomically. main.ts and prepare.ts import this module lazily, only when
// --template is given, so a plain env-mapping run never loads liquidjs.

import { dirname } from 'node:path';
import type { Config } from '../cli/config.js';
import type { Problems } from '../errors.js';
import type { Logger } from '../log.js';
import type { Env } from '../types.js';
import { discoverTemplates, type TemplateFile } from './discover.js';
import { makeDirs } from './make-dirs.js';
import { renderFiles } from './render.js';
import { buildScope } from './scope.js';
import { pinDir, type DirIdentity, type PinnedDir } from './pinned-dir.js';
import { writeFileAtomically, type FileTarget, type WriteOutcome } from './write-file.js';

export { discoverTemplates, type TemplateFile } from './discover.js';
export { identifyDirs, type DirIdentity } from './pinned-dir.js';

/** One rendered file, held in memory until every template has rendered. */
export interface RenderedFile {
  /** The template file it came from (absolute). */
  readonly source: string;
  /** Where it is written (absolute). */
  readonly destination: string;
  readonly content: Buffer;
}

/** What a template sees: `secrets` by file name (values as text) and the child's final `env`. */
export interface TemplateContext {
  /** `Sources.secrets` fits: only `value` is read. */
  readonly secrets: ReadonlyMap<string, { readonly value: Buffer }>;
  readonly env: Env;
}

/** Mode and owner of rendered files and created dirs; uid/gid left out keep runsecrets' own. */
export type WriteTarget = FileTarget;

/** Renders every --template in memory; problems collected, nothing written. */
export async function renderTemplates(templates: Config['templates'], context: TemplateContext, problems: Problems): Promise<RenderedFile[]> {
  return renderTemplateFiles(discoverTemplates(templates, problems), context, problems);
}

/** Renders already discovered template files (see discoverTemplates); problems collected, nothing written. */
export async function renderTemplateFiles(files: readonly TemplateFile[], context: TemplateContext, problems: Problems): Promise<RenderedFile[]> {
  return renderFiles(files, buildScope(context.secrets, context.env), problems);
}

/** Files written at once: fsync dominates, and the libuv thread pool runs four at a time. */
const WRITE_CONCURRENCY = 8;

/**
 * Atomically writes files whose bytes changed; returns the destinations written.
 * Missing parent dirs are created first, 0700 and owned by the target. Each directory
 * is then held open and written through (pinned-dir.ts); one listed in `expected` must
 * still be the directory it was then. Throws a RunsecretsError if a file cannot be
 * written (files already written stay).
 */
export async function writeRendered(files: readonly RenderedFile[], target: WriteTarget, log: Logger, expected: ReadonlyMap<string, DirIdentity> = new Map()): Promise<string[]> {
  const dirs = [...new Set(files.map((file) => dirname(file.destination)))];
  for (const dir of dirs) {
    for (const made of await makeDirs(dir, target)) log.debug(`created directory ${made} (0700${ownerText(target)})`);
  }
  const pinned = new Map<string, PinnedDir>();
  let outcomes: WriteOutcome[];
  try {
    for (const dir of dirs) pinned.set(dir, await pinDir(dir, expected.get(dir)));
    const at = (file: RenderedFile): string => pinned.get(dirname(file.destination))?.at ?? dirname(file.destination);
    outcomes = await mapConcurrently(files, WRITE_CONCURRENCY, (file) => writeFileAtomically(file.destination, file.content, target, at(file)));
    const changed = new Set(files.filter((_, i) => outcomes[i] === 'written').map((file) => dirname(file.destination)));
    await Promise.all([...changed].map((dir) => pinned.get(dir)?.sync()));
  } finally {
    await Promise.all([...pinned.values()].map((dir) => dir.close()));
  }
  const written = files.filter((_, i) => outcomes[i] === 'written').map((file) => file.destination);
  if (log.enabled('debug')) {
    files.forEach((file, i) => log.debug(`${describeOutcome(outcomes[i] ?? 'written')} ${file.destination} from ${file.source}: ${file.content.length} bytes, mode ${modeText(target.mode)}${ownerText(target)}`));
  }
  return written;
}

/**
 * `run` over `items`, at most `limit` at a time; results in the order of `items`. After a
 * failure no new item starts; the ones running finish (no temp file is left half
 * written), then the first error is thrown.
 */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && errors.length === 0) {
      const index = next++;
      try {
        results[index] = await run(items[index] as T);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return results;
}

/** A mode as the four octal digits `ls`/chmod users read (0600). */
export function modeText(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function ownerText(target: WriteTarget): string {
  return target.uid === undefined && target.gid === undefined ? '' : `, owner ${target.uid ?? '-'}:${target.gid ?? '-'}`;
}

function describeOutcome(outcome: 'written' | 'unchanged' | 'fixed'): string {
  return outcome === 'written' ? 'wrote' : outcome === 'unchanged' ? 'unchanged' : 'fixed mode/owner of';
}

