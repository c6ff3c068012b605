// promote against real docker-registry instances, and through a fault-injecting proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError, sha256Digest } from '../../src/registry/client.js';
import { inspectImage } from '../../src/registry/inspect.js';
import { promote } from '../../src/registry/promote.js';
import { promotionSummary } from '../../src/registry/promotions.js';
import { fallbackTag } from '../../src/registry/reference.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import {
  extensionFiles,
  pushCosignSignature,
  pushImage,
  pushReferrer,
  type PushedImage,
} from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

let registry: TestRegistry;
let other: TestRegistry;
let proxy: FaultProxy;
let client: RegistryClient;
const fast = { baseDelayMs: 5, maxDelayMs: 50 };

beforeAll(async () => {
  [registry, other] = await Promise.all([startRegistry(), startRegistry()]);
  proxy = await startFaultProxy(registry.host);
  client = new RegistryClient(registry.host, fast);
});
afterAll(async () => {
  await proxy?.stop();
  await Promise.all([registry?.stop(), other?.stop()]);
});

let n = 0;
/** A signed two-platform image with attestations and a referrer, in `<name>-testing`. */
async function testingImage(): Promise<{ repo: string; pushed: PushedImage }> {
  const repo = `cnpg/ext${++n}-testing`;
  const pushed = await pushImage(client, repo, '1.0-18-trixie', {
    platforms: ['amd64', 'arm64'].map((arch) => ({
      platform: `linux/${arch}`,
      layers: [extensionFiles({ arch }), [{ path: `licenses/${arch}`, content: arch }]],
    })),
    annotations: { 'io.cloudnativepg.image.sql.version': '0.8.1' },
    attestations: true,
  });
  await pushCosignSignature(client, repo, pushed.digest);
  await pushReferrer(client, repo, { mediaType: pushed.mediaType, digest: pushed.digest, size: 0 });
  return { repo, pushed };
}

