// --wait MIN[:MAX], consul-template's quiescence: the first change starts a MIN timer,
// each further change restarts it, but it never runs past MAX after the first change.
// Pure: the clock and the timers are passed in, so tests drive it with fake ones.

/** The clock and timers quiescence runs on. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock and timers, looked up on each call (so fake timers apply in tests). */
export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A quiescence timer. */
export interface Quiescence {
  /** Records a change. */
  poke(): void;
  /** Forgets pending changes; a later poke starts afresh. */
  cancel(): void;
  /** True between a first change and the settle. */
  readonly pending: boolean;
}

/** Calls `onSettle` once the changes poked in have settled per `wait` (ms). */
export function createQuiescence(wait: { readonly min: number; readonly max: number }, onSettle: () => void, timers: Timers = REAL_TIMERS): Quiescence {
  let first: number | undefined;
  let handle: unknown;
  const clear = (): void => {
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
  };
  const settle = (): void => {
    handle = undefined;
    first = undefined;
    onSettle();
  };
  return {
    poke() {
      const now = timers.now();
      first ??= now;
      clear();
      // Never past MAX after the first change; MIN after this one otherwise.
      const due = Math.min(now + wait.min, first + wait.max);
      handle = timers.setTimeout(settle, Math.max(0, due - now));
    },
    cancel() {
      clear();
      first = undefined;
    },
    get pending() {
      return first !== undefined;
    },
  };
}
