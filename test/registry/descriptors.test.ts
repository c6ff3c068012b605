/**
 * Descriptors and digests a registry hands back are checked before use: a digest goes into a request
 * path only when it is `sha256:<64 hex>` or `sha512:<128 hex>`, content is verified against the digest
 * it was asked by (whatever the algorithm), and a `Docker-Content-Digest` header is not taken on trust.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError, sha256Digest } from '../../src/registry/client.js';
import { MEDIA_TYPES } from '../../src/registry/media-types.js';
import { promote } from '../../src/registry/promote.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { extensionFiles, pushImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

let registry: TestRegistry;
let proxy: FaultProxy;
let client: RegistryClient;
let viaProxy: RegistryClient;
const fast = { baseDelayMs: 1, maxDelayMs: 5, retries: 0 };

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.host);
  client = new RegistryClient(registry.host, fast);
  viaProxy = new RegistryClient(proxy.host, fast);
});
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

const error = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('digests before request paths', () => {
  it('refuses references and digests that are neither a tag nor a well-formed digest, without a request', async () => {
    proxy.setRule(() => undefined);
    const before = proxy.log.length;
    const bad = [`sha256:${'a'.repeat(64)}/../../other/manifests/latest`, '../x', `sha256:${'a'.repeat(63)}`];
    for (const reference of bad) {
      const err = await error(viaProxy.getManifest('r', reference));
      expect(err, reference).toBeInstanceOf(RegistryError);
      expect(err!.message).toContain(`${JSON.stringify(reference)} is neither a tag nor a digest`);
      expect((await error(viaProxy.headManifest('r', reference)))?.message).toContain(
        'neither a tag nor a digest',
      );
    }
    expect((await error(viaProxy.getBlob('r', '../../x')))?.message).toContain(
      '"../../x" is not a digest (sha256:<64 hex digits> or sha512:<128 hex digits>)',
    );
    expect((await error(viaProxy.openBlob('r', 'sha256:../x')))?.message).toContain('is not a digest');
    expect((await error(viaProxy.listTags('../../v2/x')))?.message).toContain('is not a repository name');
    expect(proxy.log.length).toBe(before);
  });

  it('verifies a manifest asked for by a sha512 digest, and a header digest that disagrees with the one asked for', async () => {
    const pushed = await pushImage(client, 'd/one', 'v1', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
    });
    const manifest = await client.getManifest('d/one', pushed.digest);
    const sha512 = `sha512:${createHash('sha512').update(manifest.bytes).digest('hex')}`;
    const wrong512 = `sha512:${'0'.repeat(128)}`;
    // The proxy answers the sha512 paths with the manifest's bytes (a registry that stores by sha512).
    proxy.setRule(({ path }) =>
      path.includes('/manifests/sha512:')
        ? { status: 200, headers: { 'content-type': manifest.mediaType }, body: manifest.bytes }
        : undefined,
    );
    expect((await viaProxy.getManifest('d/one', sha512)).digest).toBe(sha512);
    const err = await error(viaProxy.getManifest('d/one', wrong512));
    expect(err?.message).toBe(
      `registry ${proxy.host}, repository d/one: manifest ${wrong512} has content digest ${sha512}`,
    );
    // HEAD by digest: a Docker-Content-Digest naming something else is an error, not the answer.
    const other = sha256Digest(Buffer.from('other'));
    proxy.setRule(({ method }) =>
      method === 'HEAD'
        ? {
            status: 200,
            headers: { 'docker-content-digest': other, 'content-type': manifest.mediaType },
            body: '',
          }
        : undefined,
    );
    expect((await error(viaProxy.headManifest('d/one', pushed.digest)))?.message).toBe(
      `registry ${proxy.host}, repository d/one: check manifest ${JSON.stringify(pushed.digest)}: the registry reports digest ${other} for ${pushed.digest}`,
    );
    // HEAD by tag: a header that is not a digest at all is refused.
    proxy.setRule(({ method }) =>
      method === 'HEAD'
        ? { status: 200, headers: { 'docker-content-digest': 'sha256:../../x' }, body: '' }
        : undefined,
    );
    expect((await error(viaProxy.headManifest('d/one', 'v1')))?.message).toBe(
      `registry ${proxy.host}, repository d/one: check manifest "v1": the Docker-Content-Digest header "sha256:../../x" is not a digest`,
    );
    proxy.setRule(() => undefined);
  });
});

describe('promote with a substituted index', () => {
  it('refuses an index whose child digest is not a digest, before any request with it and before any write', async () => {
    const pushed = await pushImage(client, 'd/src-testing', 'v1', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
    });
    const index = JSON.parse((await client.getManifest('d/src-testing', pushed.digest)).bytes.toString()) as {
      manifests: { digest: string }[];
    };
    const evil = '../../../d/secret/manifests/latest';
    index.manifests[0]!.digest = evil;
    const body = Buffer.from(JSON.stringify(index));
    proxy.setRule(({ method, path }) =>
      method === 'GET' && path === '/v2/d/src-testing/manifests/v1'
        ? { status: 200, headers: { 'content-type': MEDIA_TYPES.ociIndex }, body }
        : undefined,
    );
    const before = proxy.log.length;
    const err = await error(promote(`${proxy.host}/d/src-testing:v1`, `${proxy.host}/d/dst`, fast));
    expect(err?.message).toBe(
      `source ${proxy.host}/d/src-testing: manifest ${sha256Digest(body)} lists manifests[0] with digest ${JSON.stringify(evil)}, which is not a digest (sha256:<64 hex digits> or sha512:<128 hex digits>)`,
    );
    const seen = proxy.log.slice(before);
    expect(seen.map((l) => `${l.method} ${l.path}`)).toEqual(['GET /v2/d/src-testing/manifests/v1']);
    proxy.setRule(() => undefined);
  });

  it('refuses a layer descriptor with a bad digest or size', async () => {
    const pushed = await pushImage(client, 'd/src2-testing', 'v1', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
      single: true,
    });
    const manifest = JSON.parse(
      (await client.getManifest('d/src2-testing', pushed.digest)).bytes.toString(),
    ) as {
      layers: { digest: string; size: number }[];
    };
    manifest.layers[0]!.size = -1;
    const body = Buffer.from(JSON.stringify(manifest));
    proxy.setRule(({ method, path }) =>
      method === 'GET' && path === '/v2/d/src2-testing/manifests/v1'
        ? { status: 200, headers: { 'content-type': MEDIA_TYPES.ociManifest }, body }
        : undefined,
    );
    const err = await error(promote(`${proxy.host}/d/src2-testing:v1`, `${proxy.host}/d/dst2`, fast));
    expect(err?.message).toBe(
      `source ${proxy.host}/d/src2-testing: manifest ${sha256Digest(body)} lists layers[0] with size -1, which is not a size in bytes`,
    );
    proxy.setRule(() => undefined);
  });
});
