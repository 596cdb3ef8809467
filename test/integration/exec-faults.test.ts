// Exec failures the kernel would report (issue 11, items 2 and 3): an environment over
// execve's size limit, a binary for another architecture, a truncated ELF, a #! line
// longer than the kernel reads, a file open for writing. A failed process.execve aborts
// Node.js (exit 134 and a native trace), and spawn falls back to running the file with
// /bin/sh, so each is decided before any exec: exit 126 (1 for the size) with one line,
// in exec mode, in --check, and in watch mode.

import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, runCli, type CliResult } from '../helpers/cli.js';
import { EM, staticElf } from '../helpers/elf.js';
import { secretsDir, tempDir } from '../helpers/fixtures.js';
import { waitForLine } from '../helpers/processes.js';
import { notApplicable, requires, UNSHARE } from '../helpers/requirements.js';

/** The running kernel's architecture, as runsecrets reads it (uname's on kernels before 6.1). */
const KERNEL_ARCH = ((): string => {
  try {
    return readFileSync('/proc/sys/kernel/arch', 'latin1').trim();
  } catch {
    return machine();
  }
})();

/** Why the foreign-architecture tests do not apply: they build an AArch64 ELF for an x86-64 kernel. */
const ON_OTHER_CPU = KERNEL_ARCH === 'x86_64' ? undefined : `the foreign-binary tests need an x86-64 kernel, this one is ${KERNEL_ARCH}`;

function executable(name: string, content: Buffer | string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  chmodSync(path, 0o755);
  return path;
}

/** runsecrets said one `runsecrets: error:` line matching `what`, and nothing else. */
function expectOneLine(result: CliResult, exitCode: number, what: RegExp): void {
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toEqual([expect.stringMatching(/^runsecrets: error: /)]);
  expect(result.stderr).toMatch(what);
  expect(result.exitCode).toBe(exitCode);
}

/** The same refusal in exec mode, --check (as a listed problem) and watch mode. */
async function expectRefusedEverywhere(command: string, exitCode: number, what: RegExp): Promise<void> {
  const args = ['--log-level', 'error', '--dir', tempDir()];
  expectOneLine(await runCli([...args, command]), exitCode, what);
  expectOneLine(await runCli([...args, '--watch', command]), exitCode, what);
  const check = await runCli([...args, '--check', command]);
  expect(check.exitCode).toBe(1);
  expect(check.stdout).toMatch(what);
}

const truncated = (bytes: (size: number) => number): string => {
  const elf = readFileSync('/bin/true');
  return executable('truncated-true', elf.subarray(0, bytes(elf.length)));
};

