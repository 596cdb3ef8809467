// Files in a secrets dir that are leftovers of editors and tools, not secrets: a
// developer's fake secrets get edited in place, and the backup or swap file next to
// `db_password` would otherwise become DB_PASSWORD_ or DB_PASSWORD_SWP. Dot-names
// (`.db_password.swp`, Emacs' `.#db_password`) are skipped by read-dirs.ts already.
//
// The set is the one github/gitignore's Vim, Emacs, Backup and Patch templates name, plus
// the package managers' copies that run-parts(8) --lsbsysinit skips in config dirs:
// - editor backups and auto-saves: `name~` (Emacs, Vim, nano, gedit), `#name#` (Emacs),
//   Vim swap files `name.swp` … `name.swa` when 'directory' puts them next to the file;
// - copies left by patch, merges and people: `.orig`, `.rej`, `.bak`, and `.tmp`, the
//   temp names of writers that rename into place;
// - package managers' kept and new config files: `.dpkg-old`, `.dpkg-new`, `.dpkg-dist`,
//   `.dpkg-tmp` (dpkg), `.ucf-old`, `.ucf-new`, `.ucf-dist` (ucf), `.rpmnew`, `.rpmsave`,
//   `.rpmorig` (rpm), `.pacnew`, `.pacsave` (pacman).
// Pure: names in, reasons out.
//
// Plain string tests, not regular expressions: this runs for every name, and V8 compiles
// a regular expression on its first use, a case-insensitive one through ICU's case
// tables: one pattern for the set below cost 1.3 million instructions at each start
// with secrets (BENCHMARKS.md, "Per secret"), more than reading ten of them.

const BACKUP = 'an editor backup (name~)';
const AUTO_SAVE = 'an editor auto-save (#name#)';
const SWAP = 'a Vim swap file (.swp)';
const MERGE = 'a patch or merge leftover (.orig, .rej)';
const COPY = 'a backup or temp copy (.bak, .tmp)';
const PACKAGE_COPY = 'a package manager copy (.dpkg-*, .ucf-*)';
const PACKAGE_SAVE = 'a package manager copy (.rpmnew, .pacnew, …)';

/** Leftover extensions, lower-case, with what they are; besides Vim's `.swa` … `.swp` and `.dpkg-*`, `.ucf-*`. */
const EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ['orig', MERGE], ['rej', MERGE],
  ['bak', COPY], ['tmp', COPY],
  ['rpmnew', PACKAGE_SAVE], ['rpmsave', PACKAGE_SAVE], ['rpmorig', PACKAGE_SAVE], ['pacnew', PACKAGE_SAVE], ['pacsave', PACKAGE_SAVE],
]);

/** What kind of leftover `name` is (`an editor backup (name~)`), or undefined for a name that may be a secret. */
export function leftoverKind(name: string): string | undefined {
  const end = name.length - 1;
  if (name.charCodeAt(end) === 0x7e /* ~ */) return BACKUP;
  if (end > 0 && name.charCodeAt(0) === 0x23 /* # */ && name.charCodeAt(end) === 0x23 && !hasLineBreak(name)) return AUTO_SAVE;
  const dot = name.lastIndexOf('.');
  if (dot === -1) return undefined;
  const extension = name.slice(dot + 1);
  const lower = extension.toLowerCase();
  const kind = EXTENSIONS.get(lower) ?? (isSwap(lower) ? SWAP : isPackageCopy(lower) ? PACKAGE_COPY : undefined);
  // Letters match in either case, ASCII ones only: toLowerCase() also makes the Kelvin sign a `k`.
  return kind !== undefined && isAscii(extension) ? kind : undefined;
}

/** `swa` … `swp`: Vim names a second swap file `.swo`, then `.swn`, back to `.swa`. */
function isSwap(lower: string): boolean {
  return lower.length === 3 && lower.startsWith('sw') && lower.charCodeAt(2) >= 0x61 /* a */ && lower.charCodeAt(2) <= 0x70 /* p */;
}

/** `dpkg-` or `ucf-` and one or more letters: `dpkg-old`, `ucf-dist`. */
function isPackageCopy(lower: string): boolean {
  const dash = lower.startsWith('dpkg-') ? 5 : lower.startsWith('ucf-') ? 4 : 0;
  if (dash === 0 || dash === lower.length) return false;
  for (let i = dash; i < lower.length; i += 1) {
    const code = lower.charCodeAt(i);
    if (code < 0x61 || code > 0x7a) return false;
  }
  return true;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A line break, which an auto-save name (one line, as editors make it) does not hold. */
function hasLineBreak(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}
