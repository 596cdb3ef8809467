import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION, versionLine } from '../../src/version.js';

describe('VERSION', () => {
  it('is the version package.json publishes', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('versionLine', () => {
  it('names the runtime, OS and CPU as gosu does: runsecrets VERSION (RUNTIME on OS/ARCH)', () => {
    expect(versionLine({ node: '24.21.0' } as unknown as NodeJS.ProcessVersions, 'linux', 'x64')).toBe(`runsecrets ${VERSION} (node v24.21.0 on linux/x64)`);
    expect(versionLine({ node: '26.3.0', bun: '1.4.5' } as unknown as NodeJS.ProcessVersions, 'linux', 'arm64')).toBe(`runsecrets ${VERSION} (bun 1.4.5 on linux/arm64)`);
  });

  it('defaults to the running process', () => {
    expect(versionLine()).toBe(`runsecrets ${VERSION} (node ${process.version} on ${process.platform}/${process.arch})`);
  });
});
