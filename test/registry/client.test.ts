// Integration tests of the registry client and inspect against a real docker-registry on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError, sha256Digest } from '../../src/registry/client.js';
import { inspectImage } from '../../src/registry/inspect.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { elfHeader, extensionFiles, pushImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

let registry: TestRegistry;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient(registry.host, { baseDelayMs: 10 });
});
afterAll(async () => registry?.stop());

const annotations = {
  'io.cloudnativepg.image.base.name': 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  'io.cloudnativepg.image.base.pgmajor': '18',
  'io.cloudnativepg.image.base.os': 'trixie',
  'io.cloudnativepg.image.sql.version': '0.8.1',
};

describe('RegistryClient against docker-registry', () => {
  it('pushes, checks and reads back blobs', async () => {
    const data = Buffer.from('hello blob');
    const digest = sha256Digest(data);
    expect(await client.hasBlob('t/blobs', digest)).toBe(false);
    await client.pushBlob('t/blobs', digest, data);
    expect(await client.hasBlob('t/blobs', digest)).toBe(true);
    expect((await client.getBlob('t/blobs', digest)).toString()).toBe('hello blob');
  });

  it('mounts a blob across repositories of the same registry', async () => {
    const data = Buffer.from('mount me');
    const digest = sha256Digest(data);
    await client.pushBlob('t/from', digest, data);
    expect(await client.mountBlob('t/to', digest, 't/from')).toBe(true);
    expect(await client.hasBlob('t/to', digest)).toBe(true);
  });

  it('lists tags and reports a missing manifest with registry, repository and status', async () => {
    await pushImage(client, 't/tags', 'a', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
    });
    await pushImage(client, 't/tags', 'b', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
    });
    expect((await client.listTags('t/tags')).sort()).toEqual(['a', 'b']);
    expect(await client.listTags('t/none')).toEqual([]);
    const err = await client.getManifest('t/tags', 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).message).toContain(`registry ${registry.host}, repository t/tags`);
    expect((err as RegistryError).status).toBe(404);
    expect((err as RegistryError).message).toMatch(/MANIFEST_UNKNOWN/);
    expect(await client.headManifest('t/tags', 'nope')).toBeUndefined();
  });
});

describe('RegistryClient through a connection dropped mid-download', () => {
  it('retries a blob or manifest whose body was cut short, and names the operation when it never arrives', async () => {
    const data = Buffer.alloc(256 * 1024, 'x');
    const digest = sha256Digest(data);
    await client.pushBlob('t/cut', digest, data);
    const pushed = await pushImage(client, 't/cut', 'v1', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
    });
    const proxy = await startFaultProxy(registry.host);
    try {
      let cuts = 0;
      proxy.setRule(({ method, path }) =>
        method === 'GET' && /\/(blobs|manifests)\//.test(path) && cuts++ % 3 < 2
          ? { truncateAfter: 100 }
          : undefined,
      );
      const viaProxy = new RegistryClient(proxy.host, { baseDelayMs: 1, maxDelayMs: 5 });
      expect(sha256Digest(await viaProxy.getBlob('t/cut', digest))).toBe(digest);
      expect((await viaProxy.getManifest('t/cut', 'v1')).digest).toBe(pushed.digest);
      expect(proxy.log.filter((l) => l.fault === 'truncate')).toHaveLength(4);

      proxy.setRule(({ method }) => (method === 'GET' ? { truncateAfter: 100 } : undefined));
      const err = await new RegistryClient(proxy.host, { retries: 2, baseDelayMs: 1 })
        .getBlob('t/cut', digest)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as RegistryError).message).toMatch(
        new RegExp(
          `^registry ${proxy.host}, repository t/cut: get blob ${digest} failed: GET http://${proxy.host}/v2/t/cut/blobs/${digest}: .+ \\(after 3 attempts\\)$`,
        ),
      );
    } finally {
      await proxy.stop();
    }
  });
});

