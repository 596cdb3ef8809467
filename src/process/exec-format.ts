// What the kernel will do with a file given to execve, judged from its first bytes
// with one open: run a `#!` script's interpreter, load an ELF binary (through its
// loader, PT_INTERP), hand it to a binfmt_misc interpreter, or refuse it with ENOEXEC.
// A refusal must be known before the exec: process.execve aborts Node.js, and spawn
// (glibc's execvp) would run the file with /bin/sh instead.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { actAs, type Actor } from '../safe-fs/actor.js';
import { interpreterPresent, matchBinfmt, readBinfmtEntries, type BinfmtEntry } from './binfmt-misc.js';
import { isElf, parseElf } from './elf.js';
import { describeElf, kernelArch, runsNatively } from './native-arch.js';
import { parseScriptLine } from './script-line.js';

/** What executing a file does, or why the kernel refuses it. */
export type ExecFormat =
  | { readonly kind: 'elf'; readonly loader: string | undefined }
  | { readonly kind: 'script'; readonly interpreter: string; readonly argument: string | undefined }
  | { readonly kind: 'binfmt'; readonly entry: BinfmtEntry }
  /** An execute-only file (mode 0711): it runs without being readable, so execve decides. */
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'refused'; readonly reason: string };

/** Enough for the ELF header, its program headers and loader name in nearly every binary. */
const HEAD = 4096;

/**
 * Reads the start of `path` (`size` bytes long) once and says what an exec of it does.
 * Opened as `actor` when given (a root process checking for the command's user), without
 * blocking, and only a regular file is read: one swapped for a FIFO is left to execve.
 */
export function readExecFormat(path: string, size: number, actor?: Actor): ExecFormat {
  let fd: number;
  try {
    fd = actAs(actor, () => openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY));
  } catch {
    return { kind: 'unreadable' };
  }
  try {
    if (!fstatSync(fd).isFile()) return { kind: 'unreadable' };
    const head = Buffer.alloc(Math.max(0, Math.min(HEAD, size)));
    const got = readSync(fd, head, 0, head.length, 0);
    return judge(head.subarray(0, got), got < head.length ? got : size, path, (offset, length) => {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
    });
  } finally {
    closeSync(fd);
  }
}

/** The kernel's own formats first; binfmt_misc is read only for a file they refuse. */
export function judge(head: Buffer, size: number, path: string, readAt: (offset: number, length: number) => Buffer, binfmt: () => BinfmtEntry[] = readBinfmtEntries): ExecFormat {
  if (head[0] === 0x23 && head[1] === 0x21) {
    const line = parseScriptLine(head);
    return line.ok ? { kind: 'script', interpreter: line.interpreter, argument: line.argument } : viaBinfmt(head, path, line.reason, binfmt);
  }
  if (!isElf(head)) return viaBinfmt(head, path, 'is neither a binary nor a script with a #! line; add one', binfmt);
  const elf = parseElf(head, size, readAt);
  if (!elf.ok) return viaBinfmt(head, path, `${elf.reason}; reinstall it`, binfmt);
  const arch = kernelArch();
  if (runsNatively(elf.identity, arch)) return { kind: 'elf', loader: elf.loader };
  const reason = `is built for ${describeElf(elf.identity)}, and this kernel runs ${arch}; use the image for this platform, or register an emulator for it (binfmt_misc, e.g. qemu-user-static)`;
  return viaBinfmt(head, path, reason, binfmt);
}

function viaBinfmt(head: Buffer, path: string, reason: string, binfmt: () => BinfmtEntry[]): ExecFormat {
  const entry = matchBinfmt(binfmt(), head, path);
  if (entry === undefined) return { kind: 'refused', reason };
  if (!interpreterPresent(entry)) return { kind: 'refused', reason: `would run through binfmt_misc entry ${entry.name}, whose interpreter ${entry.interpreter} is missing` };
  return { kind: 'binfmt', entry };
}
