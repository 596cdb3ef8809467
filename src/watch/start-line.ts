// The watch plan (which dirs to watch, what the supervisor must be able to read and
// write) and the one info line that says watch mode is running.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../cli/config.js';
import { describeCredentials, type Credentials } from '../privileges/resolve-user.js';
import type { WatchState } from './diff.js';
import type { PrivilegeNeeds } from './least-privilege.js';
import { watchRoots, type WatchRoot } from './watch-paths.js';

/** What to watch, and what a dropped supervisor would need. */
export interface WatchPlan {
  readonly roots: readonly WatchRoot[];
  /** The single files read: secrets, NAME_FILE targets, --env-files, template files. */
  readonly files: readonly string[];
  readonly needs: PrivilegeNeeds;
}

/** Plans from the config, the files the first read used and the rendered files. */
export function watchPlan(config: Config, readFiles: readonly string[], rendered: WatchState['files'], cwd: string): WatchPlan {
  const at = (path: string) => resolve(cwd, path);
  const kind = (path: string) => {
    try {
      return statSync(path).isDirectory() ? 'dir' : 'file';
    } catch {
      return 'missing';
    }
  };
  // A missing default dir holds no secrets yet, but is watched for (through its parent,
  // file-watcher.ts): a sidecar that mounts or writes /run/secrets later is picked up.
  const dirs = config.dirs
    .filter((dir) => kind(at(dir.path)) === 'dir' || (!dir.explicit && kind(at(dir.path)) === 'missing'))
    .map((dir) => at(dir.path));
  const templates = config.templates.map((template) => at(template.source));
  const trees = templates.filter((source) => kind(source) === 'dir');
  const files = [...readFiles.map(at), ...config.envFiles.map(at), ...templates.filter((source) => kind(source) === 'file')];
  return {
    roots: watchRoots({ dirs, files, trees }),
    files,
    needs: { read: [...new Set([...dirs, ...trees, ...files])], write: rendered.map((file) => file.destination) },
  };
}

/** `supervising /usr/bin/app (pid 42) as app 1000:1000: with 3 variable(s) from secrets; watching 2 dir(s)` (`variables` from countVariables). */
export function startLine(path: string, pid: number | undefined, credentials: Credentials | undefined, variables: string, watched: number): string {
  const user = credentials === undefined ? '' : ` as ${describeCredentials(credentials)}`;
  return `supervising ${path} (pid ${pid ?? '?'})${user} with ${variables}; watching ${watched} dir(s)`;
}
