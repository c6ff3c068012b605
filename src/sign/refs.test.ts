import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { parseImageList, parseImageRef, parseImages } from './refs.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImages', () => {
  it('reads a newline list, skipping blanks and comments, and signs duplicates once', () => {
    const refs = parseImages(
      `\nghcr.io/acme/pgvector@${D}\n# a comment\n127.0.0.1:5000/x/y@${D}\nghcr.io/acme/pgvector@${D}\n`,
    );
    expect(refs.map((r) => r.ref)).toEqual([`ghcr.io/acme/pgvector@${D}`, `127.0.0.1:5000/x/y@${D}`]);
    expect(refs[1]).toEqual({ ref: `127.0.0.1:5000/x/y@${D}`, repository: '127.0.0.1:5000/x/y', digest: D });
  });

  it("reads the bake action's images JSON (objects with ref) and plain string lists", () => {
    expect(
      parseImages(JSON.stringify([{ ref: `ghcr.io/a/b@${D}`, tags: ['x'] }, `ghcr.io/a/c@${D}`])).map(
        (r) => r.ref,
      ),
    ).toEqual([`ghcr.io/a/b@${D}`, `ghcr.io/a/c@${D}`]);
    expect(parseImages('[]')).toEqual([]);
    expect(parseImages('  ')).toEqual([]);
  });

  it('leaves out bake images that were not pushed, naming them apart', () => {
    const images = JSON.stringify([
      { ref: `ghcr.io/a/b@${D}`, pushed: true },
      { ref: `ghcr.io/a/c@${D}`, pushed: false },
      { ref: `ghcr.io/a/d@${D}` },
    ]);
    expect(parseImageList(images)).toEqual({
      refs: [
        { ref: `ghcr.io/a/b@${D}`, repository: 'ghcr.io/a/b', digest: D },
        { ref: `ghcr.io/a/d@${D}`, repository: 'ghcr.io/a/d', digest: D },
      ],
      notPushed: [`ghcr.io/a/c@${D}`],
    });
    expect(parseImages(images).map((r) => r.ref)).toEqual([`ghcr.io/a/b@${D}`, `ghcr.io/a/d@${D}`]);
  });

  it('drops a tag written before the digest: the digest is what is signed', () => {
    expect(parseImageRef(`ghcr.io/acme/pgvector:0.8.1@${D}`)).toMatchObject({
      ref: `ghcr.io/acme/pgvector@${D}`,
    });
    expect(parseImageRef(`localhost:5000/pgvector:1@${D}`)).toMatchObject({
      repository: 'localhost:5000/pgvector',
    });
  });

  it('signs the repository exactly as written (no Docker Hub normalisation)', () => {
    expect(parseImageRef(`acme/pgvector@${D}`)).toEqual({
      ref: `acme/pgvector@${D}`,
      repository: 'acme/pgvector',
      digest: D,
    });
    expect(parseImageRef(`pgvector:1@${D}`)).toMatchObject({ repository: 'pgvector' });
    expect(parseImageRef(`a:b:c@${D}`)).toContain('"a:b" is not a valid repository name');
  });

  it('refuses tags, short or upper-case digests, and bad names, listing every problem', () => {
    const err = (() => {
      try {
        parseImages(
          `ghcr.io/a/b:1.0\nghcr.io/a/b@sha256:abc\nghcr.io/A/b@${D}\nghcr.io/a/b@${D.toUpperCase()}`,
        );
      } catch (e) {
        return e as UserError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain('4 refs are invalid; nothing was signed');
    expect(err.details[0]).toContain('has no digest');
    expect(err.details[1]).toContain('sha256:<64 lower-case hex digits>');
    expect(err.details[2]).toContain('"ghcr.io/A/b" is not a valid repository name');
    expect(err.details).toHaveLength(4);
  });

  it('refuses JSON that is not a list of refs', () => {
    expect(() => parseImages('[{"name":"x"}]')).toThrow(
      'item 0 must be a "<repository>@<digest>" string or an object with a "ref" field',
    );
    expect(() => parseImages('[nope')).toThrow('looks like JSON but does not parse');
    expect(() => parseImages('["ghcr.io/a/b:latest"]')).toThrow('has no digest');
  });
});
