import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAnnotations, parseAnnotations, resolveTlog } from './sign.js';
import { signSummary } from './summary.js';

describe('annotations', () => {
  it('defaults to repo, workflow and commit', () => {
    expect(
      defaultAnnotations({
        GITHUB_REPOSITORY: 'a/b',
        GITHUB_WORKFLOW_REF: 'a/b/.github/workflows/x.yml@refs/heads/main',
        GITHUB_SHA: 'abc',
      }),
    ).toEqual(['repo=a/b', 'workflow=a/b/.github/workflows/x.yml@refs/heads/main', 'sha=abc']);
    expect(parseAnnotations(['k=v', 'org.opencontainers/x=', 'url=https://x.example/a'], {})).toEqual([
      'k=v',
      'org.opencontainers/x=',
      'url=https://x.example/a',
    ]);
    expect(() => parseAnnotations(['=v', 'novalue'], {})).toThrow('got "=v", "novalue"; nothing was signed');
  });

  it('refuses values cosign\'s -a parsing would split (a second "=", a comma, a quote)', () => {
    // cosign: "unable to parse annotation" for k=v=w; a,b is two annotations; a bare quote breaks its CSV.
    expect(() => parseAnnotations(['k=v=w', 'desc=a,b', 'q=say "hi"'], {})).toThrow(
      'with a single "=" and no "," or \'"\' in the value (cosign splits -a values there), got "k=v=w", "desc=a,b", "q=say \\"hi\\""',
    );
  });

  it('percent-encodes default values that cosign would split', () => {
    expect(
      defaultAnnotations({
        GITHUB_REPOSITORY: 'a/b',
        GITHUB_WORKFLOW_REF: 'a/b/.github/workflows/x.yml@refs/heads/fix,a=b%"',
      }),
    ).toEqual(['repo=a/b', 'workflow=a/b/.github/workflows/x.yml@refs/heads/fix%2Ca%3Db%25%22']);
  });
});

describe('tlog auto', () => {
  it('is on for public repositories and off for private or internal ones', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-tlog-'));
    try {
      const event = (repository: object) => {
        const p = path.join(dir, `${Math.random()}.json`);
        writeFileSync(p, JSON.stringify({ repository }));
        return { GITHUB_EVENT_PATH: p };
      };
      expect(await resolveTlog('auto', event({ private: false, visibility: 'public' }))).toBe(true);
      expect(await resolveTlog('auto', event({ private: true }))).toBe(false);
      expect(await resolveTlog('auto', event({ private: false, visibility: 'internal' }))).toBe(false);
      expect(await resolveTlog('auto', {})).toBe(true);
      expect(await resolveTlog('false', {})).toBe(false);
      expect(await resolveTlog('true', event({ private: true }))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('summary', () => {
  it('lists signed images and the verify commands', () => {
    const md = signSummary({
      status: 'signed',
      signed: ['ghcr.io/a/b@sha256:1'],
      files: [],
      verifyCommands: ['cosign verify --key cosign.pub ghcr.io/a/b@sha256:1'],
      verified: true,
      tlog: false,
      mode: 'key',
    });
    expect(md).toContain('| `ghcr.io/a/b` | `sha256:1` |');
    expect(md).toContain('```sh\ncosign verify --key cosign.pub ghcr.io/a/b@sha256:1\n```');
    expect(md).toContain('transparency log off');
  });
});
