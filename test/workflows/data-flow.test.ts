/**
 * How values travel between the jobs of extensions.yml: the per-leg build results go through artifacts
 * (a matrix job's outputs keep one leg only), and the run: scripts that pass them on are run with bash
 * on fixtures shaped like what the actions write (bake's BakeImage, promote's images output).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  steps?: Step[];
}
const wf = parse(readFileSync(path.join(repo, '.github/workflows/extensions.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
};
const steps = (job: string) => wf.jobs[job]!.steps!;
const byName = (job: string, name: RegExp) => steps(job).find((s) => name.test(s.name ?? ''))!;

/** A BakeImage (src/bake/metadata.ts) of one target. */
function image(target: string, pushed: boolean, platform = 'linux/amd64') {
  const digest = `sha256:${(target + platform).length.toString(16).padStart(64, '0')}`;
  return {
    target,
    extension: target.split('-')[0],
    distro: 'trixie',
    pgMajor: '18',
    repository: `ghcr.io/acme/${target.split('-')[0]}-testing`,
    tags: [],
    digest,
    ref: `ghcr.io/acme/${target.split('-')[0]}-testing@${digest}`,
    platforms: [platform],
    mediaType: 'application/vnd.oci.image.index.v1+json',
    pushed,
    created: '2026-01-01T00:00:00Z',
  };
}

describe('build legs reach merge through artifacts', () => {
  const upload = steps('build').find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  const download = steps('merge').find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
  const keep = byName('build', /Keep this leg/);

  it('uploads the hidden result folder (upload-artifact drops hidden files unless told) and fails when empty', () => {
    expect(String(upload.with!['path'])).toMatch(/^\.ext-actions-out\/?$/);
    expect(upload.with!['include-hidden-files']).toBe(true);
    expect(upload.with!['if-no-files-found']).toBe('error');
  });

  it('names each artifact by leg and downloads each into its own folder (never merged over another)', () => {
    expect(upload.with!['name']).toBe('ext-actions-build-${{ matrix.leg }}');
    expect(keep.run).toContain('.ext-actions-out/$LEG.json');
    expect(download.with).toEqual({ pattern: 'ext-actions-build-*', path: '.ext-actions-out' });
  });

  it('every upload-artifact of a hidden path in extensions.yml includes hidden files', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const s of job.steps ?? []) {
        if (!s.uses?.startsWith('actions/upload-artifact@')) continue;
        const p = String(s.with?.['path'] ?? '');
        if (p.split('/').some((seg) => seg.startsWith('.') && seg !== '.' && seg !== '..')) {
          expect(s.with!['include-hidden-files'], `${s.name}: ${p}`).toBe(true);
        }
      }
    }
  });

  it('a leg that built nothing (no images output) still leaves a valid JSON list', () => {
    const dir = workspace('ext-flow-');
    const r = runStep(keep.run!, dir, { IMAGES: '', LEG: 'pgvector-linux-arm64' });
    expect(r.code, r.stderr).toBe(0);
    expect(
      JSON.parse(readFileSync(path.join(dir, '.ext-actions-out/pgvector-linux-arm64.json'), 'utf8')),
    ).toEqual([]);
  });
});

