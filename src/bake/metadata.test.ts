import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGAUDIT, PGVECTOR, writeRepo } from '../../test/bake/support/fixtures.js';
import { buildPlan, loadExtensions, type Plan } from '../matrix/index.js';
import {
  imageNames,
  imagesFromMetadata,
  parseBakeMetadata,
  parseCreateMetadata,
  refsOf,
} from './metadata.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

let dir: string;
let plan: Plan;
beforeAll(async () => {
  dir = writeRepo([PGVECTOR, PGAUDIT]);
  const exts = await loadExtensions(path.join(dir, 'exts'));
  plan = buildPlan(exts, {
    registry: 'localhost:5000',
    environment: 'testing',
    timestamp: new Date('2026-03-04T05:06:07Z'),
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What buildx writes for a multi-platform pushed target (no provenance: BUILDX_METADATA_PROVENANCE=disabled). */
const entry = (target: string, digest: string, names: string) => ({
  'buildx.build.ref': `b/b0/${target.slice(0, 10)}`,
  'containerimage.descriptor': { mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: 1609 },
  'containerimage.digest': digest,
  'image.name': names,
});

function metadataFor(p: Plan, digests: string[]): string {
  const out: Record<string, unknown> = { 'buildx.build.warnings': [] };
  p.targets.forEach((t, i) => (out[t.name] = entry(t.name, digests[i]!, t.tags.join(','))));
  return JSON.stringify(out);
}

describe('bake metadata', () => {
  it('gives one image per target with the index digest and <repository>@<digest>', () => {
    const m = parseBakeMetadata(metadataFor(plan, [D1, D2, D3]), 'meta.json');
    expect(Object.keys(m.targets)).toEqual(plan.targets.map((t) => t.name));
    const images = imagesFromMetadata(plan, m, { push: true, byDigest: false });
    expect(images.map((i) => i.target)).toEqual([
      'pgaudit-18_0-18-trixie',
      'pgvector-0_8_1-18-bookworm',
      'pgvector-0_8_1-18-trixie',
    ]);
    expect(images[1]).toMatchObject({
      extension: 'pgvector',
      distro: 'bookworm',
      pgMajor: '18',
      repository: 'localhost:5000/pgvector-testing',
      tags: [
        'localhost:5000/pgvector-testing:0.8.1-18-bookworm',
        'localhost:5000/pgvector-testing:0.8.1-202603040506-18-bookworm',
      ],
      digest: D2,
      ref: `localhost:5000/pgvector-testing@${D2}`,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      created: '2026-03-04T05:06:07Z',
    });
    expect(refsOf(images).split('\n')).toEqual(images.map((i) => i.ref));
    expect(refsOf(images.map((i) => ({ ...i, pushed: false })))).toBe('');
  });

  it('splits image.name on commas', () => {
    expect(imageNames(entry('x', D1, 'a/b:1, a/b:2'))).toEqual(['a/b:1', 'a/b:2']);
  });

  it('accepts a single-platform entry with a config digest and provenance left in', () => {
    const text = JSON.stringify({
      t: {
        'buildx.build.provenance': { buildType: 'x' },
        'containerimage.config.digest': D3,
        'containerimage.descriptor': {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: D1,
          size: 5,
          annotations: { 'config.digest': D3 },
        },
        'containerimage.digest': D1,
      },
    });
    expect(parseBakeMetadata(text, 'f').targets['t']!['containerimage.digest']).toBe(D1);
  });

  it('rejects a target missing from the metadata, naming it', () => {
    const m = parseBakeMetadata(
      metadataFor({ ...plan, targets: plan.targets.slice(1) }, [D1, D2]),
      'meta.json',
    );
    expect(() => imagesFromMetadata(plan, m, { push: true, byDigest: false })).toThrow(
      /no result for target pgaudit-18_0-18-trixie/,
    );
  });

  it('rejects bad digests, mismatched descriptors and names outside the repository', () => {
    expect(() => parseBakeMetadata('{"t":{"containerimage.digest":"sha256:xyz"}}', 'f')).toThrow(
      /f: target "t": containerimage.digest/,
    );
    expect(() =>
      parseBakeMetadata(JSON.stringify({ t: { ...entry('t', D1, 'a'), 'containerimage.digest': D2 } }), 'f'),
    ).toThrow(/differs from containerimage.descriptor.digest/);
    expect(() => parseBakeMetadata('[]', 'f')).toThrow(/expected a JSON object/);
    expect(() => parseBakeMetadata('{', 'f')).toThrow(/not valid JSON/);
    const wrong = JSON.parse(metadataFor(plan, [D1, D2, D3])) as Record<string, Record<string, string>>;
    wrong[plan.targets[0]!.name]!['image.name'] = 'docker.io/evil/x:1';
    expect(() =>
      imagesFromMetadata(plan, parseBakeMetadata(JSON.stringify(wrong), 'f'), {
        push: true,
        byDigest: false,
      }),
    ).toThrow(/pushed docker.io\/evil\/x:1, outside its repository/);
  });

  it('has no tags for images pushed by digest (image.name is <repository>@<digest>)', () => {
    const out: Record<string, unknown> = {};
    for (const t of plan.targets) out[t.name] = entry(t.name, D1, `${t.repository}@${D1}`);
    const images = imagesFromMetadata(plan, parseBakeMetadata(JSON.stringify(out), 'f'), {
      push: true,
      byDigest: true,
    });
    expect(images.every((i) => i.tags.length === 0)).toBe(true);
  });

  it("reads imagetools create metadata: the digest is the descriptor's (buildx writes no containerimage.digest)", () => {
    const text = JSON.stringify({
      'containerimage.descriptor': {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: D1,
        size: 866,
      },
      'image.name': 'localhost:5000/pgvector-testing',
    });
    expect(parseCreateMetadata(text, 'merge.json')).toEqual({
      digest: D1,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      names: ['localhost:5000/pgvector-testing'],
    });
    expect(() => parseCreateMetadata('{"image.name":"x"}', 'merge.json')).toThrow(
      /^merge\.json: containerimage\.descriptor: /,
    );
    expect(() =>
      parseCreateMetadata(JSON.stringify({ ...JSON.parse(text), 'containerimage.digest': D2 }), 'merge.json'),
    ).toThrow(/differs from containerimage\.descriptor\.digest/);
    expect(() => parseCreateMetadata('{', 'merge.json')).toThrow(/merge\.json: not valid JSON/);
  });
});
