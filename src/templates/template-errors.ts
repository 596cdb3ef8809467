// liquidjs errors -> runsecrets messages naming the template file, the line and the
// name. liquidjs' own messages are not passed on: an unknown variable's message holds
// its path with computed parts already evaluated (`secrets[env.X]` shows env.X's
// value), and its error context quotes the template around it. Names come from the
// template's source text instead, which holds no rendered value.

import { RunsecretsError } from '../errors.js';
import { FilterError } from './filters.js';
import { FILE_TAGS } from './engine.js';

const SYNTAX_HELP = 'see the Liquid syntax at https://liquidjs.com/tutorials/intro-to-liquid.html';

/** The part of a liquidjs error used here (its `token` and `originalError` are not enumerable). */
interface LiquidErrorLike {
  readonly name: string;
  readonly message: string;
  readonly token?: { getText(): string; getPosition(): number[] };
  readonly originalError?: Error;
  readonly errors?: readonly LiquidErrorLike[];
}

/** One problem per error liquidjs reported for template `file`. */
export function templateProblems(error: unknown, file: string): RunsecretsError[] {
  const liquid = error as LiquidErrorLike | undefined;
  const list = liquid?.name === 'LiquidErrors' && liquid.errors !== undefined ? liquid.errors : [liquid];
  return list.map((one) => new RunsecretsError('TEMPLATE', `template ${file}${lineOf(one)}: ${describe(one)}`));
}

function lineOf(error: LiquidErrorLike | undefined): string {
  const line = error?.token?.getPosition()[0];
  return line === undefined ? '' : `, line ${line}`;
}

function describe(error: LiquidErrorLike | undefined): string {
  const source = oneLine(error?.token?.getText() ?? '');
  const reason = error?.originalError?.message ?? withoutPosition(error?.message ?? '');
  switch (error?.name) {
    case 'UndefinedVariableError':
      return `unknown variable ${source}; ${variableHint(source)}`;
    case 'ParseError':
      return parseProblem(reason);
    case 'TokenizationError':
      // Raised while splitting the source: it can quote only the template's own text.
      return `syntax error: ${reason}; ${SYNTAX_HELP}`;
    case 'RenderError':
      if (error.originalError instanceof FilterError) return `${error.originalError.message} (in ${source})`;
      return `${source} failed (${error.originalError?.name ?? 'error'}); check the filters and their arguments`;
    default:
      return `cannot render (${error?.name ?? 'unknown error'})`;
  }
}

function parseProblem(reason: string): string {
  const filter = /^undefined filter: (\S+)$/.exec(reason)?.[1];
  if (filter !== undefined) return `unknown filter "${filter}"; runsecrets adds json, yaml, shell, url, base64 and base64_decode to Liquid's own filters`;
  const tag = /^tag "(.*)" not found$/.exec(reason)?.[1];
  if (tag !== undefined && FILE_TAGS.includes(tag)) return `{% ${tag} %} is not available: a template cannot read other files; use one --template per file`;
  if (tag !== undefined) return `unknown tag "${tag}"; ${SYNTAX_HELP}`;
  return `syntax error: ${reason}; ${SYNTAX_HELP}`;
}

function variableHint(source: string): string {
  if (/^secrets\b/.test(source)) {
    return 'no secret file of that name in the secret dirs (--dir); write secrets["name"] for names with dashes or dots, add | default: "…" if it is optional';
  }
  if (/^env\b/.test(source)) return 'the command\'s environment has no such variable; add | default: "…" if it is optional';
  return 'a template sees secrets (by file name) and env (the command\'s environment)';
}

function withoutPosition(message: string): string {
  return message.replace(/(, file:.*)?, line:\d+, col:\d+$/, '');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
