// --help text, generated from the option table so it always lists every option,
// its environment twin and its default.

import { OPTIONS, twinName } from './options.js';

/** The full --help text. */
export function helpText(version: string): string {
  const rows = OPTIONS.map((spec) => {
    const flag = `${spec.short === undefined ? '    ' : `-${spec.short}, `}--${spec.name}${spec.metavar === '' ? '' : ` ${spec.metavar}`}`;
    const details = [spec.twin ? twinName(spec.name) : '', spec.default === undefined ? '' : `default: ${spec.default}`];
    const repeat = spec.kind === 'list' ? ' (repeatable; twin is comma-separated)' : '';
    return `  ${flag}\n          ${spec.help}${repeat}\n          ${details.filter(Boolean).join(', ') || 'no environment twin'}`;
  });
  return [
    `runsecrets ${version}: secret files → child-only environment or config files → user switch → exec or supervise`,
    '',
    'Usage:',
    '  runsecrets [OPTIONS] [--] COMMAND [ARG...]',
    '  runsecrets --watch [OPTIONS] [--] COMMAND [ARG...]',
    '  runsecrets --check [OPTIONS] [[--] COMMAND [ARG...]]',
    '  runsecrets --help | --version',
    '',
    'Options (flags win over their RUNSECRETS_* twins; switches take 1/true/yes or 0/false/no):',
    ...rows,
    '',
    'Exit status: the command\'s own; 128+N when it died of signal N (--watch);',
    '1 could not start it (missing secret, bad template, unknown user, ...); 2 usage error;',
    '126 command not executable; 127 command not found.',
    '',
  ].join('\n');
}
