// Which ELF binaries this kernel runs itself: its own architecture, and the 32-bit one
// it has a compat mode for (i386 on x86-64, ARM on AArch64). The architecture is the
// real kernel's, from /proc/sys/kernel/arch: under qemu-user, uname(2) and
// process.arch report the emulated CPU, while an exec'd program runs on the host's.

import { closeSync, openSync, readSync } from 'node:fs';
import type { ElfIdentity } from './elf.js';

type Accepted = readonly (readonly [bits: 32 | 64, little: boolean, machine: number])[];

const EM = { I386: 3, PPC: 20, PPC64: 21, S390: 22, ARM: 40, X86_64: 62, AARCH64: 183, RISCV: 243, LOONGARCH: 258 };

/** uname -m -> the ELF kinds its kernel execs natively (x32 too on x86-64). */
const NATIVE: Readonly<Record<string, Accepted>> = {
  x86_64: [[64, true, EM.X86_64], [32, true, EM.I386], [32, true, EM.X86_64]],
  aarch64: [[64, true, EM.AARCH64], [32, true, EM.ARM]],
  aarch64_be: [[64, false, EM.AARCH64], [32, false, EM.ARM]],
  ppc64le: [[64, true, EM.PPC64]],
  ppc64: [[64, false, EM.PPC64], [32, false, EM.PPC]],
  s390x: [[64, false, EM.S390], [32, false, EM.S390]],
  riscv64: [[64, true, EM.RISCV]],
  loongarch64: [[64, true, EM.LOONGARCH]],
};

const NAMES: Readonly<Record<number, string>> = { 3: 'i386', 20: 'ppc', 21: 'ppc64', 22: 's390', 40: 'arm', 62: 'x86-64', 183: 'aarch64', 243: 'riscv', 258: 'loongarch' };

let cached: string | undefined;

/** The kernel's architecture (`x86_64`, `aarch64`, ...), read once per process. */
export function kernelArch(read: () => string = readKernelArch): string {
  cached ??= read();
  return cached;
}

function readKernelArch(): string {
  try {
    // open, one read, close: readFileSync would fstat and read twice more (procfs reports size 0).
    const fd = openSync('/proc/sys/kernel/arch', 'r');
    try {
      const buffer = Buffer.alloc(64);
      return buffer.toString('latin1', 0, readSync(fd, buffer, 0, 64, 0)).trim();
    } finally {
      closeSync(fd);
    }
  } catch {
    // Before Linux 6.1, or /proc not mounted: uname, which qemu-user would fake. node:os is
    // fetched here alone: loading it costs every exec-mode start about 0.3 ms.
    return process.getBuiltinModule('node:os').machine();
  }
}

/** Whether the kernel runs `elf` itself; true for an architecture this table does not know (it is not judged). */
export function runsNatively(elf: ElfIdentity, arch: string): boolean {
  const accepted = NATIVE[arch] ?? (/^i[3-6]86$/.test(arch) ? [[32, true, EM.I386]] : /^arm/.test(arch) ? [[32, true, EM.ARM]] : undefined);
  return accepted === undefined || accepted.some(([bits, little, machine]) => bits === elf.bits && little === elf.little && machine === elf.machine);
}

/** `aarch64 (64-bit)`: what a binary was built for, for messages. */
export function describeElf(elf: ElfIdentity): string {
  return `${NAMES[elf.machine] ?? `ELF machine ${elf.machine}`} (${elf.bits}-bit${elf.little ? '' : ', big-endian'})`;
}
