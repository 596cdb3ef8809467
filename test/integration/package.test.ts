// The npm package a newcomer installs or packs: the LICENSE file the `license` field
// promises, where the project lives, what `npm pack` puts in (and .gitignore keeps out
// of git), and the sizes the README states for the bundle and the executable.

import { execa } from 'execa';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { ARM64_EXE, EXE, EXE_NEED } from '../helpers/packaged.js';
import { requires } from '../helpers/requirements.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const UNITS: Record<string, number> = { KB: 1e3, MB: 1e6, KiB: 1024, MiB: 1024 ** 2 };

/** The size the README states in `pattern` (a number and a unit), in bytes. */
function stated(pattern: RegExp): number {
  const [, number = '', unit = ''] = pattern.exec(README) ?? [];
  expect(UNITS[unit], `README: ${pattern.source}`).toBeDefined();
  return Number(number) * (UNITS[unit] ?? 0);
}

describe('the package', () => {
  it('has the MIT LICENSE its license field names, with the project\'s copyright line', () => {
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toMatch(/^Copyright \(c\) \d{4} runsecrets contributors$/m);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('says where it lives: repository, homepage, bugs', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/runsecrets/runsecrets.git' });
    expect(pkg.homepage).toBe('https://github.com/runsecrets/runsecrets#readme');
    expect(pkg.bugs).toEqual({ url: 'https://github.com/runsecrets/runsecrets/issues' });
  });

  it('packs the bin, the bundle, the README and the LICENSE, and nothing of the tests; git ignores the tarball', async () => {
    const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    expect(files.filter((path) => !path.startsWith('lib/')).sort()).toEqual(['LICENSE', 'README.md', 'dist/runsecrets.mjs', 'package.json']);
    expect(files).toContain('lib/bin/runsecrets.js');
    expect(files.filter((path) => /test|\.ts$/.test(path))).toEqual([]);
    const { exitCode } = await execa('git', ['check-ignore', '-q', 'runsecrets-0.1.0.tgz'], { cwd: ROOT, reject: false });
    expect(exitCode).toBe(0);
  });

  it('is the size the README states for the bundle, within 15%', () => {
    const size = statSync(join(ROOT, 'dist/runsecrets.mjs')).size;
    expect(Math.abs(size / stated(/Sizes: the bundle is about (\d+) (KB|KiB),/) - 1)).toBeLessThan(0.15);
  });

  it('is the size the README states for each executable, within 15%', requires(EXE_NEED), () => {
    for (const exe of [EXE, ARM64_EXE]) {
      expect(Math.abs(statSync(exe).size / stated(/the bundle is about \d+ \w+, each executable about (\d+) (MB|MiB),/) - 1), exe).toBeLessThan(0.15);
    }
  });
});
