import { describe, expect, it } from 'vitest';
import { planPromotions } from './promotions.js';

const D = `sha256:${'b'.repeat(64)}`;

describe('planPromotions', () => {
  it('maps bake images from <repo>-testing to <repo>, keeping tag names and adding extra tags', () => {
    const images = JSON.stringify([
      {
        repository: 'ghcr.io/o/pgvector-testing',
        digest: D,
        tags: ['ghcr.io/o/pgvector-testing:0.8.1-18-trixie'],
        extra: 1,
      },
    ]);
    expect(planPromotions({ images, tags: ['latest'] })).toEqual([
      {
        source: `ghcr.io/o/pgvector-testing@${D}`,
        destination: 'ghcr.io/o/pgvector',
        tags: ['0.8.1-18-trixie', 'latest'],
      },
    ]);
    expect(planPromotions({ images, suffix: '-testing' })[0]!.tags).toEqual(['0.8.1-18-trixie']);
  });

  it('takes one source and destination, defaulting to the source tag', () => {
    expect(planPromotions({ source: `ghcr.io/o/a:v1@${D}`, destination: 'ghcr.io/o/b' })).toEqual([
      { source: `ghcr.io/o/a:v1@${D}`, destination: 'ghcr.io/o/b', tags: ['v1'] },
    ]);
  });

  it.each([
    [{}, /inputs "images" or "source": one is required/],
    [{ images: '[]', source: 'a' }, /give one of them, not both/],
    [{ source: 'ghcr.io/a/b' }, /input "destination": required with "source"/],
    [{ images: 'nope' }, /input "images": not valid JSON/],
    [
      { images: '[{"repository":"ghcr.io/a/b-testing"}]' },
      /input "images": expected a JSON list of \{repository, digest, tags\}: 0\.digest/,
    ],
    [
      { images: JSON.stringify([{ repository: 'ghcr.io/a/b-testing', digest: 'sha256:1', tags: [] }]) },
      /input "images"\[0\]\.digest: expected the digest/,
    ],
    [
      { images: JSON.stringify([{ repository: 'ghcr.io/a/b', digest: D, tags: [] }]) },
      /does not end with "-testing"/,
    ],
    [{ images: '[]', destination: 'x/y' }, /input "destination": only used with "source"/],
  ])('rejects %j', (req, message) => {
    expect(() => planPromotions(req)).toThrow(message);
  });
});
