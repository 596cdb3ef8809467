// Watching real processes from a test: wait for a readiness line, look a PID up in
// /proc, and find a Node.js on this machine that has no process.execve.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Resolves with everything read so far once a line equal to `line` appears on `stream`. */
export function waitForLine(stream: Readable, line: string, ceilingMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => finish(new Error(`no line ${JSON.stringify(line)} within ${ceilingMs} ms; got ${JSON.stringify(seen)}`)), ceilingMs);
    const onData = (chunk: Buffer | string): void => {
      seen += String(chunk);
      if (seen.split('\n').slice(0, -1).includes(line)) finish();
    };
    const onEnd = (): void => finish(new Error(`stream ended before line ${JSON.stringify(line)}; got ${JSON.stringify(seen)}`));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (error === undefined) resolve(seen);
      else reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}

/** A process as /proc shows it: argv, the executable's path and the parent's PID. */
export interface ProcInfo {
  readonly pid: number;
  readonly argv: string[];
  readonly exe: string | undefined;
  readonly ppid: number;
}

/** Reads /proc/PID; undefined when the process is gone. */
export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the `(comm)`, which may itself hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    let exe: string | undefined;
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {
      exe = undefined;
    }
    return { pid, argv, exe, ppid };
  } catch {
    return undefined;
  }
}

/** Every process currently visible in /proc. */
export function allProcesses(): ProcInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => procInfo(Number(name)))
    .filter((info): info is ProcInfo => info !== undefined);
}

/** The PIDs of every process below `pid`, children first. */
export function descendants(pid: number): number[] {
  const children = allProcesses().filter((p) => p.ppid === pid).map((p) => p.pid);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Where tests look for a Node.js without process.execve: RUNSECRETS_TEST_OLD_NODE, then the system's. */
const OLD_NODES = [process.env.RUNSECRETS_TEST_OLD_NODE, '/usr/local/bin/node', '/usr/bin/node'].filter((node): node is string => node !== undefined && node !== '');

/** A Node.js binary without process.execve (Node < 22.15), or the need for one (test/helpers/requirements.ts). */
export function nodeWithoutExecve(): { node: string } | { need: string } {
  for (const node of OLD_NODES) {
    if (!existsSync(node)) continue;
    try {
      const kind = execFileSync(node, ['-e', 'process.stdout.write(typeof process.execve)'], { encoding: 'utf8' });
      if (kind === 'undefined') return { node };
    } catch {
      // Not runnable here; try the next one.
    }
  }
  return { need: 'a Node.js without process.execve, e.g. Node 20 (apt-get install nodejs, or npm install --prefix /tmp/node20 node@20 and RUNSECRETS_TEST_OLD_NODE=/tmp/node20/node_modules/.bin/node)' };
}

/** Every line a long-running process has written to `stream` so far, and waiting for more. */
export class LineLog {
  readonly lines: string[] = [];
  #partial = '';
  #ended = false;
  #waiters = new Set<() => void>();

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer | string) => {
      const parts = (this.#partial + String(chunk)).split('\n');
      this.#partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.#wake();
    });
    stream.on('end', () => {
      if (this.#partial !== '') this.lines.push(this.#partial);
      this.#ended = true;
      this.#wake();
    });
  }

  /** All lines, joined. */
  get text(): string {
    return this.lines.join('\n');
  }

  /** How many lines match. */
  count(match: string | RegExp): number {
    return this.lines.filter((line) => matches(line, match)).length;
  }

  /** Resolves with the index of the first matching line at or after `from`; rejects after `ceilingMs` or at the end of the stream. */
  waitFor(match: string | RegExp, options: { from?: number; ceilingMs?: number } = {}): Promise<number> {
    const { from = 0, ceilingMs = 20_000 } = options;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const index = this.lines.findIndex((line, i) => i >= from && matches(line, match));
        if (index >= 0) finish(() => resolve(index));
        else if (this.#ended) finish(() => reject(new Error(`stream ended without a line ${String(match)}; got:\n${this.text}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no line ${String(match)} within ${ceilingMs} ms; got:\n${this.text}`))), ceilingMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

function matches(line: string, match: string | RegExp): boolean {
  return typeof match === 'string' ? line === match : match.test(line);
}
