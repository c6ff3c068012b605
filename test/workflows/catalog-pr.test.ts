/**
 * The catalog job's "Open or update the catalogs pull request" step, run as the runner runs it, against
 * a real git remote (a local bare repository) and a fake `gh` (test/workflows/fakes/gh).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
const wf = parse(readFileSync(path.join(repo, '.github/workflows/extensions.yml'), 'utf8')) as {
  jobs: Record<string, { steps: { name?: string; run?: string; env?: Record<string, string> }[] }>;
};
const step = wf.jobs['catalog']!.steps.find((s) => /pull request/.test(s.name ?? ''))!;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

function setup() {
  const dir = workspace('ext-catalog-pr-');
  const remote = path.join(dir, 'remote.git');
  git(dir, 'init', '--quiet', '--bare', '--initial-branch', 'main', remote);
  const seed = path.join(dir, 'seed');
  git(dir, 'clone', '--quiet', remote, seed);
  writeFileSync(path.join(seed, 'README.md'), 'artifacts\n');
  git(seed, 'add', '.');
  git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', 'origin', 'main');
  const work = path.join(dir, 'work');
  mkdirSync(path.join(work, 'image-catalogs'), { recursive: true });
  writeFileSync(
    path.join(work, 'image-catalogs', 'catalog-minimal-trixie.yaml'),
    'kind: ClusterImageCatalog\n',
  );
  writeFileSync(path.join(work, 'image-catalogs', 'catalog-minimal-trixie.yaml.sigstore.json'), '{}\n');
  const env = {
    PATH: `${path.join(import.meta.dirname, 'fakes')}:${process.env['PATH']}`,
    HOME: dir,
    GH_TOKEN: 'token',
    REPOSITORY: 'acme/artifacts',
    TARGET: 'image-catalogs-extensions',
    SOURCE: 'acme/extensions',
    SHA: 'f'.repeat(40),
    FAKE_GH_REMOTE: remote,
    FAKE_GH_LOG: path.join(dir, 'gh.log'),
    FAKE_GH_PRS: path.join(dir, 'prs.json'),
  };
  return { dir, remote, work, env };
}

describe('catalog job: the pull request in catalog-repository', () => {
  it('pushes a signed-off commit with the catalogs and their bundles to a branch, opens one pull request, then updates it', () => {
    const { remote, work, env, dir } = setup();
    const first = runStep(step.run!, work, env);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const files = git(dir, '--git-dir', remote, 'ls-tree', '-r', '--name-only', 'ext-actions/image-catalogs');
    expect(files.split('\n')).toEqual([
      'README.md',
      'image-catalogs-extensions/catalog-minimal-trixie.yaml',
      'image-catalogs-extensions/catalog-minimal-trixie.yaml.sigstore.json',
    ]);
    const message = git(dir, '--git-dir', remote, 'log', '-1', '--format=%B', 'ext-actions/image-catalogs');
    expect(message).toContain('chore: update extension image catalogs');
    expect(message).toContain(`From acme/extensions@${'f'.repeat(40)}.`);
    expect(message).toMatch(/Signed-off-by: github-actions\[bot\] </);
    const prs = JSON.parse(readFileSync(env.FAKE_GH_PRS, 'utf8')) as { head: string; repo: string }[];
    expect(prs).toEqual([
      expect.objectContaining({ repo: 'acme/artifacts', head: 'ext-actions/image-catalogs' }),
    ]);

    // Same catalogs again: nothing to commit, nothing opened.
    const same = runStep(step.run!, work, env);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(
      'The catalogs in acme/artifacts are up to date (branch ext-actions/image-catalogs).',
    );
    // New catalogs: the branch moves, the open pull request is reused.
    writeFileSync(
      path.join(work, 'image-catalogs', 'catalog-minimal-trixie.yaml'),
      'kind: ClusterImageCatalog\n# new\n',
    );
    const again = runStep(step.run!, work, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      'The open pull request on ext-actions/image-catalogs now carries the new catalogs.',
    );
    expect(JSON.parse(readFileSync(env.FAKE_GH_PRS, 'utf8'))).toHaveLength(1);

    // The default branch gets these catalogs (the pull request was merged elsewhere, say), and a base is
    // dropped: the stale catalog goes, and the open pull request that would bring it back is closed.
    const seed = path.join(dir, 'merge');
    git(dir, 'clone', '--quiet', '--branch', 'ext-actions/image-catalogs', remote, seed);
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    const done = runStep(step.run!, work, env);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('The catalogs in acme/artifacts are up to date.');
    expect(JSON.parse(readFileSync(env.FAKE_GH_PRS, 'utf8'))[0].closed).toMatch(
      /^The default branch already has these catalogs/,
    );
    rmSync(path.join(work, 'image-catalogs', 'catalog-minimal-trixie.yaml.sigstore.json'));
    rmSync(path.join(work, 'image-catalogs', 'catalog-minimal-trixie.yaml'));
    writeFileSync(
      path.join(work, 'image-catalogs', 'catalog-minimal-bookworm.yaml'),
      'kind: ClusterImageCatalog\n',
    );
    writeFileSync(path.join(work, 'image-catalogs', 'catalog-minimal-bookworm.yaml.sigstore.json'), '{}\n');
    const dropped = runStep(step.run!, work, env);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(
      git(dir, '--git-dir', remote, 'ls-tree', '-r', '--name-only', 'ext-actions/image-catalogs').split('\n'),
    ).toEqual([
      'README.md',
      'image-catalogs-extensions/catalog-minimal-bookworm.yaml',
      'image-catalogs-extensions/catalog-minimal-bookworm.yaml.sigstore.json',
    ]);
  });

  it('without the catalog-token secret, or with a path leaving the repository: one error, nothing pushed', () => {
    const { remote, work, env, dir } = setup();
    const noToken = runStep(step.run!, work, { ...env, GH_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.stdout).toContain(
      '::error title=catalog::catalog-repository is set but the catalog-token secret is not',
    );
    const escape = runStep(step.run!, work, { ...env, TARGET: '../outside' });
    expect(escape.code).toBe(1);
    expect(escape.stdout).toContain(
      '::error title=catalog::catalog-path must stay inside the repository, got ../outside',
    );
    expect(git(dir, '--git-dir', remote, 'branch', '--list')).not.toContain('ext-actions/image-catalogs');
  });
});
