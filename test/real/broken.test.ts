/**
 * Real images broken on purpose, built with the real buildx from Debian's real packages (the example
 * Dockerfiles' builder stages, unchanged, so BuildKit's cache serves them), then judged by
 * `verify-layout` and `smoke`: each must fail, for the right reason, in a message a maintainer can act
 * on. A good image built the same way passes both, so the failures are not the harness's.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PG_MAJOR } from './support/environment.js';
import { CLI, exampleRepo, REPO_ROOT, type ExampleRepo } from './support/repo.js';
import { must, run } from './support/run.js';

interface Case {
  name: string;
  extension: 'pgvector' | 'postgis';
  platforms: string[];
  /** The final stage (after the example's builder stage). */
  final: string;
  /** Replaces the builder's FROM line (the wrong-architecture case). */
  builderFrom?: string;
}

const CASES: Case[] = [
  {
    name: 'good',
    extension: 'pgvector',
    platforms: ['linux/amd64'],
    final: `COPY --from=builder /usr/lib/postgresql/\${PG_MAJOR}/lib/vector.so /lib/
COPY --from=builder /usr/share/postgresql/\${PG_MAJOR}/extension/vector* /share/extension/`,
  },
  {
    name: 'library-missing',
    extension: 'pgvector',
    platforms: ['linux/amd64'],
    final: 'COPY --from=builder /usr/share/postgresql/${PG_MAJOR}/extension/vector* /share/extension/',
  },
  {
    name: 'control-misplaced',
    extension: 'pgvector',
    platforms: ['linux/amd64'],
    final: `COPY --from=builder /usr/lib/postgresql/\${PG_MAJOR}/lib/vector.so /lib/
COPY --from=builder /usr/share/postgresql/\${PG_MAJOR}/extension/vector.control /share/
COPY --from=builder /usr/share/postgresql/\${PG_MAJOR}/extension/vector--*.sql /share/extension/`,
  },
  {
    // The arm64 image carries the amd64 build of vector.so.
    name: 'wrong-architecture',
    extension: 'pgvector',
    platforms: ['linux/arm64'],
    builderFrom: 'FROM --platform=linux/amd64 $BASE AS builder',
    final: `COPY --from=builder /usr/lib/postgresql/\${PG_MAJOR}/lib/vector.so /lib/
COPY --from=builder /usr/share/postgresql/\${PG_MAJOR}/extension/vector* /share/extension/`,
  },
  {
    // PostGIS without the /system folder of the libraries the base image lacks (GEOS, PROJ, GDAL...).
    name: 'system-library-missing',
    extension: 'postgis',
    platforms: ['linux/amd64'],
    final: `COPY --from=builder /out/lib/ /lib/
COPY --from=builder /out/share/extension/ /share/extension/`,
  },
];

let repo: ExampleRepo;
const refs = new Map<string, string>();

function dockerfile(c: Case): string {
  const example = readFileSync(path.join(REPO_ROOT, 'extensions', c.extension, 'Dockerfile'), 'utf8');
  let builder = example.slice(0, example.indexOf('FROM scratch'));
  if (c.builderFrom) builder = builder.replace(/^FROM \$BASE AS builder$/m, c.builderFrom);
  const args = c.extension === 'postgis' ? 'ARG PG_MAJOR\nARG POSTGIS_MAJOR' : 'ARG PG_MAJOR';
  return `${builder}FROM scratch\n${args}\n${c.final}\n`;
}