describe('RegistryClient retrying error statuses', () => {
  it('waits what Retry-After asks (capped), and hands back the last status when retries run out', async () => {
    const proxy = await startFaultProxy(registry.host);
    try {
      let faults = 0;
      proxy.setRule(({ path }) =>
        path.includes('/tags/list') && faults++ < 1 ? { status: 429, retryAfter: 1 } : undefined,
      );
      const retries: { attempt: number; reason: string; delayMs: number }[] = [];
      const viaProxy = new RegistryClient(proxy.host, {
        baseDelayMs: 1,
        maxDelayMs: 50,
        onRetry: ({ attempt, reason, delayMs }) => retries.push({ attempt, reason, delayMs }),
      });
      expect(await viaProxy.listTags('t/none')).toEqual([]);
      // Without Retry-After the first wait is at most baseDelayMs; with it, 1 s capped at maxDelayMs.
      expect(retries).toEqual([{ attempt: 1, reason: '429 Too Many Requests', delayMs: 50 }]);

      retries.length = 0;
      proxy.setRule(({ path }) => (path.includes('/tags/list') ? { status: 503 } : undefined));
      const err = await viaProxy.listTags('t/none').catch((e: unknown) => e);
      expect(retries.map((r) => [r.attempt, r.reason])).toEqual(
        [1, 2, 3, 4, 5].map((a) => [a, '503 Service Unavailable']),
      );
      expect(retries.every((r) => r.delayMs <= 50)).toBe(true);
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as RegistryError).status).toBe(503);
      expect((err as RegistryError).message).toContain('list tags failed: 503 Service Unavailable (INJECTED');
    } finally {
      await proxy.stop();
    }
  });
});

describe('RegistryClient with Bearer tokens', () => {
  it('replaces a cached token the registry no longer accepts (expired), once per request', async () => {
    await pushImage(client, 't/tokens', 'v1', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
    });
    const proxy = await startFaultProxy(registry.host);
    let issued = 0;
    let valid = '';
    proxy.setRule(({ path, headers }) => {
      if (path.startsWith('/token')) {
        valid = `tok-${++issued}`;
        return { status: 200, body: JSON.stringify({ token: valid }) };
      }
      if (valid && headers.authorization === `Bearer ${valid}`) return undefined;
      return {
        status: 401,
        headers: { 'www-authenticate': `Bearer realm="http://${proxy.host}/token",service="test"` },
        body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
      };
    });
    try {
      const viaProxy = new RegistryClient(proxy.host, { baseDelayMs: 1 });
      expect(await viaProxy.listTags('t/tokens')).toEqual(['v1']);
      expect(issued).toBe(1);
      expect(await viaProxy.listTags('t/tokens')).toEqual(['v1']);
      expect(issued).toBe(1); // the cached token is reused
      valid = 'expired-everything';
      expect(await viaProxy.listTags('t/tokens')).toEqual(['v1']);
      expect(issued).toBe(2);
      // A fresh token that is refused too is an error, not a loop.
      proxy.setRule(({ path }) =>
        path.startsWith('/token')
          ? { status: 200, body: JSON.stringify({ token: `tok-${++issued}` }) }
          : {
              status: 401,
              headers: { 'www-authenticate': `Bearer realm="http://${proxy.host}/token",service="test"` },
              body: '{"errors":[{"code":"DENIED","message":"no access"}]}',
            },
      );
      const err = await viaProxy.listTags('t/tokens').catch((e: unknown) => e);
      expect((err as RegistryError).message).toBe(
        `registry ${proxy.host}, repository t/tokens: list tags failed: 401 Unauthorized (DENIED: no access); no credentials found for this registry`,
      );
      expect(issued).toBe(3);
    } finally {
      await proxy.stop();
    }
  });
});

describe('inspectImage', () => {
  it('reads digest, platforms and index annotations of a multi-arch image', async () => {
    const pushed = await pushImage(client, 'ext/vector', '0.8.1-18-trixie', {
      platforms: [
        { platform: 'linux/amd64', layers: [extensionFiles({ arch: 'amd64' })] },
        { platform: 'linux/arm64', layers: [extensionFiles({ arch: 'arm64' })] },
      ],
      annotations,
      attestations: true,
    });
    const result = await inspectImage(`${registry.host}/ext/vector:0.8.1-18-trixie`);
    expect(result.digest).toBe(pushed.digest);
    expect(result.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(result.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(result.annotations).toEqual(annotations);
    expect(result.manifests.map((m) => m.kind)).toEqual(['image', 'attestation', 'image', 'attestation']);
    const byDigest = await inspectImage(`${registry.host}/ext/vector@${pushed.digest}`);
    expect(byDigest.digest).toBe(pushed.digest);
  });

  it('reads the platform from the config and the manifest annotations of a single manifest', async () => {
    const pushed = await pushImage(client, 'ext/single', 'v1', {
      platforms: [{ platform: 'linux/arm64', layers: [[{ path: 'lib/x.so', content: elfHeader('arm64') }]] }],
      annotations: { a: 'b' },
      single: true,
    });
    const result = await inspectImage(`${registry.host}/ext/single:v1`);
    expect(result).toMatchObject({
      digest: pushed.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      platforms: ['linux/arm64'],
      annotations: { a: 'b' },
    });
  });
});
