import { execFileSync } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectedExtensions, gitChangedFiles, isNullRef } from './changed.js';
import { tempDir } from '../../test/support/tmp.js';

const extensions = new Map<string, string[]>([
  ['pgvector', []],
  ['postgis', []],
  ['pgrouting', ['postgis']],
  ['h3-routing', ['pgrouting']],
  ['pgaudit', []],
]);

describe('affectedExtensions', () => {
  it('selects the extension whose folder changed', () => {
    const r = affectedExtensions({ root: '.', paths: ['pgvector/Dockerfile', 'README.md'], extensions });
    expect(r.extensions).toEqual(['pgvector']);
    expect(r.reasons).toEqual({ pgvector: 'pgvector/Dockerfile changed' });
    expect(r.all).toBe(false);
  });

  it('quotes a changed file name holding a line break, so no reason starts a line of its own', () => {
    const r = affectedExtensions({ root: '.', paths: ['pgvector/x\n::error::owned'], extensions });
    expect(r.reasons).toEqual({ pgvector: '"pgvector/x\\n::error::owned" changed' });
  });

  it('selects extensions requiring a selected one, transitively', () => {
    const r = affectedExtensions({ root: '.', paths: ['postgis/metadata.hcl'], extensions });
    expect(r.extensions).toEqual(['h3-routing', 'pgrouting', 'postgis']);
    expect(r.reasons['pgrouting']).toBe('requires postgis');
    expect(r.reasons['h3-routing']).toBe('requires pgrouting');
  });

  it('selects every extension when a shared path changes', () => {
    const r = affectedExtensions({ root: '.', paths: ['test/chainsaw-test.yaml'], extensions });
    expect(r.extensions).toEqual(['h3-routing', 'pgaudit', 'pgrouting', 'pgvector', 'postgis']);
    expect(r.all).toBe(true);
    expect(r.reasons['pgaudit']).toBe('shared path test/chainsaw-test.yaml changed');
  });

  it('honours custom shared globs and a root folder', () => {
    const r = affectedExtensions({
      root: 'extensions',
      paths: ['extensions/pgaudit/README.md', 'pgvector/Dockerfile', 'extensions/notes.md'],
      extensions,
      shared: ['scripts/**'],
    });
    expect(r.extensions).toEqual(['pgaudit']);
    const all = affectedExtensions({
      root: 'extensions/',
      paths: ['scripts/stage_libs.sh'],
      extensions,
      shared: ['scripts/**'],
    });
    expect(all.all).toBe(true);
    const rootTest = affectedExtensions({
      root: 'extensions',
      paths: ['extensions/test/x.yaml'],
      extensions,
    });
    expect(rootTest.all).toBe(true);
  });

  it('reports changed folders that no longer hold an extension, without failing', () => {
    const r = affectedExtensions({
      root: '.',
      paths: ['old-ext/metadata.hcl', '.github/dependabot.yml'],
      extensions,
    });
    expect(r.extensions).toEqual([]);
    expect(r.removed).toEqual(['old-ext']);
  });

  it('returns nothing for no changes', () => {
    expect(affectedExtensions({ root: '.', paths: [], extensions }).extensions).toEqual([]);
  });
});

describe('isNullRef', () => {
  it('treats missing and all-zero commits as "no base"', () => {
    expect(isNullRef(undefined)).toBe(true);
    expect(isNullRef('')).toBe(true);
    expect(isNullRef('0000000000000000000000000000000000000000')).toBe(true);
    expect(isNullRef('abc123')).toBe(false);
  });
});

describe('gitChangedFiles', () => {
  function git(cwd: string, ...args: string[]): string {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    }).trim();
  }

  it('lists files changed since the merge base, renames as both paths', async () => {
    const repo = await tempDir('ext-git-');
    git(repo, 'init', '-q', '-b', 'main');
    await mkdir(path.join(repo, 'alpha'));
    await writeFile(path.join(repo, 'alpha', 'metadata.hcl'), 'a');
    await mkdir(path.join(repo, 'beta'));
    await writeFile(path.join(repo, 'beta', 'Dockerfile'), 'b');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'feature');
    await rename(path.join(repo, 'beta'), path.join(repo, 'gamma'));
    await writeFile(path.join(repo, 'alpha', 'metadata.hcl'), 'a2');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'change');
    // A later commit on main must not show up (three-dot: changes since the merge base).
    git(repo, 'checkout', '-q', 'main');
    await writeFile(path.join(repo, 'main-only.txt'), 'x');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'main moved');
    const files = await gitChangedFiles('main', 'feature', repo);
    expect(files.sort()).toEqual(['alpha/metadata.hcl', 'beta/Dockerfile', 'gamma/Dockerfile']);
    expect(await gitChangedFiles(base, 'feature', repo)).toHaveLength(3);
    await rm(repo, { recursive: true, force: true });
  });

  it('fails with a clear message for an unknown ref, and rejects option-like refs before running git', async () => {
    const repo = await tempDir('ext-git-');
    git(repo, 'init', '-q');
    await expect(gitChangedFiles('nope', 'HEAD', repo)).rejects.toThrow(
      /^git diff nope\.\.\.HEAD failed in .*: .*fetch-depth: 0/,
    );
    await expect(gitChangedFiles('--output=/tmp/x', 'HEAD', repo)).rejects.toThrow(
      /^base: expected a git commit or ref, got "--output=\/tmp\/x"/,
    );
    await rm(repo, { recursive: true, force: true });
  });
});
