/**
 * `ext-actions bake` and the bundled bake action, with the real docker buildx bake (buildx 0.29, Docker
 * Engine 28.5 with the containerd image store), building our example extensions from Debian's real
 * packages for linux/amd64 and linux/arm64 (QEMU), pushing to a real registry. Every claim is read back
 * from the registry with skopeo, not from our own outputs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  exampleRepo,
  hostNetworkFile,
  realBakeFlags,
  CLI,
  REPO_ROOT,
  type ExampleRepo,
} from './support/repo.js';
import { must, rawManifest, realEnv, run } from './support/run.js';

const EXAMPLES = ['pgvector', 'pgaudit', 'wal2json', 'pgrouting', 'postgis'];
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface BuiltImage {
  target: string;
  extension: string;
  repository: string;
  tags: string[];
  digest: string;
  ref: string;
}

interface IndexManifest {
  mediaType: string;
  manifests: {
    digest: string;
    platform?: { os: string; architecture: string };
    annotations?: Record<string, string>;
  }[];
  annotations?: Record<string, string>;
}

let repo: ExampleRepo;
let targets: { target: string; extension: string; platforms: string[] }[];
let netFile: string;

beforeAll(async () => {
  repo = exampleRepo(EXAMPLES);
  const matrix = JSON.parse(
    await must('node', [CLI, 'plan', '--root', repo.root, '--format', 'matrix'], { cwd: repo.dir }),
  ) as { target: string; extension: string; platforms: string[] }[];
  targets = matrix;
  netFile = hostNetworkFile(
    repo.dir,
    matrix.map((m) => m.target),
  );
});
afterAll(() => repo?.cleanup());

let cliImages: BuiltImage[] | undefined;
/** The images `ext-actions bake` built for every example (the first test). */
function builtImages(): BuiltImage[] {
  if (!cliImages) throw new Error('the bake of the examples did not succeed: nothing to test');
  return cliImages;
}

describe('ext-actions bake (real buildx)', () => {
  let images: BuiltImage[];

  it('builds and pushes every example for amd64 and arm64; the images output matches the registry', async () => {
    const real = inject('real');
    const out = await must(
      'node',
      [
        CLI,
        'bake',
        ...realBakeFlags(real, repo.root, netFile),
        '--platforms',
        'linux/amd64,linux/arm64',
        '--timestamp',
        '2026-12-01T10:00:00Z',
        '--revision',
        'a'.repeat(40),
        '--push',
        '--format',
        'images',
      ],
      { cwd: repo.dir },
    );
    images = JSON.parse(out) as BuiltImage[];
    cliImages = images;
    expect(images.map((i) => i.target).sort()).toEqual(targets.map((t) => t.target).sort());
    const plan = JSON.parse(
      await must(
        'node',
        [
          CLI,
          'plan',
          '--root',
          repo.root,
          '--registry',
          real.registry,
          '--timestamp',
          '2026-12-01T10:00:00Z',
          '--base-image',
          real.baseImageTemplate,
          '--revision',
          'a'.repeat(40),
        ],
        { cwd: repo.dir },
      ),
    ) as {
      target: Record<string, { labels: Record<string, string>; annotations: string[]; tags: string[] }>;
    };
    for (const image of images) {
      // Every tag serves the digest bake reported (sha256 of the bytes the registry serves).
      expect(image.tags.length).toBeGreaterThan(0);
      for (const tag of image.tags) expect(sha256(await rawManifest(tag)), tag).toBe(image.digest);
      const index = JSON.parse((await rawManifest(image.ref)).toString()) as IndexManifest;
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      const platforms = index.manifests
        .filter((m) => m.platform && m.platform.os !== 'unknown')
        .map((m) => `${m.platform!.os}/${m.platform!.architecture}`)
        .sort();
      expect(platforms, image.target).toEqual(['linux/amd64', 'linux/arm64']);
      // The index carries our annotations, as the plan wrote them.
      const wanted = plan.target[image.target]!;
      for (const a of wanted.annotations.filter((x) => x.startsWith('index:'))) {
        const [key, ...value] = a.slice('index:'.length).split('=');
        expect(index.annotations?.[key!], `${image.target} ${key}`).toBe(value.join('='));
      }
      expect(index.annotations?.['io.cloudnativepg.image.sql.version']).toBe(
        repo.versions[image.extension]!.sql,
      );
      // Each platform's config carries our labels.
      for (const arch of ['amd64', 'arm64']) {
        const config = JSON.parse(
          await must('skopeo', [
            'inspect',
            '--config',
            '--raw',
            '--tls-verify=false',
            '--override-arch',
            arch,
            `docker://${image.ref}`,
          ]),
        ) as { architecture: string; config: { Labels: Record<string, string> } };
        expect(config.architecture).toBe(arch);
        expect(config.config.Labels).toMatchObject(wanted.labels);
      }
    }
  });

  it('verify-layout passes on every real image built from the examples', async () => {
    expect(images).toBeDefined();
    for (const image of images) {
      const r = await run(
        'node',
        [CLI, 'verify-layout', image.ref, '--root', repo.root, '--extension', image.extension],
        {
          cwd: repo.dir,
        },
      );
      expect(
        r.stdout.split('\n').filter((l) => l.startsWith('error')),
        `${image.ref}\n${r.stdout}${r.stderr}`,
      ).toEqual([]);
      expect(r.code, `${image.ref}\n${r.stdout}${r.stderr}`).toBe(0);
      // The summary line names the reference once, with its digest.
      expect(r.stdout).toContain(`${image.ref}: linux/amd64, linux/arm64: 0 error(s)`);
    }
  });
});

