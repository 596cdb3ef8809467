// --check: the plan a run would carry out, as text or one JSON document. Names,
// sources, lengths and fingerprints only; loaded only for --check.

import type { RunsecretsError } from '../errors.js';
import { oneLine } from '../log.js';
import { fingerprint } from '../mapping/fingerprint.js';
import type { Credentials } from '../privileges/resolve-user.js';
import type { MadeVariable, Secret } from '../types.js';
import type { Leftover } from './leftovers.js';

/** Everything --check reports. */
export interface CheckInput {
  readonly mode: 'exec' | 'watch';
  readonly command: readonly string[];
  /** The command as resolved on PATH, when it was found. */
  readonly commandPath: string | undefined;
  readonly credentials: Credentials | undefined;
  readonly home: string | undefined;
  readonly variables: readonly MadeVariable[];
  /** Secrets that became no variable (--explicit, or *.env files themselves). */
  readonly unexported: readonly Secret[];
  /** Every --template file: where it goes, with which mode and owner; content undefined when it did not render. */
  readonly templates: readonly CheckTemplate[];
  /** Files in the secret dirs skipped as editor or tool leftovers. */
  readonly leftovers: readonly Leftover[];
  readonly problems: readonly RunsecretsError[];
}

/** One template as --check reports it (its rendered content only as length and fingerprint). */
export interface CheckTemplate {
  readonly source: string;
  readonly destination: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly content: Buffer | undefined;
}

/** What --check points out without calling it a problem: values that end in a carriage return. */
export function checkWarnings(input: Pick<CheckInput, 'variables' | 'unexported'>): string[] {
  const endsInCr = (value: Buffer): boolean => value[value.length - 1] === 0x0d;
  const why = 'ends in a carriage return (\\r), which the app will get; save the file without it (--trim all strips \\r\\n line endings, not a lone \\r)';
  return [
    ...input.variables.filter((v) => endsInCr(v.value)).map((v) => `variable ${v.name} from ${v.path} ${why}`),
    ...input.unexported.filter((s) => endsInCr(s.value)).map((s) => `secret ${s.name} (for templates) from ${s.path} ${why}`),
  ];
}

/** The plan as a JSON-ready object. */
export function checkDocument(input: CheckInput): Record<string, unknown> {
  const summary = (value: Buffer) => ({ length: value.length, sha256: fingerprint(value) });
  return {
    ok: input.problems.length === 0,
    mode: input.mode,
    command: input.command.length === 0 ? null : { argv: input.command, path: input.commandPath ?? null },
    user: input.credentials === undefined ? null : { ...input.credentials, groups: [...input.credentials.groups] },
    home: input.home ?? null,
    variables: input.variables.map((v) => ({ name: v.name, source: v.source, path: v.path, ...(v.secret === undefined ? {} : { secret: v.secret }), ...summary(v.value) })),
    unexportedSecrets: input.unexported.map((s) => ({ name: s.name, path: s.path, ...summary(s.value) })),
    templates: input.templates.map((t) => ({
      source: t.source, destination: t.destination, mode: octal(t.mode), owner: { uid: t.uid, gid: t.gid },
      rendered: t.content !== undefined, ...(t.content === undefined ? {} : summary(t.content)),
    })),
    warnings: checkWarnings(input),
    skipped: input.leftovers.map((l) => ({ path: l.path, reason: `${l.kind}, not a secret` })),
    problems: input.problems.map((p) => ({ code: p.code, exitCode: p.exitCode, message: p.message })),
  };
}

/** The plan as aligned text. */
export function checkText(input: CheckInput): string {
  const lines = [`runsecrets check: ${input.problems.length === 0 ? 'ok' : `${input.problems.length} problem(s)`}`];
  lines.push(`mode: ${input.mode}`);
  lines.push(`command: ${input.command.length === 0 ? '(none given)' : `${input.command.join(' ')}${input.commandPath === undefined ? '' : ` -> ${input.commandPath}`}`}`);
  const creds = input.credentials;
  lines.push(creds === undefined ? 'user: unchanged' : `user: ${creds.name ?? '(no passwd entry)'} uid=${creds.uid} gid=${creds.gid} groups=${creds.groups.join(',') || '(none)'}`);
  lines.push(`HOME: ${input.home ?? '(unset)'}`);
  lines.push(`variables (${input.variables.length}):`);
  lines.push(...table(input.variables.map((v) => [v.name, v.source, v.path, `${v.value.length} bytes`, `sha256:${fingerprint(v.value)}`])));
  if (input.unexported.length > 0) {
    lines.push(`secrets for templates only (${input.unexported.length}):`);
    lines.push(...table(input.unexported.map((s) => [s.name, s.path, `${s.value.length} bytes`, `sha256:${fingerprint(s.value)}`])));
  }
  if (input.templates.length > 0) {
    lines.push(`templates (${input.templates.length}):`);
    lines.push(...table(input.templates.map((t) => [t.destination, `from ${t.source}`, `mode ${octal(t.mode)}`, `owner ${t.uid}:${t.gid}`,
      t.content === undefined ? 'not rendered (see problems)' : `${t.content.length} bytes, sha256:${fingerprint(t.content)}`])));
  }
  if (input.leftovers.length > 0) {
    lines.push(`skipped, not secrets (${input.leftovers.length}):`);
    lines.push(...table(input.leftovers.map((l) => [l.path, l.kind])));
  }
  const warnings = checkWarnings(input);
  if (warnings.length > 0) {
    lines.push(`warnings (${warnings.length}):`);
    lines.push(...warnings.map((w) => `  - ${w}`));
  }
  if (input.problems.length > 0) {
    lines.push(`problems (${input.problems.length}):`);
    lines.push(...input.problems.map((p) => `  - ${p.message}`));
  }
  // Names come from file names, which may hold a newline: one line per line, always.
  return `${lines.map(oneLine).join('\n')}\n`;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function table(cells: readonly string[][]): string[] {
  const rows = cells.map((row) => row.map(oneLine));
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`);
}
