// The test run's last line (test/helpers/skip-summary.ts): every skip with its reason,
// counted; and in strict mode (RUNSECRETS_TEST_STRICT=1, .ci/run) a skip for an unmet
// need fails the run, while a not-applicable skip does not. Runs vitest itself on a fixture.

import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = join(ROOT, 'test/fixtures/skip-summary/vitest.config.ts');

async function runFixture(env: Record<string, string>): Promise<{ exitCode: number | undefined; lines: string[] }> {
  const result = await execa(process.execPath, [VITEST, 'run', '--config', CONFIG], { cwd: ROOT, reject: false, env: { RUNSECRETS_TEST_STRICT: '', NO_COLOR: '1', ...env } });
  return { exitCode: result.exitCode, lines: `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.startsWith('runsecrets tests:')) };
}

describe('the skip summary', () => {
  it('ends the run with one line naming each reason and how to fix it; the run passes', async () => {
    const { exitCode, lines } = await runFixture({});
    // The test in the suite counts for the suite's need and its own.
    expect(lines).toEqual(['runsecrets tests: skipped 3: 2 need runsecrets-no-such-tool (apt-get install runsecrets-no-such-tool); 1 need runsecrets-other-tool (apt-get install runsecrets-other-tool); 1 not applicable: the fixture says so']);
    expect(exitCode).toBe(0);
  });

  it('strict mode fails the run for an unmet need, and says so', async () => {
    const { exitCode, lines } = await runFixture({ RUNSECRETS_TEST_STRICT: '1' });
    expect(lines[1]).toMatch(/^runsecrets tests: RUNSECRETS_TEST_STRICT=1 and 2 test\(s\) skipped for unmet needs/);
    expect(exitCode).toBe(1);
  });

  it('negative control: strict mode with the need met passes, a not-applicable skip notwithstanding', async () => {
    const { exitCode, lines } = await runFixture({ RUNSECRETS_TEST_STRICT: '1', FIXTURE_TOOL: 'sh' });
    expect(lines).toEqual(['runsecrets tests: skipped 1: 1 not applicable: the fixture says so']);
    expect(exitCode).toBe(0);
  });
});