beforeAll(async () => {
  const real = inject('real');
  repo = exampleRepo(['pgvector', 'postgis']);
  const context = path.join(repo.dir, 'broken');
  mkdirSync(context, { recursive: true });
  const target: Record<string, unknown> = {};
  for (const c of CASES) {
    const v = repo.versions[c.extension]!;
    writeFileSync(path.join(context, `Dockerfile.${c.name}`), dockerfile(c));
    target[c.name] = {
      context,
      // A file, not dockerfile-inline: bake would read the Dockerfile's ${...} as its own interpolation.
      dockerfile: path.join(context, `Dockerfile.${c.name}`),
      args: {
        BASE: real.baseImage,
        PG_MAJOR,
        EXT_VERSION: v.package,
        ...(c.extension === 'postgis' ? { POSTGIS_MAJOR: '3' } : {}),
      },
      platforms: c.platforms,
      tags: [`${real.registry}/broken-${c.name}:1`],
      annotations: [
        `index:io.cloudnativepg.image.base.name=${real.baseImage}`,
        'index:io.cloudnativepg.image.base.os=sid',
        `index:io.cloudnativepg.image.base.pgmajor=${PG_MAJOR}`,
        `index:io.cloudnativepg.image.sql.version=${v.sql}`,
      ],
      output: ['type=image,oci-mediatypes=true,push=true'],
      network: 'host',
      // Provenance makes every build an index (the index: annotations need one); SBOM needs Docker Hub.
      attest: ['type=provenance,mode=min', 'type=sbom,disabled=true'],
    };
  }
  const file = path.join(repo.dir, 'broken.json');
  writeFileSync(file, JSON.stringify({ group: { default: { targets: CASES.map((c) => c.name) } }, target }));
  const metadata = path.join(repo.dir, 'broken-metadata.json');
  await must(
    'docker',
    [
      'buildx',
      'bake',
      '--builder',
      'default',
      '-f',
      file,
      '--allow',
      'network.host',
      '--metadata-file',
      metadata,
      '--progress',
      'plain',
    ],
    {
      cwd: repo.dir,
    },
  );
  const meta = JSON.parse(readFileSync(metadata, 'utf8')) as Record<
    string,
    { 'containerimage.digest': string }
  >;
  for (const c of CASES)
    refs.set(c.name, `${real.registry}/broken-${c.name}@${meta[c.name]!['containerimage.digest']}`);

  // The SQL version annotation disagrees with the control file: the good image under other annotations.
  const sqlRef = `${real.registry}/broken-sql-version:1`;
  await must('docker', [
    'buildx',
    'imagetools',
    'create',
    '--tag',
    sqlRef,
    '--annotation',
    `index:io.cloudnativepg.image.base.name=${real.baseImage}`,
    '--annotation',
    'index:io.cloudnativepg.image.base.os=sid',
    '--annotation',
    `index:io.cloudnativepg.image.base.pgmajor=${PG_MAJOR}`,
    '--annotation',
    'index:io.cloudnativepg.image.sql.version=9.9.9',
    refs.get('good')!,
  ]);
  refs.set('sql-version', sqlRef);

  // metadata.hcl asking to preload a library the image does not have.
  const preload = path.join(repo.dir, repo.root, 'pgvector-preload');
  mkdirSync(preload);
  writeFileSync(
    path.join(preload, 'metadata.hcl'),
    readFileSync(path.join(repo.dir, repo.root, 'pgvector', 'metadata.hcl'), 'utf8')
      .replace(/name\s*=\s*"pgvector"/, 'name = "pgvector-preload"')
      .replace(/shared_preload_libraries\s*=\s*\[\]/, 'shared_preload_libraries = ["missing_lib"]'),
  );
}, 30 * 60_000);
afterAll(() => repo?.cleanup());

async function verify(name: string, extension: string) {
  return run('node', [CLI, 'verify-layout', refs.get(name)!, '--root', repo.root, '--extension', extension], {
    cwd: repo.dir,
  });
}
async function smoke(name: string, extension: string, ...extra: string[]) {
  const r = await run(
    'node',
    [
      CLI,
      'smoke',
      '--image',
      refs.get(name)!,
      '--root',
      repo.root,
      '--extension',
      extension,
      '--format',
      'json',
      ...extra,
    ],
    {
      cwd: repo.dir,
    },
  );
  const report = r.stdout
    ? (JSON.parse(r.stdout) as {
        ok: boolean;
        platforms: {
          ok: boolean;
          reason?: string;
          missingLibraries?: string[];
          serverLog?: string;
          sqlVersion?: string;
        }[];
      })
    : undefined;
  return { ...r, report };
}

