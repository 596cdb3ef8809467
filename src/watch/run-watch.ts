// Watch mode from start to exit, one step per call (the templates are already
// written): settle who the supervisor runs as, start the command, watch, and turn
// settled changes, and the periodic --resync, into rotations until the command is gone
// for good. Loaded only with --watch.

import type { Config } from '../cli/config.js';
import type { Logger } from '../log.js';
import type { Credentials } from '../privileges/resolve-user.js';
import { forwardSignals } from '../process/forward-signals.js';
import type { Launch } from '../process/exec.js';
import type { Relaunch } from '../process/launcher-argument.js';
import { startInit } from '../process/reaper.js';
import { checkedLaunch } from '../process/resolve-command.js';
import type { SpawnChild } from '../process/spawn-child.js';
import { Supervisor } from '../process/supervisor.js';
import type { WatchState } from './diff.js';
import { keepWatching } from './keep-watching.js';
import { createQuiescence } from './quiescence.js';
import { releaseGarbage } from './resident.js';
import { createRotator, type Reading, type RotationDeps } from './rotation.js';
import { startLine, watchPlan } from './start-line.js';
import { takeUser } from './take-user.js';

/** Everything watch mode needs from the run that prepared it. */
export interface WatchRun {
  readonly config: Config;
  /** The first, valid, state: the child's env and the rendered files (already written). */
  readonly initial: WatchState;
  readonly credentials: Credentials | undefined;
  /** Files the first read took values from (secrets, NAME_FILE targets, --dotenv files). */
  readonly readFiles: readonly string[];
  /** How many variables the child gets, from secrets and from --dotenv (countVariables). */
  readonly variableCount: string;
  /** Reads every source again, quietly. */
  readonly read: () => Promise<Reading>;
  /** Writes rendered files atomically, skipping unchanged ones. */
  readonly write: (files: WatchState['files']) => Promise<unknown>;
  /** The command line that runs runsecrets again (for the launcher). */
  readonly relaunch: () => Relaunch;
  readonly cwd: string;
  readonly log: Logger;
}

/** Supervises the command and applies rotations; resolves with the exit status. */
export async function runWatch(run: WatchRun): Promise<number> {
  const { config, log } = run;
  // 1. Init duties where the runtime can (the executable): reap orphans as PID 1 or as a subreaper; else PID 1 warns.
  const init = startInit(process.pid, log);
  // 2. Drop to the command's user if the supervisor can still do its work as it.
  const plan = watchPlan(config, run.readFiles, run.initial.files, run.cwd);
  const start = takeUser(run.credentials, plan.needs, run.relaunch, log);
  // 3. Find the command as that user, then start it, forwarding every signal.
  const launchWith = (env: WatchState['env']): Launch => checkedLaunch(config.command, env, run.cwd, start.canExecute);
  const first = launchWith(run.initial.env);
  const supervisor = createSupervisor(config, init.track(start.spawn), first, log);
  const stopForwarding = forwardSignals((signal) => supervisor.signal(signal));
  supervisor.start();
  // 4. Watch; changes settle per --wait, then rotate.
  const rotator = createRotator(run.initial, rotationDeps(run, supervisor, launchWith));
  // Each rotation re-reads every source: its garbage goes back as the start's does.
  const quiet = createQuiescence(config.wait, () => void rotator.run().then(releaseGarbage));
  const watcher = await keepWatching(plan, config.poll, (event, path) => {
    log.debug(`${event} ${path}`);
    quiet.poke();
  }, log);
  if (!supervisor.ending) log.info(startLine(first.path, supervisor.pid, run.credentials, run.variableCount, plan.roots.length), { command: first.path, pid: supervisor.pid, watched: plan.roots.length });
  // What the start allocated is dead now; give its pages back before settling in.
  releaseGarbage();
  // Whatever changed between the first read and the watcher being ready is caught up now.
  quiet.poke();
  // 5. The backstop: now and then a full re-read (content compared), after watching again where the mounts changed.
  const stopResync = startResync(config.resync, async () => {
    await watcher.refresh();
    await rotator.run('resync');
    releaseGarbage();
  });
  // 6. Until the command is gone for good.
  const status = await supervisor.done;
  stopResync();
  init.stop();
  quiet.cancel();
  stopForwarding();
  await watcher.close();
  return status;
}

/**
 * Calls `tick` every `interval` ms (never while the one before runs) until the returned
 * function is called. The timer is unref'd: it never keeps runsecrets alive once the app is gone.
 */
function startResync(interval: number | undefined, tick: () => Promise<void>): () => void {
  if (interval === undefined) return () => {};
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void tick().finally(() => {
      busy = false;
    });
  }, interval);
  timer.unref();
  return () => clearInterval(timer);
}

/** A rotation's reads and writes are the run's; its launches, restarts and reloads go through the supervisor. */
function rotationDeps(run: WatchRun, supervisor: Supervisor, launch: (env: WatchState['env']) => Launch): RotationDeps {
  return {
    read: run.read,
    write: run.write,
    launch,
    restart: (next) => supervisor.restart(next),
    reload: (signal) => supervisor.reload(signal),
    reloadSignal: run.config.reloadSignal,
    // hrtime rather than performance.now(), whose first use loads perf_hooks (8 modules) into the resident supervisor.
    now: () => Number(process.hrtime.bigint()) / 1e6,
    log: run.log,
  };
}

function createSupervisor(config: Config, spawn: SpawnChild, launch: Launch, log: Logger): Supervisor {
  return new Supervisor({
    spawn,
    launch,
    signalGroup: config.signalGroup,
    stopSignal: config.stopSignal,
    stopTimeout: config.stopTimeout,
    // After one of these, no new child starts: `docker stop`, Ctrl-C, or the app's own stop signal.
    terminating: new Set(['SIGTERM', 'SIGINT', config.stopSignal]),
    log,
  });
}
