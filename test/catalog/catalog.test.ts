/**
 * `ext-actions catalog` against a real registry (Debian's docker-registry on 127.0.0.1): several builds
 * of one extension (the newest timestamped production tag wins), paths and env, an extension never
 * published, majors without extensions, bookworm and trixie bases, a base served over HTTP, bad bases.
 * Then the published upstream sample, stripped of its extensions and rebuilt from registry content shaped
 * like upstream's, must come back equal except for the digests the local registry holds.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems } from '../../src/catalog/index.js';
import { extensionVersion, loadExtensions } from '../../src/matrix/index.js';
import { RegistryClient } from '../../src/registry/client.js';
import { extensionFiles, pushImage } from '../support/images.js';
import { startServer, type TestServer } from '../support/http-server.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli/index.js');
let registry: TestRegistry;
let client: RegistryClient;
let server: TestServer;
let work: string;

function cli(args: string[], cwd = work): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { cwd }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** `ext-actions catalog` of the acme extensions from the bases folder and `second`, into `out`. */
const catalogAcme = (second: string, out: string) =>
  cli([
    'catalog',
    '--root',
    'exts',
    '--registry',
    `${registry.host}/acme`,
    '--base-catalog',
    'bases',
    '--base-catalog',
    second,
    '--output-dir',
    out,
  ]);

const metadata = (name: string, o: { image?: string; extra?: string; versions: string }) => `metadata = {
  name = "${name}"
  image_name = "${o.image ?? name}"
  shared_preload_libraries = ["${name}"]
  postgresql_parameters = { "x.y" = "1" }
  ${o.extra ?? ''}
  versions = { ${o.versions} }
}
`;

function base(os: string, majors: number[], extra: Record<string, string> = {}) {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ClusterImageCatalog',
    metadata: {
      name: `postgresql-minimal-${os}`,
      labels: {
        'images.cnpg.io/family': 'postgresql',
        'images.cnpg.io/os': os,
        'images.cnpg.io/type': 'minimal',
        ...extra,
      },
    },
    spec: {
      images: majors.map((m) => ({
        major: m,
        image: `ghcr.io/cloudnative-pg/postgresql:${m}.1-202611010000-minimal-${os}@sha256:${String(m).padStart(64, '0')}`,
      })),
    },
  };
}

/** Pushes an extension-shaped image under `tag`; returns its digest. */
async function publish(repository: string, tag: string, marker: string): Promise<string> {
  const pushed = await pushImage(client, repository, tag, {
    platforms: [
      { platform: 'linux/amd64', layers: [extensionFiles({ arch: 'amd64', sqlBody: `-- ${marker}` })] },
    ],
    annotations: { 'org.opencontainers.image.version': marker },
  });
  return pushed.digest;
}

const digests: Record<string, string> = {};

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient(registry.host, { baseDelayMs: 10 });
  work = await tempDir('ext-catalog-');
  const root = path.join(work, 'exts');
  const write = (name: string, text: string) => {
    mkdirSync(path.join(root, name), { recursive: true });
    writeFileSync(path.join(root, name, 'metadata.hcl'), text);
  };
  write(
    'pgvector',
    metadata('pgvector', {
      versions:
        'trixie = { "18" = { package = "0.8.1-1.pgdg13+1", sql = "0.8.1" } }, bookworm = { "18" = { package = "0.8.1-1.pgdg12+1", sql = "0.8.1" }, "17" = { package = "0.8.1-1.pgdg12+1", sql = "0.8.1" } }',
    }),
  );
  write(
    'postgis',
    metadata('postgis', {
      image: 'postgis-extension',
      extra:
        'ld_library_path = ["system"]\n  bin_path = ["bin"]\n  env = { "PROJ_DATA" = "$${image_root}/share/proj", "GDAL_DATA" = "$${image_root}/share/gdal" }',
      versions: 'trixie = { "18" = { package = "3.6.1+dfsg-1.pgdg13+1", sql = "3.6.1" } }',
    }),
  );
  write('ghost', metadata('ghost', { versions: 'trixie = { "18" = { package = "1.0-1", sql = "1.0" } }' }));
  const ns = 'acme';
  // pgvector trixie: three builds of 0.8.1; the newest timestamp wins. Newer tags of another version, of
  // the testing repository and of the rolling tag must not.
  digests['old'] = await publish(`${ns}/pgvector`, '0.8.1-202610010000-18-trixie', 'old');
  digests['new'] = await publish(`${ns}/pgvector`, '0.8.1-202611150930-18-trixie', 'new');
  digests['mid'] = await publish(`${ns}/pgvector`, '0.8.1-202611010000-18-trixie', 'mid');
  await publish(`${ns}/pgvector`, '0.8.1-18-trixie', 'rolling');
  await publish(`${ns}/pgvector`, '0.8.0-202612010000-18-trixie', 'older-version');
  await publish(`${ns}/pgvector-testing`, '0.8.1-202612010000-18-trixie', 'testing');
  digests['bookworm18'] = await publish(`${ns}/pgvector`, '0.8.1-202611020000-18-bookworm', 'bw18');
  digests['bookworm17'] = await publish(`${ns}/pgvector`, '0.8.1-202611020000-17-bookworm', 'bw17');
  digests['postgis'] = await publish(`${ns}/postgis-extension`, '3.6.1-202611030000-18-trixie', 'postgis');
  mkdirSync(path.join(work, 'bases'));
  writeFileSync(path.join(work, 'bases', 'trixie.yaml'), stringify(base('trixie', [13, 17, 18])));
  writeFileSync(
    path.join(work, 'bases', 'kustomization.yaml'),
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [trixie.yaml]\n',
  );
  server = await startServer({
    '/bookworm.yaml': {
      body: stringify(base('bookworm', [16, 17, 18], { 'images.cnpg.io/date': '20261101' })),
    },
  });
});
afterAll(async () => {
  await server?.close();
  await registry?.stop();
});

