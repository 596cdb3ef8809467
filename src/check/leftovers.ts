// --check's list of the files in the secret dirs that were skipped as editor or tool
// leftovers (secrets/skip-names.ts), so that a developer sees why db_password~ made no
// variable. Only --check lists the dirs a second time; a run just skips them.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../cli/config.js';
import { leftoverKind } from '../secrets/skip-names.js';

/** A file skipped because of its name. */
export interface Leftover {
  readonly path: string;
  /** What it is, e.g. `an editor backup (name~)`. */
  readonly kind: string;
}

/** The leftovers in every secret dir that can be listed, sorted by path; a dir that cannot is --check's problem elsewhere. */
export function findLeftovers(dirs: Config['dirs']): Leftover[] {
  return dirs.flatMap(({ path }) => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return [];
    }
    return names.sort().flatMap((name) => {
      const kind = name.startsWith('.') ? undefined : leftoverKind(name);
      return kind === undefined ? [] : [{ path: join(path, name), kind }];
    });
  });
}
