/** ELF header reading: is a file a shared object, and for which CPU (e_machine). */

/** e_machine values (from the System V ABI / elf.h) for the Go/OCI architecture names. */
export const ELF_MACHINES: Record<string, number> = {
  amd64: 62, // EM_X86_64
  arm64: 183, // EM_AARCH64
  ppc64le: 21, // EM_PPC64
  s390x: 22, // EM_S390
  '386': 3, // EM_386
  arm: 40, // EM_ARM
  riscv64: 243, // EM_RISCV
};

export interface ElfInfo {
  bits: 32 | 64;
  littleEndian: boolean;
  machine: number;
  /** OCI architecture name for the machine, when known. */
  architecture?: string;
}

/** Reads the ELF identification and e_machine from a file's first bytes; undefined when not ELF. */
export function readElf(head: Uint8Array): ElfInfo | undefined {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46)
    return undefined;
  const bits = head[4] === 2 ? 64 : head[4] === 1 ? 32 : undefined;
  const littleEndian = head[5] === 1 ? true : head[5] === 2 ? false : undefined;
  if (bits === undefined || littleEndian === undefined) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const machine = view.getUint16(18, littleEndian);
  const architecture = Object.entries(ELF_MACHINES).find(([arch, m]) => {
    if (m !== machine) return false;
    return arch === 'arm' || arch === '386' ? bits === 32 : bits === 64;
  })?.[0];
  return { bits, littleEndian, machine, ...(architecture ? { architecture } : {}) };
}
