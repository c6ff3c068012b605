// verify-layout against real images in a real docker-registry: a good image passes, each kind of bad image fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, verifyLayout } from '../../src/layout/index.js';
import { parseMetadata, type Extension } from '../../src/matrix/index.js';
import { RegistryClient, sha256Digest } from '../../src/registry/client.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { elfHeader, extensionFiles, layerTarGz, pushImage, type TestFile } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

let registry: TestRegistry;
let client: RegistryClient;
let extension: Extension;

const METADATA = `metadata = {
  name                     = "pgvector"
  sql_name                 = "vector"
  image_name               = "pgvector"
  licenses                 = ["PostgreSQL"]
  shared_preload_libraries = []
  postgresql_parameters    = {}
  extension_control_path   = []
  dynamic_library_path     = []
  ld_library_path          = ["system"]
  bin_path                 = []
  env                      = { GDAL_DATA = "$\${image_root}/data/gdal" }
  auto_update_os_libs      = false
  required_extensions      = []
  create_extension         = true
  versions = {
    trixie = { "18" = { package = "0.8.1-1.pgdg13+1", sql = "0.8.1" } }
  }
}
`;

const annotations = {
  'io.cloudnativepg.image.base.name': 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  'io.cloudnativepg.image.base.pgmajor': '18',
  'io.cloudnativepg.image.base.os': 'trixie',
  'io.cloudnativepg.image.sql.version': '0.8.1',
};

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient(registry.host, { baseDelayMs: 10 });
  extension = await parseMetadata(METADATA, '/src/pgvector/metadata.hcl', 'pgvector');
});
afterAll(async () => registry?.stop());

let counter = 0;
/** Pushes a two-platform image whose files are `change(files, arch)`; returns its reference. */
async function image(
  change: (files: TestFile[], arch: string) => TestFile[] = (f) => f,
  extra: { annotations?: Record<string, string>; layers?: (arch: string) => TestFile[][] } = {},
): Promise<string> {
  const repo = `ext/case${++counter}`;
  await pushImage(client, repo, 'v', {
    platforms: ['amd64', 'arm64'].map((arch) => ({
      platform: `linux/${arch}`,
      layers: extra.layers?.(arch) ?? [
        change(extensionFiles({ arch, sqlName: 'vector', version: '0.8.1' }), arch),
      ],
    })),
    annotations: extra.annotations ?? annotations,
    attestations: true,
  });
  return `${registry.host}/${repo}:v`;
}

const errors = (r: Awaited<ReturnType<typeof verifyLayout>>) => r.findings.filter((f) => f.level === 'error');

