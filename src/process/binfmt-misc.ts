// binfmt_misc (Documentation/admin-guide/binfmt-misc.rst): formats the kernel hands to
// a registered interpreter, such as qemu-user for a foreign architecture's binaries.
// Read only when a file is no format the kernel runs itself.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One enabled entry of /proc/sys/fs/binfmt_misc. */
export interface BinfmtEntry {
  readonly name: string;
  readonly interpreter: string;
  /** F: the interpreter was opened at registration, so it need not exist in this file system. */
  readonly fixed: boolean;
  readonly match: { readonly offset: number; readonly magic: Buffer; readonly mask: Buffer } | { readonly extension: string };
}

/** Every enabled entry, or none when binfmt_misc is not mounted or disabled. */
export function readBinfmtEntries(root = '/proc/sys/fs/binfmt_misc'): BinfmtEntry[] {
  let names: string[];
  try {
    if (readFileSync(join(root, 'status'), 'latin1').trim() !== 'enabled') return [];
    names = readdirSync(root).filter((name) => name !== 'status' && name !== 'register');
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const entry = parseEntry(name, readFileSync(join(root, name), 'latin1'));
      return entry === undefined ? [] : [entry];
    } catch {
      return [];
    }
  });
}

/** Parses one entry file: `enabled`, `interpreter ...`, `flags: ...`, then `offset`/`magic`/`mask` or `extension`. */
export function parseEntry(name: string, text: string): BinfmtEntry | undefined {
  const lines = text.split('\n');
  if (lines[0] !== 'enabled') return undefined;
  const field = (key: string): string | undefined => lines.find((line) => line.startsWith(`${key} `) || line.startsWith(`${key}:`))?.slice(key.length + 1).trim();
  const interpreter = field('interpreter') ?? '';
  const fixed = (field('flags') ?? '').includes('F');
  const extension = field('extension');
  if (extension !== undefined) return { name, interpreter, fixed, match: { extension: extension.replace(/^\./, '') } };
  const magic = Buffer.from(field('magic') ?? '', 'hex');
  const mask = field('mask');
  return { name, interpreter, fixed, match: { offset: Number(field('offset') ?? 0), magic, mask: mask === undefined ? Buffer.alloc(magic.length, 0xff) : Buffer.from(mask, 'hex') } };
}

/** The first entry that claims a file with these first bytes and this path, as the kernel tries them. */
export function matchBinfmt(entries: readonly BinfmtEntry[], head: Buffer, path: string): BinfmtEntry | undefined {
  return entries.find(({ match }) => {
    if ('extension' in match) return path.endsWith(`.${match.extension}`);
    if (match.magic.length === 0 || match.offset + match.magic.length > head.length) return false;
    return match.magic.every((byte, i) => ((head[match.offset + i] as number) & (match.mask[i] ?? 0xff)) === (byte & (match.mask[i] ?? 0xff)));
  });
}

/** Whether an entry's interpreter can be found at exec time (always, with the F flag). */
export function interpreterPresent(entry: BinfmtEntry): boolean {
  return entry.fixed || existsSync(entry.interpreter);
}