describe('126 for a file the kernel would refuse (ENOEXEC), decided before the exec', () => {
  it('a binary for another architecture (an AArch64 ELF on x86-64); negative control: the same ELF built for x86-64 runs', notApplicable(ON_OTHER_CPU), async () => {
    await expectRefusedEverywhere(executable('arm64-app', staticElf(EM.AARCH64)), 126, /is built for aarch64 \(64-bit\), and this kernel runs x86_64; use the image for this platform, or register an emulator/);
    expect((await runCli(['--dir', tempDir(), executable('x86-app', staticElf(EM.X86_64))])).exitCode).toBe(7);
  });

  it.each([
    ['cut inside its program headers (execve fails)', (size: number) => Math.min(100, size)],
    ['cut inside its header', () => 40],
    ['cut in half (execve passes, then the process dies of SIGSEGV)', (size: number) => Math.floor(size / 2)],
  ])('a truncated ELF, %s', async (_case, cut) => {
    await expectRefusedEverywhere(truncated(cut), 126, /is a truncated ELF file \(\d+ bytes[;,].*\); reinstall it/);
  });

  it('an ELF object file (not an executable)', async () => {
    await expectRefusedEverywhere(executable('object.o', staticElf(EM.X86_64, { type: 1 })), 126, /is an ELF file but not an executable/);
  });

  it('a #! line whose interpreter path does not end within 256 bytes; negative control: a long line whose path ends in time runs', async () => {
    const deep = `/${'d'.repeat(300)}/sh`;
    await expectRefusedEverywhere(executable('long-shebang', `#!${deep}\necho hi\n`), 126, /#! line whose interpreter path does not end within the first 256 bytes/);
    // The kernel passes the rest of the line, cut at 256 bytes, as one argument.
    const ok = executable('long-argument', `#!/bin/echo ${'a'.repeat(300)}\n`);
    const result = await runCli(['--log-level', 'error', '--dir', tempDir(), ok]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^a{200,} \/.*long-argument$/);
  });

  it('#! interpreters that are scripts: five levels run, six are refused (ELOOP), as the kernel does', async () => {
    const dir = tempDir();
    const levels = ['s0'];
    writeFileSync(join(dir, 's0'), '#!/bin/sh\necho ran\n');
    for (let i = 1; i <= 5; i += 1) {
      writeFileSync(join(dir, `s${i}`), `#!${join(dir, `s${i - 1}`)}\n`);
      levels.push(`s${i}`);
    }
    for (const name of levels) chmodSync(join(dir, name), 0o755);
    expect(await runCli(['--log-level', 'error', '--dir', tempDir(), join(dir, 's4')])).toMatchObject({ exitCode: 0, stdout: 'ran' });
    await expectRefusedEverywhere(join(dir, 's5'), 126, /has #! interpreters nested more than 5 deep, which the kernel refuses \(ELOOP\)/);
    // What the kernel does with them.
    expect((await execa(join(dir, 's4'), [], { reject: false })).stdout).toBe('ran');
    expect((await execa(join(dir, 's5'), [], { reject: false })).code).toBe('ELOOP');
  });

  it('watch mode never runs a binary through /bin/sh (glibc\'s ENOEXEC fallback in spawn)', async () => {
    // An AArch64 ELF with a shell line after its code: sh reading it as a script would reach it.
    const binary = executable('arm64-with-tail', Buffer.concat([staticElf(EM.AARCH64), Buffer.from('\necho RAN-AS-SHELL\n')]));
    // A scratch cwd: sh reading a binary may create files named after bytes of it (a `>` in the header).
    const cwd = tempDir();
    const result = await runCli(['--watch', '--log-level', 'error', '--dir', tempDir(), binary], { cwd });
    expect(result.stdout).not.toContain('RAN-AS-SHELL');
    expect(result.exitCode).toBe(KERNEL_ARCH === 'x86_64' ? 126 : result.exitCode);
    // Negative control: spawn itself does run it with sh.
    const spawned = await execa(process.execPath, ['-e', `require('child_process').spawn(${JSON.stringify(binary)}, { stdio: 'inherit' })`], { reject: false, cwd });
    expect(spawned.stdout).toContain('RAN-AS-SHELL');
  });
});

/** What the kernel's binfmt_misc needs for a private instance: Linux 6.7+ mounts one per user namespace. */
const BINFMT_SANDBOX = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc']).status === 0;
/** qemu-user-static's registration for AArch64, pointed at a fake emulator. */
const AARCH64_ENTRY = ':fake-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:INTERPRETER:';

const BINFMT_NEED = BINFMT_SANDBOX || UNSHARE !== undefined ? undefined : 'Linux 6.7+ with binfmt_misc and user namespaces, for a private binfmt_misc in unshare --user --mount (a newer kernel)';

describe('a foreign binary that binfmt_misc hands to an emulator runs (a private binfmt_misc in unshare --user --mount)', ON_OTHER_CPU === undefined ? requires(UNSHARE, BINFMT_NEED) : notApplicable(ON_OTHER_CPU), () => {
  /** runsecrets in a user and mount namespace with its own binfmt_misc, `register` written first. */
  const inSandbox = (register: string, command: string) =>
    runCli(['--log-level', 'error', '--dir', tempDir(), command, 'arg'], {
      prefix: ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && ${register} exec "$@"`, 'sh'],
    });

  it('is allowed, and the kernel runs it through the emulator; negative control: without the entry, 126', async () => {
    const emulator = executable('fake-qemu', '#!/bin/sh\necho "EMULATED $*"\n');
    const app = executable('arm64-app', staticElf(EM.AARCH64));
    const register = `printf '%s' '${AARCH64_ENTRY.replace('INTERPRETER', emulator)}' > /proc/sys/fs/binfmt_misc/register &&`;
    expect(await inSandbox(register, app)).toMatchObject({ exitCode: 0, stdout: `EMULATED ${app} arg`, stderr: '' });
    const without = await inSandbox('', app);
    expectOneLine(without, 126, /is built for aarch64/);
  });

  it('an entry whose emulator is missing (no F flag) is 126, naming it', async () => {
    const app = executable('arm64-app', staticElf(EM.AARCH64));
    const register = `printf '%s' '${AARCH64_ENTRY.replace('INTERPRETER', '/nonexistent/qemu-aarch64')}' > /proc/sys/fs/binfmt_misc/register &&`;
    expectOneLine(await inSandbox(register, app), 126, /would run through binfmt_misc entry fake-aarch64, whose interpreter \/nonexistent\/qemu-aarch64 is missing/);
  });
});

describe('126 for a file open for writing (ETXTBSY), which execve refuses', () => {
  it('names the writer; negative control: once the writer is gone, the same file runs', async () => {
    const busy = join(tempDir(), 'busy-true');
    copyFileSync('/bin/true', busy);
    chmodSync(busy, 0o755);
    // exec: the writer is one process (sleep, holding fd 3), which SIGKILL ends with its pipes.
    const writer = execa('sh', ['-c', 'exec 3>>"$1"; echo READY; exec sleep 30', 'sh', busy], { reject: false });
    try {
      await waitForLine(writer.stdout, 'READY');
      await expectRefusedEverywhere(busy, 126, new RegExp(`is open for writing by sleep \\(pid ${writer.pid}\\), so the kernel refuses to run it \\(ETXTBSY\\)`));
      // What runsecrets predicted: the kernel refuses it.
      const direct = await execa(busy, [], { reject: false });
      expect(direct.code).toBe('ETXTBSY');
    } finally {
      writer.kill('SIGKILL');
      await writer;
    }
    expect((await runCli(['--dir', tempDir(), busy])).exitCode).toBe(0);
  });
});

describe('1 for an environment over the exec size limit (E2BIG), at the kernel\'s exact boundary', () => {
  // fs/exec.c: a quarter of the stack's soft limit (at most 6 MiB, at least 128 KiB), less one pointer per string.
  const stack = readFileSync('/proc/self/limits', 'latin1').match(/^Max stack size\s+(\S+)/m)?.[1] ?? '';
  const limit = Math.max(Math.min(6 * 1024 * 1024, (stack === 'unlimited' ? Infinity : Number(stack)) / 4), 128 * 1024);
  const env = baseEnv();

  /**
   * Secrets whose variables, with PATH and HOME (--pristine), take `total` bytes with the
   * other strings of the exec: by default `/bin/true` as path and argv[0].
   */
  function variablesTaking(total: number, others = 2 * ('/bin/true'.length + 1)): Record<string, string> {
    const files: Record<string, string> = {};
    let used = others + Object.entries(env).reduce((sum, [k, v]) => sum + k.length + v.length + 2, 0);
    const pointers = (): number => 8 * (1 + Object.keys(env).length + Object.keys(files).length);
    for (let i = 0; ; i += 1) {
      const name = `V${String(i).padStart(3, '0')}`;
      const room = total - used - pointers() - 8 - name.length - 2;
      files[name] = 'a'.repeat(Math.min(100_000, room));
      used += name.length + (files[name]?.length ?? 0) + 2;
      if (room <= 100_000) return files;
    }
  }
  const secretsTaking = (total: number): string => secretsDir(variablesTaking(total));

  it('exactly at the limit the exec happens; one byte over, one line and exit 1, in exec mode and --check', async () => {
    const at = await runCli(['--pristine', '--log-level', 'error', '--dir', secretsTaking(limit), '/bin/true']);
    expect(at).toMatchObject({ exitCode: 0, stderr: '' });
    const over = secretsTaking(limit + 1);
    const result = await runCli(['--pristine', '--log-level', 'error', '--dir', over, '/bin/true']);
    expectOneLine(result, 1, new RegExp(`the command's environment and arguments take ${limit + 1} bytes, over the ${limit} that execve accepts .*the largest variables: V\\d+ \\(100006 bytes\\)`));
    const check = await runCli(['--pristine', '--check', '--dir', over, '/bin/true']);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toMatch(/over the \d+ that execve accepts/);
  });

  it('negative control: the kernel itself takes the one and refuses the other (so the line is no guess)', async () => {
    const kernel = async (total: number): Promise<string | number | undefined> => {
      const direct = await execa('/bin/true', [], { env: { ...env, ...variablesTaking(total) }, extendEnv: false, reject: false });
      return direct.code ?? direct.exitCode;
    };
    expect(await kernel(limit)).toBe(0);
    expect(await kernel(limit + 1)).toBe('E2BIG');
  });

  it('for a #! script, what the kernel adds counts too: its interpreter and argument, the script path in place of argv[0]', async () => {
    const script = executable('script.sh', '#!/bin/sh -e\nexit 0\n');
    // The exec's path, then (argv[0] dropped) the script path again, "-e" and "/bin/sh".
    const others = 2 * (script.length + 1) + 3 + 8;
    const at = variablesTaking(limit, others);
    const over = variablesTaking(limit + 1, others);
    expect(await runCli(['--pristine', '--log-level', 'error', '--dir', secretsDir(at), script])).toMatchObject({ exitCode: 0, stderr: '' });
    expectOneLine(await runCli(['--pristine', '--log-level', 'error', '--dir', secretsDir(over), script]), 1, /over the \d+ that execve accepts/);
    const kernel = async (variables: Record<string, string>) => (await execa(script, [], { env: { ...env, ...variables }, extendEnv: false, reject: false })).code ?? 0;
    expect([await kernel(at), await kernel(over)]).toEqual([0, 'E2BIG']);
  });

  it('a raised stack limit raises it: the same environment runs under ulimit -s unlimited (6 MiB)', async () => {
    const dir = secretsTaking(limit + 1);
    const raised = await runCli(['--pristine', '--log-level', 'error', '--dir', dir, '/bin/true'], { prefix: ['sh', '-c', 'ulimit -s unlimited && exec "$@"', 'sh'] });
    expect(raised).toMatchObject({ exitCode: 0, stderr: '' });
  });
});
