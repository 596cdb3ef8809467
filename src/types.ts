// Types shared by the stages: what was read, and what the child will receive.

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