describe('promote', () => {
  it('copies index, platforms, attestations, signatures and referrers by digest, mounting blobs, then moves tags', async () => {
    const { repo, pushed } = await testingImage();
    const dest = `${registry.host}/cnpg/ext${n}`;
    const result = await promote(`${registry.host}/${repo}:1.0-18-trixie@${pushed.digest}`, dest, {
      ...fast,
      tags: ['1.0-18-trixie', '1.0-202511210500-18-trixie'],
    });
    expect(result).toMatchObject({
      digest: pushed.digest,
      ref: `${dest}@${pushed.digest}`,
      repository: dest,
      tags: [`${dest}:1.0-18-trixie`, `${dest}:1.0-202511210500-18-trixie`],
      changed: true,
    });
    expect(result.copied.blobs).toBe(0);
    expect(result.copied.mounted).toBeGreaterThan(0);
    expect(result.artifactTags.sort()).toEqual([
      fallbackTag(pushed.digest),
      `${fallbackTag(pushed.digest)}.sig`,
    ]);
    const promoted = await inspectImage(`${dest}:1.0-202511210500-18-trixie`, fast);
    expect(promoted.digest).toBe(pushed.digest);
    expect(promoted.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(promoted.annotations).toEqual({ 'io.cloudnativepg.image.sql.version': '0.8.1' });
    for (const m of pushed.manifests)
      expect((await client.headManifest(`cnpg/ext${n}`, m.digest))?.digest).toBe(m.digest);
    const sourceSig = await client.headManifest(repo, `${fallbackTag(pushed.digest)}.sig`);
    expect((await client.headManifest(`cnpg/ext${n}`, `${fallbackTag(pushed.digest)}.sig`))?.digest).toBe(
      sourceSig!.digest,
    );

    const again = await promote(`${registry.host}/${repo}@${pushed.digest}`, dest, {
      ...fast,
      tags: ['1.0-18-trixie'],
    });
    expect(again.changed).toBe(false);
    expect(again.copied).toEqual({ blobs: 0, mounted: 0, manifests: 0, tags: 0 });
  });

  it("adds the source's referrers to a referrers fallback index the destination already has", async () => {
    const { repo, pushed } = await testingImage();
    const destRepo = `cnpg/merge${n}`;
    const subject = { mediaType: pushed.mediaType, digest: pushed.digest, size: 0 };
    // The destination already lists a referrer of the same digest (e.g. signed there earlier).
    const theirs = await pushReferrer(client, destRepo, subject, 'production');
    const ours = (
      JSON.parse((await client.getManifest(repo, fallbackTag(pushed.digest))).bytes.toString()) as {
        manifests: { digest: string }[];
      }
    ).manifests.map((m) => m.digest);
    await promote(`${registry.host}/${repo}@${pushed.digest}`, `${registry.host}/${destRepo}`, {
      ...fast,
      tags: ['v1'],
    });
    const merged = await client.getManifest(destRepo, fallbackTag(pushed.digest));
    expect((merged.json as { manifests: { digest: string }[] }).manifests.map((m) => m.digest)).toEqual([
      theirs,
      ...ours,
    ]);
    for (const d of [theirs, ...ours]) expect((await client.headManifest(destRepo, d))?.digest).toBe(d);
    const again = await promote(`${registry.host}/${repo}@${pushed.digest}`, `${registry.host}/${destRepo}`, {
      ...fast,
      tags: ['v1'],
    });
    expect(again.changed).toBe(false);
  });

  it('uploads blobs between registries and keeps the digest', async () => {
    const { repo, pushed } = await testingImage();
    const result = await promote(`${registry.host}/${repo}@${pushed.digest}`, `${other.host}/prod/ext`, {
      ...fast,
      tags: ['v1'],
    });
    expect(result.copied.mounted).toBe(0);
    expect(result.copied.blobs).toBeGreaterThan(0);
    expect((await inspectImage(`${other.host}/prod/ext:v1`, fast)).digest).toBe(pushed.digest);
  });

  it('defaults the tag to the source tag and rejects bad input before touching anything', async () => {
    const { repo, pushed } = await testingImage();
    const result = await promote(
      `${registry.host}/${repo}:1.0-18-trixie`,
      `${registry.host}/cnpg/default${n}`,
      fast,
    );
    expect(result.tags).toEqual([`${registry.host}/cnpg/default${n}:1.0-18-trixie`]);
    expect(result.digest).toBe(pushed.digest);
    await expect(
      promote(`${registry.host}/${repo}@${pushed.digest}`, `${registry.host}/x:tag`, fast),
    ).rejects.toThrow(/destination: expected a repository without tag or digest/);
    await expect(
      promote(`${registry.host}/${repo}@${pushed.digest}`, `${registry.host}/x`, { ...fast, tags: ['-bad'] }),
    ).rejects.toThrow(/tag: "-bad" is not a valid tag/);
    expect(await client.listTags('x')).toEqual([]);
  });
});

describe('promote, when two runs finish out of order', () => {
  async function built(repo: string, created: string, arch: string): Promise<PushedImage> {
    return pushImage(client, repo, `1.0-${arch}`, {
      platforms: [{ platform: `linux/${arch}`, layers: [extensionFiles({ arch })] }],
      annotations: { 'org.opencontainers.image.created': created },
    });
  }

  it('never moves a rolling tag back to an older build, and moves it forward', async () => {
    const repo = `cnpg/race${++n}-testing`;
    const older = await built(repo, '2026-03-04T05:06:07Z', 'amd64');
    const newer = await built(repo, '2026-03-04T05:07:00Z', 'arm64');
    const dest = `${registry.host}/cnpg/race${n}`;
    const src = (p: PushedImage) => `${registry.host}/${repo}@${p.digest}`;

    // The newer run promotes first; the older one finishes later and must not take the tag back.
    await promote(src(newer), dest, { ...fast, tags: ['1.0-18-trixie'] });
    const late = await promote(src(older), dest, {
      ...fast,
      tags: ['1.0-18-trixie', '1.0-202603040506-18-trixie'],
    });
    expect(late.kept).toEqual([`${dest}:1.0-18-trixie`]);
    expect(late.tags).toEqual([`${dest}:1.0-202603040506-18-trixie`]);
    expect((await inspectImage(`${dest}:1.0-18-trixie`, fast)).digest).toBe(newer.digest);
    expect((await inspectImage(`${dest}:1.0-202603040506-18-trixie`, fast)).digest).toBe(older.digest);
    expect(promotionSummary([late])).toContain(
      `Left on a newer build (a later run promoted it first): \`${dest}:1.0-18-trixie\``,
    );

    // In order (or with keepNewer: false), the tag moves.
    const forced = await promote(src(older), dest, { ...fast, tags: ['1.0-18-trixie'], keepNewer: false });
    expect(forced.kept).toEqual([]);
    expect((await inspectImage(`${dest}:1.0-18-trixie`, fast)).digest).toBe(older.digest);
    const forward = await promote(src(newer), dest, { ...fast, tags: ['1.0-18-trixie'] });
    expect(forward.kept).toEqual([]);
    expect((await inspectImage(`${dest}:1.0-18-trixie`, fast)).digest).toBe(newer.digest);
  });
});

describe('promote through a faulty network', () => {
  it('recovers from 500s, 429s and dropped connections', async () => {
    const { repo, pushed } = await testingImage();
    const counts = new Map<string, number>();
    const times = (key: string, limit: number) => {
      const c = (counts.get(key) ?? 0) + 1;
      counts.set(key, c);
      return c <= limit;
    };
    proxy.log.length = 0;
    proxy.setRule(({ method, path }) => {
      if (method === 'PUT' && path.includes('/manifests/') && times('put-manifest', 2))
        return { status: 500 };
      if (method === 'HEAD' && path.includes('/blobs/') && times('head-blob', 2))
        return { status: 429, retryAfter: 0 };
      if (method === 'GET' && path.includes('/manifests/') && times('get-manifest', 2)) return 'drop';
      if (method === 'POST' && path.includes('mount=') && times('mount', 1)) return { status: 503 };
      return undefined;
    });
    try {
      const result = await promote(
        `${proxy.host}/${repo}@${pushed.digest}`,
        `${proxy.host}/cnpg/faulty${n}`,
        { ...fast, tags: ['v1'] },
      );
      expect(result.digest).toBe(pushed.digest);
    } finally {
      proxy.setRule(() => undefined);
    }
    expect(
      proxy.log
        .filter((l) => l.fault)
        .map((l) => l.fault)
        .sort(),
    ).toEqual(['429', '429', '500', '500', '503', 'drop', 'drop']);
    expect((await client.headManifest(`cnpg/faulty${n}`, 'v1'))?.digest).toBe(pushed.digest);
  });

  it('streams blobs between registries, reopening the source when a download is cut or an upload fails', async () => {
    const { repo, pushed } = await testingImage();
    let cuts = 0;
    let puts = 0;
    proxy.log.length = 0;
    proxy.setRule(({ method, path }) => {
      if (method === 'GET' && path.includes('/blobs/sha256:') && cuts++ < 2) return { truncateAfter: 10 };
      return undefined;
    });
    const dest = await startFaultProxy(other.host);
    dest.setRule(({ method, path }) =>
      method === 'PUT' && path.includes('/blobs/uploads/') && puts++ < 1 ? { status: 500 } : undefined,
    );
    try {
      const result = await promote(`${proxy.host}/${repo}@${pushed.digest}`, `${dest.host}/prod/streamed`, {
        ...fast,
        tags: ['v1'],
      });
      expect(result.copied.blobs).toBeGreaterThan(0);
    } finally {
      proxy.setRule(() => undefined);
      await dest.stop();
    }
    expect(proxy.log.filter((l) => l.fault === 'truncate')).toHaveLength(2);
    expect(dest.log.filter((l) => l.fault === '500')).toHaveLength(1);
    // Every blob arrived whole: the registry checked each upload against its digest, and the copy
    // reads back with the same digest.
    const copied = await inspectImage(`${other.host}/prod/streamed:v1`, fast);
    expect(copied.digest).toBe(pushed.digest);
    const otherClient = new RegistryClient(other.host, fast);
    for (const m of pushed.manifests) {
      const manifest = (await otherClient.getManifest('prod/streamed', m.digest)).json as {
        layers: { digest: string }[];
      };
      for (const layer of manifest.layers)
        expect(sha256Digest(await otherClient.getBlob('prod/streamed', layer.digest))).toBe(layer.digest);
    }
  });

  it('fails with a clear error and moves no tag when the registry keeps failing', async () => {
    const { repo, pushed } = await testingImage();
    const destRepo = `cnpg/stuck${n}`;
    const old = await pushImage(client, destRepo, 'v1', {
      platforms: [{ platform: 'linux/amd64', layers: [extensionFiles()] }],
    });
    proxy.log.length = 0;
    proxy.setRule(({ method, path }) =>
      method === 'PUT' && path.endsWith(`/manifests/${pushed.digest}`) ? { status: 500 } : undefined,
    );
    let err: unknown;
    try {
      err = await promote(`${proxy.host}/${repo}@${pushed.digest}`, `${proxy.host}/${destRepo}`, {
        ...fast,
        retries: 2,
        tags: ['v1', 'v2'],
      }).catch((e: unknown) => e);
    } finally {
      proxy.setRule(() => undefined);
    }
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).message).toBe(
      `registry ${proxy.host}, repository ${destRepo}: put manifest "${pushed.digest}" failed: 500 Internal Server Error (INJECTED: injected 500)`,
    );
    expect(proxy.log.filter((l) => l.fault === '500')).toHaveLength(3);
    expect((await client.headManifest(destRepo, 'v1'))?.digest).toBe(old.digest);
    expect(await client.headManifest(destRepo, 'v2')).toBeUndefined();
    expect((await client.listTags(destRepo)).sort()).toEqual(['v1']);
  });
});
