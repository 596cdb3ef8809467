// A vitest reporter that ends the run with one line saying what was skipped and why,
// from the needs test/helpers/requirements.ts recorded. In strict mode
// (RUNSECRETS_TEST_STRICT=1, set by .ci/run) a test skipped for an unmet need fails the
// run: CI must prove everything. Not-applicable skips are listed but never fail it.

import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

/** The reasons of every skipped test, counted: "N need X (how)", "N not applicable: why". */
export function summarize(tests: Iterable<{ meta: { missing?: string[]; notApplicable?: string }; note: string | undefined }>): { line: string; missing: number } {
  const counts = new Map<string, number>();
  let [total, missing] = [0, 0];
  for (const test of tests) {
    total += 1;
    if (test.meta.missing !== undefined) missing += 1;
    const reasons = test.meta.missing?.map((need) => `need ${need}`)
      ?? [test.meta.notApplicable === undefined ? `skipped: ${test.note ?? 'no reason given (.skip, or filtered out)'}` : `not applicable: ${test.meta.notApplicable}`];
    for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([reason, count]) => `${count} ${reason}`);
  return { line: total === 0 ? 'skipped: none' : `skipped ${total}: ${parts.join('; ')}`, missing };
}

/** True when an unmet need must fail the run. */
export const STRICT = process.env.RUNSECRETS_TEST_STRICT === '1';

/** Prints the summary line after vitest's own; fails a strict run with unmet needs. */
export default class SkipSummary implements Reporter {
  #vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunEnd(modules: readonly TestModule[]): void {
    const skipped = modules.flatMap((module) => [...module.children.allTests('skipped')]).map((test: TestCase) => {
      const result = test.result();
      return { meta: test.meta(), note: result.state === 'skipped' ? result.note : undefined };
    });
    const { line, missing } = summarize(skipped);
    const log = (text: string): void => (this.#vitest === undefined ? console.log(text) : this.#vitest.logger.log(text));
    log(`runsecrets tests: ${line}`);
    if (STRICT && missing > 0) {
      log(`runsecrets tests: RUNSECRETS_TEST_STRICT=1 and ${missing} test(s) skipped for unmet needs; install what they need (above) and run again`);
      process.exitCode = 1;
    }
  }
}
