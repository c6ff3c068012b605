import { describe, expect, it } from 'vitest';
import { architectureOf, decideQemu } from './qemu.js';

describe('decideQemu', () => {
  it('auto installs only architectures the runner cannot run', () => {
    const d = decideQemu('auto', ['linux/amd64', 'linux/arm64', 'linux/arm64/v8'], 'x64');
    expect(d).toMatchObject({ install: true, architectures: ['arm64'] });
  });
  it('auto skips QEMU on a native runner (native multi-runner mode)', () => {
    expect(decideQemu('auto', ['linux/arm64'], 'arm64').install).toBe(false);
    expect(decideQemu('auto', ['linux/amd64'], 'x64').install).toBe(false);
  });
  it('false never installs, true installs whatever is foreign', () => {
    expect(decideQemu('false', ['linux/arm64'], 'x64').install).toBe(false);
    expect(decideQemu('true', ['linux/amd64', 'linux/riscv64'], 'arm64').architectures).toEqual([
      'amd64',
      'riscv64',
    ]);
  });
  it('reads the architecture of a platform', () => {
    expect(architectureOf('linux/arm/v7')).toBe('arm');
  });
});
