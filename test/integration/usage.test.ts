// --help, --version and runsecrets with no arguments, as gosu and tini do them: help and
// version on stdout with exit 0; no arguments at all, the usage on stderr with exit 1.

import { describe, expect, it } from 'vitest';
import { baseEnv, runCli, STANDALONE } from '../helpers/cli.js';
import { VERSION } from '../../src/version.js';

const RUNTIME = STANDALONE ? String.raw`bun \d+\.\d+\.\d+` : `node ${process.version.replaceAll('.', String.raw`\.`)}`;

describe('runsecrets --help, --version, and no arguments', () => {
  it.each(['--version', '-v', '-V'])('%s prints runsecrets VERSION (RUNTIME on OS/ARCH) on stdout', async (flag) => {
    const result = await runCli([flag]);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^runsecrets ${VERSION.replaceAll('.', String.raw`\.`)} \\(${RUNTIME} on linux/${process.arch}\\)$`));
  });

  it('no arguments: the usage on stderr, exit 1, nothing on stdout', async () => {
    const result = await runCli([]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage:\n {2}runsecrets \[OPTIONS\] \[--\] COMMAND \[ARG\.\.\.\]\n/);
    expect(result.stderr).toContain('runsecrets --help lists every option.');
  });

  it('negative controls: --help is on stdout with exit 0; options without a command are a usage error (2); a --check twin runs the check', async () => {
    const help = await runCli(['--help']);
    expect(help).toMatchObject({ exitCode: 0, stderr: '' });
    expect(help.stdout).toContain('Where secrets come from:');
    const noCommand = await runCli(['--dir', '/nonexistent']);
    expect(noCommand.exitCode).toBe(2);
    expect(noCommand.stderr).toMatch(/^runsecrets: error: no command given/);
    const check = await runCli([], { env: baseEnv({ RUNSECRETS_CHECK: '1', RUNSECRETS_DIR: '/nonexistent' }) });
    expect(check.stdout).toMatch(/^runsecrets check: /);
  });
});
