// Types shared by the stages: what was read, and what the child will receive; and the
// two ways every stage holds them (an environment, things in name order).
//
// Loops that run once per secret count an index over an array rather than use for…of
// or forEach: a start runs them before either engine optimizes them, and there V8's
// for…of allocates an iterator result per element (over a Map, an entry array too;
// at 1,000 secrets one more young-generation collection, about 1 ms), while Bun's
// JavaScriptCore pays more for a forEach callback per element than for either
// (BENCHMARKS.md, "Per secret, the executable's build and the supervisor's heap").

/** A secret file, read and trimmed. `value` is never logged or printed. */
export interface Secret {
  /** File name, e.g. `db-password`. */
  readonly name: string;
  /** Path as listed in its dir (before following symlinks). */
  readonly path: string;
  readonly value: Buffer;
}

/** Where a variable that runsecrets made came from. */
export type VariableSource = 'file' | 'dotenv' | 'NAME_FILE' | 'dotenv-file';

/** A variable runsecrets sets for the child. */
export interface MadeVariable {
  readonly name: string;
  readonly source: VariableSource;
  /** The file it was read from. */
  readonly path: string;
  /** The secret's name, for variables made from a secret file. */
  readonly secret?: string;
  readonly value: Buffer;
}

/** A read-only view of an environment. */
export type Env = Readonly<Record<string, string>>;

/**
 * A new environment holding the defined variables of each of `sources`, later ones
 * winning. It has no prototype, which V8 keeps as a hash table from the start: a plain
 * object given one variable at a time, or copied with `{ ...env }`, goes through a new
 * hidden class per variable, about 8 million instructions per copy of 1,000 variables
 * (BENCHMARKS.md, "Per secret, the executable's build and the supervisor's heap"); and a variable named `__proto__` is a variable, not the
 * object's prototype.
 */
export function envObject(...sources: readonly Readonly<Record<string, string | undefined>>[]): Record<string, string> {
  const env = Object.create(null) as Record<string, string>;
  for (const source of sources) {
    const names = Object.keys(source);
    for (let i = 0; i < names.length; i += 1) {
      const name = names[i] as string;
      const value = source[name];
      if (value !== undefined) env[name] = value;
    }
  }
  return env;
}

/**
 * The values of `byName` in the order of their names, sorted as `Array.prototype.sort`
 * sorts strings (by UTF-16 code units, as `<` compares them), without a JavaScript
 * comparison per pair.
 */
export function sortedByName<T>(byName: ReadonlyMap<string, T>): T[] {
  return [...byName.keys()].sort().map((name) => byName.get(name) as T);
}
