// --help text, generated from the option table so it always lists every option, its
// environment twin and its default, in the table's groups, within 80 columns.

import { GROUPS, OPTIONS, twinName, type OptionSpec } from './options.js';

const WIDTH = 80;
/** Where descriptions start: flags longer than this get their own line. */
const COLUMN = 30;

const USAGE = [
  'Usage:',
  '  runsecrets [OPTIONS] [--] COMMAND [ARG...]',
  '  runsecrets --watch [OPTIONS] [--] COMMAND [ARG...]',
  '  runsecrets --check [OPTIONS] [[--] COMMAND [ARG...]]',
  '  runsecrets --help | --version',
];

const SYNTAX = [
  'Every option has a RUNSECRETS_* twin (--max-size: RUNSECRETS_MAX_SIZE); flags',
  'win over twins. A switch takes 1/true/yes or 0/false/no; the twin of a',
  'repeatable option is a comma-separated list. Values:',
  '  DURATION  200ms, 1.5s, 2m, 1h; 0 for none (INTERVAL, MIN and MAX alike)',
  '  SIG       a signal name or number: SIGHUP, HUP, 1',
  '  BYTES     4096, 512KiB, 1MiB, 2MB',
];

const EXAMPLES = [
  'Examples:',
  '  runsecrets --user app --map PGPASSWORD=db_password -- node server.js',
  '  runsecrets --check --dir ./dev-secrets -- node server.js',
  '  runsecrets --watch --user app --reload-signal SIGHUP \\',
  '    --template /etc/app/app.conf.tmpl:/run/app/app.conf -- app-server',
];

const EXIT = [
  "Exit status: the command's own; 128+N when it died of signal N (--watch);",
  '1 could not start it (missing secret, bad template, unknown user, ...) or no',
  'arguments at all; 2 usage error; 126 command not executable; 127 command not',
  'found.',
];

/** The full --help text. */
export function helpText(version: string): string {
  const options = OPTIONS.flatMap((spec) => [...(GROUPS[spec.name] === undefined ? [] : ['', `${GROUPS[spec.name]}:`]), ...optionLines(spec)]);
  const title = `runsecrets ${version}: secret files to variables or config files only the command sees, a user switch, then exec (or supervise)`;
  return [...wrap(title, WIDTH, ''), '', ...USAGE, '', ...SYNTAX, ...options, '', ...EXAMPLES, '', ...EXIT, ''].join('\n');
}

/** What `runsecrets` with no arguments prints (to stderr, as gosu and tini do). */
export function usageText(): string {
  return [...USAGE, '', 'runsecrets --help lists every option.', ''].join('\n');
}

/** An option's entry: the flag, its description, then its twin, default and whether it repeats. */
function optionLines(spec: OptionSpec): string[] {
  const flag = `  ${spec.short === undefined ? '    ' : `-${spec.short}, `}--${spec.name}${spec.metavar === '' ? '' : ` ${spec.metavar}`}`;
  const details = [spec.twin ? twinName(spec.name) : 'no environment twin', spec.default === undefined ? '' : `default: ${spec.default}`, spec.kind === 'list' ? 'repeatable' : ''];
  const indent = ' '.repeat(COLUMN);
  const text = [...wrap(spec.help, WIDTH - COLUMN, indent), ...wrap(details.filter(Boolean).join('; '), WIDTH - COLUMN, indent)];
  if (flag.length > COLUMN - 1) return [flag, ...text];
  return [`${flag.padEnd(COLUMN)}${(text[0] ?? '').trimStart()}`, ...text.slice(1)];
}

/** `text` in lines of at most `width` characters (words are never split), each after `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, indent + line];
}
