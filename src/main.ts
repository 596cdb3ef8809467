// runsecrets from start to exec, one step per call: parse the command line, prepare
// the child's environment and user, then either report (--check), supervise the
// command (--watch), or switch user and replace this process with the command.

import { resolveConfig, watchOnlyWarning, type Config } from './cli/config.js';
import { RunsecretsError, usageError } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { countVariables } from './mapping/build-env.js';
import { prepare, type Prepared } from './prepare.js';
import type { Caller } from './privileges/resolve-user.js';
import { switchUser } from './privileges/switch-user.js';
import { execCommand, execFallback } from './process/exec.js';
import { runtimeProblem, type RuntimeFacts } from './privileges/runtime-check.js';
import { LAUNCHER_ARGUMENT, type Relaunch } from './process/launcher-argument.js';
import { accessExecutable, checkedLaunch, modeBitsExecutable } from './process/resolve-command.js';
import { VERSION, versionLine } from './version.js';

/** What main needs from the outside world; bin/ passes the real ones. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly caller: Caller;
  /** The command line that runs runsecrets again: watch mode's launcher (process/spawn-child.ts). */
  readonly relaunch: () => Relaunch;
  /** What the runtime was started with (checked before a root runsecrets does anything). */
  readonly runtime: () => RuntimeFacts;
}

/** Runs runsecrets; resolves with the exit status unless the command replaced this process. */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: Io): Promise<number> {
  let log: Logger = createLogger('error', 'text', io.stderr);
  try {
    // 0. As root: nothing the app could have put on this command line or in NODE_OPTIONS was acted on.
    checkRuntime(io);
    // A watch-mode supervisor that stays root starts each child through runsecrets itself.
    if (argv[0] === LAUNCHER_ARGUMENT) return await (await import('./process/launcher.js')).runLauncher(io.cwd, log);

    // 1. Options and their RUNSECRETS_* twins.
    const config = resolveConfig(argv, env);
    if (config.help) return print(io, (await import('./cli/help.js')).helpText(VERSION));
    if (config.version) return print(io, `${versionLine()}\n`);
    log = createLogger(config.logLevel, config.logFormat, io.stderr);
    // No arguments at all: the usage, on stderr with exit 1, as gosu and tini do.
    if (argv.length === 0 && !config.check) return await usage(io);
    const idle = watchOnlyWarning(config);
    if (idle !== undefined) log.warn(idle);
    if (config.command.length === 0 && !config.check) throw usageError('no command given: runsecrets [OPTIONS] [--] COMMAND [ARG...]');

    // 2. Secrets -> the child's environment, and the target user; all problems collected.
    // A watch-mode supervisor stays resident: it gives up V8's optimizing compilers first.
    if (config.watch && !config.check) (await import('./watch/resident.js')).stayLean();
    const prepared = await prepare(config, env, io.caller, log);

    // 3. --check reports the plan and stops.
    if (config.check) return await check(config, prepared, io);
    const [first] = prepared.problems.list;
    if (first !== undefined) {
      for (const problem of prepared.problems.list) log.error(problem.message);
      return first.exitCode;
    }

    // 4. Write the rendered files while still the caller: root can hand them to the target user.
    await writeTemplates(config, prepared, io, log);

    // 5. --watch stays the parent: supervises the command, forwards signals, applies rotations.
    if (config.watch) {
      checkRuntime(io);
      // Returned, not awaited: this frame ends now instead of holding the first reading
      // (every variable and its value) for as long as the supervisor runs.
      const logger = log;
      return watch(config, env, prepared, io, log).catch((error: unknown) => reportFatal(logger, error));
    }

    // 6. Drop privileges, then find the command as the user who will run it.
    if (prepared.credentials !== undefined) switchUser(prepared.credentials);
    const launch = checkedLaunch(config.command, prepared.env, io.cwd, accessExecutable);

    // 7. Replace this process with the command. The runtime check again, and once more as
    //    the very last step: an inspector that a SIGUSR1 during Node's start opens comes up
    //    whenever the main thread next takes an interrupt, which can be after any check.
    checkRuntime(io);
    await logStart(log, launch.path, prepared);
    return await execCommand(launch, log, () => checkRuntime(io));
  } catch (error) {
    return reportFatal(log, error);
  }
}

