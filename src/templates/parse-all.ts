// Parses a template so that one broken tag hides nothing else: liquidjs' own parse
// stops at the end with every parse error but no template, so nothing renders and an
// unknown variable three lines further down goes unreported. Here the tokens that parse
// are kept (and rendered by the caller, for their errors), and every parse error is
// collected. An unclosed `{{` or `{%` swallows the rest of the file; the text before it
// is still checked.

import { Parser, Tokenizer, type Liquid, type Template, type TopLevelToken } from 'liquidjs';

/** What parsing one template gave: the templates that parsed, and every error (a tokenization error first). */
export interface Parsed {
  readonly templates: Template[];
  readonly errors: unknown[];
}

/** Tag names that only continue or end a block, reported as unknown when their block failed to parse. */
const CONTINUATIONS = new Set(['else', 'elsif', 'when']);

/** Parses `text` of template `file` with `engine`, token by token. */
export function parseAll(engine: Liquid, text: string, file: string): Parsed {
  const errors: unknown[] = [];
  const tokens = tokenize(engine, text, file, errors);
  const all = [...tokens];
  const parser = new Parser(engine);
  const templates: Template[] = [];
  // Blocks whose opening tag failed: their end tag (and else, when) come next at the top level.
  const open: string[] = [];
  for (let token = tokens.shift(); token !== undefined; token = tokens.shift()) {
    const before = tokens.length;
    try {
      templates.push(parser.parseToken(token, tokens));
    } catch (error) {
      if (leftOfFailedBlock(token, open)) continue;
      errors.push(error);
      // The failed tag and what it took with it, up to the token that failed inside it.
      const start = all.length - before - 1;
      open.push(...openedBy(all.slice(start, start + 1 + before - tokens.length)));
    }
  }
  return { templates, errors };
}

/** The top-level tokens; on a tokenization error, those before it, and the error. */
function tokenize(engine: Liquid, text: string, file: string, errors: unknown[]): TopLevelToken[] {
  const read = (input: string) => new Tokenizer(input, engine.options.operators, file).readTopLevelTokens(engine.options);
  try {
    return read(text);
  } catch (error) {
    errors.push(error);
    const at = (error as { token?: { begin?: number } }).token?.begin ?? 0;
    try {
      const before = read(text.slice(0, at));
      // An unclosed raw fails after its opening tag, which alone would be one more error.
      if ((before.at(-1) as { name?: string } | undefined)?.name === 'raw') before.pop();
      return before;
    } catch {
      return [];
    }
  }
}

/** Whether `token` is the end, else or when of a block that failed to parse (then dropped from `open`). */
function leftOfFailedBlock(token: TopLevelToken, open: string[]): boolean {
  const name = (token as { name?: string }).name;
  if (name === undefined || open.length === 0) return false;
  if (CONTINUATIONS.has(name)) return true;
  const at = name.startsWith('end') ? open.lastIndexOf(name.slice(3)) : -1;
  if (at >= 0) open.splice(at, 1);
  return at >= 0;
}

/** Tag names opened and not closed within `tokens`. */
function openedBy(tokens: readonly TopLevelToken[]): string[] {
  const open: string[] = [];
  for (const token of tokens) {
    const name = (token as { name?: string }).name;
    if (name === undefined || CONTINUATIONS.has(name)) continue;
    const at = name.startsWith('end') ? open.lastIndexOf(name.slice(3)) : -1;
    if (at >= 0) open.splice(at, 1);
    else if (!name.startsWith('end')) open.push(name);
  }
  return open;
}
