// RUNSECRETS_* variables that name no option. A typo in a twin (RUNSECRETS_USR=app) is a
// usage error, as a typo in a flag is: ignoring it would run the app as root.

import { usageError } from '../errors.js';
import { OPTIONS, RENAMED, twinName } from './options.js';

const TWINS = OPTIONS.filter((spec) => spec.twin).map((spec) => twinName(spec.name));

/** Throws a usage error for the first RUNSECRETS_* variable of `env` that is no option's twin. */
export function rejectUnknownTwins(env: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith('RUNSECRETS_') || TWINS.includes(key)) continue;
    const renamed = Object.entries(RENAMED).find(([from]) => twinName(from) === key)?.[1];
    if (renamed !== undefined) throw usageError(`${key} is now ${twinName(renamed.to)} (${renamed.why}); rename it`);
    const near = nearest(key);
    throw usageError(`${key} is not a runsecrets option${near === undefined ? '.' : `; did you mean ${near}?`} Unset it or fix its name`);
  }
}

/** The twin closest to `key` by edit distance, if it is close (a typo, not another word). */
function nearest(key: string): string | undefined {
  let best: { twin: string; distance: number } | undefined;
  for (const twin of TWINS) {
    const distance = editDistance(key, twin);
    if (best === undefined || distance < best.distance) best = { twin, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(key.length / 6)) ? best.twin : undefined;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1) next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] ?? 0;
}
