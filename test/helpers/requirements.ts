// What a test needs from this machine beyond `npm ci`: root, a Debian tool, the
// standalone executable, an old Node.js. An unmet need skips the test and says what to
// install or how to run it; a test that cannot apply to this run (a standalone
// executable under test, another CPU) skips as not applicable. skip-summary.ts lists
// every skip in one line at the end of the run, and in strict mode
// (RUNSECRETS_TEST_STRICT=1, set by .ci/run) fails the run for any unmet need.

import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { TestRunner, type TestContext, type TestOptions } from 'vitest';
import { baseEnv } from './cli.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Unmet needs, each "what (how to get it)"; the test was skipped for them. */
    missing?: string[];
    /** Why the test does not apply to this run; skipped, and fine in strict mode. */
    notApplicable?: string;
  }
}

/** An unmet need, "what (how to get it)", or undefined when it is met. */
export type Need = string | undefined;

/** True when the tests run as root. */
export const IS_ROOT = process.getuid?.() === 0;

/** Root: to create users, switch to them, mount, make namespaces (the test's title says what for). */
export const AS_ROOT: Need = IS_ROOT ? undefined : 'root (run npm test as root, e.g. sudo npm test)';

/** `tool` on the PATH runsecrets gets in tests (baseEnv()), executable; `install` says how to get it. */
export function needs(tool: string, install: string): Need {
  return onPath(tool) === undefined ? `${tool} (${install})` : undefined;
}

/** Where `tool` is on baseEnv()'s PATH, executable by this process; undefined when it is not. */
export function onPath(tool: string): string | undefined {
  for (const dir of (baseEnv().PATH ?? '').split(':')) {
    const path = join(dir, tool);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here; try the next dir.
    }
  }
  return undefined;
}

/** The Debian packages the tests use, as `needs()` arguments. */
export const GOSU = needs('gosu', 'apt-get install gosu');
export const TINI = needs('tini', 'apt-get install tini');
export const SETPRIV = needs('setpriv', 'apt-get install util-linux');
export const UNSHARE = needs('unshare', 'apt-get install util-linux');
export const USERADD = needs('useradd', 'apt-get install passwd');

const unmet = (list: readonly Need[]): string[] => [...new Set(list.filter((need): need is string => need !== undefined))];

/** Options for describe() or it(): skip, naming each unmet need (the enclosing describe's too), unless every need is met. */
export function requires(...list: Need[]): TestOptions {
  // A test's own meta replaces its suite's: carry the suite's needs over.
  const missing = unmet([...(TestRunner.getCurrentSuite().options?.meta?.missing ?? []), ...list]);
  return missing.length === 0 ? {} : { skip: true, meta: { missing } };
}

/** Options for describe() or it(): skip as not applicable when `why` is given. */
export function notApplicable(why: string | undefined): TestOptions {
  return why === undefined ? {} : { skip: true, meta: { notApplicable: why } };
}

/** Inside a test: skips it, naming each unmet need, unless every need is met. */
export function skipUnless(context: TestContext, ...list: Need[]): void {
  const missing = unmet(list);
  if (missing.length === 0) return;
  context.task.meta.missing = missing;
  context.skip(missing.join('; '));
}

/** Inside a test: skips it as not applicable when `why` is given. */
export function skipNotApplicable(context: TestContext, why: string | undefined): void {
  if (why === undefined) return;
  context.task.meta.notApplicable = why;
  context.skip(why);
}

/**
 * A --user this process may switch to: nobody as root; as anyone else, itself by uid:gid
 * (a no-op switch, the only one allowed), so that tests of what --user shows run either way.
 */
export const SWITCHABLE_USER = IS_ROOT
  ? { spec: 'nobody', name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' }
  : { spec: `${process.getuid?.()}:${process.getgid?.()}`, name: userInfo().username, uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, home: userInfo().homedir };
