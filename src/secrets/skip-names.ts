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

const RULES: readonly (readonly [RegExp, string])[] = [
  [/~$/, 'an editor backup (name~)'],
  [/^#.*#$/, 'an editor auto-save (#name#)'],
  [/\.sw[a-p]$/i, 'a Vim swap file (.swp)'],
  [/\.(?:orig|rej)$/i, 'a patch or merge leftover (.orig, .rej)'],
  [/\.(?:bak|tmp)$/i, 'a backup or temp copy (.bak, .tmp)'],
  [/\.(?:dpkg|ucf)-[a-z]+$/i, 'a package manager copy (.dpkg-*, .ucf-*)'],
  [/\.(?:rpm(?:new|save|orig)|pac(?:new|save))$/i, 'a package manager copy (.rpmnew, .pacnew, …)'],
];

/** Every rule's pattern in one: a secret's name is tested once, not once per rule. */
const ANY = new RegExp(RULES.map(([pattern]) => pattern.source).join('|'), 'i');

/** What kind of leftover `name` is (`an editor backup (name~)`), or undefined for a name that may be a secret. */
export function leftoverKind(name: string): string | undefined {
  if (!ANY.test(name)) return undefined;
  return RULES.find(([pattern]) => pattern.test(name))?.[1];
}
