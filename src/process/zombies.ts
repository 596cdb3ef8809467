// This process's zombie children, read from /proc without waiting for any: each thread's
// `children` list (a child is listed under the thread that forked it or that it was
// reparented to), or, on a kernel without those files (CONFIG_PROC_CHILDREN off), every
// /proc/PID/stat whose parent is this process. A zombie has state Z in /proc/PID/stat.

import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** PIDs of the children of `self` that have exited and not been waited for. */
export function zombieChildren(self: number, proc = '/proc'): number[] {
  return childrenOf(self, proc).filter((pid) => statOf(pid, proc)?.state === 'Z');
}

/** The children of `self`: from the threads' `children` files, else from every process's parent. */
export function childrenOf(self: number, proc = '/proc'): number[] {
  const listed = listedChildren(self, proc);
  if (listed !== undefined) return listed;
  return numericEntries(proc).filter((pid) => statOf(pid, proc)?.ppid === self);
}

/** From the threads' `children` files; undefined when the main thread has none (the kernel lacks them). */
function listedChildren(self: number, proc: string): number[] | undefined {
  if (!existsSync(`${proc}/${self}/task/${self}/children`)) return undefined;
  const pids = new Set<number>();
  for (const task of numericEntries(`${proc}/${self}/task`)) {
    let text = '';
    try {
      text = readFileSync(`${proc}/${self}/task/${task}/children`, 'utf8');
    } catch {
      // A thread that ended in between.
    }
    for (const word of text.split(' ')) if (/^\d+$/.test(word)) pids.add(Number(word));
  }
  return [...pids];
}

/** State and parent from /proc/PID/stat, read after the command name, which may hold spaces and parentheses; undefined once gone. */
export function statOf(pid: number, proc = '/proc'): { state: string; ppid: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir).filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}