describe('merge: collect the images for sign, e2e and promote', () => {
  const legs = steps('merge').find((s) => s.id === 'legs')!;
  const collect = steps('merge').find((s) => s.id === 'collect')!;

  /** The download as download-artifact lays it out without merge-multiple: one folder per artifact. */
  function legsDir(artifacts: Record<string, Record<string, unknown>>) {
    const dir = workspace('ext-flow-');
    mkdirSync(path.join(dir, '.ext-actions-out'));
    for (const [artifact, files] of Object.entries(artifacts)) {
      mkdirSync(path.join(dir, '.ext-actions-out', artifact));
      for (const [f, v] of Object.entries(files))
        writeFileSync(path.join(dir, '.ext-actions-out', artifact, f), `${JSON.stringify(v)}\n`);
    }
    return dir;
  }
  const MATRIX = JSON.stringify([
    { extension: 'pgvector', platform: 'linux/amd64', runner: 'x', leg: 'pgvector-linux-amd64' },
    { extension: 'pgvector', platform: 'linux/arm64', runner: 'y', leg: 'pgvector-linux-arm64' },
  ]);

  it('hands bake merge one JSON list per leg of the plan', () => {
    const dir = legsDir({
      'ext-actions-build-pgvector-linux-amd64': {
        'pgvector-linux-amd64.json': [image('pgvector-0-8-1-18-trixie', true)],
      },
      'ext-actions-build-pgvector-linux-arm64': {
        'pgvector-linux-arm64.json': [image('pgvector-0-8-1-18-trixie', true, 'linux/arm64')],
      },
    });
    const r = runStep(legs.run!, dir, { MATRIX });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.outputs['images']!.split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { platforms: string[] }[])[0]!.platforms)).toEqual([
      ['linux/amd64'],
      ['linux/arm64'],
    ]);
  });

  it('reads only the artifacts of the plan’s legs, by exact name: an extra artifact is never read', () => {
    const planted = [{ ...image('pgvector-0-8-1-18-trixie', true), ref: 'ghcr.io/evil/x@sha256:0' }];
    const dir = legsDir({
      // uploaded by something else in the run (pull request code with the runtime token)
      'ext-actions-build-zzz': { 'pgvector-linux-amd64.json': planted, 'zzz.json': planted },
      'ext-actions-build-pgvector-linux-amd64': {
        'pgvector-linux-amd64.json': [image('pgvector-0-8-1-18-trixie', true)],
      },
      'ext-actions-build-pgvector-linux-arm64': {
        'pgvector-linux-arm64.json': [image('pgvector-0-8-1-18-trixie', true, 'linux/arm64')],
      },
    });
    const r = runStep(legs.run!, dir, { MATRIX });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['images']).not.toContain('evil');
    // Exactly the plan's two legs, in order, as uploaded: nothing planted added, nothing replaced.
    expect(r.outputs['images']!.split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      [image('pgvector-0-8-1-18-trixie', true)],
      [image('pgvector-0-8-1-18-trixie', true, 'linux/arm64')],
    ]);
    // A leg whose artifact is missing fails the merge, whatever else was uploaded.
    const missing = legsDir({ 'ext-actions-build-zzz': { 'pgvector-linux-arm64.json': planted } });
    const m = runStep(legs.run!, missing, { MATRIX });
    expect(m.code).toBe(1);
    expect(m.stdout).toContain('::error title=merge::no build result for a leg of the plan');
    expect(m.outputs).toEqual({});
  });

  it('signs and tests only pushed images; one e2e leg per image and CNPG version', () => {
    const merged = [image('pgvector-0-8-1-18-trixie', true), image('pgvector-0-8-1-17-trixie', true)];
    const r = runStep(collect.run!, workspace('ext-flow-'), {
      MERGED: JSON.stringify(merged),
      CNPG: '["main","1.30"]',
    });
    expect(r.code, r.stderr).toBe(0);
    const o = r.outputs;
    expect(JSON.parse(o['images']!)).toEqual(merged);
    expect(o['refs']!.split('\n')).toEqual(merged.map((m) => m.ref));
    expect(JSON.parse(o['e2e-matrix']!)).toEqual(
      merged.flatMap((m) =>
        ['main', '1.30'].map((cnpg) => ({ target: m.target, extension: 'pgvector', image: m.ref, cnpg })),
      ),
    );
  });

  it('never lists a digest that was built but not pushed as a ref to sign', () => {
    const r = runStep(collect.run!, workspace('ext-flow-'), {
      MERGED: '',
      LEGS: JSON.stringify([image('pgvector-0-8-1-18-trixie', false)]),
      CNPG: '["main"]',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['refs']).toBe('');
  });
});

describe('summary', () => {
  const script = byName('summary', /run summary/).run!;
  // promote's images output (actions/promote/main.ts): no target field.
  const promoted = [
    {
      repository: 'ghcr.io/acme/pgvector',
      tags: ['ghcr.io/acme/pgvector:0.8.1-18-trixie', 'ghcr.io/acme/pgvector:18-trixie'],
      digest: `sha256:${'c'.repeat(64)}`,
      ref: `ghcr.io/acme/pgvector@sha256:${'c'.repeat(64)}`,
      source: `ghcr.io/acme/pgvector-testing@sha256:${'c'.repeat(64)}`,
      changed: true,
    },
  ];
  const results = JSON.stringify({
    plan: { result: 'success', outputs: {} },
    promote: { result: 'success', outputs: {} },
  });

  it('names the production images from promote’s output shape', () => {
    const r = runStep(script, workspace('ext-flow-'), {
      EXTENSIONS: '["pgvector"]',
      IMAGES: JSON.stringify([image('pgvector-0-8-1-18-trixie', true)]),
      PROMOTED: JSON.stringify(promoted),
      RESULTS: results,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).not.toContain('null');
    expect(r.summary).toContain(
      `| ghcr.io/acme/pgvector | \`${promoted[0]!.ref}\` | \`0.8.1-18-trixie\` \`18-trixie\` |`,
    );
  });

  it('shows images built without pushing as not pushed, and fails when a job failed', () => {
    const r = runStep(script, workspace('ext-flow-'), {
      EXTENSIONS: '["pgvector"]',
      IMAGES: JSON.stringify([image('pgvector-0-8-1-18-trixie', false)]),
      PROMOTED: '',
      RESULTS: JSON.stringify({ plan: { result: 'success' }, build: { result: 'failure' } }),
    });
    expect(r.code).toBe(1);
    expect(r.summary).toContain('| pgvector-0-8-1-18-trixie | not pushed |');
  });
});
