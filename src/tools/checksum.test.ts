import { describe, expect, it } from 'vitest';
import { checksumFor, parseChecksumLines } from './checksum.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

describe('checksumFor', () => {
  it('finds the named line in a multi-line sha256sum file (text and binary mode, ./ prefix)', () => {
    const text = `${A}  cosign-darwin-arm64\n${B} *cosign-linux-amd64\n\n${'c'.repeat(64)}  ./kind-linux-arm64\n`;
    expect(checksumFor(text, 'cosign-linux-amd64')).toBe('b'.repeat(64));
    expect(checksumFor(text, 'kind-linux-arm64')).toBe('c'.repeat(64));
    expect(checksumFor(text, 'cosign-darwin-arm64')).toBe(A);
  });

  it('reads a bare single-hash file (kubectl.sha256) whatever the asset name', () => {
    expect(checksumFor(`${A}\n`, 'kubectl')).toBe(A);
    expect(checksumFor(A, undefined)).toBe(A);
  });

  it('reads a one-line named file (kind .sha256sum) but refuses one naming another asset', () => {
    expect(checksumFor(`${A}  kind-linux-amd64\n`, 'kind-linux-amd64')).toBe(A);
    expect(() => checksumFor(`${A}  kind-linux-arm64\n`, 'kind-linux-amd64')).toThrow(
      'no line for "kind-linux-amd64"',
    );
  });

  it('refuses empty files, garbage, and conflicting lines', () => {
    expect(() => checksumFor('', 'x')).toThrow('empty');
    expect(() => checksumFor('<html>Not Found</html>', 'x')).toThrow('no "<sha256>  <file>" line');
    expect(() => checksumFor(`${A}  x\n${B}  x\n`, 'x')).toThrow('2 different hashes');
    expect(() => checksumFor(`${A}  x\n${B}  y\n`, undefined)).toThrow('lists 2 files');
  });

  it('reports invalid lines separately', () => {
    const { entries, invalid } = parseChecksumLines(`${A}  ok\nabc  short\n# comment\n`);
    expect(entries).toEqual([{ sha256: A, file: 'ok' }]);
    expect(invalid).toEqual(['abc  short']);
  });
});
