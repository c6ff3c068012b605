/**
 * `ext-actions os-libs` with the real programs: Docker 28 runs the PostgreSQL 18 base image (Debian sid,
 * amd64 and arm64 under QEMU) and apt lists the library packages that installing our PostGIS example
 * (Debian's real postgresql-18-postgis-3) pulls in. The file is stable from one run to the next, and a
 * base image that already holds one of those libraries (a changed base) gives a diff.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLI, exampleRepo, type ExampleRepo } from './support/repo.js';
import { must, run } from './support/run.js';

let repo: ExampleRepo;
beforeAll(() => {
  repo = exampleRepo(['postgis', 'pgvector']);
});
afterAll(() => repo?.cleanup());

const file = (name: string) => path.join(repo.dir, repo.root, 'postgis', 'system-libs', name);

describe('os-libs (real Docker, real Debian packages)', () => {
  it('records the libraries PostGIS pulls into the base image, per platform, and finds no drift on a second run', async () => {
    const real = inject('real');
    const args = [
      CLI,
      'os-libs',
      '--root',
      repo.root,
      '--base-image',
      real.baseImageTemplate,
      '--platforms',
      'linux/amd64,linux/arm64',
    ];
    const first = await run('node', args, { cwd: repo.dir });
    expect(first.code, first.stderr).toBe(0);
    // pgvector does not opt in: only postgis is looked at, with the Dockerfile's own packages.
    expect(first.stderr).toContain(
      `postgis 18-sid linux/amd64: postgresql-18-postgis-3=${repo.versions['postgis']!.package} postgresql-18-postgis-3-scripts=${repo.versions['postgis']!.package}`,
    );
    expect(first.stderr).not.toContain('pgvector');
    const amd64 = readFileSync(file('18-sid-os-libs.txt'), 'utf8').trim().split('\n');
    const arm64 = readFileSync(file('18-sid-arm64-os-libs.txt'), 'utf8').trim().split('\n');
    expect(amd64.length).toBeGreaterThan(10);
    for (const line of amd64) expect(line).toMatch(/^lib\S+_amd64\.deb( MD5Sum:[0-9a-f]{32})?$/);
    for (const line of arm64) expect(line).toMatch(/^lib\S+_(arm64|all)\.deb( MD5Sum:[0-9a-f]{32})?$/);
    expect(amd64.some((l) => l.startsWith('libgeos'))).toBe(true);
    // Stable: the same lists again, so --check passes and writes nothing.
    const check = await run('node', [...args, '--check'], { cwd: repo.dir });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^unchanged \S+18-sid-os-libs\.txt/m);
  });

  it('a base image that changed (one of those libraries now in it) is drift: --check exits 1 naming the file', async () => {
    const real = inject('real');
    const amd64 = readFileSync(file('18-sid-os-libs.txt'), 'utf8').trim().split('\n');
    const lib = amd64.find((l) => l.startsWith('libgeos'))!.split('_')[0]!;
    const changedBase = 'ext-actions-real/pgbase-drift:18-sid';
    await must(
      'docker',
      ['build', '--network', 'host', '--platform', 'linux/amd64', '--tag', changedBase, '-'],
      {
        input: `FROM ${real.baseImage}\nUSER 0\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ${lib}\n`,
      },
    );
    const before = readFileSync(file('18-sid-os-libs.txt'), 'utf8');
    const r = await run(
      'node',
      [
        CLI,
        'os-libs',
        '--root',
        repo.root,
        '--base-image',
        'ext-actions-real/pgbase-drift:{pgMajor}-{distro}',
        '--platforms',
        'linux/amd64',
        '--check',
      ],
      { cwd: repo.dir },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^changed +\S+18-sid-os-libs\.txt/m);
    expect(r.stderr).toContain(
      `error: 1 file(s) would change: ${path.join(repo.root, 'postgis', 'system-libs', '18-sid-os-libs.txt')}`,
    );
    // --check writes nothing.
    expect(readFileSync(file('18-sid-os-libs.txt'), 'utf8')).toBe(before);
    // Written without --check, the library the base now has is gone from the list.
    const write = await run(
      'node',
      [
        CLI,
        'os-libs',
        '--root',
        repo.root,
        '--base-image',
        'ext-actions-real/pgbase-drift:{pgMajor}-{distro}',
        '--platforms',
        'linux/amd64',
      ],
      { cwd: repo.dir },
    );
    expect(write.code, write.stderr).toBe(0);
    const after = readFileSync(file('18-sid-os-libs.txt'), 'utf8');
    expect(after).not.toContain(`${lib}_`);
    expect(before).toContain(`${lib}_`);
    expect(existsSync(file('18-sid-arm64-os-libs.txt'))).toBe(true);
    await run('docker', ['image', 'rm', changedBase]);
  });

  it('bad input: a named extension that does not opt in is refused (exit 2), nothing run', async () => {
    const r = await run('node', [CLI, 'os-libs', '--root', repo.root, '--extension', 'pgvector'], {
      cwd: repo.dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --extension: "pgvector" does not set auto_update_os_libs = true in metadata.hcl\n',
    );
  });
});
