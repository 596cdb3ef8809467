// The supervisor, after consul-template's child/: start, signal, restart (stop signal,
// stop timeout, SIGKILL, start) and one exit promise per generation, so that an old
// child's exit is never taken for the new one's. A child that exits on its own ends
// supervision with its status; it is never restarted. One that dies of the reload
// signal runsecrets itself sent (an app killed before it installed its handler) is
// started again, once in a row. A child that cannot be started ends supervision with
// a line that says why, so there is never a moment without a child and without an end.

import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../log.js';
import type { Launch } from './exec.js';
import type { SpawnChild } from './spawn-child.js';

/** Everything a Supervisor needs; no field has a default. */
export interface SupervisorOptions {
  /** Starts each generation (spawn-child.ts). */
  readonly spawn: SpawnChild;
  /** The first generation's command; restart() passes the next one's. */
  readonly launch: Launch;
  /** true: every signal goes to the child's process group; false: to the child alone. Either way the child has its own session. */
  readonly signalGroup: boolean;
  /** Sent to stop a child for a restart. */
  readonly stopSignal: NodeJS.Signals;
  /** ms from the stop signal to SIGKILL; 0 sends SIGKILL right after the stop signal. */
  readonly stopTimeout: number;
  /** Received signals after which no new child is started (SIGTERM, SIGINT, the stop signal). */
  readonly terminating: ReadonlySet<NodeJS.Signals>;
  readonly log: Logger;
}

/** How one generation ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the child never started (spawn's ENOENT, EACCES, ...). */
  readonly error?: NodeJS.ErrnoException;
}

interface Generation {
  readonly child: ChildProcess;
  readonly launch: Launch;
  readonly started: number;
  readonly exited: Promise<ChildExit>;
  /** Whether the process runs the command itself yet (see Started in spawn-child.ts). */
  isRunning: boolean;
  /** Asks the kernel whether the launcher has exec'd the command (see Started). */
  readonly execedNow: (() => boolean) | undefined;
  /** True once restart() stops it: its exit is expected, not the end of supervision. */
  replacing: boolean;
  /** The reload signal runsecrets sent it last (and when), unless the same signal came from outside since. */
  reloadSent: NodeJS.Signals | undefined;
  reloadAt: number;
  /** Started again after its predecessor died of the reload signal; cleared once it outlives one. */
  revived: boolean;
}

/** A monotonic clock in ms: hrtime, since performance.now() loads perf_hooks into the resident supervisor. */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** What restart() did. */
export type RestartResult = 'started' | 'ending' | 'failed';

/** The shell's exit status for a child that ended with `code` or died of `signal`. */
export function exitStatus(exit: ChildExit): number {
  if (exit.error !== undefined) return exit.error.code === 'ENOENT' ? 127 : exit.error.code === 'E2BIG' ? 1 : 126;
  if (exit.signal !== null) return 128 + (process.getBuiltinModule('node:os').constants.signals[exit.signal] ?? 0);
  return exit.code ?? 1;
}

/** Supervises one command across restarts. */
export class Supervisor {
  /** Resolves with the exit status once supervision is over. */
  readonly done: Promise<number>;
  #finish: (status: number) => void = () => {};
  #current: Generation | undefined;
  #stopRequested = false;
  #finished = false;
  readonly #options: SupervisorOptions;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.done = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  /** PID of the running child, if any. */
  get pid(): number | undefined {
    return this.#current?.child.pid;
  }

  /** True once a terminating signal arrived or the child is gone for good: no new child will start. */
  get ending(): boolean {
    return this.#stopRequested || this.#finished;
  }

  /** Starts the first generation. */
  start(): void {
    this.#startGeneration(this.#options.launch);
  }

