// What a rotation changed, and what to do about it (SPEC §7). Pure: two states in, a
// diff, a decision and a log line out. The line names variables and files with short
// fingerprints, never a value.

import { fingerprint } from '../mapping/fingerprint.js';

/** What one read of the sources gives, as far as a rotation is concerned. */
export interface WatchState {
  /** The child's complete environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Rendered template files, in memory. */
  readonly files: readonly { readonly destination: string; readonly content: Buffer }[];
  /** Secrets that no variable took, read for the templates: named in the line, never an action of their own. */
  readonly secrets: readonly { readonly name: string; readonly value: Buffer }[];
}

/** One variable or file whose value differs; `before`/`after` undefined when it was added/removed. */
export interface Change<T> {
  readonly name: string;
  readonly before: T | undefined;
  readonly after: T | undefined;
}

/** Everything that differs between two states. */
export interface StateDiff {
  readonly secrets: readonly Change<Buffer>[];
  readonly variables: readonly Change<string>[];
  readonly files: readonly Change<Buffer>[];
}

/** What a rotation does. */
export type RotationAction = 'none' | 'reload' | 'restart';

/** Compares two states by content: a variable or file with the same bytes is no change. */
export function diffStates(before: WatchState, after: WatchState): StateDiff {
  const files = (state: WatchState) => new Map(state.files.map((file) => [file.destination, file.content]));
  const secrets = (state: WatchState) => new Map(state.secrets.map((secret) => [secret.name, secret.value]));
  return {
    secrets: changes(secrets(before), secrets(after), (a, b) => a.equals(b)),
    variables: changes(new Map(Object.entries(before.env)), new Map(Object.entries(after.env)), (a, b) => a === b),
    files: changes(files(before), files(after), (a, b) => a.equals(b)),
  };
}

function changes<T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>, same: (a: T, b: T) => boolean): Change<T>[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name) => {
    const [a, b] = [before.get(name), after.get(name)];
    return a !== undefined && b !== undefined && same(a, b) ? [] : [{ name, before: a, after: b }];
  });
}

/**
 * A changed variable needs a restart (a running process cannot take a new
 * environment); files alone need the reload signal if there is one, else a restart.
 */
export function chooseAction(diff: StateDiff, reloadSignal: NodeJS.Signals | undefined): RotationAction {
  if (diff.variables.length > 0) return 'restart';
  if (diff.files.length === 0) return 'none';
  return reloadSignal === undefined ? 'restart' : 'reload';
}

/**
 * `secret db_password sha256:1a2b3c4d->5e6f7a8b, API_KEY added sha256:..., /etc/app.conf ...`:
 * template-only secrets, variables and files alike.
 */
export function describeChanges(diff: StateDiff): string {
  const text = (value: string | Buffer) => fingerprint(typeof value === 'string' ? Buffer.from(value) : value);
  const one = ({ name, before, after }: Change<string | Buffer>): string => {
    if (before === undefined) return `${name} added sha256:${text(after as string | Buffer)}`;
    if (after === undefined) return `${name} removed`;
    return `${name} sha256:${text(before)}→${text(after)}`;
  };
  const secrets = diff.secrets.map((change) => `secret ${one(change)}`);
  return [...secrets, ...[...diff.variables, ...diff.files].map(one)].join(', ');
}
