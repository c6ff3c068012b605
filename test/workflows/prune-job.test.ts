/**
 * prune.yml's "Prune" step, run as the runner runs it with the real CLI (dist/, checked out as
 * `.ext-actions`) against a real registry with deletes enabled: the dry-run input deletes nothing, the
 * keep and older-than inputs reach the command, catalog files listed in the catalogs input protect what
 * they reference, and the step writes what it did to the job summary.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { extensionFiles, pushImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
const wf = parse(readFileSync(path.join(repo, '.github/workflows/prune.yml'), 'utf8')) as {
  on: { workflow_call: { inputs: Record<string, { default?: unknown }> } };
  jobs: Record<string, { permissions: Record<string, string>; steps: { name?: string; run?: string }[] }>;
};
const script = wf.jobs['prune']!.steps.find((s) => s.name === 'Prune')!.run!;
const T = 'acme/pgvector-testing';
const stamp = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 12);

let registry: TestRegistry;
let client: RegistryClient;
const digests: Record<string, string> = {};

async function push(tag: string, marker: string) {
  const pushed = await pushImage(client, T, tag, {
    platforms: [
      { platform: 'linux/amd64', layers: [extensionFiles({ arch: 'amd64', sqlBody: `-- ${marker}` })] },
    ],
  });
  digests[marker] = pushed.digest;
}
const exists = async (marker: string) => (await client.headManifest(T, digests[marker]!)) !== undefined;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient(registry.host, { baseDelayMs: 10 });
  await push(`0.8.1-${stamp(30)}-18-trixie`, 'catalogued'); // old, but a catalog lists it
  await push(`0.8.1-${stamp(20)}-18-trixie`, 'old'); // old: goes
  await push(`0.8.1-${stamp(10)}-18-trixie`, 'second'); // old, kept only with keep: 2
  await push(`0.8.1-${stamp(1)}-18-trixie`, 'newest'); // newest of its target: stays
});
afterAll(async () => registry?.stop());

function work() {
  const dir = workspace('ext-prune-job-');
  mkdirSync(path.join(dir, 'exts', 'pgvector'), { recursive: true });
  writeFileSync(
    path.join(dir, 'exts', 'pgvector', 'metadata.hcl'),
    'metadata = {\n name = "pgvector"\n versions = { trixie = { "18" = "0.8.1-1" } }\n}\n',
  );
  mkdirSync(path.join(dir, 'catalogs'));
  writeFileSync(
    path.join(dir, 'catalogs', 'catalog-minimal-trixie.yaml'),
    `reference: ${registry.host}/acme/pgvector:x@${digests['catalogued']}\n`,
  );
  // The checkout of ext-actions: this repository (dist/ is what the sources build, test/dist.test.ts).
  symlinkSync(repo, path.join(dir, '.ext-actions'));
  return dir;
}

const run = (dir: string, env: Record<string, string>) =>
  runStep(script, dir, {
    HOME: dir,
    ROOT: 'exts',
    REQUESTED: 'all',
    REGISTRY: `${registry.host}/ACME`,
    OWNER: 'acme',
    OLDER_THAN: '7d',
    KEEP: '1',
    CATALOGS: '',
    DRY_RUN: 'false',
    VIA: 'auto',
    USERNAME: 'octocat',
    REGISTRY_PASSWORD: '',
    GITHUB_TOKEN: '',
    ...env,
  });

describe('prune.yml: the prune job', () => {
  it('grants packages: write to this job only, with a dry-run input that defaults to false and keep 1 of 7 days', () => {
    expect(Object.keys(wf.jobs)).toEqual(['prune']);
    expect(wf.jobs['prune']!.permissions).toEqual({ contents: 'read', packages: 'write' });
    const inputs = wf.on.workflow_call.inputs;
    expect(inputs['dry-run']!.default).toBe(false);
    expect(inputs['keep']!.default).toBe(1);
    expect(inputs['older-than']!.default).toBe('7d');
  });

  it('dry run: lists what would go in the log and the summary, deletes nothing', async () => {
    const dir = work();
    const r = run(dir, { DRY_RUN: 'true', KEEP: '2', CATALOGS: 'catalogs/catalog-minimal-trixie.yaml\n' });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`would delete ${T}@${digests['old']}`);
    expect(r.stdout).not.toContain(`would delete ${T}@${digests['second']}`);
    expect(r.summary).toContain(`### Testing-image retention (${registry.host}/acme, older than 7d, keep 2)`);
    expect(r.summary).toContain(`would delete ${T}@${digests['old']}`);
    for (const m of ['catalogued', 'old', 'second', 'newest']) expect(await exists(m), m).toBe(true);
  });

  it('deletes past the cut-off, keeping the newest per target and what a listed catalog references', async () => {
    const dir = work();
    const r = run(dir, {
      REQUESTED: 'pgvector',
      CATALOGS: '\ncatalogs/catalog-minimal-trixie.yaml\n',
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(await exists('old')).toBe(false);
    expect(await exists('second')).toBe(false);
    expect(await exists('catalogued')).toBe(true);
    expect(await exists('newest')).toBe(true);
    expect(r.summary).toMatch(/^deleted \d+ manifest\(s\); kept 1 old tag\(s\)$/m);
  });

  it('stops with the CLI’s message on a bad input, deleting nothing', async () => {
    // Its own old image, past the cut-off and not the newest: a good run would delete it, whatever
    // the tests before this one deleted.
    await push(`0.8.1-${stamp(15)}-18-trixie`, 'bad-input-old');
    expect(await exists('bad-input-old')).toBe(true);
    const markers = Object.keys(digests);
    const before = Object.fromEntries(await Promise.all(markers.map(async (m) => [m, await exists(m)])));
    const dir = work();
    const keep = run(dir, { KEEP: '0' });
    expect(keep.code).not.toBe(0);
    expect(keep.stderr).toContain('--keep: expected 1 or more, got "0"');
    const age = run(dir, { OLDER_THAN: 'a week' });
    expect(age.code, age.stderr + age.stdout).not.toBe(0);
    expect(age.code).not.toBeNull();
    expect(age.stderr).toContain('--older-than: expected an age such as 7d, 12h or 90m, got "a week"');
    const catalog = run(dir, { CATALOGS: 'catalogs/missing.yaml' });
    expect(catalog.code, catalog.stderr + catalog.stdout).not.toBe(0);
    expect(catalog.code).not.toBeNull();
    expect(catalog.stderr).toContain('--catalog catalogs/missing.yaml: cannot be read');
    expect(keep.code).not.toBeNull();
    expect(await exists('newest')).toBe(true);
    expect(await exists('bad-input-old')).toBe(true);
    expect(await exists('catalogued')).toBe(true);
    const after = Object.fromEntries(await Promise.all(markers.map(async (m) => [m, await exists(m)])));
    expect(after).toEqual(before);
  });

  it('on ghcr.io (the default registry) goes through the packages API and needs the job token', () => {
    const dir = work();
    const r = run(dir, { REGISTRY: '', OWNER: 'Acme' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      '--registry ghcr.io/acme: deleting through the GitHub packages API needs GITHUB_TOKEN (packages: write)',
    );
  });
});