describe('ext-actions catalog (real registry)', () => {
  it('writes one catalog per base: the base unchanged plus the newest production image of each extension, by digest', async () => {
    const out = path.join(work, 'out');
    const r = await catalogAcme(`${server.url}/bookworm.yaml`, out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['catalog-minimal-bookworm.yaml', 'catalog-minimal-trixie.yaml']);
    // Never published: left out, with a warning naming it. The kustomization in the folder is skipped.
    expect(r.stderr).toContain(
      `warning: ghost: no production image ${registry.host}/acme/ghost:1.0-<timestamp>-18-trixie was ever published`,
    );
    expect(r.stderr).toContain('kustomization.yaml: kind "Kustomization" is not a catalog (skipped)');
    const trixie = parse(readFileSync(path.join(out, 'catalog-minimal-trixie.yaml'), 'utf8'));
    const b = base('trixie', [13, 17, 18]);
    expect(trixie.metadata).toEqual(b.metadata);
    expect(trixie.kind).toBe('ClusterImageCatalog');
    expect(trixie.spec.images.map((i: { image: string }) => i.image)).toEqual(
      b.spec.images.map((i) => i.image),
    );
    // Majors without extensions carry no extensions key.
    expect(trixie.spec.images[0]).toEqual(b.spec.images[0]);
    expect(trixie.spec.images[1]).toEqual(b.spec.images[1]);
    expect(trixie.spec.images[2].extensions).toEqual([
      {
        name: 'pgvector',
        image: { reference: `${registry.host}/acme/pgvector:0.8.1-202611150930-18-trixie@${digests['new']}` },
      },
      {
        name: 'postgis',
        image: {
          reference: `${registry.host}/acme/postgis-extension:3.6.1-202611030000-18-trixie@${digests['postgis']}`,
        },
        ld_library_path: ['system'],
        bin_path: ['bin'],
        env: [
          { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
          { name: 'PROJ_DATA', value: '${image_root}/share/proj' },
        ],
      },
    ]);
    const text = readFileSync(path.join(out, 'catalog-minimal-trixie.yaml'), 'utf8');
    for (const never of ['shared_preload_libraries', 'postgresql_parameters', 'x.y', '0.8.1"'])
      expect(text).not.toContain(never);
    const bookworm = parse(readFileSync(path.join(out, 'catalog-minimal-bookworm.yaml'), 'utf8'));
    expect(bookworm.metadata.labels['images.cnpg.io/date']).toBe('20261101');
    expect(
      bookworm.spec.images.map((i: { major: number; extensions?: { image: { reference: string } }[] }) => [
        i.major,
        i.extensions?.map((e) => e.image.reference),
      ]),
    ).toEqual([
      [16, undefined],
      [17, [`${registry.host}/acme/pgvector:0.8.1-202611020000-17-bookworm@${digests['bookworm17']}`]],
      [18, [`${registry.host}/acme/pgvector:0.8.1-202611020000-18-bookworm@${digests['bookworm18']}`]],
    ]);
    // Valid for the operator's CRD (and our own check agrees independently of the command).
    expect(catalogProblems(trixie)).toEqual([]);
    expect(catalogProblems(bookworm)).toEqual([]);
    // The digest is the one the registry serves for that tag.
    const served = await client.getManifest('acme/pgvector', '0.8.1-202611150930-18-trixie');
    expect(served.digest).toBe(digests['new']);
  });

  it('refuses a base without an os label, a file that is not a catalog, and an invalid catalog: exit 2, nothing written', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'no-os.yaml',
        stringify({
          ...base('trixie', [18]),
          metadata: { name: 'x', labels: { 'images.cnpg.io/type': 'minimal' } },
        }),
        /no-os\.yaml: metadata\.labels\["images\.cnpg\.io\/os"\] is missing/,
      ],
      [
        'bad-label.yaml',
        stringify({ ...base('trixie', [18], { 'images.cnpg.io/os': '../../x' }) }),
        /bad-label\.yaml: metadata\.labels\["images\.cnpg\.io\/os"\] = "\.\.\/\.\.\/x" is not a Kubernetes label value/,
      ],
      [
        'kustomization.yaml',
        'kind: Kustomization\nresources: []\n',
        /kustomization\.yaml: kind: expected ClusterImageCatalog or ImageCatalog, got "Kustomization"/,
      ],
      [
        'dup.yaml',
        stringify({ ...base('trixie', [18, 18]) }),
        /dup\.yaml: not a valid ClusterImageCatalog\n.*major 18 appears more than once/s,
      ],
      [
        'bad-major.yaml',
        stringify({ ...base('trixie', [18]), spec: { images: [{ major: 'eighteen', image: 'x' }] } }),
        /bad-major\.yaml: not a valid ClusterImageCatalog\n.*spec\.images\.0\.major: must be integer/s,
      ],
    ];
    for (const [file, text, message] of cases) {
      writeFileSync(path.join(work, file), text);
      const out = path.join(work, `out-${file}`);
      const r = await catalogAcme(file, out);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('the bundled catalog action writes the same catalogs, outputs the files for sign and a summary', async () => {
    const out = path.join(work, 'action-out');
    const files = { output: path.join(work, 'gh-output'), summary: path.join(work, 'gh-summary') };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: work,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_WORKSPACE: work,
      GITHUB_REPOSITORY_OWNER: 'Acme',
      INPUT_ROOT: 'exts',
      INPUT_REGISTRY: `${registry.host}/acme`,
      'INPUT_BASE-CATALOGS': `bases\n${server.url}/bookworm.yaml`,
      'INPUT_OUTPUT-DIR': 'action-out',
    };
    const bundle = path.resolve(import.meta.dirname, '../../dist/catalog/index.js');
    const r = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [bundle], { env, cwd: work }, (err, stdout) =>
        resolve({ code: err ? 1 : 0, stdout }),
      ),
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('::warning::ghost: no production image');
    const output = readFileSync(files.output, 'utf8');
    // In the order of the base catalogs given (the folder's trixie, then the URL's bookworm).
    expect(output).toContain(
      `${path.join(out, 'catalog-minimal-trixie.yaml')}\n${path.join(out, 'catalog-minimal-bookworm.yaml')}`,
    );
    expect(readFileSync(path.join(out, 'catalog-minimal-trixie.yaml'), 'utf8')).toBe(
      readFileSync(path.join(work, 'out', 'catalog-minimal-trixie.yaml'), 'utf8'),
    );
    expect(readFileSync(files.summary, 'utf8')).toContain(
      `| \`catalog-minimal-trixie.yaml\` | 18 | \`pgvector\` | \`${registry.host}/acme/pgvector:0.8.1-202611150930-18-trixie@${digests['new']}\` |`,
    );
  });

  it('an extension name CloudNativePG refuses is refused in a catalog too', () => {
    const doc = base('trixie', [18]) as ReturnType<typeof base> & {
      spec: { images: { extensions?: unknown[] }[] };
    };
    doc.spec.images[0]!.extensions = [
      { name: 'pg_ivm', image: { reference: 'r/a@sha256:1' } },
      { name: 'pg-ivm', image: { reference: 'r/b@sha256:2' } },
      { name: 'Bad-', image: { reference: 'r/c@sha256:3' } },
    ];
    expect(catalogProblems(doc)).toEqual([
      expect.stringMatching(/^spec\.images\.0\.extensions\.2\.name: must match pattern/),
      'spec.images[0].extensions: two names become pg-ivm once "_" becomes "-" (CloudNativePG volume names)',
      'spec.images[0].extensions[2].name: "Bad-" is not a CloudNativePG extension name (lowercase alphanumerics, "_" or "-", starting and ending alphanumeric, at most 59 characters)',
    ]);
  });
});

