// What the kernel's ELF loader (fs/binfmt_elf.c, load_elf_binary) checks before it
// commits to an exec, read from the file's first bytes: the header, the program
// headers, the loader's name (PT_INTERP), and that every loaded segment lies inside the
// file (one that does not passes execve, then the process dies of SIGBUS at start).

/** An ELF file's identity, as the native-arch check needs it. */
export interface ElfIdentity {
  readonly bits: 32 | 64;
  readonly little: boolean;
  /** e_machine: 62 x86-64, 3 i386, 183 AArch64, 40 ARM, ... */
  readonly machine: number;
}

/** A parsed ELF executable: its identity and loader, or why the kernel would refuse it. */
export type ElfVerdict =
  | { readonly ok: true; readonly identity: ElfIdentity; readonly loader: string | undefined }
  | { readonly ok: false; readonly identity?: ElfIdentity; readonly reason: string };

/** Reads `length` bytes at `offset` of the file (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Buffer;

const ET_EXEC = 2;
const ET_DYN = 3;
const PT_LOAD = 1;
const PT_INTERP = 3;
/** The kernel's limits: a program header table of at most 64 KiB, a loader path of at most PATH_MAX. */
const MAX_PHDRS_SIZE = 65_536;
const PATH_MAX = 4096;

/** Whether `head` starts with the ELF magic. */
export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Judges an ELF file of `size` bytes whose first bytes are `head`, as load_elf_binary would. */
export function parseElf(head: Buffer, size: number, readAt: ReadAt): ElfVerdict {
  const bits = head[4] === 1 ? 32 : head[4] === 2 ? 64 : undefined;
  const little = head[5] === 1 ? true : head[5] === 2 ? false : undefined;
  if (bits === undefined || little === undefined) return { ok: false, reason: 'is not a valid ELF file (unknown class or byte order)' };
  const headerSize = bits === 64 ? 64 : 52;
  if (size < headerSize) return { ok: false, reason: `is a truncated ELF file (${size} bytes, shorter than its ${headerSize}-byte header)` };
  const read = reader(head, little);
  const identity: ElfIdentity = { bits, little, machine: read.u16(0x12) };
  const type = read.u16(0x10);
  if (type !== ET_EXEC && type !== ET_DYN) return { ok: false, identity, reason: `is an ELF file but not an executable (type ${type}: an object file or a core dump)` };
  const phoff = bits === 64 ? read.u64(0x20) : read.u32(0x1c);
  const phentsize = read.u16(bits === 64 ? 0x36 : 0x2a);
  const phnum = read.u16(bits === 64 ? 0x38 : 0x2c);
  if (phentsize !== (bits === 64 ? 56 : 32) || phnum === 0 || phentsize * phnum > MAX_PHDRS_SIZE) {
    return { ok: false, identity, reason: 'is a damaged ELF file (its program header table is invalid)' };
  }
  if (phoff + phentsize * phnum > size) return { ok: false, identity, reason: `is a truncated ELF file (${size} bytes; its program headers end at byte ${phoff + phentsize * phnum})` };
  const table = phoff + phentsize * phnum <= head.length ? head.subarray(phoff, phoff + phentsize * phnum) : readAt(phoff, phentsize * phnum);
  return readSegments(reader(table, little), identity, phentsize, phnum, size, (offset, length) => (offset + length <= head.length ? head.subarray(offset, offset + length) : readAt(offset, length)));
}

function readSegments(table: Reader, identity: ElfIdentity, phentsize: number, phnum: number, size: number, readAt: ReadAt): ElfVerdict {
  const wide = identity.bits === 64;
  let loader: string | undefined;
  for (let i = 0; i < phnum; i += 1) {
    const at = i * phentsize;
    const type = table.u32(at);
    const offset = wide ? table.u64(at + 8) : table.u32(at + 4);
    const filesz = wide ? table.u64(at + 32) : table.u32(at + 16);
    if ((type === PT_LOAD || type === PT_INTERP) && offset + filesz > size) {
      return { ok: false, identity, reason: `is a truncated ELF file (${size} bytes; a segment it loads ends at byte ${offset + filesz})` };
    }
    if (type !== PT_INTERP || loader !== undefined) continue;
    const name = filesz >= 2 && filesz <= PATH_MAX ? readAt(offset, filesz) : undefined;
    if (name === undefined || name[name.length - 1] !== 0) return { ok: false, identity, reason: 'is a damaged ELF file (its loader name, PT_INTERP, is invalid)' };
    loader = name.subarray(0, name.indexOf(0)).toString('latin1');
  }
  return { ok: true, identity, loader };
}

interface Reader {
  u16(offset: number): number;
  u32(offset: number): number;
  u64(offset: number): number;
}

/**
 * Little- or big-endian reads through a DataView (V8 built-ins, no per-read closures); a
 * read past the buffer's end, and a 64-bit value past 2^53, is Infinity, which fails every bound.
 */
function reader(buffer: Buffer, little: boolean): Reader {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const fits = (offset: number, bytes: number): boolean => offset >= 0 && offset + bytes <= view.byteLength;
  const u32 = (offset: number): number => (fits(offset, 4) ? view.getUint32(offset, little) : Number.POSITIVE_INFINITY);
  return {
    u16: (offset) => (fits(offset, 2) ? view.getUint16(offset, little) : Number.POSITIVE_INFINITY),
    u32,
    u64: (offset) => {
      const low = u32(little ? offset : offset + 4);
      const high = u32(little ? offset + 4 : offset);
      // 2^53 = 2^21 * 2^32: a high word of 2^21 or more is past Number.MAX_SAFE_INTEGER.
      return high >= 2 ** 21 ? Number.POSITIVE_INFINITY : high * 2 ** 32 + low;
    },
  };
}
