/**
 * os-libs.yml's libs job, step "List the libraries each extension pulls into its base image", run as the
 * runner runs it with the real CLI (dist/, checked out as `.ext-actions`) and a fake `docker` that answers
 * `apt-get install --print-uris` (no Docker daemon here): which extensions it checks, what it hands to the
 * pull-request jobs, QEMU only for foreign platforms, one error for a bad input.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
const wf = parse(readFileSync(path.join(repo, '.github/workflows/os-libs.yml'), 'utf8')) as {
  jobs: Record<string, { steps: { id?: string; run?: string }[] }>;
};
const script = wf.jobs['libs']!.steps.find((s) => s.id === 'collect')!.run!;

/** `docker run ... --platform P ... sh IMAGE -c SCRIPT os-libs PKG...`: apt's --print-uris lines for P. */
const FAKE_DOCKER = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_DOCKER_LOG"
platform=""; prev=""
for a in "$@"; do
  if [ "$prev" = "--platform" ]; then platform="$a"; fi
  prev="$a"
done
arch="\${platform#linux/}"; arch="\${arch%%/*}"
case "$*" in
  *--install*) exit 0 ;;
  *print-uris*)
    echo "'http://deb.debian.org/debian/pool/main/c/curl/libcurl4t64_8.14.1-2_$arch.deb' libcurl4t64_8.14.1-2_$arch.deb 391000 MD5Sum:0123456789abcdef0123456789abcdef"
    echo "'http://apt.postgresql.org/pub/repos/apt/pool/main/p/postgis/postgresql-18-postgis-3_3.6.4_$arch.deb' postgresql-18-postgis-3_3.6.4_$arch.deb 9000 MD5Sum:fedcba9876543210fedcba9876543210" ;;
  *) echo "fake docker: unexpected $*" >&2; exit 1 ;;
esac
`;

function setup() {
  const dir = workspace('ext-os-libs-libs-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'docker'), FAKE_DOCKER, { mode: 0o755 });
  const work = path.join(dir, 'work');
  for (const name of ['postgis', 'pgvector'])
    cpSync(path.join(repo, 'extensions', name), path.join(work, 'exts', name), { recursive: true });
  // The checkout of the caller's default branch: a git repository.
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, stdio: 'pipe' });
  git('init', '--quiet', '--initial-branch', 'main');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'init');
  const head = git('rev-parse', 'HEAD').toString().trim();
  // The checkout of ext-actions: this repository (dist/ is what the sources build, test/dist.test.ts).
  symlinkSync(repo, path.join(work, '.ext-actions'));
  const log = path.join(dir, 'docker.log');
  appendFileSync(log, '');
  const run = (env: Record<string, string>) =>
    runStep(script, work, {
      PATH: `${bin}:${process.env['PATH']}`,
      HOME: dir,
      FAKE_DOCKER_LOG: log,
      ROOT: 'exts',
      REQUESTED: 'all',
      PLATFORMS: '',
      BASE_IMAGE: '',
      ...env,
    });
  const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { work, run, calls, head };
}

describe('os-libs.yml: listing the libraries', () => {
  it('checks every opted-in extension on every distro x platform and hands over its system-libs/ folder', () => {
    const t = setup();
    const r = t.run({});
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // The commit the lists were made from, for the pull requests' messages.
    expect(r.outputs).toEqual({ extensions: '["postgis"]', sha: t.head });
    const out = path.join(t.work, '.ext-actions-out/os-libs');
    expect(readdirSync(out)).toEqual(['postgis']);
    expect(readdirSync(path.join(out, 'postgis')).sort()).toEqual([
      '18-bookworm-arm64-os-libs.txt',
      '18-bookworm-os-libs.txt',
      '18-trixie-arm64-os-libs.txt',
      '18-trixie-os-libs.txt',
    ]);
    // Upstream's format: library packages only.
    expect(readFileSync(path.join(out, 'postgis', '18-trixie-arm64-os-libs.txt'), 'utf8')).toBe(
      'libcurl4t64_8.14.1-2_arm64.deb MD5Sum:0123456789abcdef0123456789abcdef\n',
    );
    // arm64 runs under QEMU: the bake action's pinned binfmt image, once, before any listing.
    const calls = t.calls();
    expect(calls[0]).toBe(
      'run --rm --privileged docker.io/tonistiigi/binfmt:qemu-v10.2.3-68 --install arm64',
    );
    expect(calls.filter((c) => c.includes('--install'))).toHaveLength(1);
    expect(calls.filter((c) => c.includes('print-uris'))).toHaveLength(4);
    expect(r.summary).toContain('Checked: `postgis`');
  });

  it('uses the same binfmt image as the bake action', async () => {
    const { DEFAULT_BINFMT_IMAGE } = await import('../../src/bake/argv.js');
    expect(script).toContain(`docker run --rm --privileged ${DEFAULT_BINFMT_IMAGE} --install arm64`);
  });

  it('passes the platforms, the base image and the named extensions on; no QEMU for amd64 alone', () => {
    const t = setup();
    const r = t.run({
      REQUESTED: 'postgis',
      PLATFORMS: 'linux/amd64',
      BASE_IMAGE: 'ghcr.io/acme/postgresql:{pgMajor}-minimal-{distro}',
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const calls = t.calls();
    expect(calls.some((c) => c.includes('--install'))).toBe(false);
    expect(calls).toHaveLength(2);
    for (const c of calls)
      expect(c).toMatch(
        /--platform linux\/amd64 .* ghcr\.io\/acme\/postgresql:18-minimal-(trixie|bookworm) -c/,
      );
    expect(r.outputs['extensions']).toBe('["postgis"]');
  });

  it('refuses an unknown extension and one that does not opt in, with one message each', () => {
    const t = setup();
    const unknown = t.run({ REQUESTED: 'postgis, nope' });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(
      '::error title=extensions input::unknown extension(s) ["nope"]; expected names from ["pgvector","postgis"]',
    );
    const notOptedIn = t.run({ REQUESTED: 'pgvector' });
    expect(notOptedIn.code).not.toBe(0);
    expect(notOptedIn.stderr).toContain('--extension: "pgvector" does not set auto_update_os_libs = true');
    expect(t.calls().filter((c) => c.includes('print-uris'))).toEqual([]);
  });
});
