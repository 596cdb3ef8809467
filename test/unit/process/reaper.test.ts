// startInit with a fake C library and a fake /proc: which zombies it waits for (never a
// child runsecrets spawned, until the runtime has that child's exit), when it becomes a
// subreaper, and that without an FFI PID 1 only warns.

import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { Libc } from '../../../src/process/libc.js';
import { describeStatus, startInit, type Init } from '../../../src/process/reaper.js';
import type { SpawnChild } from '../../../src/process/spawn-child.js';

const started: Init[] = [];
afterEach(() => {
  for (const init of started.splice(0)) init.stop();
});

/** A C library that records every waitpid and reaps whatever it is asked for. */
function fakeLibc(subreaper = true): Libc & { waited: number[]; subreaperAsked: number } {
  const libc = {
    waited: [] as number[],
    subreaperAsked: 0,
    waitpidNoHang: (pid: number) => {
      libc.waited.push(pid);
      return { pid, status: 3 << 8 };
    },
    setChildSubreaper: () => {
      libc.subreaperAsked++;
      return subreaper;
    },
    via: 'fake',
  };
  return libc;
}

function start(pid: number, libc: Libc | string, zombies: number[] = []) {
  const lines: string[] = [];
  const init = startInit(pid, createLogger('debug', 'text', (line) => lines.push(line.trimEnd())), { load: () => libc, zombies: () => zombies });
  started.push(init);
  return { init, lines };
}

/** A SpawnChild whose children are plain emitters with the given pids. */
function fakeSpawn(pids: number[]): { spawn: SpawnChild; children: EventEmitter[] } {
  const children: EventEmitter[] = [];
  const spawn: SpawnChild = () => {
    const child = Object.assign(new EventEmitter(), { pid: pids[children.length] });
    children.push(child);
    return { child: child as unknown as ChildProcess };
  };
  return { spawn, children };
}

describe('startInit', () => {
  it('as PID 1 waits for each zombie child by pid on SIGCHLD, and stops when told', () => {
    const libc = fakeLibc();
    const { init, lines } = start(1, libc, [40, 41]);
    process.emit('SIGCHLD', 'SIGCHLD');
    expect(libc.waited).toEqual([40, 41]);
    expect(libc.subreaperAsked).toBe(0);
    expect(lines).toContain('runsecrets: debug: reaped orphaned process 41 (exit 3)');
    init.stop();
    process.emit('SIGCHLD', 'SIGCHLD');
    expect(libc.waited).toEqual([40, 41]);
  });

  it('never waits for a child it spawned until that child\'s exit event (the runtime has its status then)', () => {
    const libc = fakeLibc();
    const { init } = start(1, libc, [50, 51]);
    const { spawn, children } = fakeSpawn([50]);
    init.track(spawn)({ path: '/bin/true', argv: ['true'], env: {} }, false);
    process.emit('SIGCHLD', 'SIGCHLD');
    expect(libc.waited).toEqual([51]);
    children[0]?.emit('exit', 0, null);
    process.emit('SIGCHLD', 'SIGCHLD');
    expect(libc.waited).toEqual([51, 50, 51]);
  });

  it('negative control: an untracked spawn is reaped like any orphan', () => {
    const libc = fakeLibc();
    start(1, libc, [50]);
    const { spawn } = fakeSpawn([50]);
    spawn({ path: '/bin/true', argv: ['true'], env: {} }, false);
    process.emit('SIGCHLD', 'SIGCHLD');
    expect(libc.waited).toEqual([50]);
  });

  it('not PID 1: becomes a child subreaper and says so at debug; if prctl fails, reaps nothing', () => {
    const libc = fakeLibc();
    const { lines } = start(4242, libc, [60]);
    expect(libc.subreaperAsked).toBe(1);
    expect(lines.join('\n')).toMatch(/^runsecrets: debug: runsecrets is a child subreaper \(prctl PR_SET_CHILD_SUBREAPER\)/m);
    const failing = fakeLibc(false);
    const other = start(4242, failing, [60]);
    process.emit('SIGCHLD', 'SIGCHLD');
    expect(failing.waited).toEqual([]);
    expect(other.lines.join('\n')).toMatch(/PR_SET_CHILD_SUBREAPER\) failed/);
  });

  it('an FFI call that throws stops the reaping with one warning, and supervision goes on', () => {
    const libc = { ...fakeLibc(), waitpidNoHang: () => { throw new Error('Invalid argument count'); } };
    const { lines } = start(1, libc, [70]);
    process.emit('SIGCHLD', 'SIGCHLD');
    process.emit('SIGCHLD', 'SIGCHLD');
    expect(lines.filter((line) => line.startsWith('runsecrets: warn: '))).toEqual(['runsecrets: warn: stopped reaping orphaned processes: Invalid argument count']);
  });

  it('without an FFI, warns once as PID 1 (only there) and tracks nothing', () => {
    const pid1 = start(1, 'Node.js v24.0.0 has no node:ffi');
    expect(pid1.lines.filter((line) => line.startsWith('runsecrets: warn: runsecrets is PID 1'))).toHaveLength(1);
    expect(pid1.lines).toContain('runsecrets: debug: orphaned processes are not reaped: Node.js v24.0.0 has no node:ffi');
    const { spawn } = fakeSpawn([1]);
    expect(pid1.init.track(spawn)).toBe(spawn);
    expect(start(4242, 'no ffi').lines.filter((line) => line.includes('warn'))).toEqual([]);
  });
});

describe('describeStatus', () => {
  it('says exit N or signal N, as a wait status holds them', () => {
    expect(describeStatus(0)).toBe('exit 0');
    expect(describeStatus(7 << 8)).toBe('exit 7');
    expect(describeStatus(9)).toBe('signal 9');
    expect(describeStatus(15 | 0x80)).toBe('signal 15');
  });
});
