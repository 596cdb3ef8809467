// The runtime's own command line and environment, checked before a root runsecrets does
// anything. Node.js acts on some options wherever they appear in its argv, including
// runsecrets' arguments and the app's command after them (`--env-file*` up to the first
// `--`, `--experimental-config-file` anywhere), and on NODE_OPTIONS; Bun's executable on
// BUN_OPTIONS and BUN_INSPECT. What they load (a .env with NODE_OPTIONS=--require, a
// config file, a preload) usually belongs to the app, and it ran as root before
// runsecrets' first line. An inspector listening in a root process lets any local user
// run code as root. Nothing of this can be undone from inside, so it is refused.

/** What bin/ observed about the runtime it runs on. */
export interface RuntimeFacts {
  readonly runtime: 'node' | 'bun';
  /** The raw command line (/proc/self/cmdline); undefined when it could not be read. */
  readonly cmdline: readonly string[] | undefined;
  /** The arguments runsecrets itself parses (after the script). */
  readonly args: readonly string[];
  /** NODE_OPTIONS (Node.js) or BUN_OPTIONS (Bun), as inherited. */
  readonly options: string | undefined;
  /** Names of inherited BUN_INSPECT* variables. */
  readonly inspectVariables: readonly string[];
  /** Whether an inspector listens in this process now. */
  readonly inspectorListening: boolean;
}

/** Options that make Node.js or Bun load code or files, or listen for a debugger. */
const LOADING = [/^-r$/, /^--require\b/, /^--import\b/, /^--(experimental-)?loader\b/, /^--env-file/, /^--experimental(-default)?-config-file/, /^--inspect/, /^--debug/, /^--preload\b/, /^--config\b/];

/** How to start runsecrets so that Node.js reads none of its arguments. */
const HOW = 'start it as `node --disable-sigusr1 -- runsecrets.mjs …` or use the standalone executable';

/** Why a root runsecrets must not go on with this runtime, or undefined. */
export function runtimeProblem(facts: RuntimeFacts): string | undefined {
  if (facts.inspectorListening) {
    return `a debugger inspector listens in runsecrets, which runs as root, so any local user could run code as root through it (from ${facts.runtime === 'bun' ? 'BUN_INSPECT' : 'NODE_OPTIONS, an --inspect flag, or a SIGUSR1 during start'}); give --inspect to the app's own command instead, and ${HOW}`;
  }
  const variable = facts.runtime === 'bun' ? 'BUN_OPTIONS' : 'NODE_OPTIONS';
  const loading = words(facts.options ?? '').find((word) => LOADING.some((pattern) => pattern.test(word)));
  if (loading !== undefined) {
    return `${variable} holds ${flagOf(loading)}, which ${facts.runtime === 'bun' ? 'Bun' : 'Node.js'} applied to runsecrets itself, as root, before it started; set it for the app only (CMD ["env", "${variable}=…", "node", "app.js"]), or use the standalone executable`;
  }
  if (facts.runtime === 'bun') {
    const [inspect] = facts.inspectVariables;
    return inspect === undefined ? undefined : `${inspect} makes the executable open a debugger inspector in runsecrets, which runs as root; unset it for runsecrets and give it to the app only`;
  }
  const acted = actedOn(facts.cmdline, facts.args);
  return acted === undefined ? undefined
    : `Node.js took ${acted} from runsecrets' own command line (an argument meant for runsecrets or the app), so it may have loaded that file into runsecrets as root; ${HOW}`;
}

/**
 * The first argument after the script that Node.js acts on: `--env-file...` before the
 * first `--` of the whole command line, `--experimental-config-file...` anywhere.
 */
function actedOn(cmdline: readonly string[] | undefined, args: readonly string[]): string | undefined {
  if (cmdline === undefined || cmdline.length < args.length) return undefined;
  const nodePart = cmdline.slice(0, cmdline.length - args.length);
  let scanned = !nodePart.includes('--');
  for (const arg of args) {
    if (arg === '--') scanned = false;
    if (/^--experimental(-default)?-config-file/.test(arg) || (scanned && arg.startsWith('--env-file'))) return flagOf(arg);
  }
  return undefined;
}

/** `--require` of `--require=./x.cjs`: the option, without a value that may be a path of the app's. */
function flagOf(word: string): string {
  return word.split('=')[0] ?? word;
}

/** NODE_OPTIONS split as Node.js does, close enough to find option names: at spaces, outside double quotes. */
function words(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((match) => match[0]);
}
