/**
 * Runs the bundled action as GitHub does (`node dist/bake/index.js` with INPUT_* and the runner's
 * files), with the fake `docker` of test/bake/fake first on PATH recording every argv.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeDockerRecords } from './support/docker-log.js';
import { AMD_ONLY, PGAUDIT, PGVECTOR, writeRepo } from './support/fixtures.js';
import { nodeOnlyPath } from '../support/node-only-path.js';

const repo = path.resolve(import.meta.dirname, '../..');
const fake = path.join(repo, 'test/bake/fake');
const dirs: string[] = [];
// A private copy of the bundles (dist/bake + the shared chunks it loads from ../chunks), taken once:
// the tests then never see a dist/ being rebuilt meanwhile.
let dist: string;
beforeAll(() => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'ext-bake-dist-'));
  cpSync(path.join(repo, 'dist/bake'), path.join(dist, 'bake'), { recursive: true });
  cpSync(path.join(repo, 'dist/chunks'), path.join(dist, 'chunks'), { recursive: true });
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  calls: { argv: string[]; env: Record<string, string> }[];
}

/** `name<<delimiter\nvalue\ndelimiter` records, as @actions/core writes GITHUB_OUTPUT and GITHUB_STATE. */
function readRecords(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    while (lines[++i] !== m[2]) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

function setup(extensions = [PGVECTOR, PGAUDIT]) {
  const cwd = writeRepo(extensions);
  dirs.push(cwd);
  const runner = mkdtempSync(path.join(os.tmpdir(), 'ext-bake-runner-'));
  dirs.push(runner);
  return { cwd, runner, state: path.join(runner, 'docker-state') };
}

function run(
  ctx: { cwd: string; runner: string; state: string },
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  entry = 'index.js',
  node: string[] = [process.execPath],
): Run {
  const id = Math.random().toString(36).slice(2);
  const files = Object.fromEntries(
    ['output', 'summary', 'state', 'log'].map((f) => [f, path.join(ctx.runner, `${f}-${id}`)]),
  );
  for (const f of ['output', 'summary', 'state']) writeFileSync(files[f]!, '');
  const env: Record<string, string> = {
    PATH: `${fake}${path.delimiter}${process.env['PATH']}`,
    HOME: process.env['HOME'] ?? '/root',
    GITHUB_OUTPUT: files['output']!,
    GITHUB_STEP_SUMMARY: files['summary']!,
    GITHUB_STATE: files['state']!,
    RUNNER_TEMP: ctx.runner,
    RUNNER_TOOL_CACHE: ctx.runner,
    GITHUB_REPOSITORY: 'acme/exts',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: 'f'.repeat(40),
    FAKE_DOCKER_LOG: files['log']!,
    FAKE_DOCKER_STATE: ctx.state,
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(node[0]!, [...node.slice(1), path.join(dist, 'bake', entry)], {
    cwd: ctx.cwd,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return {
    status: r.status,
    stdout: r.stdout + r.stderr,
    outputs: readRecords(files['output']!),
    state: readRecords(files['state']!),
    summary: readFileSync(files['summary']!, 'utf8'),
    calls: fakeDockerRecords(files['log']!),
  };
}

const BASE = { root: 'exts', registry: 'localhost:5000', timestamp: '2026-03-04T05:06:07Z' };

describe('bake action (bundle, fake docker)', () => {
  it('targets, load, no-cache, pull, provenance, sbom reach buildx; authors and vendor default to the repository owner', () => {
    const ctx = setup();
    const r = run(ctx, {
      ...BASE,
      targets: 'pgvector-*-trixie',
      load: 'true',
      'no-cache': 'true',
      pull: 'true',
      provenance: 'mode=min',
      sbom: 'false',
      'setup-qemu': 'false',
    });
    expect(r.status, r.stdout).toBe(0);
    const bake = r.calls.find((c) => c.argv[1] === 'bake')!.argv;
    for (const flag of ['--load', '--no-cache', '--pull']) expect(bake).toContain(flag);
    expect(bake.join(' ')).toContain('--provenance mode=min --sbom false');
    const plan = JSON.parse(readFileSync(bake[bake.indexOf('-f') + 1]!, 'utf8')) as {
      target: Record<string, { labels: Record<string, string> }>;
    };
    expect(Object.keys(plan.target)).toEqual(['pgvector-0_8_1-18-trixie']);
    const labels = plan.target['pgvector-0_8_1-18-trixie']!.labels;
    expect(labels['org.opencontainers.image.authors']).toBe('acme');
    expect(labels['org.opencontainers.image.vendor']).toBe('acme');
    expect(labels['org.opencontainers.image.documentation']).toBe('https://github.com/acme/exts');
    const given = run(ctx, { ...BASE, authors: 'Jane <j@x.org>', vendor: 'Acme Inc.', 'dry-run': 'true' });
    expect(given.status, given.stdout).toBe(0);
    const def = JSON.parse(readFileSync(given.outputs['plan']!, 'utf8')) as typeof plan;
    const l = Object.values(def.target)[0]!.labels;
    expect([l['org.opencontainers.image.authors'], l['org.opencontainers.image.vendor']]).toEqual([
      'Jane <j@x.org>',
      'Acme Inc.',
    ]);
    const bad = run(ctx, { ...BASE, provenance: 'maybe please' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('input "provenance": expected true, false or buildx attestation options');
  });

  it('single job: QEMU for arm64, builder, bake --push, digests as outputs, summary, builder removed in post', () => {
    const ctx = setup();
    const r = run(ctx, { ...BASE, push: 'true' });
    expect(r.status, r.stdout).toBe(0);
    expect(r.calls.map((c) => c.argv.slice(0, 2).join(' '))).toEqual([
      'buildx version',
      'run --rm',
      'buildx create',
      'buildx inspect',
      'buildx bake',
    ]);
    expect(r.calls[1]!.argv).toEqual([
      'run',
      '--rm',
      '--privileged',
      'docker.io/tonistiigi/binfmt:qemu-v10.2.3-68',
      '--install',
      'arm64',
    ]);
    const bake = r.calls[4]!;
    const builder = r.state['builder']!;
    expect(builder).toMatch(/^ext-actions-/);
    expect(bake.argv).toEqual([
      'buildx',
      'bake',
      '--builder',
      builder,
      '-f',
      r.outputs['plan'],
      '--metadata-file',
      expect.stringMatching(/metadata\.json$/),
      '--progress',
      'plain',
      '--push',
    ]);
    expect(bake.env).toEqual({ BUILDX_METADATA_PROVENANCE: 'disabled', BUILDX_METADATA_WARNINGS: 'true' });

    const images = JSON.parse(r.outputs['images']!) as {
      target: string;
      digest: string;
      ref: string;
      tags: string[];
      pushed: boolean;
    }[];
    const metadata = JSON.parse(r.outputs['metadata']!) as Record<string, Record<string, string>>;
    expect(images.map((i) => i.target)).toEqual([
      'pgaudit-18_0-18-trixie',
      'pgvector-0_8_1-18-bookworm',
      'pgvector-0_8_1-18-trixie',
    ]);
    for (const i of images) {
      expect(i.digest).toBe(metadata[i.target]!['containerimage.digest']);
      expect(i.ref).toBe(`localhost:5000/${i.target.split('-')[0]}-testing@${i.digest}`);
      expect(metadata[i.target]!['image.name']).toBe(i.tags.join(','));
      expect(i.pushed).toBe(true);
    }
    expect(metadata['pgaudit-18_0-18-trixie']!['buildx.build.provenance']).toBeUndefined();
    expect(r.outputs['refs']!.split('\n')).toEqual(images.map((i) => i.ref));
    const matrix = JSON.parse(r.outputs['matrix']!) as { target: string; ref: string }[];
    expect(matrix.map((m) => m.ref)).toEqual(images.map((i) => i.ref));
    expect(r.summary).toContain('Built and pushed every target.');
    expect(r.summary).toContain(`\`${images[0]!.digest}\``);
    expect(r.summary).toContain('<summary>Plan</summary>');

    const post = run(ctx, {}, { STATE_builder: builder }, 'post.js');
    expect(post.status, post.stdout).toBe(0);
    expect(post.calls.map((c) => c.argv)).toEqual([['buildx', 'rm', builder]]);
    expect(JSON.parse(readFileSync(path.join(ctx.state, 'builders.json'), 'utf8'))).toEqual([]);
  });

  it('push: false still builds every target and says nothing was pushed', () => {
    const ctx = setup();
    const r = run(ctx, { ...BASE, push: 'false', 'setup-qemu': 'false' });
    expect(r.status, r.stdout).toBe(0);
    const bake = r.calls.find((c) => c.argv[1] === 'bake')!;
    expect(bake.argv).not.toContain('--push');
    expect(r.calls.some((c) => c.argv[0] === 'run')).toBe(false);
    expect(JSON.parse(r.outputs['images']!)).toHaveLength(3);
    expect(r.outputs['refs']).toBe('');
    expect(r.summary).toContain('**Nothing was pushed**');
  });

  it('dry-run prints the commands and the plan and runs nothing', () => {
    const ctx = setup();
    const r = run(ctx, { ...BASE, push: 'true', 'dry-run': 'true', set: '*.args.EXTRA=1' });
    expect(r.status, r.stdout).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toMatch(
      /docker buildx bake --builder ext-actions-\w+ -f \S+plan\.json --metadata-file \S+ --progress plain --push --set '\*\.args\.EXTRA=1'/,
    );
    expect(r.outputs['images']).toBeUndefined();
    expect(JSON.parse(readFileSync(r.outputs['plan']!, 'utf8')).group.default.targets).toHaveLength(3);
    expect(JSON.parse(r.outputs['matrix']!)).toHaveLength(3);
    expect(r.summary).toContain('**Dry run**');
  });

  it('native per-platform jobs push by digest, and merge makes the tagged indexes with the same images shape', () => {
    const ctx = setup([PGVECTOR, AMD_ONLY]);
    const amd = run(ctx, { ...BASE, mode: 'digest', push: 'true', platforms: 'linux/amd64' });
    expect(amd.status, amd.stdout).toBe(0);
    expect(amd.calls.some((c) => c.argv[0] === 'run')).toBe(false); // native: no QEMU
    const arm = run(ctx, {
      ...BASE,
      mode: 'digest',
      push: 'true',
      platforms: 'linux/arm64',
      'setup-qemu': 'false',
    });
    expect(arm.status, arm.stdout).toBe(0);
    const armImages = JSON.parse(arm.outputs['images']!) as { target: string; tags: string[]; ref: string }[];
    expect(armImages.map((i) => i.target)).toEqual([
      'pgvector-0_8_1-18-bookworm',
      'pgvector-0_8_1-18-trixie',
    ]);
    expect(armImages.every((i) => i.tags.length === 0)).toBe(true);
    expect(arm.summary).toContain('mode: merge');

    const merge = run(ctx, {
      ...BASE,
      timestamp: '',
      mode: 'merge',
      push: 'true',
      images: `${amd.outputs['images']}\n${arm.outputs['images']}`,
    });
    expect(merge.status, merge.stdout).toBe(0);
    const creates = merge.calls.filter((c) => c.argv[1] === 'imagetools');
    expect(creates).toHaveLength(3);
    const trixie = creates.find((c) => c.argv.includes('localhost:5000/pgvector-testing:0.8.1-18-trixie'))!;
    const armRef = armImages.find((i) => i.target === 'pgvector-0_8_1-18-trixie')!.ref;
    expect(trixie.argv.slice(-2)).toContain(armRef);
    expect(trixie.argv).toContain('index:io.cloudnativepg.image.base.os=trixie');
    expect(trixie.argv).toContain('localhost:5000/pgvector-testing:0.8.1-202603040506-18-trixie');
    const images = JSON.parse(merge.outputs['images']!) as {
      target: string;
      tags: string[];
      ref: string;
      platforms: string[];
    }[];
    expect(images.map((i) => i.target)).toEqual([
      'amdonly-1_2_3-18-trixie',
      'pgvector-0_8_1-18-bookworm',
      'pgvector-0_8_1-18-trixie',
    ]);
    expect(images[2]!.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(images[2]!.tags).toHaveLength(2);
    expect(merge.outputs['refs']!.split('\n')).toEqual(images.map((i) => i.ref));
    // The merged index is what the registry now has under the tags.
    for (const i of images) {
      const file = path.join(ctx.state, 'pushed', encodeURIComponent(i.ref));
      const pushed = JSON.parse(readFileSync(file, 'utf8')) as { platforms: string[] };
      expect(pushed.platforms.sort()).toEqual(i.platforms);
    }
  });

  it('merge on a buildx without imagetools create --metadata-file (< 0.32.0) reads the index back from its tag and hashes it', () => {
    const ctx = setup([AMD_ONLY]);
    const amd = run(ctx, { ...BASE, mode: 'digest', push: 'true' });
    expect(amd.status, amd.stdout).toBe(0);
    const merge = run(
      ctx,
      { ...BASE, mode: 'merge', push: 'true', images: amd.outputs['images']! },
      { FAKE_BUILDX_VERSION: '0.31.1' },
    );
    expect(merge.status, merge.stdout).toBe(0);
    expect(merge.stdout).toContain('buildx 0.31.1 has no imagetools create --metadata-file');
    const calls = merge.calls.map((c) => c.argv.slice(0, 3).join(' '));
    expect(calls).toEqual(['buildx version', 'buildx imagetools create', 'buildx imagetools inspect']);
    const create = merge.calls[1]!.argv;
    expect(create).not.toContain('--metadata-file');
    const [image] = JSON.parse(merge.outputs['images']!) as { digest: string; tags: string[] }[];
    // The digest of the exact bytes the fake registry holds for the tag.
    const served = readFileSync(path.join(ctx.state, 'tags', encodeURIComponent(image!.tags[0]!)));
    expect(image!.digest).toBe(`sha256:${createHash('sha256').update(served).digest('hex')}`);
    expect(merge.calls[2]!.argv.slice(-2)).toEqual(['--raw', image!.tags[0]]);
  });

  it('a failing target: an error annotation naming it with its log, and no images output', () => {
    const ctx = setup();
    const r = run(
      ctx,
      { ...BASE, push: 'true', 'setup-qemu': 'false' },
      { FAKE_DOCKER_FAIL_TARGET: 'pgvector-0_8_1-18-trixie' },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /::error title=bake%3A pgvector-0_8_1-18-trixie::target pgvector-0_8_1-18-trixie failed to build:/,
    );
    expect(r.stdout).toContain("E: Version '0.8.1-1.pgdg13+1' for 'postgresql-18-ext' was not found");
    expect(r.outputs['images']).toBeUndefined();
    expect(r.outputs['refs']).toBeUndefined();
    expect(r.stdout.match(/::error/g)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });

  it('two failing targets: one error annotation each, titled with the target, and no outputs', () => {
    const ctx = setup();
    const r = run(
      ctx,
      { ...BASE, push: 'true', 'setup-qemu': 'false' },
      { FAKE_DOCKER_FAIL_TARGET: 'pgvector-0_8_1-18-trixie,pgaudit-18_0-18-trixie' },
    );
    expect(r.status).toBe(1);
    const titles = [...r.stdout.matchAll(/::error title=bake%3A ([^:]+)::target \1 failed to build:/g)].map(
      (m) => m[1],
    );
    expect(titles).toEqual(['pgaudit-18_0-18-trixie', 'pgvector-0_8_1-18-trixie']);
    expect(r.stdout.match(/::error/g)).toHaveLength(2);
    expect(r.stdout).toContain("E: Version '18.0-2.pgdg13+1' for 'postgresql-18-ext' was not found");
    expect(r.outputs).toEqual({});
  });

  it('no buildx: one message naming what is missing and how to get it', () => {
    const ctx = setup();
    const r = run(ctx, { ...BASE }, { FAKE_DOCKER_NO_BUILDX: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error::Docker Buildx is missing .*docker\/setup-buildx-action/);
    expect(r.outputs).toEqual({});
  });

  it('no docker at all', () => {
    const ctx = setup();
    const r = run(ctx, { ...BASE }, { PATH: nodeOnlyPath() });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error::Docker is missing/);
  });

  it('bad input: one message naming the input, nothing run, nothing written', () => {
    const ctx = setup();
    for (const [inputs, message] of [
      [{ ...BASE, push: 'maybe' }, 'input "push": expected true or false, got "maybe"'],
      [{ ...BASE, environment: 'staging' }, 'input "environment": expected one of testing, production'],
      [{ ...BASE, extensions: 'pgvector,nope' }, 'extension "nope" not found'],
      [{ ...BASE, set: 'oops' }, 'input "set": expected'],
      [{ ...BASE, registry: 'Bad Registry' }, 'input "registry": expected a registry host'],
      [{ ...BASE, platforms: 'arm64' }, 'input "platforms": expected os/arch'],
    ] as const) {
      const r = run(ctx, inputs);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(message);
      expect(r.stdout).not.toMatch(/\n\s+at /);
      expect(r.calls).toEqual([]);
      expect(r.outputs).toEqual({});
    }
  });

  it('extensions: changed builds what the pull request changed (base from the event), with the GHA cache', () => {
    const ctx = setup([PGVECTOR, PGAUDIT]);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], {
        cwd: ctx.cwd,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    const base = git('rev-parse', 'HEAD');
    writeFileSync(path.join(ctx.cwd, 'exts/pgvector/Dockerfile'), 'FROM scratch\n');
    git('commit', '-q', '-am', 'change pgvector');
    const event = path.join(ctx.runner, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: base } } }));
    const r = run(
      ctx,
      { ...BASE, extensions: 'changed', push: 'false', cache: 'true', 'setup-qemu': 'false' },
      { GITHUB_EVENT_PATH: event, GITHUB_SHA: git('rev-parse', 'HEAD') },
    );
    expect(r.status, r.stdout).toBe(0);
    const images = JSON.parse(r.outputs['images']!) as { extension: string }[];
    expect(images.map((i) => i.extension)).toEqual(['pgvector', 'pgvector']);
    expect(r.summary).toContain('`pgvector` (exts/pgvector/Dockerfile changed)');
    const plan = JSON.parse(readFileSync(r.outputs['plan']!, 'utf8')) as {
      target: Record<string, { 'cache-from': string[]; 'cache-to': string[] }>;
    };
    expect(plan.target['pgvector-0_8_1-18-trixie']!['cache-to']).toEqual([
      'type=gha,scope=pgvector-0_8_1-18-trixie,mode=max',
    ]);
  });

  it('dry-run outside GitHub Actions (no GITHUB_STEP_SUMMARY, no GITHUB_OUTPUT): the summary goes to the log', () => {
    const ctx = setup([PGVECTOR]);
    const r = run(ctx, { ...BASE, 'dry-run': 'true' }, { GITHUB_STEP_SUMMARY: '', GITHUB_OUTPUT: '' });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).not.toContain('::error');
    expect(r.stdout).toContain('**Dry run**');
    expect(r.stdout).toContain('<summary>Plan</summary>');
    expect(r.calls).toEqual([]);
  });

  it('the bundle runs under Node 24', () => {
    const ctx = setup([PGVECTOR]);
    const r = run(ctx, { ...BASE, 'dry-run': 'true' }, {}, 'index.js', ['npx', '-y', 'node@24']);
    expect(r.status, r.stdout).toBe(0);
    expect(JSON.parse(r.outputs['matrix']!)).toHaveLength(2);
  }, 300_000);
});
