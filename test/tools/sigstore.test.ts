// Bundle verification against a mock Sigstore instance's trusted root (no network).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { TRUSTED_ROOT_ENV, verifySigstoreBundle } from '../../src/tools/sigstore.js';
import { mockSigstore, type MockSigstore } from '../support/sigstore-mock.js';

const ID = {
  subjectAlternativeName: 'keyless@projectsigstore.iam.gserviceaccount.com',
  issuer: 'https://accounts.google.com',
};
let sigstore: MockSigstore;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sigstore = await mockSigstore();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ext-sigstore-'));
  writeFileSync(path.join(dir, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
  env = { [TRUSTED_ROOT_ENV]: path.join(dir, 'trusted_root.json') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fails = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return (err as Error).message;
};

describe('verifySigstoreBundle', () => {
  it('accepts a bundle over the data from the expected identity', async () => {
    const data = Buffer.from('cosign binary');
    const bundle = await sigstore.signBlob(data, ID.subjectAlternativeName, ID.issuer);
    await expect(verifySigstoreBundle('cosign v3.1.0', data, bundle, ID, env)).resolves.toBeUndefined();
  });

  it('refuses other data, another identity or issuer, and garbage', async () => {
    const data = Buffer.from('cosign binary');
    const bundle = await sigstore.signBlob(data, ID.subjectAlternativeName, ID.issuer);
    expect(
      await fails(verifySigstoreBundle('cosign v3.1.0', Buffer.from('tampered'), bundle, ID, env)),
    ).toContain('cosign v3.1.0: the Sigstore bundle does not verify');
    const other = await sigstore.signBlob(data, 'mallory@example.com', ID.issuer);
    expect(await fails(verifySigstoreBundle('x', data, other, ID, env))).toContain('does not verify');
    const issuer = await sigstore.signBlob(data, ID.subjectAlternativeName, 'https://evil.example');
    expect(await fails(verifySigstoreBundle('x', data, issuer, ID, env))).toContain('does not verify');
    expect(await fails(verifySigstoreBundle('x', data, '{"mediaType":"nope"}', ID, env))).toContain(
      'the Sigstore bundle is not valid',
    );
  });

  it('refuses a bundle signed by another Sigstore instance', async () => {
    const stranger = await mockSigstore();
    const data = Buffer.from('cosign binary');
    const bundle = await stranger.signBlob(data, ID.subjectAlternativeName, ID.issuer);
    expect(await fails(verifySigstoreBundle('x', data, bundle, ID, env))).toContain('does not verify');
  });
});
