// build.mjs: which of the bundle's functions an exec-mode start calls, from V8's
// coverage of one sample run (a few secrets, the default log level, exec /bin/true).
// Those are the ones worth compiling with the script (scripts/eager-functions.mjs): a
// function compiled eagerly but never called costs compile time at every start, and
// one called but compiled lazily is missing from the compile cache.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Names of the functions of `code` (the bundle's text) that the sample run called. */
export function execModeFunctions(code) {
  const work = mkdtempSync(join(tmpdir(), 'runsecrets-build-coverage-'));
  try {
    const bundle = join(work, 'runsecrets.mjs');
    writeFileSync(bundle, code);
    const secrets = join(work, 'secrets');
    mkdirSync(secrets);
    for (const name of ['db_password', 'api-token', 'jwt.secret']) writeFileSync(join(secrets, name), `${name}-value\n`);
    const coverage = join(work, 'coverage');
    const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', NODE_V8_COVERAGE: coverage };
    const result = spawnSync(process.execPath, [bundle, '--dir', secrets, '--', '/bin/true'], { env, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`exec-mode-functions: the sample run of the bundle failed (${result.error?.message ?? `exit ${result.status}`})`);
    const url = pathToFileURL(bundle).href;
    const scripts = readdirSync(coverage).flatMap((file) => JSON.parse(readFileSync(join(coverage, file), 'utf8')).result);
    const functions = scripts.find((script) => script.url === url)?.functions ?? [];
    const called = new Set(functions.filter((fn) => fn.functionName !== '' && fn.ranges[0].count > 0).map((fn) => fn.functionName));
    if (called.size === 0) throw new Error('exec-mode-functions: no coverage of the sample run');
    return called;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
