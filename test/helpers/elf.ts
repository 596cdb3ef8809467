// Byte-exact ELF executables for tests: a static 64-bit binary with one loadable
// segment, for any architecture. For x86-64 its code is exit(7), so the same builder is
// its own negative control: the kernel runs it natively, and only e_machine differs.

/** ELF e_machine values used by the tests. */
export const EM = { X86_64: 62, AARCH64: 183, RISCV: 243, S390: 22 } as const;

/** mov edi, 7; mov eax, 60 (exit); syscall */
const X86_64_EXIT_7 = Buffer.from([0xbf, 0x07, 0x00, 0x00, 0x00, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05]);

/** A static little-endian ELF64 executable for `machine`; its code exits 7 on x86-64. */
export function staticElf(machine: number, options: { type?: number } = {}): Buffer {
  const code = X86_64_EXIT_7;
  const header = 64;
  const phdr = 56;
  const size = header + phdr + code.length;
  const base = 0x400000;
  const elf = Buffer.alloc(size);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // magic, ELFCLASS64, little-endian, EV_CURRENT
  elf.writeUInt16LE(options.type ?? 2, 0x10); // e_type ET_EXEC
  elf.writeUInt16LE(machine, 0x12);
  elf.writeUInt32LE(1, 0x14); // e_version
  elf.writeBigUInt64LE(BigInt(base + header + phdr), 0x18); // e_entry
  elf.writeBigUInt64LE(BigInt(header), 0x20); // e_phoff
  elf.writeUInt16LE(header, 0x34); // e_ehsize
  elf.writeUInt16LE(phdr, 0x36); // e_phentsize
  elf.writeUInt16LE(1, 0x38); // e_phnum
  elf.writeUInt32LE(1, header); // p_type PT_LOAD
  elf.writeUInt32LE(5, header + 4); // p_flags R+X
  elf.writeBigUInt64LE(0n, header + 8); // p_offset
  elf.writeBigUInt64LE(BigInt(base), header + 16); // p_vaddr
  elf.writeBigUInt64LE(BigInt(base), header + 24); // p_paddr
  elf.writeBigUInt64LE(BigInt(size), header + 32); // p_filesz
  elf.writeBigUInt64LE(BigInt(size), header + 40); // p_memsz
  elf.writeBigUInt64LE(0x1000n, header + 48); // p_align
  code.copy(elf, header + phdr);
  return elf;
}
