// --template SRC:DEST -> the template files to render and where each one goes. A file
// SRC renders to DEST; a directory SRC renders every *.tmpl below it into DEST,
// keeping sub-paths and dropping `.tmpl` (the nginx image's templates-dir convention).

import { readdirSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describeOsError, RunsecretsError, type Problems } from '../errors.js';

/** One template file and its destination, both absolute. */
export interface TemplateFile {
  readonly source: string;
  readonly destination: string;
}

/** The suffix a template in a templates dir must have; it is dropped from the destination. */
export const TEMPLATE_SUFFIX = '.tmpl';

/** Lists every template file of `templates`, in order; problems are recorded, not thrown. */
export function discoverTemplates(templates: readonly { readonly source: string; readonly destination: string }[], problems: Problems): TemplateFile[] {
  const files = templates.flatMap((template) => problems.attempt(() => discoverOne(template.source, template.destination)) ?? []);
  const seen = new Map<string, string>();
  for (const file of files) {
    const other = seen.get(file.destination);
    if (other !== undefined) problems.add(new RunsecretsError('TEMPLATE_CLASH', `templates ${other} and ${file.source} both render to ${file.destination}; give each its own DEST`));
    seen.set(file.destination, file.source);
  }
  return files;
}

function discoverOne(source: string, destination: string): TemplateFile[] {
  const option = `--template ${source}:${destination}`;
  if (!statOrThrow(source, option).isDirectory()) {
    if (isDirectory(destination)) throw new RunsecretsError('TEMPLATE_DEST', `${option}: ${destination} is a directory; DEST names the file to write (a directory DEST needs a directory SRC of *${TEMPLATE_SUFFIX} files)`);
    return [{ source: resolve(source), destination: resolve(destination) }];
  }
  const root = resolve(source);
  const found = listTemplates(root, option);
  if (found.length === 0) throw new RunsecretsError('TEMPLATE_EMPTY', `${option}: no *${TEMPLATE_SUFFIX} file below the directory ${source}; name templates like app.conf${TEMPLATE_SUFFIX}`);
  return found.map((file) => ({ source: file, destination: join(resolve(destination), relative(root, file).slice(0, -TEMPLATE_SUFFIX.length)) }));
}

/**
 * Every *.tmpl file below `dir`, sorted. Names starting with `.` are skipped, as in
 * secret dirs (Kubernetes' `..data` when a ConfigMap holds the templates); symlinks to
 * files are followed, symlinks to directories are not (no loops).
 */
function listTemplates(dir: string, option: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new RunsecretsError('TEMPLATE_READ', `${option}: cannot read the directory ${dir}: ${describeOsError(error)}`, 1, error);
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) out.push(...listTemplates(path, option));
    else if (isTemplateName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && statOrThrow(path, option).isFile()))) out.push(path);
  }
  return out;
}

function isTemplateName(name: string): boolean {
  return name.endsWith(TEMPLATE_SUFFIX) && name.length > TEMPLATE_SUFFIX.length;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing (it will be created) or unreadable (the write will say so)
  }
}

function statOrThrow(path: string, option: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw new RunsecretsError('TEMPLATE_READ', `${option}: cannot read ${path}: ${describeOsError(error)}`, 1, error);
  }
}
