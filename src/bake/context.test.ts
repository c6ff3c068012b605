import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultBase, defaultHead, defaultRegistry, repositoryUrl } from './context.js';

describe('GitHub defaults', () => {
  it('registry is ghcr.io/<owner> in lower case', () => {
    expect(defaultRegistry({ GITHUB_REPOSITORY_OWNER: 'CloudNative-PG' })).toBe('ghcr.io/cloudnative-pg');
    expect(defaultRegistry({})).toBe('localhost:5000');
    expect(repositoryUrl({ GITHUB_REPOSITORY: 'a/b', GITHUB_SERVER_URL: 'https://ghe.example/' })).toBe(
      'https://ghe.example/a/b',
    );
  });

  it('base comes from the pull request, the merge group or the push event', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-ev-'));
    try {
      const file = path.join(dir, 'event.json');
      writeFileSync(file, JSON.stringify({ pull_request: { base: { sha: 'abc' } } }));
      expect(defaultBase({ GITHUB_EVENT_PATH: file })).toBe('abc');
      writeFileSync(file, JSON.stringify({ before: '0000000000000000000000000000000000000000' }));
      expect(defaultBase({ GITHUB_EVENT_PATH: file })).toBe('0000000000000000000000000000000000000000');
      writeFileSync(file, JSON.stringify({ merge_group: { base_sha: 'mg' } }));
      expect(defaultBase({ GITHUB_EVENT_PATH: file })).toBe('mg');
      expect(defaultBase({})).toBe('');
      expect(defaultHead({ GITHUB_SHA: 'h' })).toBe('h');
      expect(defaultHead({})).toBe('HEAD');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
