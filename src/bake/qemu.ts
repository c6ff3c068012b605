/** Whether QEMU is needed: only for platforms the runner cannot run natively. */

export type QemuMode = 'auto' | 'true' | 'false';

/** Node's `process.arch` to the OCI architecture it runs natively. */
const NATIVE: Record<string, readonly string[]> = {
  x64: ['amd64', '386'],
  arm64: ['arm64'],
  arm: ['arm'],
  ppc64: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
};

/** The OCI architectures a machine of Node's `process.arch` runs without emulation. */
export function nativeArchitectures(hostArch: string): readonly string[] {
  return NATIVE[hostArch] ?? [hostArch];
}

/** `linux/arm64/v8` -> `arm64`. */
export function architectureOf(platform: string): string {
  return platform.split('/')[1] ?? platform;
}

export interface QemuDecision {
  install: boolean;
  /** Architectures to install handlers for (binfmt `--install` names). */
  architectures: string[];
  reason: string;
}

export function decideQemu(mode: QemuMode, platforms: readonly string[], hostArch: string): QemuDecision {
  const native = nativeArchitectures(hostArch);
  const foreign = [...new Set(platforms.map(architectureOf).filter((a) => !native.includes(a)))].sort();
  if (mode === 'false') {
    return { install: false, architectures: [], reason: 'setup-qemu is false' };
  }
  if (foreign.length === 0) {
    return {
      install: false,
      architectures: [],
      reason: `every platform (${platforms.join(', ')}) runs natively on this ${hostArch} runner`,
    };
  }
  return {
    install: true,
    architectures: foreign,
    reason:
      mode === 'true'
        ? `setup-qemu is true; emulating ${foreign.join(', ')}`
        : `${foreign.join(', ')} cannot run natively on this ${hostArch} runner`,
  };
}
