// One error type for everything runsecrets reports: a stable code, the exit status the
// SPEC assigns to it, and a one-line message that never contains a secret value.

/** Exit statuses runsecrets itself produces (SPEC §9). */
export type ExitCode = 1 | 2 | 126 | 127;

/** A failure that becomes one `runsecrets: error: ...` line and an exit status. */
export class RunsecretsError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode = 1, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RunsecretsError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A usage error: unknown option, missing or malformed value (exit 2). */
export function usageError(message: string): RunsecretsError {
  return new RunsecretsError('USAGE', `${message} (see runsecrets --help)`, 2);
}

/** Describes an OS error by its code only (`ENOENT`), never by data it may quote. */
export function describeOsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'not a directory',
    EISDIR: 'is a directory',
    ELOOP: 'too many levels of symbolic links',
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EEXIST: 'file exists',
    EBUSY: 'device or resource busy',
    EIO: 'input/output error',
    EMFILE: 'too many open files',
    ENAMETOOLONG: 'file name too long',
    EXDEV: 'not on the same file system',
  };
  return code === undefined ? 'unknown error' : `${text[code] ?? 'failed'} (${code})`;
}

/**
 * Collects every problem found while preparing a run, so that `--check` can list them
 * all and a normal run can refuse to start the command if there is any.
 */
export class Problems {
  readonly list: RunsecretsError[] = [];

  add(error: RunsecretsError): void {
    this.list.push(error);
  }

  /** Runs `step`, recording a RunsecretsError it throws; other errors propagate. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof RunsecretsError)) throw error;
      this.add(error);
      return undefined;
    }
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}
