// The templates stage (SPEC §4): render every --template in memory, then write the
// results atomically. main.ts and prepare.ts import this module lazily, only when
// --template is given, so a plain env-mapping run never loads liquidjs.

import type { Config } from '../cli/config.js';
import type { Problems } from '../errors.js';
import type { Logger } from '../log.js';
import type { Actor } from '../safe-fs/actor.js';
import type { Env } from '../types.js';
import { discoverTemplates, type TemplateFile } from './discover.js';
import { renderFiles } from './render.js';
import { buildScope } from './scope.js';
import type { FileTarget, WriteOutcome } from './write-file.js';
import type { DirIdentity } from './dir-identity.js';
import { writeAll } from './write-rendered.js';

export { discoverTemplates, type TemplateFile } from './discover.js';
export { identifyDirs, type DirIdentity } from './dir-identity.js';

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

/** Mode and owner of rendered files and created dirs (uid/gid left out keep runsecrets' own), and who acts where root does not control alone. */
export type WriteTarget = FileTarget;

/** Renders every --template in memory; problems collected, nothing written. */
export async function renderTemplates(templates: Config['templates'], context: TemplateContext, actor: Actor | undefined, problems: Problems): Promise<RenderedFile[]> {
  return renderTemplateFiles(discoverTemplates(templates, problems), context, actor, problems);
}

/** Renders already discovered template files (see discoverTemplates), reading them as safe-fs allows `actor`; problems collected, nothing written. */
export async function renderTemplateFiles(files: readonly TemplateFile[], context: TemplateContext, actor: Actor | undefined, problems: Problems): Promise<RenderedFile[]> {
  return renderFiles(files, buildScope(context.secrets, context.env), actor, problems);
}

/**
 * Writes the files whose bytes changed, all or nothing (write-rendered.ts); returns the
 * destinations written. Missing parent dirs are created first, 0700 and owned by the
 * target. A dir in `expected` (identifyDirs() at watch start) must still be that dir.
 * Throws a RunsecretsError naming the file; then no destination was replaced.
 */
export async function writeRendered(files: readonly RenderedFile[], target: WriteTarget, log: Logger, expected: ReadonlyMap<string, DirIdentity> = new Map()): Promise<string[]> {
  const { outcomes, made } = writeAll(files, target, expected);
  for (const dir of made) log.debug(`created directory ${dir} (0700${ownerText(target)})`);
  if (log.enabled('debug')) {
    files.forEach((file, i) => log.debug(`${describeOutcome(outcomes[i] ?? 'written')} ${file.destination} from ${file.source}: ${file.content.length} bytes, mode ${modeText(target.mode)}${ownerText(target)}`));
  }
  return files.filter((_, i) => outcomes[i] === 'written').map((file) => file.destination);
}

/** A mode as the four octal digits `ls`/chmod users read (0600). */
export function modeText(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function ownerText(target: WriteTarget): string {
  return target.uid === undefined && target.gid === undefined ? '' : `, owner ${target.uid ?? '-'}:${target.gid ?? '-'}`;
}

function describeOutcome(outcome: WriteOutcome): string {
  return outcome === 'written' ? 'wrote' : outcome === 'unchanged' ? 'unchanged' : 'fixed mode/owner of';
}
