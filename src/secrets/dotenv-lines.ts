// What dotenv's parse silently gets wrong: it reads a file line by line and takes any
// line that starts like KEY= as a new variable, so the lines of an unquoted multi-line
// value (a PEM key pasted after KEY=) become variables, and lines of base64 that end in
// `=` become variable *names* made of secret text, which --check and the logs print.
// A file with such a line is refused as a whole, by line number, never by content.

/** KEY=, KEY: (dotenv's own two forms), with an optional `export `. */
const ASSIGNMENT = /^\s*(?:export\s+)?[\w.-]+(?:\s*=|:\s)/;
const QUOTES = new Set(['"', "'", '`']);

/** Why the dotenv text cannot be parsed as written (`line 3 is not KEY=VALUE ...`), or undefined. */
export function dotenvProblem(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const assignment = ASSIGNMENT.exec(line);
    if (assignment === null) return `line ${i + 1} is not KEY=VALUE (a value over several lines must be in double quotes)`;
    const value = line.slice(assignment[0].length).trimStart();
    if (value.startsWith('-----BEGIN ')) return `the value on line ${i + 1} starts a PEM block without quotes, and dotenv would read only that line; put the whole block in double quotes`;
    const quote = value[0];
    if (quote === undefined || !QUOTES.has(quote)) continue;
    i = closingLine(lines, i, value, quote);
    if (i < 0) return `a quoted value is not closed (it opens on line ${-i})`;
  }
  return undefined;
}

/** The line where the quoted value opened on line `start` ends; -(start + 1) when it never does. */
function closingLine(lines: readonly string[], start: number, value: string, quote: string): number {
  let rest = value.slice(1);
  for (let i = start; i < lines.length; i += 1, rest = lines[i] ?? '') {
    for (let at = 0; at < rest.length; at += 1) {
      if (rest[at] === '\\') at += 1;
      else if (rest[at] === quote) return i;
    }
  }
  return -(start + 1);
}