/** `ext-actions smoke --image REF --root <root> --platform P [extra...]` in the example repository. */
const smokeCli = (ref: string, platform: string, ...extra: string[]) =>
  run('node', [CLI, 'smoke', '--image', ref, '--root', repo.root, '--platform', platform, ...extra], {
    cwd: repo.dir,
  });

describe('smoke: every example image in a real PostgreSQL 18 (Docker 28 image mounts)', () => {
  it('passes every example on amd64, with the SQL version of its annotation', async () => {
    const images = builtImages();
    for (const image of images) {
      // Required extensions (pgrouting needs postgis) come from this run's images, as in the workflow.
      const r = await smokeCli(
        image.ref,
        'linux/amd64',
        '--format',
        'json',
        ...images.flatMap((i) => ['--built-image', i.ref]),
      );
      expect(r.code, `${image.ref}\n${r.stdout}\n${r.stderr}`).toBe(0);
      const report = JSON.parse(r.stdout) as {
        extension: string;
        mount: string;
        platforms: { ok: boolean; sqlVersion?: string; checks: { name: string }[] }[];
      };
      expect(report.extension).toBe(image.extension);
      expect(report.mount).toBe('image');
      expect(r.stderr).toContain('mount: Docker 28 image mounts');
      const p = report.platforms[0]!;
      expect(p.ok).toBe(true);
      if (image.extension === 'wal2json') expect(p.checks.map((c) => c.name)).toContain("LOAD 'wal2json'");
      else expect(p.sqlVersion).toBe(repo.versions[image.extension]!.sql);
    }
  });

  it("passes pgvector on arm64 under QEMU, mounting the arm64 manifest (not the daemon's platform)", async () => {
    const image = builtImages().find((i) => i.extension === 'pgvector')!;
    const r = await smokeCli(image.ref, 'linux/arm64', '--format', 'json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      platforms: { platform: string; manifest: string; sqlVersion: string }[];
    };
    const index = JSON.parse((await rawManifest(image.ref)).toString()) as IndexManifest;
    const arm = index.manifests.find((m) => m.platform?.architecture === 'arm64')!;
    expect(report.platforms[0]).toMatchObject({
      platform: 'linux/arm64',
      manifest: `${image.repository}@${arm.digest}`,
      sqlVersion: repo.versions['pgvector']!.sql,
    });
  });

  it('the extracted-layers mount (older Docker, Podman) gives the same result, and nothing is left behind', async () => {
    const image = builtImages().find((i) => i.extension === 'postgis')!;
    const r = await smokeCli(image.ref, 'linux/amd64', '--mount', 'bind');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'mount: layers extracted by our registry client into a folder, bind-mounted read-only',
    );
    expect(r.stdout).toMatch(/^ok {3}postgis linux\/amd64: postgis /m);
    expect(
      (await must('docker', ['ps', '--all', '--quiet', '--filter', 'name=ext-actions-smoke-'])).trim(),
    ).toBe('');
  });

  it("the bundled smoke action takes bake's images output and writes a report and a summary", async () => {
    const images = builtImages().filter((i) => i.extension === 'pgvector' || i.extension === 'wal2json');
    const r = await runAction('smoke', {
      images: JSON.stringify(images),
      root: repo.root,
      platforms: 'linux/amd64',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const reports = JSON.parse(r.outputs['report']!) as { extension: string; ok: boolean }[];
    expect(reports.map((x) => [x.extension, x.ok])).toEqual(images.map((i) => [i.extension, true]));
    expect(readFileSync(r.summaryFile, 'utf8')).toContain('| ✅ | `pgvector` | linux/amd64 |');
  });
});

describe('the bundled bake action (real buildx)', () => {
  const action = (inputs: Record<string, string>) => runAction('bake', inputs);

  function inputs(over: Record<string, string>): Record<string, string> {
    const real = inject('real');
    return {
      root: repo.root,
      extensions: 'pgvector',
      registry: real.registry,
      'base-image': real.baseImageTemplate,
      builder: 'default',
      'setup-qemu': 'false',
      files: netFile,
      allow: 'network.host',
      set: '*.attest=type=sbom,disabled=true',
      timestamp: '2026-12-01T11:00:00Z',
      push: 'true',
      ...over,
    };
  }

  it('mode: build with verify-layout: outputs images whose digests the registry serves', async () => {
    const r = await action(inputs({ platforms: 'linux/amd64,linux/arm64', 'verify-layout': 'true' }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const images = JSON.parse(r.outputs['images']!) as BuiltImage[];
    expect(images).toHaveLength(1);
    for (const tag of images[0]!.tags) expect(sha256(await rawManifest(tag))).toBe(images[0]!.digest);
    expect(r.outputs['refs']).toBe(images[0]!.ref);
    expect(r.stdout).toContain('Verify the layout of 1 images');
  });

  it('mode: digest on the docker driver is refused before anything is built or pushed', async () => {
    const r = await action(inputs({ mode: 'digest', platforms: 'linux/amd64' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error::input "builder": default uses the docker driver, which cannot push by digest (mode: digest)',
    );
    expect(r.stdout).not.toContain('buildx bake');
    expect(r.outputs['images']).toBeUndefined();
  });

  it('mode: merge joins per-platform images into one tagged index (buildx 0.29: read back and hashed)', async () => {
    // Per-platform images as two jobs would push them. push-by-digest needs a docker-container builder,
    // i.e. a moby/buildkit image from Docker Hub, which cannot be reached here: each platform is built
    // on its own with mode: build (the real buildx), under its own environment's tags.
    const perPlatform: BuiltImage[] = [];
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const r = await action(inputs({ platforms: platform, timestamp: '2026-12-01T12:00:00Z' }));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const [image] = JSON.parse(r.outputs['images']!) as BuiltImage[];
      expect(sha256(await rawManifest(image!.ref))).toBe(image!.digest);
      perPlatform.push({ ...image!, tags: [] });
    }
    const merged = await action(
      inputs({
        mode: 'merge',
        platforms: 'linux/amd64,linux/arm64',
        timestamp: '2026-12-01T12:00:00Z',
        // merge builds nothing: no bake files, no entitlements (it refuses them).
        files: '',
        allow: '',
        images: perPlatform.map((p) => JSON.stringify([p])).join('\n'),
      }),
    );
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    expect(merged.stdout).toContain('has no imagetools create --metadata-file');
    const [image] = JSON.parse(merged.outputs['images']!) as BuiltImage[];
    expect(image!.tags.length).toBeGreaterThan(0);
    for (const tag of image!.tags) expect(sha256(await rawManifest(tag)), tag).toBe(image!.digest);
    const index = JSON.parse((await rawManifest(image!.ref)).toString()) as IndexManifest;
    // The new index lists every platform manifest of the two per-platform images.
    const listed = index.manifests.map((m) => m.digest);
    for (const p of perPlatform) {
      const child = JSON.parse((await rawManifest(p.ref)).toString()) as IndexManifest;
      for (const m of child.manifests) expect(listed, p.ref).toContain(m.digest);
    }
    const platforms = index.manifests
      .filter((m) => m.platform && m.platform.os !== 'unknown')
      .map((m) => `${m.platform!.os}/${m.platform!.architecture}`)
      .sort();
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(index.annotations?.['io.cloudnativepg.image.sql.version']).toBe(repo.versions['pgvector']!.sql);
  });
});

/** Runs a bundled action (dist/<name>/index.js) as the runner does: INPUT_* variables and GITHUB_OUTPUT. */
async function runAction(name: string, inputs: Record<string, string>, extra: Record<string, string> = {}) {
  const outFile = path.join(repo.dir, `output-${name}-${Date.now()}`);
  const summary = path.join(repo.dir, `summary-${name}-${Date.now()}`);
  writeFileSync(outFile, '');
  writeFileSync(summary, '');
  const env = realEnv({
    GITHUB_OUTPUT: outFile,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: repo.dir,
    GITHUB_REPOSITORY: 'acme/extensions',
    GITHUB_SHA: 'c'.repeat(40),
    RUNNER_TEMP: path.join(repo.dir, 'runner-temp'),
    ...extra,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  });
  const r = await run('node', [path.join(REPO_ROOT, 'dist', name, 'index.js')], { cwd: repo.dir, env });
  const outputs: Record<string, string> = {};
  const text = readFileSync(outFile, 'utf8');
  for (const m of text.matchAll(/^([^\n<]+)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]!] = m[3]!;
  return { ...r, outputs, summaryFile: summary };
}

describe('sign, promote and values on the real images (cosign 3.1, the real registry)', () => {
  const password = 'real-suite-password';
  let images: BuiltImage[];
  let promoted: BuiltImage[];

  beforeAll(async () => {
    await must('cosign', ['generate-key-pair'], {
      cwd: repo.dir,
      env: realEnv({ COSIGN_PASSWORD: password }),
    });
    // The pgvector image the CLI built (every example's image is in the registry by now).
    const real = inject('real');
    const out = await must(
      'node',
      [
        CLI,
        'plan',
        '--root',
        repo.root,
        '--registry',
        real.registry,
        '--extension',
        'pgvector',
        '--format',
        'matrix',
        '--timestamp',
        '2026-12-01T10:00:00Z',
      ],
      { cwd: repo.dir },
    );
    const [entry] = JSON.parse(out) as {
      target: string;
      extension: string;
      repository: string;
      tags: string[];
    }[];
    const digest = sha256(await rawManifest(entry!.tags[0]!));
    images = [
      {
        target: entry!.target,
        extension: 'pgvector',
        repository: entry!.repository,
        tags: entry!.tags,
        digest,
        ref: `${entry!.repository}@${digest}`,
      },
    ];
  });

  it('sign (bundled action): signs by digest with a key and no transparency log; cosign verify --key passes', async () => {
    const r = await runAction(
      'sign',
      { images: JSON.stringify(images), key: 'cosign.key', tlog: 'false' },
      { COSIGN_PASSWORD: password, ACT: 'true' },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('cosign devel (no release version');
    expect(r.stdout).toContain('signing with a signing config that has no transparency log services');
    expect(r.stdout + r.stderr).not.toContain('--tlog-upload has been deprecated');
    expect(JSON.parse(r.outputs['signed']!)).toEqual([images[0]!.ref]);
    // Verified independently, by the test, with the public key.
    const verified = await must(
      'cosign',
      ['verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', images[0]!.ref],
      {
        cwd: repo.dir,
      },
    );
    const claims = JSON.parse(verified) as { critical: { image: { 'docker-manifest-digest': string } } }[];
    expect(claims[0]!.critical.image['docker-manifest-digest']).toBe(images[0]!.digest);
    // Another key does not verify it.
    await must('cosign', ['generate-key-pair', '--output-key-prefix', 'other'], {
      cwd: repo.dir,
      env: realEnv({ COSIGN_PASSWORD: password }),
    });
    const wrong = await run(
      'cosign',
      ['verify', '--key', 'other.pub', '--insecure-ignore-tlog=true', images[0]!.ref],
      {
        cwd: repo.dir,
      },
    );
    expect(wrong.code).not.toBe(0);
  });

  it('promote (bundled action): same digest in the production repository, and the signature still verifies there', async () => {
    const r = await runAction('promote', { images: JSON.stringify(images) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    promoted = JSON.parse(r.outputs['images']!) as BuiltImage[];
    expect(promoted).toHaveLength(1);
    const p = promoted[0]!;
    expect(p.repository).toBe(images[0]!.repository.replace(/-testing$/, ''));
    expect(p.digest).toBe(images[0]!.digest);
    for (const tag of p.tags) expect(sha256(await rawManifest(tag)), tag).toBe(images[0]!.digest);
    const verified = await run(
      'cosign',
      ['verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', p.ref],
      {
        cwd: repo.dir,
      },
    );
    expect(verified.code, verified.stderr).toBe(0);
  });

  it('values: the e2e values are read from the real pushed image (annotations through our registry client)', async () => {
    const r = await run(
      'node',
      [CLI, 'values', '--root', repo.root, '--extension', 'pgvector', '--image', promoted[0]!.ref],
      {
        cwd: repo.dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const real = inject('real');
    const { parse } = await import('yaml');
    const values = parse(r.stdout) as Record<string, unknown>;
    expect(values).toMatchObject({
      name: 'pgvector',
      sql_name: 'vector',
      version: repo.versions['pgvector']!.sql,
      // The base image annotation of the real image: the local PostgreSQL 18 index.
      pg_image: `${real.registry}/postgresql:18-minimal-sid`,
      extensions: [{ name: 'pgvector', image: { reference: promoted[0]!.ref } }],
    });
  });
});
