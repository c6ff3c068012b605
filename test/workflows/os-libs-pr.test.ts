/**
 * os-libs.yml's "Open or update the pull request" step (one matrix job per extension), run as the runner
 * runs it, against a real git remote (a local bare repository standing in for the caller's repository)
 * and a fake `gh` (test/workflows/fakes/gh): one branch and one pull request per extension, signed off,
 * nothing when the lists equal the default branch's, an open pull request updated rather than duplicated.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
const wf = parse(readFileSync(path.join(repo, '.github/workflows/os-libs.yml'), 'utf8')) as {
  jobs: Record<
    string,
    {
      permissions: Record<string, string>;
      steps: { name?: string; uses?: string; run?: string; env?: Record<string, string> }[];
    }
  >;
};
const step = wf.jobs['pull-request']!.steps.find((s) => s.name === 'Open or update the pull request')!;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const OLD = 'libcurl4t64_8.14.1-2_amd64.deb\nlibssl3t64_3.5.1-1_amd64.deb\n';
const NEW = 'libcurl4t64_8.14.1-2+deb13u1_amd64.deb\nlibssl3t64_3.5.1-1_amd64.deb\n';

interface Pr {
  number: number;
  repo: string;
  head: string;
  title: string;
  body: string;
  closed?: string;
}

/** A remote whose default branch has postgis (with a library list) and pgrouting (none yet) under root. */
function setup(root = '.') {
  const dir = workspace('ext-os-libs-pr-');
  const remote = path.join(dir, 'remote.git');
  git(dir, 'init', '--quiet', '--bare', '--initial-branch', 'main', remote);
  const seed = path.join(dir, 'seed');
  git(dir, 'clone', '--quiet', remote, seed);
  const at = (...p: string[]) => path.join(seed, root, ...p);
  mkdirSync(at('postgis', 'system-libs'), { recursive: true });
  mkdirSync(at('pgrouting'), { recursive: true });
  writeFileSync(at('postgis', 'metadata.hcl'), 'metadata = {}\n');
  writeFileSync(at('pgrouting', 'metadata.hcl'), 'metadata = {}\n');
  writeFileSync(at('postgis', 'system-libs', '18-trixie-os-libs.txt'), OLD);
  git(seed, 'add', '.');
  git(seed, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', 'origin', 'main');
  const work = path.join(dir, 'work');
  mkdirSync(work);
  const env = {
    PATH: `${path.join(import.meta.dirname, 'fakes')}:${process.env['PATH']}`,
    HOME: dir,
    GH_TOKEN: 'token',
    CUSTOM_TOKEN: 'false',
    REPOSITORY: 'acme/extensions',
    ROOT: root,
    SHA: 'f'.repeat(40),
    FAKE_GH_REMOTE: remote,
    FAKE_GH_LOG: path.join(dir, 'gh.log'),
    FAKE_GH_PRS: path.join(dir, 'prs.json'),
  };
  /** The downloaded artifact: `os-libs/<extension>/<file>` as the libs job uploads it. */
  const artifact = (extension: string, files: Record<string, string>) => {
    rmSync(path.join(work, 'os-libs', extension), { recursive: true, force: true });
    mkdirSync(path.join(work, 'os-libs', extension), { recursive: true });
    for (const [name, text] of Object.entries(files))
      writeFileSync(path.join(work, 'os-libs', extension, name), text);
  };
  const run = (extension: string, extra: Record<string, string> = {}) =>
    runStep(step.run!, work, { ...env, EXTENSION: extension, ...extra });
  const prs = (): Pr[] =>
    existsSync(env.FAKE_GH_PRS) ? (JSON.parse(readFileSync(env.FAKE_GH_PRS, 'utf8')) as Pr[]) : [];
  const branches = () =>
    git(dir, '--git-dir', remote, 'branch', '--list', '--format=%(refname:short)').split('\n').sort();
  const tip = (branch: string) => git(dir, '--git-dir', remote, 'rev-parse', branch);
  return { dir, remote, work, env, artifact, run, prs, branches, tip };
}

describe('os-libs.yml: the pull request per extension', () => {
  it('opens one pull request per changed extension on <extension>-os-libraries, with a signed-off commit of its system-libs/ only', () => {
    const t = setup();
    t.artifact('postgis', {
      '18-trixie-os-libs.txt': NEW,
      '18-trixie-arm64-os-libs.txt': NEW.replaceAll('amd64', 'arm64'),
    });
    t.artifact('pgrouting', { '18-trixie-os-libs.txt': 'libboost-graph1.83.0_1.83.0-4_amd64.deb\n' });
    for (const extension of ['postgis', 'pgrouting']) {
      const r = t.run(extension);
      expect(r.code, r.stderr + r.stdout).toBe(0);
    }
    expect(t.branches()).toEqual(['main', 'pgrouting-os-libraries', 'postgis-os-libraries']);
    const changed = (branch: string) =>
      git(t.dir, '--git-dir', t.remote, 'diff', '--name-only', 'main', branch).split('\n');
    expect(changed('postgis-os-libraries')).toEqual([
      'postgis/system-libs/18-trixie-arm64-os-libs.txt',
      'postgis/system-libs/18-trixie-os-libs.txt',
    ]);
    expect(changed('pgrouting-os-libraries')).toEqual(['pgrouting/system-libs/18-trixie-os-libs.txt']);
    expect(
      git(
        t.dir,
        '--git-dir',
        t.remote,
        'show',
        'postgis-os-libraries:postgis/system-libs/18-trixie-os-libs.txt',
      ),
    ).toBe(NEW.trim());
    const message = git(t.dir, '--git-dir', t.remote, 'log', '-1', '--format=%B', 'postgis-os-libraries');
    expect(message).toMatch(/^chore: update postgis OS libraries\n/);
    expect(message).toContain(`at ${'f'.repeat(40)}`);
    expect(message).toMatch(
      /Signed-off-by: github-actions\[bot\] <41898282\+github-actions\[bot\]@users\.noreply\.github\.com>/,
    );
    // One commit on top of the default branch.
    expect(git(t.dir, '--git-dir', t.remote, 'rev-list', '--count', 'main..postgis-os-libraries')).toBe('1');
    expect(t.prs()).toEqual([
      expect.objectContaining({
        repo: 'acme/extensions',
        head: 'postgis-os-libraries',
        title: 'chore: update postgis OS libraries',
      }),
      expect.objectContaining({
        repo: 'acme/extensions',
        head: 'pgrouting-os-libraries',
        title: 'chore: update pgrouting OS libraries',
      }),
    ]);
    // With the built-in token, the body says why no check ran on it.
    expect(t.prs()[0]!.body).toContain('Opened with the built-in token, so no workflow ran on it');
    const create = readFileSync(t.env.FAKE_GH_LOG, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[])
      .find((a) => a[0] === 'pr' && a[1] === 'create')!;
    expect(create[create.indexOf('--base') + 1]).toBe('main');
  });

  it('opens nothing and pushes nothing when the lists equal the default branch’s', () => {
    const t = setup();
    t.artifact('postgis', { '18-trixie-os-libs.txt': OLD });
    const r = t.run('postgis');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('postgis: the OS libraries on main are up to date.');
    expect(t.branches()).toEqual(['main']);
    expect(t.prs()).toEqual([]);
  });

  it('updates the open pull request instead of opening another, and pushes nothing when the branch already holds the lists', () => {
    const t = setup();
    t.artifact('postgis', { '18-trixie-os-libs.txt': NEW });
    expect(t.run('postgis').code).toBe(0);
    const first = t.tip('postgis-os-libraries');

    const same = t.run('postgis');
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('postgis: branch postgis-os-libraries already holds these OS libraries.');
    expect(t.tip('postgis-os-libraries')).toBe(first);

    const newer = NEW.replace('deb13u1', 'deb13u2');
    t.artifact('postgis', { '18-trixie-os-libs.txt': newer });
    const again = t.run('postgis', { CUSTOM_TOKEN: 'true' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      'postgis: the open pull request #1 on postgis-os-libraries now carries the new OS libraries.',
    );
    expect(t.tip('postgis-os-libraries')).not.toBe(first);
    expect(
      git(
        t.dir,
        '--git-dir',
        t.remote,
        'show',
        'postgis-os-libraries:postgis/system-libs/18-trixie-os-libs.txt',
      ),
    ).toBe(newer.trim());
    // Still one commit on the default branch: the branch is rewritten, not stacked.
    expect(git(t.dir, '--git-dir', t.remote, 'rev-list', '--count', 'main..postgis-os-libraries')).toBe('1');
    expect(t.prs()).toHaveLength(1);
  });

  it('closes the open pull request once the default branch lists the same libraries', () => {
    const t = setup();
    t.artifact('postgis', { '18-trixie-os-libs.txt': NEW });
    expect(t.run('postgis').code).toBe(0);
    const merge = path.join(t.dir, 'merge');
    git(t.dir, 'clone', '--quiet', '--branch', 'postgis-os-libraries', t.remote, merge);
    git(merge, 'push', '--quiet', 'origin', 'HEAD:main');
    const r = t.run('postgis');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('postgis: the OS libraries on main are up to date.');
    expect(t.prs()[0]!.closed).toBe(`main already lists these OS libraries (checked at ${'f'.repeat(40)}).`);
  });

  it('writes into the extension folder under a nested root, and drops lists os-libs no longer writes', () => {
    const t = setup('extensions');
    t.artifact('postgis', { '18-bookworm-os-libs.txt': NEW });
    const r = t.run('postgis');
    expect(r.code, r.stderr).toBe(0);
    expect(
      git(t.dir, '--git-dir', t.remote, 'ls-tree', '-r', '--name-only', 'postgis-os-libraries').split('\n'),
    ).toEqual([
      'extensions/pgrouting/metadata.hcl',
      'extensions/postgis/metadata.hcl',
      'extensions/postgis/system-libs/18-bookworm-os-libs.txt',
    ]);
  });

  it('refuses a bad extension name, a root outside the repository and a missing artifact folder, pushing nothing', () => {
    const t = setup();
    t.artifact('postgis', { '18-trixie-os-libs.txt': NEW });
    const name = t.run('../postgis');
    expect(name.code).toBe(1);
    expect(name.stdout).toContain('::error title=os-libs::not an extension name');
    const root = t.run('postgis', { ROOT: '../elsewhere' });
    expect(root.code).toBe(1);
    expect(root.stdout).toContain('::error title=root input::expected a folder inside the repository');
    const missing = t.run('pgrouting');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      '::error title=os-libs::no library lists for extension pgrouting in the ext-actions-os-libs artifact',
    );
    expect(t.branches()).toEqual(['main']);
    expect(t.prs()).toEqual([]);
  });

  it('says what to change when the token may not open pull requests', () => {
    const t = setup();
    t.artifact('postgis', { '18-trixie-os-libs.txt': NEW });
    // gh as GitHub answers a built-in token in a repository that does not allow Actions to open pull requests.
    const bin = path.join(t.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'gh'),
      `#!/usr/bin/env bash\nif [ "$1 $2" = "pr create" ]; then echo 'pull request create failed: GraphQL: GitHub Actions is not permitted to create or approve pull requests (createPullRequest)' >&2; exit 1; fi\nexec ${JSON.stringify(path.join(import.meta.dirname, 'fakes', 'gh'))} "$@"\n`,
    );
    chmodSync(path.join(bin, 'gh'), 0o755);
    const r = t.run('postgis', { PATH: `${bin}:${t.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error title=os-libs::could not open the pull request for postgis-os-libraries; with the built-in token, allow GitHub Actions to create pull requests',
    );
  });
});

describe('os-libs.yml: jobs and permissions', () => {
  it('runs ext-actions code only in the read-only job; only the pull-request job may write', () => {
    expect(wf.jobs['libs']!.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs['pull-request']!.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    const pr = wf.jobs['pull-request']!.steps;
    expect(
      pr.some((s) => (s.run ?? '').includes('.ext-actions') || (s.uses ?? '').includes('ext-actions')),
    ).toBe(false);
    // Downloaded by its exact name, never by pattern.
    const download = pr.find((s) => (s.uses ?? '').startsWith('actions/download-artifact@')) as {
      with?: Record<string, string>;
    };
    expect(download.with).toEqual({ name: 'ext-actions-os-libs', path: 'os-libs' });
    expect(step.env!['GH_TOKEN']).toBe('${{ secrets.pull-request-token || github.token }}');
  });
});
