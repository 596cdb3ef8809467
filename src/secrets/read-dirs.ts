// Lists and reads the secret dirs. A secret is a regular file directly inside a dir;
// dot-names and subdirectories are skipped; symlinks are followed while they stay
// inside the dir, which is what Kubernetes' `key -> ..data/key` layout needs. Each dir
// is reached and read through safe-fs: held open, by root where root alone controls it,
// as the command's user where that user (or anyone else) can change it.

import type { Dirent } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../cli/config.js';
import { Problems, RunsecretsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Actor } from '../safe-fs/actor.js';
import { accessFix, FsError } from '../safe-fs/fs-error.js';
import { EscapeError, InsideReader } from '../safe-fs/inside.js';
import { listEntries, NotRegularError } from '../safe-fs/read.js';
import { openDir, within, type OpenedDir } from '../safe-fs/walk.js';
import { sortedByName, type Secret } from '../types.js';
import { sourceError } from './read-file.js';
import { leftoverKind } from './skip-names.js';
import { trimValue } from './trim.js';

/** A secret dir held open while the sources are read: NAME_FILE targets inside it are read through it. */
export interface SecretDir {
  /** The dir as configured, made absolute. */
  readonly path: string;
  /** Its real path (symlinks on the way resolved). */
  readonly realPath: string;
  /** Reads `relative` below the dir, following symlinks only inside it. Throws FsError and its kinds. */
  read(relative: string, limit: number): Buffer;
}

/** What reading the dirs produced; close() releases the dirs. */
export interface DirSecrets {
  /** Secrets by name; when two dirs hold a name, the later dir's file. */
  readonly secrets: Map<string, Secret>;
  /** The dirs that exist, in order. */
  readonly dirs: readonly SecretDir[];
  close(): void;
}

/** Reads every secret dir of `config`, recording problems instead of stopping at the first. */
export function readSecretDirs(config: Config, actor: Actor | undefined, problems: Problems, log: Logger): DirSecrets {
  const secrets = new Map<string, Secret>();
  const held: { path: string; opened: OpenedDir; reader: InsideReader }[] = [];
  for (const dir of config.dirs) {
    const opened = problems.attempt(() => openSecretDir(dir.path, dir.explicit, actor));
    if (opened === undefined) continue;
    if (opened === null) {
      log.debug(`default secrets dir ${dir.path} does not exist; no secrets read from it`);
      continue;
    }
    const reader = new InsideReader(opened.dir);
    held.push({ path: dir.path, opened, reader });
    const prefix = dir.path.endsWith('/') ? dir.path : `${dir.path}/`;
    within(opened.dir, () =>
      opened.run((at) => {
        const listed = problems.attempt(() => listDir(dir.path, () => listEntries(at), opened.actor)) ?? [];
        const entries = new Map<string, Dirent>();
        for (let i = 0; i < listed.length; i += 1) entries.set((listed[i] as Dirent).name, listed[i] as Dirent);
        const sorted = sortedByName(entries);
        for (let i = 0; i < sorted.length; i += 1) {
          const entry = sorted[i] as Dirent;
          const secret = problems.attempt(() => readSecret(reader, prefix, at.path, entry, config, log, opened.actor));
          if (secret !== undefined && secret !== null) secrets.set(secret.name, secret);
        }
      }),
    );
  }
  const dirs = held.map(({ path, opened, reader }): SecretDir => ({
    path: resolve(path),
    realPath: opened.dir.path,
    read: (relative, limit) => opened.run(() => reader.read(relative, limit)),
  }));
  const close = (): void => {
    for (const { opened, reader } of held) {
      reader.close();
      opened.close();
    }
  };
  return { secrets, dirs, close };
}

/** The dir held open; `null` when a default (non-explicit) dir is missing. */
function openSecretDir(path: string, explicit: boolean, actor: Actor | undefined): OpenedDir | null {
  try {
    return openDir(resolve(path), { actor });
  } catch (error) {
    if (!(error instanceof FsError)) throw error;
    if (error.osCode === 'ENOENT' && !explicit) return null;
    const hint = error.osCode === 'ENOENT' ? '; create it, mount the secrets there, or fix --dir (RUNSECRETS_DIR)' : accessFix(error, actor);
    throw new RunsecretsError('DIR', `cannot read secrets dir ${path}: ${error.describe(resolve(path))}${hint}`, 1, error);
  }
}

function listDir(path: string, list: () => Dirent[], actor: Actor | undefined): Dirent[] {
  try {
    return list();
  } catch (error) {
    if (!(error instanceof FsError)) throw error;
    throw new RunsecretsError('DIR', `cannot read secrets dir ${path}: ${error.describe(resolve(path))}${accessFix(error, actor)}`, 1, error);
  }
}

/** Reads one entry; `null` for entries that are not secrets. */
function readSecret(reader: InsideReader, prefix: string, realDir: string, entry: Dirent, config: Config, log: Logger, actor: Actor | undefined): Secret | null {
  const name = entry.name;
  const path = prefix + name;
  if (name.startsWith('.')) return null;
  const leftover = leftoverKind(name);
  if (leftover !== undefined) return skip(log, path, `it is ${leftover}, not a secret`);
  if (!entry.isFile() && !entry.isSymbolicLink()) return skip(log, path, entry.isDirectory() ? 'it is a directory' : 'it is not a regular file');
  let raw: Buffer;
  try {
    raw = reader.read(name, config.maxSize);
  } catch (error) {
    if (error instanceof NotRegularError) return skip(log, path, entry.isSymbolicLink() ? 'it links to something that is not a regular file' : 'it is not a regular file');
    if (error instanceof EscapeError) {
      throw new RunsecretsError('SYMLINK_ESCAPE', `secret "${name}" at ${path} is a symlink to ${error.link}, outside ${realDir}; secrets may only link inside their dir`);
    }
    throw sourceError(error, path, `secret "${name}"`, config.maxSize, actor);
  }
  return { name, path, value: name.endsWith('.env') ? raw : trimValue(raw, config.trim) };
}

function skip(log: Logger, path: string, why: string): null {
  log.debug(`skipped ${path}: ${why}`);
  return null;
}
