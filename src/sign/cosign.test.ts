import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import {
  DEFAULT_COSIGN_VERSION,
  PINNED_COSIGN_SHA256,
  checkCosignVersion,
  cosignAsset,
  describeVersion,
  hasReleaseBundle,
} from './cosign.js';

describe('cosign versions', () => {
  it("says what the version logic does with a build that has no release version (Debian's devel)", () => {
    expect(describeVersion('v3.1.1')).toBe('v3.1.1');
    expect(describeVersion('devel')).toMatch(
      /^devel \(no release version: .* the v3-or-later check cannot apply and features are detected from its --help\)$/,
    );
  });
});

describe('cosign release', () => {
  it('expects a keyless Sigstore bundle from v3.0.1 on, not before', () => {
    expect(hasReleaseBundle('v3.0.0')).toBe(false);
    expect(hasReleaseBundle('v3.0.1')).toBe(true);
    expect(hasReleaseBundle('v3.1.0')).toBe(true);
    expect(hasReleaseBundle('v4.0.0')).toBe(true);
    expect(hasReleaseBundle('v3.0.0-rc.1')).toBe(false);
  });

  it('normalises a requested version and refuses v2 and garbage as input errors', () => {
    expect(checkCosignVersion('3.0.6')).toBe('v3.0.6');
    expect(checkCosignVersion('v3.1.0-rc.1')).toBe('v3.1.0-rc.1');
    expect(() => checkCosignVersion('v2.4.1')).toThrow(UserError);
    expect(() => checkCosignVersion('v2.4.1')).toThrow('needs cosign v3 or later');
    expect(() => checkCosignVersion('latest')).toThrow(
      'input "cosign-version": expected a cosign release like v3.0.6, got "latest"',
    );
  });

  it('names the release asset per platform, and pins the default version for the runner platforms', () => {
    expect(cosignAsset('linux', 'amd64')).toBe('cosign-linux-amd64');
    expect(cosignAsset('darwin', 'arm64')).toBe('cosign-darwin-arm64');
    expect(cosignAsset('win32', 'amd64')).toBe('cosign-windows-amd64.exe');
    expect(() => cosignAsset('aix', 'ppc64')).toThrow('cosign has no release binary for aix/ppc64');
    const pins = PINNED_COSIGN_SHA256[DEFAULT_COSIGN_VERSION]!;
    for (const asset of ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64'])
      expect(pins[`cosign-${asset}`]).toMatch(/^[0-9a-f]{64}$/);
  });
});
