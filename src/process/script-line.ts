// The `#!` line as the kernel reads it (fs/binfmt_script.c, load_script, since Linux
// 5.1): only the first BINPRM_BUF_SIZE bytes of the file are looked at. Without a
// newline in them, the interpreter's path must end (a space, tab or NUL) before their
// end, or the exec fails with ENOEXEC rather than run a truncated path. The rest of the
// line, trimmed, is one optional argument.

/** fs/binfmt_script.c reads this many bytes of a script (include/linux/binfmts.h). */
export const BINPRM_BUF_SIZE = 256;

/** What a `#!` line asks for, or why the kernel refuses it. */
export type ScriptLine =
  | { readonly ok: true; readonly interpreter: string; readonly argument: string | undefined }
  | { readonly ok: false; readonly reason: string };

const isSpaceTab = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09;
const isTerminator = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0;

/** Parses the `#!` line from the file's first bytes, exactly as load_script does. */
export function parseScriptLine(head: Buffer): ScriptLine {
  // The kernel's buffer: the first 256 bytes, NUL-padded when the file is shorter.
  const buf = Buffer.alloc(BINPRM_BUF_SIZE);
  head.copy(buf, 0, 0, BINPRM_BUF_SIZE);
  const last = BINPRM_BUF_SIZE - 1;
  let end = buf.indexOf(0x0a);
  if (end === -1 || end > last) {
    // The kernel's scans include the buffer's last byte here (`first <= last`).
    const start = nextNonSpaceTab(buf, 2, last + 1);
    if (start === -1) return { ok: false, reason: 'has a #! line with no interpreter' };
    if (nextTerminator(buf, start, last + 1) === -1) {
      return { ok: false, reason: `has a #! line whose interpreter path does not end within the first ${BINPRM_BUF_SIZE} bytes, the most the kernel reads; shorten it (or use #!/usr/bin/env NAME)` };
    }
    end = last;
  }
  while (end > 2 && isSpaceTab(buf[end - 1])) end -= 1;
  const name = nextNonSpaceTab(buf, 2, end);
  if (name === -1 || name === end) return { ok: false, reason: 'has a #! line with no interpreter' };
  const sep = nextTerminator(buf, name, end);
  const nameEnd = sep === -1 ? end : sep;
  const argStart = sep !== -1 && buf[sep] !== 0 ? nextNonSpaceTab(buf, sep, end) : -1;
  // The argument runs to the end of the line, or to a NUL inside it.
  const argument = argStart === -1 ? undefined : cutAtNul(buf.subarray(argStart, end));
  return { ok: true, interpreter: buf.subarray(name, nameEnd).toString('latin1'), argument };
}

function nextNonSpaceTab(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i += 1) if (!isSpaceTab(buf[i])) return i;
  return -1;
}

function nextTerminator(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i += 1) if (isTerminator(buf[i])) return i;
  return -1;
}

function cutAtNul(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return (nul === -1 ? bytes : bytes.subarray(0, nul)).toString('latin1');
}
