// The standalone executable that `npm run build:exe` writes, and whether tests can use it.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CLI, ROOT, STANDALONE } from './cli.js';

/** The standalone executable under test: CLI when the suite runs against one, else this machine's dist/runsecrets-linux-ARCH. */
export const EXE = STANDALONE ? CLI : `${ROOT}dist/runsecrets-linux-${process.arch}`;

/** Why EXE cannot be tested: not built, or built from another bundle than dist/runsecrets.mjs. */
function unusable(): string | undefined {
  if (!existsSync(EXE)) return `${EXE} is not built (npm run build:exe)`;
  const stamp = `${EXE}.bundle-sha256`;
  const current = createHash('sha256').update(readFileSync(`${ROOT}dist/runsecrets.mjs`)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== current) return `${EXE} was built from another dist/runsecrets.mjs (npm run build:exe)`;
  return undefined;
}

const reason = unusable();

/**
 * Why tests of EXE skip, or undefined. Never set in CI (CI=true), which builds the
 * executable first: there such tests run, and fail on EXE_PROBLEM.
 */
export const EXE_SKIP = process.env.CI === 'true' ? undefined : reason;

/** What is wrong with EXE, for a test to fail on (expect(EXE_PROBLEM).toBeUndefined()). */
export const EXE_PROBLEM = reason;
