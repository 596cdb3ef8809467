// liquidjs errors -> runsecrets messages naming the template file, the line and the
// name. liquidjs' own messages are not passed on: an unknown variable's message holds
// its path with computed parts already evaluated (`secrets[env.X]` shows env.X's
// value), and its error context quotes the template around it. Names come from the
// template's source text instead, which holds no rendered value; syntax errors are
// described without any of it (syntax-errors.ts).

import { RunsecretsError } from '../errors.js';
import { FilterError } from './filters.js';
import { describeSyntax } from './syntax-errors.js';

/** The part of a liquidjs error used here (its `token` and `originalError` are not enumerable). */
interface LiquidErrorLike {
  readonly name: string;
  readonly message: string;
  readonly token?: { getText(): string; getPosition(): number[]; readonly name?: string };
  readonly originalError?: Error;
  readonly errors?: readonly LiquidErrorLike[];
}

const SYNTAX = new Set(['ParseError', 'TokenizationError']);

/** One problem per error liquidjs reported for template `file` (a LiquidErrors counts for each of its errors), in the order of the file. */
export function templateProblems(errors: readonly unknown[], file: string): RunsecretsError[] {
  const list = errors.flatMap((error): (LiquidErrorLike | undefined)[] => {
    const liquid = error as LiquidErrorLike | undefined;
    return liquid?.name === 'LiquidErrors' && liquid.errors !== undefined ? [...liquid.errors] : [liquid];
  });
  const at = (error: LiquidErrorLike | undefined): number[] => error?.token?.getPosition() ?? [0, 0];
  const sorted = list.map((error, index) => ({ error, index })).sort((a, b) => compare(at(a.error), at(b.error)) || a.index - b.index);
  return sorted.map(({ error }) => {
    const description = describe(error);
    return new RunsecretsError('TEMPLATE', `template ${file}${where(error, description.startsWith('syntax error'))}: ${description}`);
  });
}

function compare(a: readonly number[], b: readonly number[]): number {
  return (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0);
}

/** `, line 4`, and `, column 7` for a syntax error, which names nothing else to find it by. */
function where(error: LiquidErrorLike | undefined, syntax: boolean): string {
  const [line, column] = error?.token?.getPosition() ?? [];
  if (line === undefined) return '';
  return syntax && column !== undefined ? `, line ${line}, column ${column}` : `, line ${line}`;
}

function describe(error: LiquidErrorLike | undefined): string {
  if (SYNTAX.has(error?.name ?? '')) {
    return describeSyntax({ reason: error?.originalError?.message ?? withoutPosition(error?.message ?? ''), tag: error?.token?.name });
  }
  const source = oneLine(error?.token?.getText() ?? '');
  switch (error?.name) {
    case 'UndefinedVariableError':
      return `unknown variable ${source}; ${variableHint(source)}`;
    case 'RenderError':
      if (error.originalError instanceof FilterError) return `${error.originalError.message} (in ${source})`;
      return `${source} failed (${error.originalError?.name ?? 'error'}); check the filters and their arguments`;
    default:
      return `cannot render (${error?.name ?? 'unknown error'})`;
  }
}

function variableHint(source: string): string {
  if (/^secrets\b/.test(source)) {
    return 'no secret file of that name in the secret dirs (--dir); write secrets["name"] for names with dashes or dots, add | default: "…" if it is optional';
  }
  if (/^env\b/.test(source)) return 'the command\'s environment has no such variable; add | default: "…" if it is optional';
  return 'a template sees secrets (by file name) and env (the command\'s environment)';
}

function withoutPosition(message: string): string {
  return message.replace(/(, file:.*)?, line:\d+, col:\d+$/s, '');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