describe('verify-layout and smoke on real images broken on purpose', () => {
  it('a good image built the same way passes both', async () => {
    const v = await verify('good', 'pgvector');
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const s = await smoke('good', 'pgvector');
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expect(s.report!.platforms[0]!.sqlVersion).toBe(repo.versions['pgvector']!.sql);
  });

  it('library missing: verify-layout names the module_pathname; smoke cannot create the extension', async () => {
    const v = await verify('library-missing', 'pgvector');
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /error \[linux\/amd64\] share\/extension\/vector\.control: module_pathname = '\$libdir\/vector': no vector\.so in lib/,
    );
    const s = await smoke('library-missing', 'pgvector');
    expect(s.code).toBe(1);
    expect(s.report!.platforms[0]!.reason).toMatch(
      // PostgreSQL 18 stripped the $libdir/ prefix of AS '$libdir/vector' and searched dynamic_library_path.
      /^pgvector on linux\/amd64: CREATE EXTENSION vector: .*could not access file "vector": No such file or directory/s,
    );
  });

  it('control file misplaced: verify-layout names the file; smoke says the extension is not available', async () => {
    const v = await verify('control-misplaced', 'pgvector');
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(
      'error [linux/amd64] share/vector.control: control file outside share/extension',
    );
    const s = await smoke('control-misplaced', 'pgvector');
    expect(s.code).toBe(1);
    expect(s.report!.platforms[0]!.reason).toMatch(
      /CREATE EXTENSION vector: .*extension "vector" is not available/s,
    );
  });

  it('wrong architecture: verify-layout reads the ELF header; smoke on arm64 (QEMU) cannot load it', async () => {
    const v = await verify('wrong-architecture', 'pgvector');
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(
      'error [linux/arm64] lib/vector.so: built for amd64 (ELF machine 62) in the linux/arm64 image',
    );
    const s = await smoke('wrong-architecture', 'pgvector');
    expect(s.code).toBe(1);
    const p = s.report!.platforms[0]!;
    expect(p.reason).toMatch(/^pgvector on linux\/arm64: CREATE EXTENSION vector: .*vector\.so/s);
    expect(p.missingLibraries!.join('\n')).toMatch(
      /\/extensions\/pgvector\/lib\/vector\.so: .*not a dynamic executable/,
    );
  });

  it('system library missing: smoke names the libraries ldd cannot find', async () => {
    const s = await smoke('system-library-missing', 'postgis');
    expect(s.code).toBe(1);
    const p = s.report!.platforms[0]!;
    expect(p.reason).toMatch(
      /^postgis on linux\/amd64: CREATE EXTENSION postgis: .*cannot open shared object file/s,
    );
    expect(
      p.missingLibraries!.some((l) =>
        /\/extensions\/postgis\/lib\/postgis-3\.so: lib\S+ => not found/.test(l),
      ),
    ).toBe(true);
  });

  it('SQL version different from the annotation: both say so', async () => {
    const v = await verify('sql-version', 'pgvector');
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /no install script for version 9\.9\.9 \(the io\.cloudnativepg\.image\.sql\.version annotation\)/,
    );
    const s = await smoke('sql-version', 'pgvector');
    expect(s.code).toBe(1);
    expect(s.report!.platforms[0]!.reason).toContain(
      `SQL version matches the image: CREATE EXTENSION vector installed ${repo.versions['pgvector']!.sql} (the control file's default_version), but the image's io.cloudnativepg.image.sql.version says 9.9.9`,
    );
  });

  it('a preload library that does not exist: the server does not start, and the log says why', async () => {
    const s = await smoke('good', 'pgvector-preload');
    expect(s.code).toBe(1);
    const p = s.report!.platforms[0]!;
    expect(p.reason).toMatch(/^pgvector-preload on linux\/amd64: server starts: .*missing_lib/s);
    expect(p.serverLog).toMatch(/could not access file "missing_lib"/);
  });

  it('bad input exits 2 with one message, nothing started', async () => {
    const r = await run(
      'node',
      [
        CLI,
        'smoke',
        '--image',
        refs.get('good')!,
        '--root',
        repo.root,
        '--extension',
        'pgvector',
        '--platform',
        'linux/s390x',
      ],
      {
        cwd: repo.dir,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --platform: the image has no linux\/s390x \(it has linux\/amd64\)/);
    const none = await run('node', [CLI, 'smoke', '--root', repo.root], { cwd: repo.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: ext-actions smoke: --image is required/);
    const ps = await must('docker', ['ps', '--all', '--quiet', '--filter', 'name=ext-actions-smoke-']);
    expect(ps.trim()).toBe('');
  });
});
