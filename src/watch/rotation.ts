// One rotation, once changes have settled (SPEC §7): re-read everything, validate the
// whole new state before touching anything, compare by content, then render and
// restart or reload. Rotations never overlap: one that settles while another runs is
// done right after it. Validating includes the command itself: a new environment it
// could not be started with (over the exec size limit, say) keeps the running child.

import { RunsecretsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Launch } from '../process/exec.js';
import type { RestartResult } from '../process/supervisor.js';
import { chooseAction, describeChanges, diffStates, type WatchState } from './diff.js';

/** A fresh read of every source: the state it gives, or the problems that make it invalid. */
export interface Reading {
  readonly state: WatchState;
  readonly problems: readonly RunsecretsError[];
}

/** What a rotation acts through; run-watch.ts passes the real ones. */
export interface RotationDeps {
  readonly read: () => Promise<Reading>;
  /** The command's launch with `env`, proven startable (found, runnable, within the exec limit); throws a RunsecretsError. */
  readonly launch: (env: WatchState['env']) => Launch;
  /** Writes rendered files atomically, skipping unchanged ones. */
  readonly write: (files: WatchState['files']) => Promise<unknown>;
  /** Stops the child and starts `launch` (Supervisor.restart). */
  readonly restart: (launch: Launch) => Promise<RestartResult>;
  /** Sends the reload signal to the child. */
  readonly reload: (signal: NodeJS.Signals) => void;
  readonly reloadSignal: NodeJS.Signals | undefined;
  readonly now: () => number;
  readonly log: Logger;
}

/** Runs rotations one at a time, against the last applied state. */
export interface Rotator {
  /**
   * Rotates now, or right after the rotation under way; resolves when done. `resync`:
   * a periodic re-read, which logs an invalid state at error only when its problems
   * differ from the last ones logged (a lasting one is said once, not every interval).
   */
  run(trigger?: 'change' | 'resync'): Promise<void>;
}

/** Creates the rotator, starting from the state the child was started with. */
export function createRotator(initial: WatchState, deps: RotationDeps): Rotator {
  const memory = { applied: initial, problems: '' };
  let running: Promise<void> | undefined;
  let again: 'change' | 'resync' | undefined;
  const loop = async (trigger: 'change' | 'resync'): Promise<void> => {
    let next: 'change' | 'resync' | undefined = trigger;
    while (next !== undefined) {
      again = undefined;
      await rotateOnce(memory, deps, next === 'resync');
      next = again;
    }
    running = undefined;
  };
  return {
    run(trigger = 'change') {
      if (running !== undefined) {
        again = again === 'change' || trigger === 'change' ? 'change' : 'resync';
        return running;
      }
      running = loop(trigger);
      return running;
    },
  };
}

interface Memory {
  /** The state now applied. */
  applied: WatchState;
  /** The problems last logged, one message a line; '' after a valid state. */
  problems: string;
}

/** One rotation; updates memory.applied when something was applied. */
async function rotateOnce(memory: Memory, deps: RotationDeps, resync: boolean): Promise<void> {
  const { log } = deps;
  const started = deps.now();
  try {
    const { state, problems } = await deps.read();
    if (problems.length > 0) return refuse(problems, memory, log, resync);
    const diff = diffStates(memory.applied, state);
    const action = chooseAction(diff, deps.reloadSignal);
    memory.problems = '';
    if (action === 'none') {
      log.debug(resync ? 'resync: the content is identical, nothing to do' : 'changes settled; the content is identical, nothing to do');
      return;
    }
    // The command must be startable with the new environment before anything is touched.
    let launch: Launch | undefined;
    if (action === 'restart') {
      try {
        launch = deps.launch(state.env);
      } catch (error) {
        if (error instanceof RunsecretsError) return refuse([error], memory, log, resync);
        throw error;
      }
    }
    await deps.write(state.files);
    const done = launch === undefined ? reload(deps) : await restart(deps, launch, describeChanges(diff));
    if (done === undefined) return;
    memory.applied = state;
    if (done === 'failed') return;
    const ms = Math.round(deps.now() - started);
    log.info(`rotation: ${describeChanges(diff)}; ${done} in ${ms} ms`, {
      secrets: diff.secrets.map((change) => change.name),
      variables: diff.variables.map((change) => change.name),
      files: diff.files.map((change) => change.name),
      action,
      durationMs: ms,
    });
  } catch (error) {
    // Not expected: name the kind of failure, never its message, which may quote data.
    log.error(error instanceof RunsecretsError ? error.message : `internal error during a rotation (${(error as Error | undefined)?.name ?? 'unknown'})`);
    log.error('rotation not applied: the running command stays as it is; still watching');
  }
}

function reload(deps: RotationDeps): string {
  deps.reload(deps.reloadSignal as NodeJS.Signals);
  return `rendered, sent ${deps.reloadSignal ?? ''}`;
}

/** The rotation line's ending, 'failed' (said here) when the new child could not start, undefined when stopping. */
async function restart(deps: RotationDeps, launch: Launch, changes: string): Promise<string | undefined> {
  const result = await deps.restart(launch);
  if (result === 'started') return 'restarted the command';
  if (result === 'ending') {
    deps.log.debug('stopping: the rotation started no new child');
    return undefined;
  }
  deps.log.error(`rotation: ${changes}; the command was stopped, but the new one could not be started (above); runsecrets exits`);
  return 'failed';
}

/** Logs an invalid state: the running command and the files stay; a resync repeating the last problems says it at debug. */
function refuse(problems: readonly RunsecretsError[], memory: Memory, log: Logger, resync: boolean): void {
  const key = problems.map((problem) => problem.message).join('\n');
  const say = resync && key === memory.problems ? log.debug : log.error;
  memory.problems = key;
  for (const problem of problems) say(problem.message);
  say(`rotation not applied (${problems.length} problem(s)): the running command and the rendered files stay as they are; still watching`);
}
