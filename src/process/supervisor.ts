// The supervisor, after consul-template's child/: start, signal, restart (stop signal,
// stop timeout, SIGKILL, start) and one exit promise per generation, so that an old
// child's exit is never taken for the new one's. A child that exits on its own ends
// supervision with its status; it is never restarted.

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
  /** true: every signal goes to the child's process group (the child gets its own); false: to the child alone. */
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
  /** Set when the child never started (spawn's ENOENT, EACCES, …). */
  readonly error?: NodeJS.ErrnoException;
}

interface Generation {
  readonly child: ChildProcess;
  readonly exited: Promise<ChildExit>;
  /** Whether the process runs the command itself yet (see Started in spawn-child.ts). */
  isRunning: boolean;
  /** True once restart() stops it: its exit is expected, not the end of supervision. */
  replacing: boolean;
}

/** The shell's exit status for a child that ended with `code` or died of `signal`. */
export function exitStatus(exit: ChildExit): number {
  if (exit.error !== undefined) return exit.error.code === 'ENOENT' ? 127 : 126;
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

  /**
   * Forwards a received signal, unless the child already got it from the terminal
   * (`delivered`); a terminating one also rules out any further start.
   */
  signal(signal: NodeJS.Signals, delivered = false): void {
    if (this.#options.terminating.has(signal)) this.#stopRequested = true;
    if (!delivered) this.send(signal);
  }

  /** Sends `signal` to the child (or its group) without any other effect: the reload signal. */
  send(signal: NodeJS.Signals): void {
    if (this.#current !== undefined) this.#sendTo(this.#current, signal);
  }

  /**
   * Sends `signal` to the child. While a launcher is still starting the command (about
   * 40 ms, spawn-child.ts), only the signals that end it (SIGKILL, SIGTERM, SIGINT, the
   * stop signal) go through, and end the start; any other, meant for an app that is not
   * running yet, is dropped: the launcher would die of SIGHUP or SIGUSR2 and take
   * supervision down with it, and the app about to start reads its fresh config anyway.
   */
  #sendTo(generation: Generation, signal: NodeJS.Signals): void {
    if (generation.isRunning || signal === 'SIGKILL' || this.#options.terminating.has(signal)) {
      this.#deliver(generation, signal);
    } else {
      this.#options.log.debug(`${signal} arrived while the command was being started; not passed on`);
    }
  }

  #deliver({ child }: Generation, signal: NodeJS.Signals): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(this.#options.signalGroup ? -child.pid : child.pid, signal);
    } catch {
      // ESRCH: it exited in between; its exit event follows.
    }
  }

  /**
   * Stops the child (stop signal, then SIGKILL after the stop timeout) and starts
   * `launch`. Resolves true once the new child is spawned; false, starting nothing,
   * when supervision is over or a terminating signal arrived before or during the stop.
   */
  async restart(launch: Launch): Promise<boolean> {
    const old = this.#current;
    if (old === undefined || this.ending) return false;
    old.replacing = true;
    const exit = await this.#stop(old);
    if (this.#stopRequested) {
      this.#end(exit);
      return false;
    }
    this.#startGeneration(launch);
    return true;
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

  #startGeneration(launch: Launch): void {
    const { child, running } = this.#options.spawn(launch, this.#options.signalGroup);
    const exited = new Promise<ChildExit>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, error });
      });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const generation: Generation = { child, exited, isRunning: running === undefined, replacing: false };
    void running?.then(() => {
      generation.isRunning = true;
    });
    this.#current = generation;
    void exited.then((exit) => {
      if (!generation.replacing) this.#end(exit);
    });
  }

  #end(exit: ChildExit): void {
    if (this.#finished) return;
    this.#finished = true;
    if (exit.error !== undefined) this.#options.log.error(`could not start the command: ${exit.error.code ?? 'error'}`);
    this.#finish(exitStatus(exit));
  }
}
