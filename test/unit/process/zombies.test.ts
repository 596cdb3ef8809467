// zombieChildren over a fake /proc: each thread's children list, state Z in stat, and the
// scan of every stat for the parent where the kernel has no children files.

import { describe, expect, it } from 'vitest';
import { childrenOf, statOf, zombieChildren } from '../../../src/process/zombies.js';
import { tempDir, writeFiles } from '../../helpers/fixtures.js';

// proc(5): pid (comm) state ppid pgrp …
const stat = (pid: number, comm: string, state: string, ppid: number): string => `${pid} (${comm}) ${state} ${ppid} ${pid} ${pid} 0 -1 4194560 0 0`;

/** A /proc with process 1 (threads 1 and 7), its children 20 (running), 21 and 22 (zombies, 22 listed under thread 7), and 30, a zombie of 20. */
function fakeProc(withChildrenFiles: boolean): string {
  return writeFiles(tempDir(), {
    '1/stat': stat(1, 'runsecrets', 'S', 0),
    ...(withChildrenFiles ? { '1/task/1/children': '20 21 ', '1/task/7/children': '22 ' } : { '1/task/1/stat': stat(1, 'runsecrets', 'S', 0), '1/task/7/stat': stat(7, 'bun', 'S', 0) }),
    '20/stat': stat(20, 'app', 'S', 1),
    '21/stat': stat(21, 'orphan) Z 1 (x', 'Z', 1),
    '22/stat': stat(22, 'orphan', 'Z', 1),
    '30/stat': stat(30, 'worker', 'Z', 20),
  });
}

describe('zombieChildren', () => {
  it.each([
    ['every thread\'s children file', true],
    ['every stat whose parent is the process, on a kernel without children files', false],
  ])('finds the zombie children from %s', (_case, files) => {
    const proc = fakeProc(files);
    expect(childrenOf(1, proc).sort()).toEqual([20, 21, 22]);
    expect(zombieChildren(1, proc).sort()).toEqual([21, 22]);
  });

  it('negative control: the zombie of a child is not a zombie child', () => {
    expect(zombieChildren(20, fakeProc(false))).toEqual([30]);
    expect(zombieChildren(1, fakeProc(false))).not.toContain(30);
  });

  it('reads state and parent after the command name, and undefined once a process is gone', () => {
    const proc = fakeProc(true);
    expect(statOf(21, proc)).toEqual({ state: 'Z', ppid: 1 });
    expect(statOf(99, proc)).toBeUndefined();
  });

  it('finds this process\'s real children in /proc', () => {
    expect(zombieChildren(process.pid)).toEqual([]);
  });
});
