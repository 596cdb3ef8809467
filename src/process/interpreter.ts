// What a file needs in order to be exec'd: a `#!` script needs its interpreter, a
// dynamically linked ELF binary needs its loader (PT_INTERP; an Alpine binary on a
// glibc image has none). Anything else fails execve with ENOEXEC.

import { closeSync, openSync, readSync } from 'node:fs';

export type Interpreter =
  | { readonly kind: 'none' }
  | { readonly kind: 'needs'; readonly path: string; readonly via: 'script' | 'elf' }
  | { readonly kind: 'unknown' };

const HEAD = 4096;
const PT_INTERP = 3;

/** Reads the start of `path` and says what it needs to run. */
export function findInterpreter(path: string): Interpreter {
  let head: Buffer;
  try {
    head = readAt(path, 0, HEAD);
  } catch {
    // Execute-only (mode 0711) binaries run without being readable; let execve decide.
    return { kind: 'none' };
  }
  if (head[0] === 0x23 && head[1] === 0x21) return scriptInterpreter(head);
  if (head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return elfInterpreter(path, head);
  return { kind: 'unknown' };
}

/** `#!/usr/bin/env node` → /usr/bin/env; the kernel reads the first word after `#!`. */
function scriptInterpreter(head: Buffer): Interpreter {
  const end = head.indexOf(0x0a);
  const line = head.subarray(2, end === -1 ? head.length : end).toString('latin1').trim();
  const path = line.split(/[ \t]/)[0] ?? '';
  return path === '' ? { kind: 'unknown' } : { kind: 'needs', path, via: 'script' };
}

/** Finds PT_INTERP in a 64- or 32-bit little-endian ELF file's program headers. */
function elfInterpreter(path: string, head: Buffer): Interpreter {
  const is64 = head[4] === 2;
  if (head[5] !== 1 || head.length < (is64 ? 64 : 52)) return { kind: 'none' };
  const phoff = Number(is64 ? head.readBigUInt64LE(0x20) : head.readUInt32LE(0x1c));
  const phentsize = head.readUInt16LE(is64 ? 0x36 : 0x2a);
  const phnum = head.readUInt16LE(is64 ? 0x38 : 0x2c);
  const table = readAt(path, phoff, phentsize * phnum);
  for (let i = 0; i + phentsize <= table.length; i += phentsize) {
    if (table.readUInt32LE(i) !== PT_INTERP) continue;
    const offset = Number(is64 ? table.readBigUInt64LE(i + 8) : table.readUInt32LE(i + 4));
    const size = Number(is64 ? table.readBigUInt64LE(i + 32) : table.readUInt32LE(i + 16));
    const loader = readAt(path, offset, Math.min(size, 4096)).toString('latin1').replace(/\0.*$/s, '');
    return { kind: 'needs', path: loader, via: 'elf' };
  }
  return { kind: 'none' };
}

function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
  } finally {
    closeSync(fd);
  }
}
