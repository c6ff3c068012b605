/**
 * `ext-actions prune` against a real registry (Debian's docker-registry, deletes enabled): old, new,
 * production-referenced and catalog-referenced testing images; signatures and platform manifests go
 * with the image they belong to; a dry run changes nothing; nothing outside -testing is touched.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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

const images: Record<string, { digest: string; children: string[] }> = {};
async function push(repo: string, tag: string, marker: string) {
  const pushed = await pushImage(client, repo, tag, {
    platforms: [
      { platform: 'linux/amd64', layers: [extensionFiles({ arch: 'amd64', sqlBody: `-- ${marker}` })] },
      { platform: 'linux/arm64', layers: [extensionFiles({ arch: 'arm64', sqlBody: `-- ${marker}` })] },
    ],
    attestations: true,
  });
  images[marker] = { digest: pushed.digest, children: pushed.manifests.map((m) => m.digest) };
  return pushed.digest;
}
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
    const r = await cli([
      'prune',
      '--registry',
      `${registry.host}/acme`,
      '--root',
      'exts',
      '--catalog',
      'catalog.yaml',
      '--dry-run',
    ]);
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
    const r = await cli([
      'prune',
      '--registry',
      `${registry.host}/acme`,
      '--root',
      'exts',
      '--catalog',
      'catalog.yaml',
      '--older-than',
      '7d',
      '--keep',
      '1',
    ]);
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
    const again = await cli([
      'prune',
      '--registry',
      `${registry.host}/acme`,
      '--root',
      'exts',
      '--catalog',
      'catalog.yaml',
    ]);
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
    expect(ghcr.stderr).toMatch(/^error: --registry: ghcr\.io deletes through the GitHub packages API/);
  });
});
