// Trailing-newline handling for secret values (--trim).

import type { TrimMode } from '../cli/config.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * `all` strips every trailing "\n" and "\r\n", as the shell's `$(< file)` strips "\n"
 * (the shell keeps the "\r" of a file saved with CRLF line endings, which no secret
 * wants); `one` strips a single "\n" or "\r\n"; `none` keeps the bytes. A "\r" that
 * ends no line stays (--check flags a value that ends in one).
 */
export function trimValue(bytes: Buffer, mode: TrimMode): Buffer {
  let end = bytes.length;
  if (mode === 'all') {
    while (end > 0 && bytes[end - 1] === LF) end -= bytes[end - 2] === CR ? 2 : 1;
  } else if (mode === 'one' && bytes[end - 1] === LF) {
    end -= bytes[end - 2] === CR ? 2 : 1;
  }
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}
