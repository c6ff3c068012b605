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

  it('names each artifact by leg and downloads them all into the folder merge reads', () => {
    expect(upload.with!['name']).toBe('ext-actions-build-${{ matrix.leg }}');
    expect(keep.run).toContain('.ext-actions-out/$LEG.json');
    expect(download.with).toMatchObject({
      pattern: 'ext-actions-build-*',
      path: '.ext-actions-out',
      'merge-multiple': true,
    });
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

  function legsDir(files: Record<string, unknown>) {
    const dir = workspace('ext-flow-');
    mkdirSync(path.join(dir, '.ext-actions-out'));
    for (const [f, v] of Object.entries(files)) {
      writeFileSync(path.join(dir, '.ext-actions-out', f), `${JSON.stringify(v)}\n`);
    }
    return dir;
  }

  it('hands bake merge one JSON list per leg', () => {
    const dir = legsDir({
      'pgvector-linux-amd64.json': [image('pgvector-0-8-1-18-trixie', true)],
      'pgvector-linux-arm64.json': [image('pgvector-0-8-1-18-trixie', true, 'linux/arm64')],
    });
    const r = runStep(legs.run!, dir, {});
    expect(r.code, r.stderr).toBe(0);
    const lines = r.outputs['images']!.split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { platforms: string[] }[])[0]!.platforms)).toEqual([
      ['linux/amd64'],
      ['linux/arm64'],
    ]);
  });

  it('signs and tests only pushed images; one e2e leg per image and CNPG version', () => {
    const merged = [image('pgvector-0-8-1-18-trixie', true), image('pgvector-0-8-1-17-trixie', true)];
    const r = runStep(collect.run!, legsDir({}), {
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
    const r = runStep(
      collect.run!,
      legsDir({ 'pgvector.json': [image('pgvector-0-8-1-18-trixie', false)] }),
      {
        MERGED: '',
        CNPG: '["main"]',
      },
    );
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