async function check(config: Config, prepared: Prepared, io: Io): Promise<number> {
  const { problems, credentials } = prepared;
  const user = credentials ?? { uid: io.caller.uid, gid: io.caller.gid, groups: [] };
  const command = config.command[0];
  const commandPath = command === undefined ? undefined
    : problems.attempt(() => checkedLaunch(config.command, prepared.env, io.cwd, modeBitsExecutable(user.uid, [user.gid, ...user.groups])).path);
  const { checkDocument, checkText } = await import('./check/report.js');
  const { findLeftovers } = await import('./check/leftovers.js');
  const templates = prepared.templateFiles.map((file) => ({ ...file, mode: config.templateMode, uid: user.uid, gid: user.gid, content: prepared.rendered.find((r) => r.destination === file.destination)?.content }));
  const input = { mode: config.watch ? ('watch' as const) : ('exec' as const), command: config.command, commandPath, credentials, home: prepared.env.HOME, variables: prepared.variables, unexported: prepared.unexported, templates, leftovers: findLeftovers(config.dirs), problems: problems.list };
  io.stdout(config.logFormat === 'json' ? `${JSON.stringify(checkDocument(input), null, 2)}\n` : checkText(input));
  return problems.empty ? 0 : 1;
}

/** Writes the rendered templates (mode --template-mode, owned by the --user); liquidjs stays unloaded without --template. */
async function writeTemplates(config: Config, prepared: Prepared, io: Io, log: Logger): Promise<void> {
  if (prepared.rendered.length === 0) return;
  // A command that cannot run fails before anything is written; the lookup that counts follows the switch.
  const user = prepared.credentials ?? { uid: io.caller.uid, gid: io.caller.gid, groups: [] };
  checkedLaunch(config.command, prepared.env, io.cwd, modeBitsExecutable(user.uid, [user.gid, ...user.groups]));
  const { writeRendered } = await import('./templates/index.js');
  const owner = prepared.credentials === undefined ? {} : { uid: prepared.credentials.uid, gid: prepared.credentials.gid };
  await writeRendered(prepared.rendered, { mode: config.templateMode, ...owner, actor: prepared.actor }, log);
}

async function watch(config: Config, env: Readonly<Record<string, string | undefined>>, prepared: Prepared, io: Io, log: Logger): Promise<number> {
  const { watchCommand } = await import('./watch/watch-command.js');
  // A supervisor that dropped to the command's user re-reads as that user: it is the caller now.
  const caller = (): Caller => (process.geteuid?.() === io.caller.uid ? io.caller : { uid: process.geteuid?.() ?? io.caller.uid, gid: process.getegid?.() ?? io.caller.gid });
  return watchCommand(config, prepared, (quiet) => prepare(config, env, caller(), quiet), io, log);
}

/** The one info line of exec mode; on a runtime without process.execve it says that the command is supervised instead. */
async function logStart(log: Logger, path: string, prepared: Prepared): Promise<void> {
  const user = prepared.credentials === undefined ? '' : ` as ${prepared.credentials.name ?? prepared.credentials.uid} (${prepared.credentials.uid}:${prepared.credentials.gid})`;
  const fallback = execFallback();
  const how = fallback === undefined ? 'exec' : 'supervising';
  const why = fallback === undefined ? '' : ` (exec mode falls back to supervising: ${fallback})`;
  log.info(`${how} ${path}${user} with ${countVariables(prepared.variables)}${why}`, { command: path, variables: prepared.variables.length, ...(fallback === undefined ? {} : { supervised: true }) });
  if (!log.enabled('debug')) return;
  const { fingerprint } = await import('./mapping/fingerprint.js');
  for (const v of prepared.variables) {
    log.debug(`variable ${v.name} from ${v.source} ${v.path}: ${v.value.length} bytes, sha256:${fingerprint(v.value)}`);
  }
}

/**
 * As root, refuses a runtime that acted on what the app controls, or an inspector that
 * listens. Checked first, and again just before the command starts: a SIGUSR1 that
 * arrived while Node.js started opens the inspector from another thread, which may
 * listen only after the first check (SECURITY.md).
 */
function checkRuntime(io: Io): void {
  const unsafe = io.caller.uid === 0 ? runtimeProblem(io.runtime()) : undefined;
  if (unsafe !== undefined) throw new RunsecretsError('RUNTIME', unsafe);
}

function reportFatal(log: Logger, error: unknown): number {
  if (error instanceof RunsecretsError) {
    log.error(error.message);
    return error.exitCode;
  }
  // Not expected: say what kind of failure it was, never its data.
  log.error(`internal error (${(error as Error | undefined)?.name ?? 'unknown'}); rerun with --log-level debug and report it`);
  // Frames only: an error's message may quote the data it failed on.
  const frames = String((error as Error | undefined)?.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  log.debug(`internal error at:\n${frames.join('\n')}`);
  return 1;
}

function print(io: Io, text: string): number {
  io.stdout(text);
  return 0;
}

async function usage(io: Io): Promise<number> {
  io.stderr((await import('./cli/help.js')).usageText());
  return 1;
}
