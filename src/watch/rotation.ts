// One rotation, once changes have settled (SPEC §7): re-read everything, validate the
// whole new state before touching anything, compare by content, then render and
// restart or reload. Rotations never overlap: one that settles while another runs is
// done right after it.

import { RunsecretsError } from '../errors.js';
import type { Logger } from '../log.js';
import { chooseAction, describeChanges, diffStates, type WatchState } from './diff.js';

/** A fresh read of every source: the state it gives, or the problems that make it invalid. */
export interface Reading {
  readonly state: WatchState;
  readonly problems: readonly RunsecretsError[];
}

/** What a rotation acts through; run-watch.ts passes the real ones. */
export interface RotationDeps {
  readonly read: () => Promise<Reading>;
  /** Writes rendered files atomically, skipping unchanged ones. */
  readonly write: (files: WatchState['files']) => Promise<unknown>;
  /** Restarts the child with `env`; false when no new child was started (stopping). */
  readonly restart: (env: WatchState['env']) => Promise<boolean>;
  /** Sends the reload signal to the child. */
  readonly reload: (signal: NodeJS.Signals) => void;
  readonly reloadSignal: NodeJS.Signals | undefined;
  readonly now: () => number;
  readonly log: Logger;
}

/** Runs rotations one at a time, against the last applied state. */
export interface Rotator {
  /** Rotates now, or right after the rotation under way; resolves when done. */
  run(): Promise<void>;
}

/** Creates the rotator, starting from the state the child was started with. */
export function createRotator(initial: WatchState, deps: RotationDeps): Rotator {
  let applied = initial;
  let running: Promise<void> | undefined;
  let again = false;
  const loop = async (): Promise<void> => {
    do {
      again = false;
      applied = await rotateOnce(applied, deps);
    } while (again);
    running = undefined;
  };
  return {
    run() {
      if (running !== undefined) {
        again = true;
        return running;
      }
      running = loop();
      return running;
    },
  };
}

/** One rotation; resolves with the state now applied (the old one if nothing was). */
async function rotateOnce(applied: WatchState, deps: RotationDeps): Promise<WatchState> {
  const { log } = deps;
  const started = deps.now();
  try {
    const { state, problems } = await deps.read();
    if (problems.length > 0) {
      for (const problem of problems) log.error(problem.message);
      log.error(`rotation not applied (${problems.length} problem(s)): the running command and the rendered files stay as they are; still watching`);
      return applied;
    }
    const diff = diffStates(applied, state);
    const action = chooseAction(diff, deps.reloadSignal);
    if (action === 'none') {
      log.debug('changes settled; the content is identical, nothing to do');
      return applied;
    }
    await deps.write(state.files);
    if (action === 'reload') deps.reload(deps.reloadSignal as NodeJS.Signals);
    else if (!(await deps.restart(state.env))) {
      log.debug('stopping: the rotation started no new child');
      return applied;
    }
    const done = action === 'reload' ? `rendered, sent ${deps.reloadSignal ?? ''}` : 'restarted the command';
    const ms = Math.round(deps.now() - started);
    log.info(`rotation: ${describeChanges(diff)}; ${done} in ${ms} ms`, {
      secrets: diff.secrets.map((change) => change.name),
      variables: diff.variables.map((change) => change.name),
      files: diff.files.map((change) => change.name),
      action,
      durationMs: ms,
    });
    return state;
  } catch (error) {
    // Not expected: name the kind of failure, never its message, which may quote data.
    log.error(error instanceof RunsecretsError ? error.message : `internal error during a rotation (${(error as Error | undefined)?.name ?? 'unknown'})`);
    log.error('rotation not applied: the running command stays as it is; still watching');
    return applied;
  }
}
