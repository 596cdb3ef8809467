// waitpid(2) and prctl(2) from the C library, for the init duties of watch mode
// (reaper.ts), through the runtime's foreign function interface: bun:ffi in the
// standalone executable, node:ffi in Node.js 26 (experimental, on by default since 26.9;
// 26.1 to 26.8 need --experimental-ffi, which runsecrets cannot give itself, and
// --permission denies it without --allow-ffi). Node.js 22 and 24 have none. Loaded only
// in watch mode; every failure is a reason, never an exception, and a first call proves
// that the signatures were understood before the reaper relies on them.

/** The two calls the reaper makes. */
export interface Libc {
  /** waitpid(pid, &status, WNOHANG): the pid once reaped (0: still running, -1: not a child), and its raw status. */
  readonly waitpidNoHang: (pid: number) => { readonly pid: number; readonly status: number };
  /** prctl(PR_SET_CHILD_SUBREAPER, 1): true on success. */
  readonly setChildSubreaper: () => boolean;
  /** Which FFI it goes through, for the debug line. */
  readonly via: string;
}

const WNOHANG = 1;
const PR_SET_CHILD_SUBREAPER = 36;
/** glibc's soname; the executable is linked against it, and Node.js's Linux builds too. */
const LIBC = 'libc.so.6';

type Call = (...args: unknown[]) => number;
interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): { symbols: Record<string, Call> };
}
interface NodeFfi {
  dlopen(path: string, symbols: Record<string, { arguments: string[]; return: string }>): { functions: Record<string, Call> };
}

/** The C library, or why it cannot be had on this runtime. */
export function loadLibc(onFfiWarning: (message: string) => void): Libc | string {
  try {
    return process.versions.bun !== undefined ? loadThroughBun() : loadThroughNode(onFfiWarning);
  } catch (error) {
    return `the C library could not be loaded: ${(error as Error).message.split('\n')[0] ?? ''}`;
  }
}

function loadThroughBun(): Libc {
  const ffi = process.getBuiltinModule('bun:ffi') as BunFfi;
  const { symbols } = ffi.dlopen(LIBC, {
    waitpid: { args: ['i32', 'ptr', 'i32'], returns: 'i32' },
    prctl: { args: ['i32', 'u64', 'u64', 'u64', 'u64'], returns: 'i32' },
  });
  return wrap(symbols, 1, `bun:ffi (Bun ${process.versions.bun ?? ''})`);
}

/**
 * node:ffi announces itself with an ExperimentalWarning on stderr when first loaded; that
 * one warning goes to `onFfiWarning` instead (a debug line), every other still reaches
 * Node's own listeners.
 */
function loadThroughNode(onFfiWarning: (message: string) => void): Libc | string {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning' && warning.message.startsWith('FFI ')) onFfiWarning(warning.message);
    else for (const listener of listeners) listener(warning);
  });
  const ffi = process.getBuiltinModule('node:ffi') as NodeFfi | undefined;
  if (ffi === undefined) {
    process.removeAllListeners('warning');
    for (const listener of listeners) process.on('warning', listener);
    return `Node.js ${process.version} has no node:ffi (26.9 and later have it; 26.1 to 26.8 with --experimental-ffi)`;
  }
  const { functions } = ffi.dlopen(LIBC, {
    waitpid: { arguments: ['int32', 'pointer', 'int32'], return: 'int32' },
    prctl: { arguments: ['int32', 'uint64', 'uint64', 'uint64', 'uint64'], return: 'int32' },
  });
  return wrap(functions, 1n, `node:ffi (Node.js ${process.version})`);
}

/** The calls over the resolved symbols; `one` is 1 as the FFI takes a 64-bit integer. Throws if a probe call fails. */
function wrap(calls: Record<string, Call>, one: number | bigint, via: string): Libc {
  const { waitpid, prctl } = calls as { waitpid: Call; prctl: Call };
  const zero = typeof one === 'bigint' ? 0n : 0;
  const status = new Int32Array(1);
  // No process has the largest pid: -1 (ECHILD) if the call went through as declared.
  if (waitpid(0x7fffffff, status, WNOHANG) !== -1) throw new Error(`waitpid through ${via} did not answer as declared`);
  return {
    waitpidNoHang: (pid) => {
      status[0] = 0;
      return { pid: waitpid(pid, status, WNOHANG), status: status[0] ?? 0 };
    },
    setChildSubreaper: () => prctl(PR_SET_CHILD_SUBREAPER, one, zero, zero, zero) === 0,
    via,
  };
}