describe('verifyLayout', () => {
  it('passes a good multi-arch image, with and without the metadata', async () => {
    const ref = await image(undefined, {
      layers: (arch) => [
        extensionFiles({ arch, sqlName: 'vector', version: '0.8.1' }),
        [
          { path: 'system/libfoo.so.1', content: elfHeader(arch) },
          { path: 'system/libfoo.so', type: 'symlink', linkname: 'libfoo.so.1' },
          { path: 'data/gdal/x.csv', content: 'a' },
        ],
      ],
    });
    const withMeta = await verifyLayout(ref, { extension });
    expect(withMeta.findings.map(formatFinding)).toEqual([]);
    expect(withMeta.ok).toBe(true);
    expect(withMeta.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    const bare = await verifyLayout(ref);
    // Without metadata.hcl, data/ (named only by the env) is not a folder CNPG knows.
    expect(errors(bare).map((f) => `${f.platform} ${f.file}`)).toEqual([
      'linux/amd64 data',
      'linux/arm64 data',
    ]);
  });

  const cases: [
    string,
    Parameters<typeof image>[0],
    Parameters<typeof image>[1],
    RegExp,
    string | undefined,
  ][] = [
    [
      'a top-level folder CNPG does not use',
      (f) => [...f, { path: 'usr/share/doc/x', content: 'x' }],
      {},
      /unexpected top-level folder/,
      'usr',
    ],
    [
      'a control file under share/ instead of share/extension/',
      (f) => f.map((x) => (x.path.endsWith('.control') ? { ...x, path: 'share/vector.control' } : x)),
      {},
      /control file outside share\/extension/,
      'share/vector.control',
    ],
    [
      'an extension script outside share/extension/',
      (f) => [...f, { path: 'lib/vector--0.8.1.sql', content: 'x' }],
      {},
      /extension script outside/,
      'lib/vector--0.8.1.sql',
    ],
    [
      'no install script for default_version',
      (f) => f.filter((x) => !/vector--0\.8\.1\.sql$|--0\.1\.0--0\.8\.1/.test(x.path)),
      {},
      /no install script for version 0\.8\.1 \(default_version\)/,
      'share/extension/vector.control',
    ],
    [
      'an sql annotation with no install script',
      (f) => f,
      { annotations: { ...annotations, 'io.cloudnativepg.image.sql.version': '9.9' } },
      /no install script for version 9\.9 \(the io\.cloudnativepg\.image\.sql\.version annotation\)/,
      'share/extension/vector.control',
    ],
    [
      "an install script that LOADs '$libdir/...' (load_file does not strip $libdir)",
      (f) =>
        f.map((x) =>
          x.path === 'share/extension/vector--0.8.1.sql' ? { ...x, content: "\nLOAD '$libdir/vector';" } : x,
        ),
      {},
      /LOAD '\$libdir\/vector' \(line 2\): LOAD does not strip \$libdir/,
      'share/extension/vector--0.8.1.sql',
    ],
    [
      'a module_pathname whose library is not in the image',
      (f) => f.filter((x) => !x.path.endsWith('.so')),
      {},
      /module_pathname = 'vector': no vector\.so in lib/,
      'share/extension/vector.control',
    ],
    [
      'a library built for the other architecture',
      (f, arch) =>
        f.map((x) =>
          x.path.endsWith('.so') && arch === 'arm64' ? { ...x, content: elfHeader('amd64') } : x,
        ),
      {},
      /built for amd64 \(ELF machine 62\) in the linux\/arm64 image/,
      'lib/vector.so',
    ],
    [
      'a library that is not ELF',
      (f) => [...f, { path: 'lib/broken.so', content: 'not elf' }],
      {},
      /not an ELF shared object/,
      'lib/broken.so',
    ],
    [
      'a symlink to an absolute path (into the PostgreSQL container)',
      (f) => [...f, { path: 'lib/data', type: 'symlink', linkname: '/var/lib/postgresql/data' }],
      {},
      /symbolic link to \/var\/lib\/postgresql\/data: an absolute link points into the PostgreSQL container/,
      'lib/data',
    ],
    [
      'an extension script that links out of the image',
      (f) => [
        ...f,
        {
          path: 'share/extension/vector--0.8.1--0.8.2.sql',
          type: 'symlink',
          linkname: '../../../../etc/passwd',
        },
      ],
      {},
      /symbolic link to \.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd leaves the image/,
      'share/extension/vector--0.8.1--0.8.2.sql',
    ],
    [
      'a library link that climbs out and back into a same-named path',
      (f) => [...f, { path: 'lib/evil.so', type: 'symlink', linkname: '../../../../lib/vector.so' }],
      {},
      /symbolic link to \.\.\/\.\.\/\.\.\/\.\.\/lib\/vector\.so leaves the image/,
      'lib/evil.so',
    ],
    [
      'a tar entry whose name climbs with ..',
      (f) => [...f, { path: 'lib/../../etc/cron.d/x', content: 'x' }],
      {},
      /a tar entry whose name has a "\.\." part: refused/,
      // the test helper writes the parent folders first: `lib/../` is the first entry refused
      'lib/../',
    ],
    [
      'a dangling library symlink',
      (f) => [...f, { path: 'lib/libx.so', type: 'symlink', linkname: 'libx.so.2' }],
      {},
      /symbolic link to libx\.so\.2/,
      'lib/libx.so',
    ],
  ];

  it.each(cases)('rejects %s', async (_name, change, extra, reason, file) => {
    const result = await verifyLayout(await image(change, extra), { extension });
    expect(result.ok).toBe(false);
    const found = errors(result).filter((f) => reason.test(f.reason));
    expect(found.length, result.findings.map(formatFinding).join('\n')).toBeGreaterThan(0);
    expect(found[0]!.file).toBe(file);
  });

  it('rejects an index entry whose platform disagrees with the image config', async () => {
    const repo = `ext/case${++counter}`;
    await pushImage(client, repo, 'v', {
      platforms: [
        { platform: 'linux/amd64', layers: [extensionFiles({ arch: 'amd64' })] },
        { platform: 'linux/arm64', layers: [extensionFiles({ arch: 'arm64' })], configArchitecture: 'amd64' },
      ],
      annotations,
    });
    const result = await verifyLayout(`${registry.host}/${repo}:v`, { extension });
    expect(errors(result).map(formatFinding)).toEqual([
      'error [linux/arm64]: the index says linux/arm64 but the image config says linux/amd64',
    ]);
  });

  it('streams layers: a cut download is read again, a wrong body is caught by its digest', async () => {
    const ref = await image();
    const index = await client.getManifest(`ext/case${counter}`, 'v');
    const amd64 = (index.json as { manifests: { digest: string }[] }).manifests[0]!.digest;
    const manifest = await client.getManifest(`ext/case${counter}`, amd64);
    const layer = (manifest.json as { layers: { digest: string }[] }).layers[0]!.digest;
    const proxy = await startFaultProxy(registry.host);
    const viaProxy = ref.replace(registry.host, proxy.host);
    const options = { extension, baseDelayMs: 1, maxDelayMs: 5 };
    try {
      let cuts = 0;
      proxy.setRule(({ method, path }) =>
        method === 'GET' && path.endsWith(`/blobs/${layer}`) && cuts++ < 2
          ? { truncateAfter: 300 }
          : undefined,
      );
      const retried = await verifyLayout(viaProxy, options);
      expect(retried.findings.map(formatFinding)).toEqual([]);
      expect(proxy.log.filter((l) => l.fault === 'truncate')).toHaveLength(2);

      const other = await layerTarGz(
        extensionFiles({ arch: 'amd64', sqlName: 'vector', version: '0.8.1' }).slice(1),
      );
      proxy.setRule(({ method, path }) =>
        method === 'GET' && path.endsWith(`/blobs/${layer}`) ? { status: 200, body: other } : undefined,
      );
      const wrong = await verifyLayout(viaProxy, options);
      expect(errors(wrong).map(formatFinding)).toEqual([
        `error [linux/amd64]: layer ${layer} arrived with content digest ${sha256Digest(other)}`,
      ]);

      proxy.setRule(({ method, path }) =>
        method === 'GET' && path.endsWith(`/blobs/${layer}`) ? { truncateAfter: 300 } : undefined,
      );
      const cut = await verifyLayout(viaProxy, { ...options, retries: 2 });
      expect(errors(cut).map(formatFinding)).toEqual([
        `error [linux/amd64]: layer ${layer} cannot be read: terminated (UND_ERR_SOCKET) (after 3 attempts)`,
      ]);
    } finally {
      await proxy.stop();
    }
  });

  it('rejects a missing control file only when metadata says create_extension', async () => {
    const ref = await image((f) => f.filter((x) => !x.path.endsWith('.control')));
    const result = await verifyLayout(ref, { extension });
    expect(errors(result).map((f) => f.reason)).toContain(
      'missing control file: CREATE EXTENSION vector needs share/extension/vector.control',
    );
    const bare = await verifyLayout(ref);
    expect(bare.ok).toBe(true);
    expect(bare.findings.some((f) => f.level === 'warning' && /no control file/.test(f.reason))).toBe(true);
  });

  it('rejects annotations that disagree with metadata.hcl', async () => {
    const ref = await image((f) => f, {
      annotations: { ...annotations, 'io.cloudnativepg.image.sql.version': '0.1.0' },
    });
    const result = await verifyLayout(ref, { extension });
    expect(errors(result).map((f) => f.reason)).toContain(
      'annotation io.cloudnativepg.image.sql.version=0.1.0 differs from metadata.hcl versions.trixie["18"].sql = 0.8.1',
    );
    const os = await verifyLayout(
      await image((f) => f, {
        annotations: { ...annotations, 'io.cloudnativepg.image.base.os': 'bookworm' },
      }),
      {
        extension,
      },
    );
    expect(errors(os)[0]!.reason).toMatch(/base\.os=bookworm is not a distribution/);
  });

  it('rejects an image over the size budget', async () => {
    const result = await verifyLayout(await image(), { extension, maxSizeBytes: 100 });
    expect(errors(result).map((f) => f.reason)[0]).toMatch(/over the 0\.0 MiB budget/);
  });

  it('caps the memory of the whole tree, not only of each file', async () => {
    const sql = 'x'.repeat(64 * 1024);
    const ref = await image((f) => [
      ...f,
      ...Array.from({ length: 40 }, (_, i) => ({ path: `share/contrib/c${i}.sql`, content: sql })),
    ]);
    // 40 files of 64 KiB: each far under the per-file limit, together over 2 MiB.
    const result = await verifyLayout(ref, { extension, maxMemoryBytes: 2 * 1024 * 1024 });
    expect(errors(result).map((f) => f.reason)).toEqual([
      expect.stringMatching(
        /^layer sha256:\w+ cannot be read: the image needs more than 2\.0 MiB of memory to check/,
      ),
      expect.stringMatching(/^layer sha256:\w+ cannot be read: the image needs more than 2\.0 MiB/),
    ]);
    expect((await verifyLayout(ref, { extension, maxMemoryBytes: 8 * 1024 * 1024 })).ok).toBe(true);
  });

  it('keeps in-image relative links of real packages (soname links, a folder link, cp -a contrib links)', async () => {
    const ref = await image((f) => [
      ...f,
      { path: 'lib/vector.so.0', type: 'symlink', linkname: 'vector.so' },
      { path: 'lib/bitcode/vector/x.bc', content: 'bc' },
      { path: 'lib/bitcode/vector.index.bc', type: 'symlink', linkname: './vector/x.bc' },
      { path: 'share/contrib/vector.sql', type: 'symlink', linkname: '../extension/vector--0.8.1.sql' },
    ]);
    expect((await verifyLayout(ref, { extension })).findings.map(formatFinding)).toEqual([]);
  });

  it('applies whiteouts: a file deleted by an upper layer is not checked', async () => {
    const ref = await image(undefined, {
      layers: (arch) => [
        [
          ...extensionFiles({ arch, sqlName: 'vector', version: '0.8.1' }),
          { path: 'junk/file', content: 'x' },
        ],
        [{ path: '.wh.junk', content: '' }],
      ],
    });
    expect((await verifyLayout(ref, { extension })).findings).toEqual([]);
  });
});
