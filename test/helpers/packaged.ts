// The standalone executable that `npm run build:exe` writes, and whether tests can use it.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CLI, ROOT, STANDALONE } from './cli.js';
import type { Need } from './requirements.js';

/** The standalone executable under test: CLI when the suite runs against one, else dist/runsecrets-linux-x64. */
export const EXE = STANDALONE ? CLI : `${ROOT}dist/runsecrets-linux-x64`;

/** What EXE must be to be tested, when it is not: built, and from the current dist/runsecrets.mjs. */
function unusable(): string | undefined {
  const name = EXE.startsWith(ROOT) ? EXE.slice(ROOT.length) : EXE;
  if (!existsSync(EXE)) return `${name} built (npm run build:exe)`;
  const stamp = `${EXE}.bundle-sha256`;
  const current = createHash('sha256').update(readFileSync(`${ROOT}dist/runsecrets.mjs`)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== current) return `${name} built from the current dist/runsecrets.mjs (npm run build:exe)`;
  return undefined;
}

/**
 * The need for a usable EXE (test/helpers/requirements.ts), or undefined: tests of EXE
 * skip without it, and a strict run (CI, which builds it first) fails on the skip.
 */
export const EXE_NEED: Need = unusable();
