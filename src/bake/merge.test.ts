import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMD_ONLY, PGVECTOR, writeRepo } from '../../test/bake/support/fixtures.js';
import { buildPlan, loadExtensions, type Plan } from '../matrix/index.js';
import { createdOf, indexAnnotations, parseImagesInput, planMerge } from './merge.js';
import type { BakeImage } from './metadata.js';

const D = (n: number) => `sha256:${String(n).repeat(64)}`;
let dir: string;
let plan: Plan;
beforeAll(async () => {
  dir = writeRepo([PGVECTOR, AMD_ONLY]);
  plan = buildPlan(await loadExtensions(path.join(dir, 'exts')), {
    registry: 'ghcr.io/acme',
    environment: 'production',
    timestamp: new Date('2026-03-04T05:06:07Z'),
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function perPlatform(platform: string, digit: number): BakeImage[] {
  return plan.targets
    .filter((t) => t.platforms.includes(platform))
    .map((t) => ({
      target: t.name,
      extension: t.extension,
      distro: t.distro,
      pgMajor: t.pgMajor,
      repository: t.repository,
      tags: [],
      digest: D(digit),
      ref: `${t.repository}@${D(digit)}`,
      platforms: [platform],
      mediaType: 'application/vnd.oci.image.index.v1+json',
      pushed: true,
      created: '2026-03-04T05:06:07Z',
    }));
}

describe('merge', () => {
  it('reads several per-platform outputs, one JSON list per line', () => {
    const text = `${JSON.stringify(perPlatform('linux/amd64', 1))}\n\n${JSON.stringify(perPlatform('linux/arm64', 2))}\n`;
    expect(parseImagesInput(text)).toHaveLength(5);
    expect(parseImagesInput(JSON.stringify(perPlatform('linux/arm64', 2)))).toHaveLength(2);
  });

  it('names the input and line for bad JSON or bad entries', () => {
    expect(() => parseImagesInput('[]\nnot json')).toThrow(/input "images": line 2 is not a JSON list/);
    expect(() => parseImagesInput('[{"target":"x"}]')).toThrow(/input "images": image 1: extension/);
    expect(() => parseImagesInput('  ')).toThrow(/input "images": expected the "images" outputs/);
  });

  it("joins each target's platforms into one index with its tags and index annotations", () => {
    const jobs = planMerge(plan, [...perPlatform('linux/amd64', 1), ...perPlatform('linux/arm64', 2)]);
    const vec = jobs.find((j) => j.target.name === 'pgvector-0_8_1-18-trixie')!;
    expect(vec.sources).toEqual([`ghcr.io/acme/pgvector@${D(1)}`, `ghcr.io/acme/pgvector@${D(2)}`]);
    expect(vec.tags).toEqual([
      'ghcr.io/acme/pgvector:0.8.1-18-trixie',
      'ghcr.io/acme/pgvector:0.8.1-202603040506-18-trixie',
    ]);
    expect(vec.annotations).toContain('index:io.cloudnativepg.image.base.pgmajor=18');
    expect(vec.annotations.every((a) => a.startsWith('index:'))).toBe(true);
    const amd = jobs.find((j) => j.target.extension === 'amdonly')!;
    expect(amd.sources).toEqual([`ghcr.io/acme/amdonly@${D(1)}`]);
    expect(indexAnnotations(vec.target)).toHaveLength(16);
  });

  it('refuses a missing platform, a duplicate, an unpushed image or a target outside the plan', () => {
    expect(() => planMerge(plan, perPlatform('linux/amd64', 1))).toThrow(
      /pgvector-0_8_1-18-bookworm: no image for linux\/arm64/,
    );
    const all = [...perPlatform('linux/amd64', 1), ...perPlatform('linux/arm64', 2)];
    expect(() => planMerge(plan, [...all, perPlatform('linux/arm64', 3)[0]!])).toThrow(
      /built by more than one job/,
    );
    expect(() =>
      planMerge(
        plan,
        all.map((i) => ({ ...i, pushed: false })),
      ),
    ).toThrow(/was not pushed/);
    expect(() => planMerge(plan, [...all, { ...all[0]!, target: 'other-1-18-x' }])).toThrow(
      /other-1-18-x is not in this plan/,
    );
  });

  it('uses the latest build time of the per-platform jobs', () => {
    const images = perPlatform('linux/amd64', 1);
    images[0] = { ...images[0]!, created: '2026-03-04T05:07:00Z' };
    expect(createdOf(images)).toBe('2026-03-04T05:07:00Z');
    expect(createdOf([])).toBeUndefined();
  });
});
