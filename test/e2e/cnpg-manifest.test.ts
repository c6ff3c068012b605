/**
 * The CloudNativePG operator manifest is applied from a verified local file: a release's asset is
 * checked against the Sigstore bundle published beside it (signed by the release workflow for that
 * tag), served here by a real HTTP server (through the tools mirror) and signed by a mock Sigstore.
 * `main` is used only when asked for, with a warning.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cnpgManifestSigner, fetchCnpgManifest } from '../../src/e2e/cnpg.js';
import { MIRROR_ENV, TRUSTED_ROOT_ENV } from '../../src/tools/index.js';
import { startServer, type TestServer } from '../support/http-server.js';
import { mockSigstore, type MockSigstore } from '../support/sigstore-mock.js';

const REL = '/github.com/cloudnative-pg/cloudnative-pg/releases/download';
const ISSUER = 'https://token.actions.githubusercontent.com';
/** Who signs a release's manifest, written out here rather than taken from the code under test. */
const signerOf = (release: string) =>
  `https://github.com/cloudnative-pg/cloudnative-pg/.github/workflows/release-publish.yml@refs/tags/v${release}`;
const MANIFEST = Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cnpg-system\n');

let server: TestServer;
let sigstore: MockSigstore;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startServer();
  sigstore = await mockSigstore();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ext-cnpg-'));
  writeFileSync(path.join(dir, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
  env = { [MIRROR_ENV]: server.url, [TRUSTED_ROOT_ENV]: path.join(dir, 'trusted_root.json') };
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function publish(release: string, body: Buffer, signed: Buffer, signer: string) {
  server.routes.set(`${REL}/v${release}/cnpg-${release}.yaml`, { body });
  server.routes.set(`${REL}/v${release}/cnpg-${release}.sigstore.json`, {
    body: await sigstore.signBlob(signed, signer, ISSUER),
  });
}

describe('cnpgManifestSigner', () => {
  it('is the release-publish workflow of cloudnative-pg/cloudnative-pg at the release tag, GitHub OIDC', () => {
    expect(cnpgManifestSigner('1.30.0')).toEqual({
      subjectAlternativeName:
        'https://github.com/cloudnative-pg/cloudnative-pg/.github/workflows/release-publish.yml@refs/tags/v1.30.0',
      issuer: 'https://token.actions.githubusercontent.com',
    });
    expect(signerOf('1.30.0')).toBe(
      'https://github.com/cloudnative-pg/cloudnative-pg/.github/workflows/release-publish.yml@refs/tags/v1.30.0',
    );
    for (const r of ['1.29.1', '1.29.2'])
      expect(cnpgManifestSigner(r).subjectAlternativeName).toBe(signerOf(r));
  });
});

describe('fetchCnpgManifest', () => {
  it('downloads the pinned patch release of a minor and verifies its Sigstore bundle before writing it', async () => {
    await publish('1.30.0', MANIFEST, MANIFEST, signerOf('1.30.0'));
    const got = await fetchCnpgManifest('1.30', path.join(dir, 'ok'), { env });
    expect(got).toEqual({
      file: path.join(dir, 'ok', 'cnpg-1.30.0.yaml'),
      url: `${server.url}${REL}/v1.30.0/cnpg-1.30.0.yaml`,
      sha256: createHash('sha256').update(MANIFEST).digest('hex'),
      verified: true,
    });
    expect(readFileSync(got.file)).toEqual(MANIFEST);
  });

  it('refuses a substituted manifest, and one signed by another workflow or for another tag; nothing written', async () => {
    const evil = Buffer.from('kind: ClusterRoleBinding # substituted\n');
    await publish('1.29.2', evil, MANIFEST, signerOf('1.29.2'));
    const out = path.join(dir, 'bad');
    await expect(fetchCnpgManifest('1.29', out, { env })).rejects.toThrow(
      /^CloudNativePG 1\.29\.2: the operator manifest http:\/\/127\.0\.0\.1:\d+\/github\.com\/cloudnative-pg\/cloudnative-pg\/releases\/download\/v1\.29\.2\/cnpg-1\.29\.2\.yaml: the Sigstore bundle does not verify/,
    );
    await publish(
      '1.29.2',
      evil,
      evil,
      'https://github.com/someone/fork/.github/workflows/release-publish.yml@refs/tags/v1.29.2',
    );
    await expect(fetchCnpgManifest('1.29', out, { env })).rejects.toThrow(
      `expected a signature by ${signerOf('1.29.2')} from ${ISSUER}`,
    );
    await publish('1.29.2', evil, evil, signerOf('1.29.1'));
    await expect(fetchCnpgManifest('1.29', out, { env })).rejects.toThrow(/does not verify/);
    expect(existsSync(path.join(out, 'cnpg-1.29.2.yaml'))).toBe(false);
  });

  it('uses main only when asked for, unverified, with a warning', async () => {
    server.routes.set(
      '/raw.githubusercontent.com/cloudnative-pg/artifacts/main/manifests/operator-manifest.yaml',
      {
        body: MANIFEST,
      },
    );
    const warnings: string[] = [];
    const got = await fetchCnpgManifest('main', path.join(dir, 'main'), {
      env,
      warn: (m) => warnings.push(m),
    });
    expect(got.verified).toBe(false);
    expect(readFileSync(got.file)).toEqual(MANIFEST);
    expect(warnings).toEqual([
      'CloudNativePG main: the operator manifest comes from a moving branch (https://raw.githubusercontent.com/cloudnative-pg/artifacts/main/manifests/operator-manifest.yaml) and cannot be verified; test against releases (e.g. 1.30) unless main is what you mean',
    ]);
  });
});
