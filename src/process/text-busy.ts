// ETXTBSY: the kernel refuses to exec a file that some process has open for writing
// (deny_write_access in fs/exec.c), and no system call asks whether one has. The only
// witness is /proc: every process's open files (/proc/PID/fd/N, stat-ed to the file's
// device and inode) and their open flags (/proc/PID/fdinfo/N). Scanning them all costs
// a system call or two per open file on the machine, so it is done only for a file
// changed within RECENT_MS: one still being written, or just written by a process whose
// descriptor a concurrently forked child still holds (the classic cause). A writer that
// opened an old file and never wrote to it, a shared writable mapping whose descriptor
// is closed, and processes this user may not inspect are not seen.

import { readdirSync, readFileSync, statSync } from 'node:fs';

/** A file whose status changed (ctime) less than this long ago is scanned for writers. */
export const RECENT_MS = 60_000;

/** What a scan needs of the file: its identity and when it last changed. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly ctimeMs: number;
  readonly mtimeMs: number;
}

/** A process holding the file open for writing. */
export interface Writer {
  readonly pid: number;
  readonly name: string;
}

/** The processes that hold `file` open for writing, if it changed recently; [] otherwise. */
export function findWriters(file: FileIdentity, now = Date.now(), proc = '/proc'): Writer[] {
  if (now - Math.max(file.ctimeMs, file.mtimeMs) > RECENT_MS) return [];
  const writers: Writer[] = [];
  for (const pid of list(proc).filter((name) => /^\d+$/.test(name))) {
    for (const fd of list(`${proc}/${pid}/fd`)) {
      if (isSameFile(`${proc}/${pid}/fd/${fd}`, file) && isOpenForWriting(`${proc}/${pid}/fdinfo/${fd}`)) {
        writers.push({ pid: Number(pid), name: processName(`${proc}/${pid}`) });
        break;
      }
    }
  }
  return writers;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    // Gone, or another user's process (EACCES): not ours to see.
    return [];
  }
}

function isSameFile(link: string, file: FileIdentity): boolean {
  try {
    const stats = statSync(link);
    return stats.ino === file.ino && stats.dev === file.dev;
  } catch {
    return false;
  }
}

/** fdinfo's `flags:` is octal; O_WRONLY is 1 and O_RDWR 2 (O_ACCMODE 3). */
function isOpenForWriting(fdinfo: string): boolean {
  try {
    const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(fdinfo, 'latin1'))?.[1];
    return flags !== undefined && (Number.parseInt(flags, 8) & 3) !== 0;
  } catch {
    return false;
  }
}

function processName(dir: string): string {
  try {
    return readFileSync(`${dir}/comm`, 'latin1').trim();
  } catch {
    return '?';
  }
}
