// liquidjs' syntax and tokenization errors → fixed descriptions. liquidjs quotes the
// template around the fault (`output "{{ … " not closed`), and a template can itself be
// a mounted secret, so nothing of its text is passed on: each message is chosen from the
// table below by liquidjs' wording, and the only names kept are tag and filter names
// that are plain identifiers. File, line and column say where the fault is.

import { FILE_TAGS } from './engine.js';

/** What a syntax error needs to be described: liquidjs' reason, and the tag it was raised for. */
export interface SyntaxFault {
  /** liquidjs' message without its position (it may quote the template: only matched, never shown). */
  readonly reason: string;
  /** The name of the tag the fault is in, when liquidjs raised it for a tag. */
  readonly tag: string | undefined;
}

const SYNTAX_HELP = 'see the Liquid syntax at https://liquidjs.com/tutorials/intro-to-liquid.html';

/** liquidjs' reasons, by wording, and what runsecrets says instead. */
const FIXED: readonly (readonly [RegExp, string])[] = [
  [/^output .* not closed$/s, 'an output {{ … }} is not closed with }}'],
  [/^raw .* not closed$/s, '{% raw %} is not closed with {% endraw %}'],
  [/^invalid value expression/s, 'an expression is missing or malformed'],
  [/^unexpected token .*, value expected$/s, 'a value is expected'],
  [/^expected "\|" before filter$/, 'expected | before a filter'],
  [/^expected filter name$/, 'expected a filter name after |'],
  [/^expected ":" after filter name$/, 'expected : between a filter name and its arguments'],
  [/^unexpected character/s, 'unexpected character in a filter\'s arguments'],
  [/^\[ not closed$/, 'a [ is not closed with ]'],
  [/^invalid range syntax$/, 'malformed range; write (a..b)'],
  [/^unbalanced parentheses$/, 'unbalanced parentheses'],
  [/^expected variable name$/, 'expected a variable name'],
  [/^expected "="$/, 'expected = after the variable name'],
  [/^illegal tag syntax, tag name expected$/, 'a tag {% … %} has no name'],
  [/^illegal liquid tag syntax$/, 'malformed {% liquid %} tag'],
  [/^unexpected elsif after else$/, '{% elsif %} after {% else %}'],
  [/^duplicated else$/, 'a second {% else %} in one block'],
  [/^empty candidates/s, '{% cycle %} has no values'],
  [/^every line of an inline comment must start with a '#' character$/, 'every line of an inline comment must start with #'],
  [/limit exceeded$/, 'the template is too large'],
];

const IDENTIFIER = /^[A-Za-z_][\w-]*$/;

/** One line for a syntax fault: a fixed description, naming at most an identifier. */
export function describeSyntax(fault: SyntaxFault): string {
  const tag = fault.tag !== undefined && IDENTIFIER.test(fault.tag) ? fault.tag : undefined;
  const filter = /^undefined filter: (.*)$/s.exec(fault.reason)?.[1];
  if (filter !== undefined) {
    const name = IDENTIFIER.test(filter) ? ` "${filter}"` : '';
    return `unknown filter${name}; runsecrets adds json, yaml, shell, url, base64 and base64_decode to Liquid's own filters`;
  }
  if (/^tag ".*" not found$/s.test(fault.reason)) return unknownTag(tag);
  return `syntax error: ${tagProblem(fault.reason, tag) ?? fixed(fault.reason)}; ${SYNTAX_HELP}`;
}

function unknownTag(tag: string | undefined): string {
  if (tag !== undefined && FILE_TAGS.includes(tag)) return `{% ${tag} %} is not available: a template cannot read other files; use one --template per file`;
  if (tag?.startsWith('end') === true) return `syntax error: {% ${tag} %} closes no open {% ${tag.slice(3)} %}; ${SYNTAX_HELP}`;
  if (tag === 'else' || tag === 'elsif' || tag === 'when') return `syntax error: {% ${tag} %} outside the block it belongs to; ${SYNTAX_HELP}`;
  return `unknown tag${tag === undefined ? '' : ` "${tag}"`}; ${SYNTAX_HELP}`;
}

/** Faults liquidjs words with the tag's whole text; said here with its name only. */
function tagProblem(reason: string, tag: string | undefined): string | undefined {
  if (/^tag .* not closed$/s.test(reason)) return tag === undefined ? 'a tag {% … %} is not closed with %}' : `{% ${tag} %} is not closed: no {% end${tag} %}`;
  if (/^illegal tag: /s.test(reason)) return tag === undefined ? 'malformed tag' : `malformed {% ${tag} %} tag`;
  if (/^unexpected (?!elsif|character|token)/s.test(reason)) return tag === undefined ? 'unexpected text after a tag name' : `unexpected text after a tag name in the {% ${tag} %} block`;
  return undefined;
}

function fixed(reason: string): string {
  return FIXED.find(([pattern]) => pattern.test(reason))?.[1] ?? 'malformed template';
}
