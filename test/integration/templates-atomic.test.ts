// Atomic writes: a reader in another process loops over the destination while it is
// rewritten many times with changing content, and must only ever see a complete old or
// new file. A naive in-place writer, watched by the same reader, is caught tearing.

import { execa } from 'execa';
import { readdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { writeRendered } from '../../src/templates/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { waitForLine } from '../helpers/processes.js';

const SIZE = 512 * 1024;
const ROUNDS = 150;
const VERSIONS = ['A', 'B', 'C'].map((char) => Buffer.from(`${char}:${char.repeat(SIZE - 4)}\n;`));

/**
 * Reads FILE in a tight loop until STOP exists, classing each read as one of the
 * versions or torn; prints READY after its first complete read, then the counts as JSON.
 */
const READER = `
const fs = require('node:fs');
const [file, stop, size] = process.argv.slice(1);
const counts = { A: 0, B: 0, C: 0, torn: 0, missing: 0 };
let ready = false;
while (!fs.existsSync(stop)) {
  let buf;
  try { buf = fs.readFileSync(file); } catch { counts.missing++; continue; }
  const tag = buf.length === Number(size) && buf[buf.length - 1] === 59 ? String.fromCharCode(buf[0]) : 'torn';
  const whole = tag !== 'torn' && buf.subarray(2, buf.length - 2).every((b) => b === buf[0]);
  counts[whole ? tag : 'torn']++;
  if (!ready && whole) { ready = true; process.stdout.write('READY\\n'); }
}
process.stdout.write(JSON.stringify(counts) + '\\n');
`;

async function watchWhile(file: string, rewrite: (round: number) => Promise<void>): Promise<Record<string, number>> {
  const stop = `${file}.stop`;
  const reader = execa(process.execPath, ['-e', READER, file, stop, String(SIZE)], { reject: false });
  await waitForLine(reader.stdout, 'READY');
  for (let round = 1; round <= ROUNDS; round++) await rewrite(round);
  writeFileSync(stop, '');
  const result = await reader;
  return JSON.parse(String(result.stdout).split('\n').filter(Boolean).at(-1) as string) as Record<string, number>;
}

describe('atomic writes of rendered files', () => {
  it(`a concurrent reader sees only complete files over ${ROUNDS} rewrites`, async () => {
    const dir = tempDir();
    const file = join(dir, 'app.conf');
    const log = createLogger('silent', 'text', () => undefined);
    const write = (content: Buffer) => writeRendered([{ source: '/t/app.conf.tmpl', destination: file, content }], { mode: 0o600 }, log);
    await write(VERSIONS[0] as Buffer);
    const counts = await watchWhile(file, async (round) => {
      expect(await write(VERSIONS[round % 3] as Buffer)).toEqual([file]);
    });
    expect(counts.torn).toBe(0);
    expect(counts.missing).toBe(0);
    expect([counts.A, counts.B, counts.C].every((n) => (n as number) > 0)).toBe(true); // it read while versions changed
    expect(readdirSync(dir).filter((name) => !name.endsWith('.stop'))).toEqual(['app.conf']); // no temp file left
  });

  it('negative control: the same reader catches a writer that rewrites the file in place', async () => {
    const file = join(tempDir(), 'app.conf');
    writeFileSync(file, VERSIONS[0] as Buffer);
    const counts = await watchWhile(file, async (round) => {
      const content = VERSIONS[round % 3] as Buffer;
      const handle = await open(file, 'w'); // O_TRUNC, then the bytes in two writes
      await handle.write(content.subarray(0, SIZE / 2));
      await new Promise((resolve) => setImmediate(resolve));
      await handle.write(content.subarray(SIZE / 2));
      await handle.close();
    });
    expect(counts.torn).toBeGreaterThan(0);
  });
});
