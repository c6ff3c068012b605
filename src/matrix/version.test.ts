import { describe, expect, it } from 'vitest';
import { compareKeys, extensionVersion, sanitize } from './version.js';

describe('extensionVersion', () => {
  it.each([
    ['0.8.6-1.pgdg13+1', '0.8.6'],
    ['1:6.1.0-2.pgdg130+1', '1-6.1.0'], // epoch kept as N-
    ['3.6.4+dfsg-2.pgdg13+1', '3.6.4'],
    ['1.0~RC1-1.pgdg13+1', '1.0'],
    ['202503.1-5.pgdg13+1', '202503.1'],
    ['2.6-4.pgdg12+1', '2.6'],
    ['2-1.pgdg13+1', '2'], // no dot at all
    ['12:3-1', '12-3'],
    ['18.0', '18.0'],
  ])('%s -> %s', (pkg, version) => {
    expect(extensionVersion(pkg)).toBe(version);
  });

  it.each(['<package-version-here>', 'v1.2.3', '', ':1.0', 'a1.0'])('%j has no version', (pkg) => {
    expect(extensionVersion(pkg)).toBeUndefined();
  });
});

describe('sanitize', () => {
  it('replaces each character outside [A-Za-z0-9_-] without collapsing runs', () => {
    expect(sanitize('0.8.6')).toBe('0_8_6');
    expect(sanitize('1-6.1.0')).toBe('1-6_1_0');
    expect(sanitize('a..b~c+d')).toBe('a__b_c_d');
    expect(sanitize('Keep_This-1')).toBe('Keep_This-1');
  });
});

describe('compareKeys', () => {
  it('sorts as strings, like HCL keys(): "18" before "9"', () => {
    expect(['9', '18', '17', '10'].sort(compareKeys)).toEqual(['10', '17', '18', '9']);
    expect(['trixie', 'bookworm', 'Bullseye'].sort(compareKeys)).toEqual(['Bullseye', 'bookworm', 'trixie']);
  });
});
