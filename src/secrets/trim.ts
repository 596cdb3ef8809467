// Trailing-newline handling for secret values (--trim).

import type { TrimMode } from '../cli/config.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * `all` strips every trailing "\n", like the shell's `$(< file)` (so a "\r" before them
 * stays, as it does in the shell); `one` strips a single "\n" or "\r\n"; `none` keeps
 * the bytes.
 */
export function trimValue(bytes: Buffer, mode: TrimMode): Buffer {
  let end = bytes.length;
  if (mode === 'all') {
    while (end > 0 && bytes[end - 1] === LF) end -= 1;
  } else if (mode === 'one' && bytes[end - 1] === LF) {
    end -= bytes[end - 2] === CR ? 2 : 1;
  }
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}
