// What an exec of a file does, decided from its first bytes as the kernel does: the #!
// line as fs/binfmt_script.c reads it, the ELF checks of fs/binfmt_elf.c against the
// real kernel's architecture (not the emulated one under qemu-user), and binfmt_misc.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchBinfmt, parseEntry } from '../../../src/process/binfmt-misc.js';
import { judge } from '../../../src/process/exec-format.js';
import { argLimit, execSize } from '../../../src/process/exec-size.js';
import { parseElf } from '../../../src/process/elf.js';
import { kernelArch, runsNatively } from '../../../src/process/native-arch.js';
import { BINPRM_BUF_SIZE, parseScriptLine } from '../../../src/process/script-line.js';
import { EM, staticElf } from '../../helpers/elf.js';

const line = (text: string) => parseScriptLine(Buffer.from(text, 'latin1'));

describe('parseScriptLine (load_script)', () => {
  it('takes the first word as the interpreter and the rest of the line, trimmed, as one argument', () => {
    expect(line('#!/bin/sh\necho')).toEqual({ ok: true, interpreter: '/bin/sh', argument: undefined });
    expect(line('#! \t/usr/bin/env  node --flag \t\n')).toEqual({ ok: true, interpreter: '/usr/bin/env', argument: 'node --flag' });
    expect(line('#!/bin/sh')).toEqual({ ok: true, interpreter: '/bin/sh', argument: undefined });
  });

  it('refuses a line with no interpreter', () => {
    expect(line('#!\n').ok).toBe(false);
    expect(line('#!   \t\n').ok).toBe(false);
  });

  it('refuses an interpreter path that does not end within 256 bytes, but cuts a long argument', () => {
    expect(line(`#!/${'x'.repeat(300)}\n`)).toMatchObject({ ok: false, reason: expect.stringMatching(/first 256 bytes/) });
    const long = line(`#!/bin/echo ${'a'.repeat(300)}\n`);
    expect(long).toEqual({ ok: true, interpreter: '/bin/echo', argument: 'a'.repeat(BINPRM_BUF_SIZE - 1 - '#!/bin/echo '.length) });
    // A path that ends on the buffer's very last byte still counts as ended.
    const edge = `#!/${'y'.repeat(BINPRM_BUF_SIZE - 4)} ${'z'.repeat(50)}`;
    expect(line(edge)).toMatchObject({ ok: true, interpreter: `/${'y'.repeat(BINPRM_BUF_SIZE - 4)}` });
  });
});

describe('parseElf and the native architecture', () => {
  const read = (elf: Buffer) => parseElf(elf, elf.length, (offset, length) => elf.subarray(offset, offset + length));

  it('reads the loader of a real binary, and refuses it cut short', () => {
    const bin = readFileSync('/bin/true');
    expect(read(bin)).toMatchObject({ ok: true, loader: expect.stringMatching(/^\/lib.*ld-/) });
    expect(read(bin.subarray(0, bin.length >> 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated/) });
  });

  it('judges a binary by the real kernel\'s architecture: under qemu-user on x86-64, x86-64 binaries run, AArch64 ones need binfmt_misc', () => {
    const x86 = read(staticElf(EM.X86_64));
    const arm = read(staticElf(EM.AARCH64));
    if (!x86.ok || !arm.ok) throw new Error('fixture ELFs must parse');
    expect([runsNatively(x86.identity, 'x86_64'), runsNatively(arm.identity, 'x86_64')]).toEqual([true, false]);
    expect([runsNatively(x86.identity, 'aarch64'), runsNatively(arm.identity, 'aarch64')]).toEqual([false, true]);
    // An architecture the table does not know is not judged.
    expect(runsNatively(arm.identity, 'mips64')).toBe(true);
    if (existsSync('/proc/sys/kernel/arch')) expect(kernelArch()).toBe(readFileSync('/proc/sys/kernel/arch', 'latin1').trim());
  });
});

describe('binfmt_misc', () => {
  // What `update-binfmts` registers for qemu-aarch64 (Debian's qemu-user-static).
  const QEMU = 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n';

  it('claims a foreign binary its magic and mask match, and nothing else', () => {
    const entry = parseEntry('qemu-aarch64', QEMU);
    if (entry === undefined) throw new Error('entry must parse');
    expect(matchBinfmt([entry], staticElf(EM.AARCH64), '/app')?.name).toBe('qemu-aarch64');
    expect(matchBinfmt([entry], staticElf(EM.RISCV), '/app')).toBeUndefined();
    expect(parseEntry('off', QEMU.replace('enabled', 'disabled'))).toBeUndefined();
  });

  it('lets judge() pass a foreign binary through a registered emulator, and say what is missing without one', () => {
    const elf = staticElf(EM.AARCH64);
    const at = (offset: number, length: number) => elf.subarray(offset, offset + length);
    const entry = parseEntry('qemu-aarch64', QEMU);
    const arch = kernelArch();
    if (arch !== 'x86_64' || entry === undefined) return;
    expect(judge(elf, elf.length, '/app', at, () => [entry])).toMatchObject({ kind: 'binfmt' });
    expect(judge(elf, elf.length, '/app', at, () => [])).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/built for aarch64/) });
    const text = Buffer.from('MZ\x90\x00');
    expect(judge(text, 4, '/app.exe', at, () => [parseEntry('wine', 'enabled\ninterpreter /usr/bin/wine\nflags: F\nextension .exe\n')!])).toMatchObject({ kind: 'binfmt' });
  });
});

describe('execSize (bprm_stack_limits)', () => {
  it('counts every string with its NUL, one pointer per string, and a script\'s additions in place of argv[0]', () => {
    expect(execSize({ path: '/bin/true', argv: ['true'], env: { A: 'b' }, added: [] })).toEqual({ bytes: 10 + 5 + 4, pointers: 2 });
    expect(execSize({ path: '/s', argv: ['s', 'x'], env: {}, added: ['/s', '/bin/sh'] })).toEqual({ bytes: 3 + 2 + 3 + 8, pointers: 2 });
  });

  it('is a quarter of the stack limit, between 128 KiB and 6 MiB', () => {
    expect([argLimit(8 << 20), argLimit(64 << 20), argLimit(Infinity), argLimit(256 << 10)]).toEqual([2 << 20, 6 << 20, 6 << 20, 128 << 10]);
  });
});
