import { describe, expect, it } from 'vitest';
import { splitArgs } from './chainsaw.js';
import { cnpgManifestUrl, cnpgMatrix, parseCnpgVersions } from './cnpg.js';
import { hostsToml, kindConfig, needsImageVolumeGate, nodeVersion } from './kind.js';

const digest = `@sha256:${'a'.repeat(64)}`;

describe('cnpg', () => {
  it('matrix is [main, previous, latest] from the pinned latest', () => {
    expect(cnpgMatrix()).toEqual(['main', '1.29', '1.30']);
    expect(() => cnpgMatrix('2.0')).toThrow(/no previous minor release/);
  });
  it('parses one version, lists and JSON arrays; latest/previous resolve; duplicates dropped', () => {
    expect(parseCnpgVersions('')).toEqual(['1.30']);
    expect(parseCnpgVersions('main, v1.28\nlatest')).toEqual(['main', '1.28', '1.30']);
    expect(parseCnpgVersions('["previous","1.29"]')).toEqual(['1.29']);
    expect(parseCnpgVersions('1.30.1, v1.29.2')).toEqual(['1.30.1', '1.29.2']);
    expect(() => parseCnpgVersions('1.30.1.2')).toThrow(/input "cnpg"/);
  });
  it('manifest URL per version: a pinned patch release asset, main only from the moving branch', () => {
    expect(cnpgManifestUrl('main')).toBe(
      'https://raw.githubusercontent.com/cloudnative-pg/artifacts/main/manifests/operator-manifest.yaml',
    );
    expect(cnpgManifestUrl('1.27')).toBe(
      'https://github.com/cloudnative-pg/cloudnative-pg/releases/download/v1.27.4/cnpg-1.27.4.yaml',
    );
    expect(cnpgManifestUrl('1.29.1')).toBe(
      'https://github.com/cloudnative-pg/cloudnative-pg/releases/download/v1.29.1/cnpg-1.29.1.yaml',
    );
    expect(() => cnpgManifestUrl('1.25')).toThrow(
      'input "cnpg": no patch release of CloudNativePG 1.25 is pinned in ext-actions (pinned: 1.30, 1.29, 1.28, 1.27); name one, e.g. 1.25.0',
    );
  });
});

describe('kind', () => {
  it('feature gate only for 1.33 and 1.34', () => {
    expect(needsImageVolumeGate(nodeVersion(`kindest/node:v1.33.1${digest}`))).toBe(true);
    expect(needsImageVolumeGate(nodeVersion(`kindest/node:v1.34.0${digest}`))).toBe(true);
    expect(needsImageVolumeGate(nodeVersion(`kindest/node:v1.35.0${digest}`))).toBe(false);
    expect(kindConfig(`kindest/node:v1.35.0${digest}`)).not.toContain('featureGates');
    expect(kindConfig(`127.0.0.1:5000/kindest/node:v1.33.1${digest}`)).toContain(
      'featureGates:\n  ImageVolume: true',
    );
  });
  it('node images need a version tag and a digest', () => {
    for (const bad of [
      'kindest/node:v1.35.0',
      `kindest/node${digest}`,
      `kindest/node:latest${digest}`,
      `kindest/node:v1.35.0@sha256:abc`,
      `Kindest/node:v1.35.0${digest}`,
    ])
      expect(() => nodeVersion(bad), bad).toThrow(/input "node-image": expected a kind node image/);
    expect(nodeVersion(`kindest/node:v1.35.0${digest}`)).toEqual({ major: 1, minor: 35 });
  });
  it('hosts.toml points the in-network name at plain HTTP', () => {
    expect(hostsToml('registry.ext-actions:5000')).toContain('[host."http://registry.ext-actions:5000"]');
  });
});

describe('extra-args', () => {
  it('splits quoted words without a shell', () => {
    expect(splitArgs(`--include-test-regex 'a b' --x="$HOME" `)).toEqual([
      '--include-test-regex',
      'a b',
      '--x=$HOME',
    ]);
    expect(() => splitArgs('--x "open')).toThrow(/unterminated/);
  });
  it('refuses flags the action sets, in both pflag forms (--f v and --f=v)', () => {
    for (const flag of ['--values', '--test-dir', '--report-format', '--report-path', '--report-name']) {
      expect(() => splitArgs(`${flag} x`), flag).toThrow(/input "extra-args": --.* is set by the action/);
      expect(() => splitArgs(`${flag}=x`), flag).toThrow(/input "extra-args": --.* is set by the action/);
    }
    expect(splitArgs('--report-formats x')).toEqual(['--report-formats', 'x']);
  });
});
