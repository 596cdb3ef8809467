// Renders template files in memory, every one of them, recording each problem (all of
// a file's, parse and render errors alike): the caller writes nothing unless all rendered.

import { isUtf8 } from 'node:buffer';
import { RunsecretsError, type Problems } from '../errors.js';
import type { Actor } from '../safe-fs/actor.js';
import { accessFix, FsError } from '../safe-fs/fs-error.js';
import { readPath } from '../safe-fs/read.js';
import type { TemplateFile } from './discover.js';
import { createEngine } from './engine.js';
import type { TemplateScope } from './scope.js';
import { parseAll } from './parse-all.js';
import { templateProblems } from './template-errors.js';

/** A template's output, not yet written. */
export interface Rendered extends TemplateFile {
  readonly content: Buffer;
}

/** Templates larger than this are refused (a config template is a few KiB). */
const TEMPLATE_LIMIT = 16 * 1024 * 1024;

/** Parses and renders each file with `scope`; a file that fails is left out and its problems recorded. */
export async function renderFiles(files: readonly TemplateFile[], scope: TemplateScope, actor: Actor | undefined, problems: Problems): Promise<Rendered[]> {
  if (files.length === 0) return [];
  const engine = createEngine();
  const out: Rendered[] = [];
  for (const file of files) {
    const text = problems.attempt(() => readTemplate(file.source, actor));
    if (text === undefined) continue;
    // Every error of the file: the parse errors, and those of rendering whatever parsed.
    const { templates, errors } = parseAll(engine, text, file.source);
    try {
      const output: unknown = engine.renderSync(templates, scope);
      if (errors.length === 0) out.push({ ...file, content: Buffer.from(String(output), 'utf8') });
    } catch (error) {
      errors.push(error);
    }
    for (const problem of templateProblems(errors, file.source)) problems.add(problem);
  }
  return out;
}

/** Reads a template as safe-fs allows: as the command's user when that user can change the way to it. */
function readTemplate(path: string, actor: Actor | undefined): string {
  let bytes: Buffer;
  try {
    bytes = readPath(path, actor, TEMPLATE_LIMIT);
  } catch (error) {
    if (!(error instanceof FsError)) throw error;
    throw new RunsecretsError('TEMPLATE_READ', `cannot read template ${path}: ${error.describe(path)}${accessFix(error, actor)}`, 1, error);
  }
  if (!isUtf8(bytes)) throw new RunsecretsError('TEMPLATE_READ', `template ${path} is not UTF-8 text; save it as UTF-8`);
  return bytes.toString('utf8');
}
