import { describe, expect, it } from 'vitest';
import { trimValue } from '../../../src/secrets/trim.js';

const trim = (text: string, mode: 'all' | 'one' | 'none') => trimValue(Buffer.from(text), mode).toString();

describe('trimValue', () => {
  it.each([
    ['pw\n\n\n', 'all', 'pw'],
    ['pw\r\n', 'all', 'pw'],
    ['pw\r\n\r\n\n', 'all', 'pw'],
    ['pw\n\r\n', 'all', 'pw'],
    ['pw\r', 'all', 'pw\r'],
    ['pw\r\r\n', 'all', 'pw\r'],
    ['a\r\nb\r\n', 'all', 'a\r\nb'],
    ['pw\n\n', 'one', 'pw\n'],
    ['pw\r\n', 'one', 'pw'],
    ['pw\n', 'none', 'pw\n'],
    ['\n', 'all', ''],
    ['', 'one', ''],
    ['a\nb', 'all', 'a\nb'],
  ] as const)('%j with %s → %j', (input, mode, expected) => {
    expect(trim(input, mode)).toBe(expected);
  });

  it('matches the shell: $(< file) strips exactly what --trim all strips, but for the CR of a CRLF ending', async () => {
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'trim-')), 'v');
    for (const value of ['a\n\n', ' a \n', 'a\n\nb\n', 'a\r']) {
      writeFileSync(file, value);
      const shell = execFileSync('bash', ['-c', 'printf %s "$(< "$1")"', 'sh', file]).toString();
      expect(trim(value, 'all')).toBe(shell);
    }
    // Negative control: the shell keeps the CR of a CRLF ending; --trim all strips it.
    writeFileSync(file, 'a\r\n');
    expect(execFileSync('bash', ['-c', 'printf %s "$(< "$1")"', 'sh', file]).toString()).toBe('a\r');
    expect(trim('a\r\n', 'all')).toBe('a');
  });
});
