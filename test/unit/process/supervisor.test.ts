// The Supervisor never leaves supervision in limbo: a new child that cannot be spawned
// after the old one was stopped ends supervision with a status and a line, rather than
// waiting forever for an exit that cannot come (issue 11, item 2).

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { SpawnChild } from '../../../src/process/spawn-child.js';
import { Supervisor } from '../../../src/process/supervisor.js';

const launch = { path: '/bin/sleep', argv: ['sleep', '30'], env: {} };

/** Real `sleep` children; the ones listed in `failing` (by call number) throw as spawn does for E2BIG. */
function spawner(failing: readonly number[]): SpawnChild {
  let calls = 0;
  return (next, detached) => {
    calls += 1;
    if (failing.includes(calls)) throw Object.assign(new Error('spawn E2BIG'), { code: 'E2BIG' });
    return { child: spawn(next.path, next.argv.slice(1), { stdio: 'ignore', detached }) };
  };
}

function supervisor(spawnChild: SpawnChild, lines: string[]): Supervisor {
  const log = createLogger('info', 'text', (line) => lines.push(line));
  return new Supervisor({ spawn: spawnChild, launch, signalGroup: false, stopSignal: 'SIGTERM', stopTimeout: 5000, terminating: new Set(['SIGTERM']), log });
}

describe('Supervisor.restart', () => {
  it('a spawn that throws after the stop ends supervision: "failed", exit 1 for E2BIG, one line', async () => {
    const lines: string[] = [];
    const sup = supervisor(spawner([2]), lines);
    sup.start();
    const first = sup.pid;
    expect(await sup.restart(launch)).toBe('failed');
    expect(await sup.done).toBe(1);
    expect(sup.ending).toBe(true);
    expect(sup.pid).toBeUndefined();
    expect(lines).toEqual(['runsecrets: error: could not start the command: E2BIG\n']);
    // The old child really was stopped.
    expect(() => process.kill(first as number, 0)).toThrow();
  });

  it('negative control: a spawn that works gives a new child, and SIGTERM then ends it', async () => {
    const lines: string[] = [];
    const sup = supervisor(spawner([]), lines);
    sup.start();
    const first = sup.pid;
    expect(await sup.restart(launch)).toBe('started');
    expect(sup.pid).not.toBe(first);
    sup.signal('SIGTERM');
    expect(await sup.done).toBe(143);
    expect(lines).toEqual([]);
  });

  it('every child has a session of its own (setsid), so a terminal signals runsecrets alone', async () => {
    let detached: boolean | undefined;
    const sup = supervisor((next, asked) => {
      detached = asked;
      return spawner([])(next, asked);
    }, []);
    sup.start();
    expect(detached).toBe(true);
    sup.signal('SIGTERM');
    await sup.done;
  });
});

describe('a signal while a launcher starts the command', () => {
  const APP = 'trap "echo got USR2" USR2; trap "echo got TERM; exit 0" TERM; echo READY; while :; do sleep 0.1 & wait $!; done';

  /** A real sh child, reported as a launcher whose fd 4 close is never seen; `execed` is what asking the kernel says. */
  async function launched(execed: boolean): Promise<{ sup: Supervisor; output: () => string; exited: Promise<unknown> }> {
    let out = '';
    let ready: () => void = () => {};
    const isReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const spawnChild: SpawnChild = (_next, detached) => {
      const child = spawn('/bin/sh', ['-c', APP], { stdio: ['ignore', 'pipe', 'ignore'], detached });
      child.stdout.on('data', (data: Buffer) => {
        out += data.toString();
        if (out.includes('READY')) ready();
      });
      return { child, running: new Promise<void>(() => {}), execedNow: () => execed };
    };
    const sup = supervisor(spawnChild, []);
    sup.start();
    await isReady;
    return { sup, output: () => out, exited: sup.done };
  }

  it('reaches the command when the kernel says the launcher has exec\'d, though the event loop has not seen it yet', async () => {
    const { sup, output, exited } = await launched(true);
    sup.signal('SIGUSR2');
    sup.signal('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toBe('READY\ngot USR2\ngot TERM\n');
  });

  it('negative control: while the launcher still runs, it is dropped, and a stop signal still gets through', async () => {
    const { sup, output, exited } = await launched(false);
    sup.signal('SIGUSR2');
    sup.signal('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toBe('READY\ngot TERM\n');
  });
});