const anchor =
  process.env['EXT_ACTIONS_ANCHOR'] ?? path.resolve(import.meta.dirname, '../../../shared/fixtures/anchor');
const sampleFile = path.join(anchor, 'catalog-minimal-trixie.sample.yaml');
const present = existsSync(sampleFile);
if (!present) console.warn(`anchor data not found at ${anchor}: skipping the published catalog comparison`);

describe.runIf(present)('the published upstream catalog, rebuilt', () => {
  it('comes back equal to the sample, but for the registry and the digests the local registry holds', async () => {
    const sample = parse(readFileSync(sampleFile, 'utf8'));
    const stripped = structuredClone(sample);
    for (const image of stripped.spec.images) delete image.extensions;
    const dir = await tempDir('ext-catalog-sample-');
    writeFileSync(path.join(dir, 'base.yaml'), stringify(stripped));
    // Registry content shaped like upstream's: for each extension of the sample, a build of the version
    // its metadata.hcl pins today, at the sample's timestamp, plus an older build and the sample's own
    // tag. The metadata is newer than the sample: timescaledb-oss moved from 2.29.0 to 2.29.2 since, so
    // its catalog entry is the 2.29.2 build, not the (stale) published one.
    const extensions = await loadExtensions(path.join(anchor, 'metadata'));
    const local: Record<string, string> = {};
    const current: Record<string, string> = {};
    const moved: string[] = [];
    for (const image of sample.spec.images)
      for (const e of image.extensions ?? []) {
        const m = /^ghcr\.io\/cloudnative-pg\/([^:]+):([^@]+)@/.exec(e.image.reference)!;
        const [repo, tag] = [`cloudnative-pg/${m[1]}`, m[2]!];
        const ext = extensions.find((x) => x.metadata.name === e.name)!;
        const version = extensionVersion(ext.metadata.versions['trixie']![String(image.major)]!.package)!;
        current[e.name] = tag.replace(/^[^-]+/, version);
        await publish(repo, current[e.name]!.replace(/-(\d{12})-/, '-200001010000-'), `${e.name}-old`);
        if (current[e.name] !== tag) {
          moved.push(`${e.name} ${tag} -> ${current[e.name]}`);
          await publish(repo, tag, `${e.name}-published`);
        }
        local[e.name] = await publish(repo, current[e.name]!, e.name);
      }
    expect(moved).toEqual(['timescaledb-oss 2.29.0-202608031105-18-trixie -> 2.29.2-202608031105-18-trixie']);
    const out = path.join(dir, 'out');
    const r = await cli([
      'catalog',
      '--root',
      path.join(anchor, 'metadata'),
      '--registry',
      `${registry.host}/cloudnative-pg`,
      '--base-catalog',
      path.join(dir, 'base.yaml'),
      '--output-dir',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rebuilt = parse(readFileSync(path.join(out, 'catalog-minimal-trixie.yaml'), 'utf8'));
    // The local registry's host and digests stand in for ghcr.io's.
    const expected = structuredClone(sample);
    for (const image of expected.spec.images)
      for (const e of image.extensions ?? [])
        e.image.reference = e.image.reference.replace(
          /^ghcr\.io\/cloudnative-pg\/([^:]+):[^@]+@sha256:[0-9a-f]{64}$/,
          `${registry.host}/cloudnative-pg/$1:${current[e.name]}@${local[e.name]}`,
        );
    expect(rebuilt).toEqual(expected);
    // Byte for byte too: upstream's yaml.v3 layout (2-space indent, indented sequences, quoted dates).
    const sampleText = readFileSync(sampleFile, 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    expect(readFileSync(path.join(out, 'catalog-minimal-trixie.yaml'), 'utf8')).toBe(
      sampleText.replace(
        /(?<=reference: )ghcr\.io\/cloudnative-pg\/([^:\s]+):[^@\s]+@sha256:[0-9a-f]{64}/g,
        (_m, repo: string) => {
          const name = Object.keys(current).find(
            (n) =>
              current[n] &&
              rebuilt.spec.images
                .at(-1)
                .extensions.some(
                  (e: { name: string; image: { reference: string } }) =>
                    e.name === n && e.image.reference.includes(`/cloudnative-pg/${repo}:`),
                ),
          )!;
          return `${registry.host}/cloudnative-pg/${repo}:${current[name]}@${local[name]}`;
        },
      ),
    );
  });
});
