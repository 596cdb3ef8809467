// Files below a held directory, reached through symlinks only while they resolve inside
// it: the Kubernetes volume layout (`key -> ..data/key`, `..data -> ..2026_.../`) works,
// and a link that leads out (`key -> /etc/shadow`, `key -> ../../x`) is refused by
// name, whoever planted it and whenever. Every step goes through descriptors, so a link
// swapped in after it was read cannot redirect the open.

import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { FsError } from './fs-error.js';
import { readEntry } from './read.js';
import { entry, join, linkTarget, parts, type Dir } from './walk.js';

/** O_PATH, as in walk.ts: directories held for lookups only. */
const HOLD = constants.O_DIRECTORY | constants.O_NOFOLLOW | 0o10000000;
const MAX_LINKS = 40;

/** A symlink that resolves outside the directory; `link` is where it points. */
export class EscapeError extends FsError {
  constructor(at: string, readonly link: string, root: string) {
    super(at, `is a symlink to ${link}, outside ${root}`);
  }
}

/** Reads files below one held directory; close() when done with it. */
export class InsideReader {
  readonly #root: Dir;
  /** Directories opened below the root, and the symlinks to them, by path relative to the root: Kubernetes' `..data` is resolved once per reader. */
  readonly #dirs = new Map<string, Dir>();
  readonly #links = new Map<string, string>();

  constructor(root: Dir) {
    this.#root = root;
  }

  /** Reads `relative` (at most `limit` bytes). Throws FsError, EscapeError, NotRegularError, TooLargeError. */
  read(relative: string, limit: number): Buffer {
    const rest = parts(relative);
    const stack: { key: string; dir: Dir }[] = [{ key: '', dir: this.#root }];
    let links = 0;
    const at = (): string => join(stack.at(-1)?.dir.path ?? '/', rest[0] ?? '');
    while (rest.length > 0) {
      const name = rest[0] as string;
      const top = stack.at(-1) as { key: string; dir: Dir };
      if (name === '..') {
        if (stack.length === 1) throw new EscapeError(join(this.#root.path, relative), `${this.#root.path}/..`, this.#root.path);
        stack.pop();
        rest.shift();
        continue;
      }
      const link = rest.length === 1 ? this.#fileOrLink(top.dir, name, limit) : this.#dirOrLink(top, name, stack);
      if (Buffer.isBuffer(link)) return link;
      rest.shift();
      if (link === undefined) continue;
      if ((links += 1) > MAX_LINKS) throw new FsError(at(), 'too many levels of symbolic links (ELOOP)');
      if (link.startsWith('/')) {
        if (link !== this.#root.path && !link.startsWith(`${this.#root.path}/`)) throw new EscapeError(join(top.dir.path, name), link, this.#root.path);
        stack.splice(1);
        rest.unshift(...parts(link.slice(this.#root.path.length)));
      } else {
        rest.unshift(...parts(link));
      }
    }
    throw new FsError(this.#root.path, 'is a directory, not a regular file');
  }

  /** The file's bytes, or the symlink's text. An entry that turns from a link back into a file meanwhile is read again. */
  #fileOrLink(dir: Dir, name: string, limit: number): Buffer | string {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return readEntry(dir, name, limit);
      } catch (error) {
        if (!(error instanceof FsError) || error.osCode !== 'ELOOP') throw error;
        const link = linkTarget(dir, name);
        if (link !== undefined) return link;
        if (attempt === 3) throw new FsError(join(dir.path, name), 'kept changing between a symlink and a file while it was read');
      }
    }
  }

  /** Descends into directory `name` (pushing it, returning undefined) or returns the symlink's text. */
  #dirOrLink(top: { key: string; dir: Dir }, name: string, stack: { key: string; dir: Dir }[]): string | undefined {
    const key = top.key === '' ? name : `${top.key}/${name}`;
    const known = this.#dirs.get(key);
    if (known !== undefined) {
      stack.push({ key, dir: known });
      return undefined;
    }
    const knownLink = this.#links.get(key);
    if (knownLink !== undefined) return knownLink;
    let fd: number;
    try {
      fd = openSync(entry(top.dir, name), HOLD);
    } catch (error) {
      const link = (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? linkTarget(top.dir, name) : undefined;
      if (link === undefined) throw new FsError(join(top.dir.path, name), error, { checked: { path: top.dir.path, bits: top.dir.stats } });
      this.#links.set(key, link);
      return link;
    }
    const dir: Dir = { fd, path: join(top.dir.path, name), stats: fstatSync(fd), control: top.dir.control };
    this.#dirs.set(key, dir);
    stack.push({ key, dir });
    return undefined;
  }

  close(): void {
    for (const dir of this.#dirs.values()) closeSync(dir.fd);
    this.#dirs.clear();
    this.#links.clear();
  }
}
