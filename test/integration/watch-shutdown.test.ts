// Shutdown latency (issue 11, item 7): runsecrets exits as soon as the app is gone. A
// secret dir's parent is watched for that one name (a dir deleted and created again),
// so a busy parent such as /tmp keeps chokidar reading it; closing the watcher during
// such a read used to leave chokidar's 1 s readdir throttle timer running, and
// runsecrets exited about a second after the app.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { killWatch, startWatch, type Watched } from '../helpers/watch.js';

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

/** Creates and removes files in `dir` every few ms until the returned function is called. */
function keepBusy(dir: string): () => void {
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 5; i += 1, n += 1) {
      writeFileSync(join(dir, `f${n % 20}`), 'x');
      rmSync(join(dir, `f${(n + 10) % 20}`), { force: true });
    }
  }, 2);
  return () => clearInterval(timer);
}

describe('after SIGTERM, runsecrets exits with the app, not a watcher timer later', () => {
  it('with the secret dir\'s parent busy, five stops in a row each end well within a second of the app', async () => {
    const parent = tempDir();
    const dir = join(parent, 'secrets');
    mkdirSync(dir);
    writeFileSync(join(dir, 'db'), 'x\n');
    const app = 'trap \'echo "bye $(date +%s%N)"; exit 0\' TERM; echo READY; while :; do sleep 0.05; done';
    const stopBusy = keepBusy(parent);
    const lags: number[] = [];
    try {
      for (let i = 0; i < 5; i += 1) {
        const watched = await startWatch(['--dir', dir, 'sh', '-c', app]);
        running.push(watched);
        watched.sub.kill('SIGTERM');
        expect(await watched.exited).toBe(0);
        const bye = watched.out.lines.find((line) => line.startsWith('bye '));
        lags.push(Date.now() - Number(BigInt(bye?.split(' ')[1] ?? '0') / 1_000_000n));
      }
    } finally {
      stopBusy();
    }
    // Before the fix, a stop during a read of the parent took 1,000 ms or more, most of them.
    lags.sort((a, b) => a - b);
    expect(lags[2], `ms from the app's exit to runsecrets' (sorted): ${lags.join(', ')}`).toBeLessThan(700);
  });
});
