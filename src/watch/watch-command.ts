// main.ts's way into watch mode: turns a prepared run into what runWatch needs. The
// re-read goes through the very prepare() that started the run (passed in, so that
// watch/ stays independent of it), with its info lines turned to debug: they were
// said once at start, and a rotation is one line.

import { dirname } from 'node:path';
import type { Config } from '../cli/config.js';
import type { Problems } from '../errors.js';
import type { Logger } from '../log.js';
import { countVariables } from '../mapping/build-env.js';
import type { Credentials } from '../privileges/resolve-user.js';
import type { Relaunch } from '../process/launcher-argument.js';
import type { Actor } from '../safe-fs/actor.js';
import type { RenderedFile } from '../templates/index.js';
import { identifyDirs } from '../templates/dir-identity.js';
import type { MadeVariable } from '../types.js';
import type { WatchState } from './diff.js';
import type { Reading } from './rotation.js';
import { runWatch } from './run-watch.js';

/** The parts of prepare()'s result that watch mode uses. */
export interface PreparedRun {
  readonly env: Record<string, string>;
  readonly variables: readonly Pick<MadeVariable, 'path' | 'source'>[];
  readonly unexported: readonly { readonly name: string; readonly path: string; readonly value: Buffer }[];
  readonly credentials: Credentials | undefined;
  /** Who safe-fs acts as where root does not control alone. */
  readonly actor: Actor | undefined;
  readonly rendered: readonly RenderedFile[];
  readonly problems: Problems;
}

/** What watch mode needs from bin/. */
export interface WatchIo {
  readonly cwd: string;
  /** The command line that runs runsecrets again (the launcher of spawn-child.ts). */
  readonly relaunch: () => Relaunch;
}

/** Runs `prepared` (valid, its templates already written) in watch mode; resolves with the exit status. */
export async function watchCommand(config: Config, prepared: PreparedRun, prepare: (log: Logger) => Promise<PreparedRun>, io: WatchIo, log: Logger): Promise<number> {
  const quiet: Logger = { ...log, info: log.debug };
  const read = async (): Promise<Reading> => {
    const again = await prepare(quiet);
    return { state: stateOf(again), problems: again.problems.list };
  };
  // The closures below outlive the start: they take what they need, not `prepared`, which
  // holds the first reading (every variable and its value).
  const { actor } = prepared;
  const owner = prepared.credentials === undefined ? {} : { uid: prepared.credentials.uid, gid: prepared.credentials.gid };
  // The directories written at start, before the app runs: a rotation writes into them only.
  const startDirs = identifyDirs(prepared.rendered.map((file) => dirname(file.destination)));
  const write = async (files: WatchState['files']): Promise<unknown> => {
    if (files.length === 0) return [];
    const { writeRendered } = await import('../templates/index.js');
    return writeRendered(files as readonly RenderedFile[], { mode: config.templateMode, ...owner, actor }, log, startDirs);
  };
  return runWatch({
    config,
    initial: stateOf(prepared),
    credentials: prepared.credentials,
    readFiles: [...prepared.variables, ...prepared.unexported].map((item) => item.path),
    variableCount: countVariables(prepared.variables),
    read,
    write,
    relaunch: io.relaunch,
    cwd: io.cwd,
    log,
  });
}

function stateOf(prepared: PreparedRun): WatchState {
  return { env: prepared.env, files: prepared.rendered, secrets: prepared.unexported };
}
