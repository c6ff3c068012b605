/**
 * `ext-actions prune` against a real registry (Debian's docker-registry, deletes enabled): old, new,
 * production-referenced and catalog-referenced testing images; signatures and platform manifests go
 * with the image they belong to; a dry run changes nothing; nothing outside -testing is touched.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAge, stampDate } from '../../src/prune/index.js';
import { RegistryClient } from '../../src/registry/client.js';
import { promote } from '../../src/registry/promote.js';
import { extensionFiles, pushCosignSignature, pushImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli/index.js');
let registry: TestRegistry;
let client: RegistryClient;
let work: string;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { cwd: work }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** `YYYYMMDDhhmm` of `days` ago. */
const stamp = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 12);

type Images = Record<string, { digest: string; children: string[] }>;
const images: Images = {};
async function push(repo: string, tag: string, marker: string, into: Images = images) {
  const pushed = await pushImage(client, repo, tag, {
    platforms: [
      { platform: 'linux/amd64', layers: [extensionFiles({ arch: 'amd64', sqlBody: `-- ${marker}` })] },
      { platform: 'linux/arm64', layers: [extensionFiles({ arch: 'arm64', sqlBody: `-- ${marker}` })] },
    ],
    attestations: true,
  });
  into[marker] = { digest: pushed.digest, children: pushed.manifests.map((m) => m.digest) };
  return pushed.digest;
}
/** `ext-actions prune` of the acme namespace, with the catalog that protects one old image. */
const pruneAcme = (...extra: string[]) =>
  cli([
    'prune',
    '--registry',
    `${registry.host}/acme`,
    '--root',
    'exts',
    '--catalog',
    'catalog.yaml',
    ...extra,
  ]);
const exists = async (repo: string, ref: string) => (await client.headManifest(repo, ref)) !== undefined;
const T = 'acme/pgvector-testing';

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient(registry.host, { baseDelayMs: 10 });
  work = await tempDir('ext-prune-');
  mkdirSync(path.join(work, 'exts', 'pgvector'), { recursive: true });
  writeFileSync(
    path.join(work, 'exts', 'pgvector', 'metadata.hcl'),
    'metadata = {\n name = "pgvector"\n versions = { trixie = { "18" = "0.8.1-1" } }\n}\n',
  );
  await push(T, `0.8.1-${stamp(30)}-18-trixie`, 'old-catalog'); // old, but a catalog lists it
  await push(T, `0.8.1-${stamp(20)}-18-trixie`, 'old-production'); // old, but promoted
  await push(T, `0.8.1-${stamp(15)}-18-trixie`, 'old'); // old: goes, with its signature
  await push(T, `0.8.0-${stamp(12)}-18-trixie`, 'old-version'); // an older version, same target: goes
  const newest = await push(T, `0.8.1-${stamp(1)}-18-trixie`, 'newest'); // newest of its target: stays
  const n = await client.getManifest(T, newest);
  await client.putManifest(T, '0.8.1-18-trixie', n.bytes, n.mediaType); // the rolling tag
  await push(T, `0.8.1-${stamp(40)}-18-bookworm`, 'only-bookworm'); // old, but the newest of its target
  await pushCosignSignature(client, T, images['old']!.digest);
  await pushCosignSignature(client, T, images['newest']!.digest);
  // Production: old-production promoted (same digest, blobs and children copied by our promote).
  await promote(
    `${registry.host}/${T}@${images['old-production']!.digest}`,
    `${registry.host}/acme/pgvector`,
    {
      tags: ['0.8.1-18-trixie'],
      signatures: false,
      baseDelayMs: 10,
    },
  );
  writeFileSync(
    path.join(work, 'catalog.yaml'),
    `reference: ${registry.host}/acme/pgvector:x@${images['old-catalog']!.digest}\n`,
  );
});
afterAll(async () => registry?.stop());

