// Directories reached one component at a time, each held open, so that no path is
// looked up twice and nothing on the way can be swapped between a check and its use.
// Every name is opened relative to the directory held before it (/proc/self/fd/N/NAME,
// as openat(2) would) without following a symlink; a symlink is read and its target
// walked the same way. While root walks, it follows only what root alone controls: at
// the first directory someone else can change (its owner, a group, everyone), the rest
// of the walk and every operation in the directory reached run as the target user
// (actor.ts), so the kernel decides what that user may reach.

import { closeSync, constants, existsSync, fchmodSync, fchownSync, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { actAs, type Actor } from './actor.js';
import { entriesControl } from './control.js';
import { FsError } from './fs-error.js';

/** Whether /proc/self/fd reaches held descriptors; without it, paths are used (and a swap on the way cannot be excluded). */
export const PROC_FD = existsSync('/proc/self/fd');

/** O_PATH (Linux): a directory held for lookups and fstat only, which needs search permission, not read. */
const O_PATH = 0o10000000;
const HOLD = constants.O_DIRECTORY | constants.O_NOFOLLOW | O_PATH;
const MAX_LINKS = 40;

/** A directory held open. */
export interface Dir {
  readonly fd: number;
  /** Its path with symlinks resolved, for messages and for links that point back inside. */
  readonly path: string;
  readonly stats: Stats;
  /** Who can change its entries (control.ts). */
  readonly control: 'root' | 'sticky' | 'others';
}

/** The held directory that is the working directory while within() runs. */
let current: Dir | undefined;

/** The path that reaches entry `name` of `dir` for any file system call. */
export function entry(dir: Dir, name: string): string {
  if (dir === current) return name;
  return PROC_FD ? `/proc/self/fd/${dir.fd}/${name}` : `${dir.path === '/' ? '' : dir.path}/${name}`;
}

/** The path that reaches held `dir` itself (to list it): `.` inside within(), else its descriptor or its path. */
export function itself(dir: Dir): string {
  if (dir === current) return '.';
  return PROC_FD ? `/proc/self/fd/${dir.fd}` : dir.path;
}

/**
 * Runs `op` (synchronous) with the working directory moved to held `dir`, so that each
 * entry() of it is one lookup from there, as openat(2) on the descriptor would be, not a
 * walk through /proc/self/fd for every name: about 3 µs of kernel time per secret read.
 * chdir through /proc/self/fd lands on the held directory itself (fchdir(2)); the previous
 * working directory is held the same way and restored by its descriptor, never by its
 * path. Call it as the process is, outside actAs(): the lookups inside still run as
 * whoever acts then, and the kernel checks search permission on `dir` for them.
 */
export function within<T>(dir: Dir, op: () => T): T {
  if (!PROC_FD || current !== undefined) return op();
  let back: number;
  try {
    back = openSync('.', HOLD);
  } catch {
    return op();
  }
  try {
    process.chdir(`/proc/self/fd/${dir.fd}`);
  } catch {
    closeSync(back);
    return op();
  }
  current = dir;
  try {
    return op();
  } finally {
    current = undefined;
    try {
      process.chdir(`/proc/self/fd/${back}`);
    } finally {
      closeSync(back);
    }
  }
}

/** How to walk. */
export interface WalkOptions {
  /** Who acts where root does not control the way alone; undefined: this process as it is. */
  readonly actor?: Actor | undefined;
  /** Create missing directories, mode 0700, owned by `uid`:`gid` when root makes them; their paths go to `made`. */
  readonly create?: { readonly uid?: number | undefined; readonly gid?: number | undefined; readonly made: string[] } | undefined;
}

/** A directory reached by a walk, and who may act in it. */
export interface OpenedDir {
  readonly dir: Dir;
  /** Set when root does not control the directory or the way to it alone: operations in it run as this user. */
  readonly actor: Actor | undefined;
  /** Runs `op` (synchronous) as whoever may act in the directory. */
  run<T>(op: (dir: Dir) => T): T;
  close(): void;
}

/** Opens the directory at absolute `path`. Throws an FsError naming the step that failed. */
export function openDir(path: string, options: WalkOptions = {}): OpenedDir {
  const walk = new Walk(path, options);
  try {
    walk.advance();
    if (walk.stopped) actAs(options.actor, () => walk.advanceAsActor());
    return walk.result();
  } catch (error) {
    walk.close();
    throw error;
  }
}

/** Opens `path`, runs `op` in it, closes it. */
export function inDir<T>(path: string, options: WalkOptions, op: (dir: Dir, actor: Actor | undefined) => T): T {
  const opened = openDir(path, options);
  try {
    return opened.run((dir) => op(dir, opened.actor));
  } finally {
    opened.close();
  }
}

class Walk {
  readonly #options: WalkOptions;
  /** Whether root walks on behalf of an actor, and so must stop where root's control ends. */
  readonly #guarded: boolean;
  readonly #groups: readonly number[];
  #asActor = false;
  #stack: Dir[] = [];
  #rest: string[];
  #links = 0;

  constructor(path: string, options: WalkOptions) {
    this.#options = options;
    const actor = options.actor;
    this.#guarded = actor !== undefined && actor.uid !== 0 && process.geteuid?.() === 0;
    this.#groups = actor === undefined ? [] : [actor.gid, ...actor.groups];
    this.#rest = parts(path);
    this.#push(openSync('/', HOLD), '/');
  }

  /** True when the walk stopped where only the actor may go on. */
  get stopped(): boolean {
    return this.#rest.length > 0;
  }

  advance(): void {
    while (this.#rest.length > 0 && this.#step());
  }

  advanceAsActor(): void {
    this.#asActor = true;
    this.advance();
  }

  result(): OpenedDir {
    const dir = this.#top;
    const actor = this.#guarded && (this.#asActor || dir.control !== 'root') ? this.#options.actor : undefined;
    return { dir, actor, run: (op) => actAs(actor, () => op(dir)), close: () => this.close() };
  }

  close(): void {
    for (const dir of this.#stack.splice(0)) closeSync(dir.fd);
  }

  get #top(): Dir {
    return this.#stack.at(-1) as Dir;
  }

  /** One component; false (consuming nothing) when it needs the actor. */
  #step(): boolean {
    const here = this.#top;
    const asRoot = this.#guarded && !this.#asActor;
    if (asRoot && here.control === 'others') return false;
    const name = this.#rest[0] as string;
    if (name === '..') return this.#up();
    let fd: number;
    try {
      fd = openSync(entry(here, name), HOLD);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const link = code === 'ENOTDIR' ? linkTarget(here, name) : undefined;
      if (link !== undefined) {
        if (asRoot && here.control === 'sticky' && lstatSync(entry(here, name)).uid !== 0) return false;
        return this.#follow(link);
      }
      if (code !== 'ENOENT' || this.#options.create === undefined) throw stepError(here, name, error);
      if (asRoot && here.control !== 'root') return false;
      fd = this.#make(here, name);
    }
    this.#rest.shift();
    this.#push(fd, join(here.path, name));
    return true;
  }

  #up(): boolean {
    this.#rest.shift();
    if (this.#stack.length > 1) closeSync((this.#stack.pop() as Dir).fd);
    return true;
  }

  #follow(target: string): boolean {
    this.#links += 1;
    if (this.#links > MAX_LINKS) throw new FsError(join(this.#top.path, this.#rest[0] ?? ''), 'too many levels of symbolic links (ELOOP)');
    this.#rest.shift();
    if (target.startsWith('/')) {
      for (const dir of this.#stack.splice(1)) closeSync(dir.fd);
    }
    this.#rest.unshift(...parts(target));
    return true;
  }

  /** Makes directory `name` in `here` and holds it; owned by the creator, or by the create owner when root makes it. */
  #make(here: Dir, name: string): number {
    const create = this.#options.create as NonNullable<WalkOptions['create']>;
    const path = join(here.path, name);
    try {
      mkdirSync(entry(here, name), 0o700);
    } catch (error) {
      throw new FsError(path, error, { doing: `creating directory ${path}`, checked: { path: here.path, bits: here.stats } });
    }
    const fd = openSync(entry(here, name), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      if (fstatSync(fd).uid !== process.geteuid?.()) {
        throw new FsError(path, `was replaced right after runsecrets made it; check who else writes to ${here.path}`);
      }
      if (process.geteuid?.() === 0 && (create.uid !== undefined || create.gid !== undefined)) fchownSync(fd, create.uid ?? -1, create.gid ?? -1);
      fchmodSync(fd, 0o700);
    } catch (error) {
      closeSync(fd);
      throw error instanceof FsError ? error : new FsError(path, error, { doing: `setting owner and mode of new directory ${path}` });
    }
    create.made.push(path);
    return fd;
  }

  #push(fd: number, path: string): void {
    const stats = fstatSync(fd);
    this.#stack.push({ fd, path, stats, control: entriesControl(stats, this.#groups) });
  }
}

/** The text of symlink `name` in `dir`; undefined when it is not a symlink. */
export function linkTarget(dir: Dir, name: string): string | undefined {
  try {
    return readlinkSync(entry(dir, name));
  } catch {
    return undefined;
  }
}

/** `a/b/../c` -> ['a', 'b', '..', 'c'], without empty and `.` parts. */
export function parts(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** `dir` + `/name`, for paths that have no `..` or `.` parts. */
export function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function stepError(here: Dir, name: string, error: unknown): FsError {
  return new FsError(join(here.path, name), error, { checked: { path: here.path, bits: here.stats } });
}
