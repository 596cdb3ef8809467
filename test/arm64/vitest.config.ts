// `npm run test:exe-arm64`: the arm64 executable under qemu-user, a subset chosen to run in
// a few minutes under emulation (exe-arm64.test.ts). The main config leaves test/arm64/
// out, so `npm test` and every other suite run (bundle alone, executable, Node 22) do not
// repeat it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/arm64/**/*.test.ts'],
    pool: 'forks',
    // A Bun start under emulation takes 1-2 s, a watch-mode case several.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    // The last line says what was skipped and why; a strict run (.ci/run) fails on an unmet need.
    reporters: ['default', fileURLToPath(new URL('../helpers/skip-summary.ts', import.meta.url))],
  },
});
