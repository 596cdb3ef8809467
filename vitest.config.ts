import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The arm64 executable under qemu-user runs on its own: npm run test:exe-arm64.
    exclude: [...configDefaults.exclude, 'test/arm64/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start many real processes; two cores, so keep it modest.
    maxWorkers: 2,
    // The last line of a run says what was skipped and why (and fails a strict run for unmet needs).
    reporters: ['default', './test/helpers/skip-summary.ts'],
  },
});
