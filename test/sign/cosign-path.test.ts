// A cosign found on PATH (no version asked for) is not verified by ext-actions: it is used, but loudly,
// with a warning annotation naming its path and version, so a planted binary is visible in the run.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveCosign } from '../../src/sign/cosign.js';
import { nodeOnlyPath } from '../support/node-only-path.js';

const fakeBin = path.join(import.meta.dirname, 'bin');
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('resolveCosign with a cosign on PATH', () => {
  it('warns, naming the path and the version, that the PATH copy is not verified', async () => {
    process.env['PATH'] = [fakeBin, nodeOnlyPath()].join(':');
    process.env['FAKE_COSIGN_VERSION'] = 'v3.0.2';
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string | Uint8Array) => chunks.push(String(c)) > 0) as typeof write;
    const cosign = await resolveCosign('').finally(() => (process.stdout.write = write));
    expect(cosign).toEqual({ path: path.join(fakeBin, 'cosign'), version: 'v3.0.2', source: 'path' });
    expect(chunks.join('')).toContain(
      `::warning title=cosign from PATH::using cosign v3.0.2 found on PATH at ${path.join(fakeBin, 'cosign')}: ext-actions did not verify this binary (set "cosign-version" to install a checksum- and Sigstore-verified release)`,
    );
  });
});