  /** Forwards a received signal; a terminating one also rules out any further start. */
  signal(signal: NodeJS.Signals): void {
    if (this.#options.terminating.has(signal)) this.#stopRequested = true;
    // The same signal from outside: a death of it is the sender's doing, not the reload's.
    if (this.#current?.reloadSent === signal) this.#current.reloadSent = undefined;
    this.send(signal);
  }

  /** Sends `signal` to the child (or its group) without any other effect. */
  send(signal: NodeJS.Signals): void {
    if (this.#current !== undefined) this.#sendTo(this.#current, signal);
  }

  /** Sends the reload signal; a child that dies of it is started again, once in a row. */
  reload(signal: NodeJS.Signals): void {
    const current = this.#current;
    if (current === undefined) return;
    // Still alive since the last reload: that one was survived, so a death now may be revived again.
    if (current.reloadSent !== undefined) current.revived = false;
    if (!this.#sendTo(current, signal)) return;
    current.reloadSent = signal;
    current.reloadAt = now();
  }

  /**
   * Sends `signal` to the child. While a launcher is still starting the command (about
   * 40 ms, spawn-child.ts), only the signals that end it (SIGKILL, SIGTERM, SIGINT, the
   * stop signal) go through, and end the start; any other, meant for an app that is not
   * running yet, is dropped: the launcher would die of SIGHUP or SIGUSR2 and take
   * supervision down with it, and the app about to start reads its fresh config anyway.
   */
  #sendTo(generation: Generation, signal: NodeJS.Signals): boolean {
    // The launcher's exec may have happened already, with its fd 4 close still unread.
    if (!generation.isRunning && generation.execedNow?.() === true) generation.isRunning = true;
    if (generation.isRunning || signal === 'SIGKILL' || this.#options.terminating.has(signal)) return this.#deliver(generation, signal);
    this.#options.log.debug(`${signal} arrived while the command was being started; not passed on`);
    return false;
  }

  #deliver({ child }: Generation, signal: NodeJS.Signals): boolean {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
    try {
      process.kill(this.#options.signalGroup ? -child.pid : child.pid, signal);
      return true;
    } catch {
      // ESRCH: it exited in between; its exit event follows.
      return false;
    }
  }

  /**
   * Stops the child (stop signal, then SIGKILL after the stop timeout) and starts
   * `launch`. Resolves 'started' once the new child is spawned; 'ending', starting
   * nothing, when supervision is over or a terminating signal arrived before or during
   * the stop; 'failed' when the new child could not be spawned, which ends supervision.
   */
  async restart(launch: Launch): Promise<RestartResult> {
    const old = this.#current;
    if (old === undefined || this.ending) return 'ending';
    old.replacing = true;
    const exit = await this.#stop(old);
    if (this.#stopRequested) {
      this.#end(exit);
      return 'ending';
    }
    return this.#startGeneration(launch) ? 'started' : 'failed';
  }

  async #stop(generation: Generation): Promise<ChildExit> {
    const { stopSignal, stopTimeout, log } = this.#options;
    this.#sendTo(generation, stopSignal);
    const timer = setTimeout(() => {
      log.warn(`child ${generation.child.pid ?? ''} did not stop within ${stopTimeout} ms of ${stopSignal} (--stop-timeout); sending SIGKILL`);
      this.#sendTo(generation, 'SIGKILL');
    }, stopTimeout);
    const exit = await generation.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Spawns a generation; false (supervision ended, with the error) when spawn itself threw (E2BIG, ENOEXEC, ...). */
  #startGeneration(launch: Launch, revived = false): boolean {
    let started: ReturnType<SpawnChild>;
    try {
      // Always a session of its own: signals reach it only through runsecrets (see forward-signals.ts).
      started = this.#options.spawn(launch, true);
    } catch (error) {
      this.#current = undefined;
      this.#end({ code: null, signal: null, error: error as NodeJS.ErrnoException });
      return false;
    }
    const { child, running, execedNow } = started;
    const exited = new Promise<ChildExit>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, error });
      });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const generation: Generation = { child, launch, started: now(), exited, isRunning: running === undefined, execedNow, replacing: false, reloadSent: undefined, reloadAt: 0, revived };
    void running?.then(() => {
      generation.isRunning = true;
    });
    this.#current = generation;
    void exited.then((exit) => {
      if (!generation.replacing && !this.#revive(generation, exit)) this.#end(exit);
    });
    return true;
  }

  /** Starts a child again that died of runsecrets' own reload signal; false when that is not the case, or not again. */
  #revive(generation: Generation, exit: ChildExit): boolean {
    const signal = generation.reloadSent;
    if (signal === undefined || exit.signal !== signal || this.ending) return false;
    const age = Math.round(generation.reloadAt - generation.started);
    if (generation.revived) {
      this.#options.log.error(`the command died of ${signal}, the reload signal runsecrets sent it ${age} ms after its start, again right after being started again for that: it does not handle ${signal}; check --reload-signal`);
      return false;
    }
    this.#options.log.warn(`the command died of ${signal}, the reload signal runsecrets sent it ${age} ms after its start (before it handled ${signal}); started it again, once, with the files as rendered`);
    this.#startGeneration(generation.launch, true);
    return true;
  }

  #end(exit: ChildExit): void {
    if (this.#finished) return;
    this.#finished = true;
    if (exit.error !== undefined) this.#options.log.error(`could not start the command: ${exit.error.code ?? 'error'}`);
    this.#finish(exitStatus(exit));
  }
}