describe('ext-actions prune (registry API)', () => {
  it('parses ages and tag stamps', () => {
    expect(parseAge('7d')).toBe(7 * 86_400_000);
    expect(parseAge('90m')).toBe(5_400_000);
    expect(() => parseAge('a week')).toThrow(
      '--older-than: expected an age such as 7d, 12h or 90m, got "a week"',
    );
    expect(stampDate('202612011305').toISOString()).toBe('2026-12-01T13:05:00.000Z');
  });

  it('dry run: says what would go and why, deletes nothing', async () => {
    const r = await pruneAcme('--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`would delete ${T}@${images['old']!.digest} (0.8.1-`);
    expect(r.stdout).toMatch(
      /keep acme\/pgvector-testing:0\.8\.1-\d{12}-18-trixie: a production tag of acme\/pgvector references it/,
    );
    expect(r.stdout).toMatch(/keep acme\/pgvector-testing:0\.8\.1-\d{12}-18-trixie: a catalog references it/);
    expect(r.stdout).toMatch(/^would delete \d+ manifest\(s\); kept 2 old tag\(s\)$/m);
    for (const m of Object.values(images)) expect(await exists(T, m.digest)).toBe(true);
  });

  it('deletes old testing images with their platform manifests and signatures; keeps what production or a catalog references', async () => {
    const r = await pruneAcme('--older-than', '7d', '--keep', '1');
    expect(r.code, r.stderr).toBe(0);
    for (const gone of ['old', 'old-version']) {
      expect(await exists(T, images[gone]!.digest), gone).toBe(false);
      for (const c of images[gone]!.children) expect(await exists(T, c), `${gone} child`).toBe(false);
    }
    expect(await exists(T, `sha256-${images['old']!.digest.slice(7)}.sig`)).toBe(false);
    for (const stays of ['old-catalog', 'old-production', 'newest', 'only-bookworm']) {
      expect(await exists(T, images[stays]!.digest), stays).toBe(true);
      for (const c of images[stays]!.children) expect(await exists(T, c), `${stays} child`).toBe(true);
    }
    expect(await exists(T, `sha256-${images['newest']!.digest.slice(7)}.sig`)).toBe(true);
    expect(await exists(T, '0.8.1-18-trixie')).toBe(true);
    // Production is never touched.
    expect(await exists('acme/pgvector', '0.8.1-18-trixie')).toBe(true);
    expect(r.stdout).toMatch(/^deleted \d+ manifest\(s\); kept 2 old tag\(s\)$/m);
    // A second run finds nothing more to delete.
    const again = await pruneAcme();
    expect(again.stdout).toMatch(/^deleted 0 manifest\(s\)/m);
  });

  it('bad input: exit 2, one message', async () => {
    for (const [args, message] of [
      [['--keep', '0'], '--keep: expected 1 or more, got "0"'],
      [['--older-than', '1y'], '--older-than: expected an age such as 7d, 12h or 90m, got "1y"'],
      [['--catalog', 'missing.yaml'], '--catalog missing.yaml: cannot be read'],
    ] as const) {
      const r = await cli(['prune', '--registry', `${registry.host}/acme`, '--root', 'exts', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`error: ${message}\n`);
    }
    const ghcr = await cli(['prune', '--registry', 'ghcr.io/acme', '--root', 'exts']);
    expect(ghcr.code).toBe(2);
    expect(ghcr.stderr).toMatch(
      /^error: --registry ghcr\.io\/acme: deleting through the GitHub packages API needs GITHUB_TOKEN/,
    );
  });
});

describe('ext-actions prune (GitHub packages API, as on ghcr.io)', () => {
  const gh: Images = {};
  const G = 'gh/pgvector-testing';
  let api: Server;
  let apiUrl = '';
  const deleted: string[] = [];
  const auth: string[] = [];
  let unavailable = 1;
  /** Package versions as the GitHub API lists them, built from what the registry holds. */
  const versions = new Map<
    string,
    { id: number; name: string; metadata: { container: { tags: string[] } } }[]
  >();

  async function listing(repository: string) {
    const byDigest = new Map<string, string[]>();
    for (const tag of await client.listTags(repository)) {
      const d = (await client.headManifest(repository, tag))!.digest;
      byDigest.set(d, [...(byDigest.get(d) ?? []), tag]);
      const m = await client.getManifest(repository, d);
      for (const c of 'manifests' in m.json ? (m.json.manifests ?? []) : [])
        if (!byDigest.has(c.digest)) byDigest.set(c.digest, []);
    }
    return [...byDigest].map(([name, tags], i) => ({
      id: 1000 + i,
      name,
      metadata: { container: { tags } },
    }));
  }

  beforeAll(async () => {
    await push(G, `0.8.1-${stamp(30)}-18-trixie`, 'old-catalog', gh);
    await push(G, `0.8.1-${stamp(20)}-18-trixie`, 'old-production', gh);
    await push(G, `0.8.1-${stamp(15)}-18-trixie`, 'old', gh);
    await push(G, `0.8.1-${stamp(1)}-18-trixie`, 'newest', gh);
    await pushCosignSignature(client, G, gh['old']!.digest);
    await promote(`${registry.host}/${G}@${gh['old-production']!.digest}`, `${registry.host}/gh/pgvector`, {
      tags: ['0.8.1-18-trixie'],
      signatures: false,
      baseDelayMs: 10,
    });
    // The testing package belongs to an organisation, the production one to a user (the API's two paths).
    versions.set('/orgs/gh/packages/container/pgvector-testing/versions', await listing(G));
    versions.set('/users/gh/packages/container/pgvector/versions', await listing('gh/pgvector'));
    api = createServer((req, res) => {
      auth.push(req.headers.authorization ?? '');
      // The API's first answer is a 503: prune retries it.
      if (unavailable > 0) {
        unavailable--;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"Service Unavailable"}');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && versions.has(url.pathname)) {
        const page = Number(url.searchParams.get('page') ?? 1);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(page === 1 ? versions.get(url.pathname) : []));
        return;
      }
      const del = /^(\/orgs\/gh\/packages\/container\/pgvector-testing\/versions)\/(\d+)$/.exec(url.pathname);
      if (req.method === 'DELETE' && del) {
        const v = versions.get(del[1]!)!.find((x) => x.id === Number(del[2]));
        deleted.push(v!.name);
        res.writeHead(204).end();
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    mkdirSync(path.join(work, 'gh-exts', 'pgvector'), { recursive: true });
    writeFileSync(
      path.join(work, 'gh-exts', 'pgvector', 'metadata.hcl'),
      'metadata = {\n name = "pgvector"\n versions = { trixie = { "18" = "0.8.1-1" } }\n}\n',
    );
    writeFileSync(path.join(work, 'gh-catalog.yaml'), `reference: x@${gh['old-catalog']!.digest}\n`);
  });
  afterAll(() => new Promise<void>((r) => api.close(() => r())));

  const run = (extra: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          CLI,
          'prune',
          '--registry',
          `${registry.host}/gh`,
          '--root',
          'gh-exts',
          '--catalog',
          'gh-catalog.yaml',
          '--via',
          'packages',
        ],
        { cwd: work, env: { ...process.env, GITHUB_API_URL: apiUrl, ...extra } },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );

  it('deletes the old package versions (image, platform manifests, signature) by id, with the token, and nothing else', async () => {
    const r = await run({ GITHUB_TOKEN: 'gh-token' });
    expect(r.code, r.stderr).toBe(0);
    const sig = versions
      .get('/orgs/gh/packages/container/pgvector-testing/versions')!
      .find((v) => v.metadata.container.tags.includes(`sha256-${gh['old']!.digest.slice(7)}.sig`))!.name;
    expect(deleted.sort()).toEqual([gh['old']!.digest, ...gh['old']!.children, sig].sort());
    expect(unavailable).toBe(0);
    expect(auth.every((a) => a === 'Bearer gh-token')).toBe(true);
    expect(r.stdout).toMatch(
      /keep gh\/pgvector-testing:0\.8\.1-\d{12}-18-trixie: a production tag of gh\/pgvector references it/,
    );
    expect(r.stdout).toMatch(/keep gh\/pgvector-testing:0\.8\.1-\d{12}-18-trixie: a catalog references it/);
  });

  it('without GITHUB_TOKEN: exit 2, nothing asked', async () => {
    const before = auth.length;
    const r = await run({ GITHUB_TOKEN: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/deleting through the GitHub packages API needs GITHUB_TOKEN/);
    expect(auth.length).toBe(before);
  });
});
