import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { parseMetadata } from '../matrix/index.js';
import { resolveValues, type Inspect } from './resolve.js';
import { buildValues, renderValues, type TestingValues } from './values.js';

/** A metadata.hcl with the reference field set; `extra` overrides fields (HCL text). */
function hcl(name: string, fields: Record<string, string>, versions: string): string {
  const base: Record<string, string> = {
    name: `"${name}"`,
    sql_name: `"${name}"`,
    image_name: `"${name}"`,
    licenses: '["Apache-2.0"]',
    shared_preload_libraries: '[]',
    postgresql_parameters: '{}',
    extension_control_path: '[]',
    dynamic_library_path: '[]',
    ld_library_path: '[]',
    bin_path: '[]',
    env: '{}',
    auto_update_os_libs: 'false',
    required_extensions: '[]',
    create_extension: 'true',
    ...fields,
  };
  return `metadata = {\n${Object.entries(base)
    .map(([k, v]) => `  ${k} = ${v}`)
    .join('\n')}\n  versions = ${versions}\n}\n`;
}

const TRIXIE_18 = (pkg: string, sql?: string) =>
  `{\n    trixie = {\n      "18" = {\n        package = "${pkg}"\n${sql ? `        sql = "${sql}"\n` : ''}      }\n    }\n  }`;

let root: string;
const write = async (name: string, text: string) => {
  await mkdir(path.join(root, name), { recursive: true });
  await writeFile(path.join(root, name, 'metadata.hcl'), text);
};

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'e2e-values-'));
  await write('vec', hcl('vec', { sql_name: '"vector"' }, TRIXIE_18('0.8.6-1.pgdg13+1', '0.8.6')));
  await write(
    'geo',
    hcl(
      'geo',
      {
        image_name: '"geo-extension"',
        ld_library_path: '["system"]',
        env: '{ "PROJ_DATA" = "$${image_root}/share/proj", "GDAL_DATA" = "$${image_root}/share/gdal", "LITERAL" = "$$${not_a_placeholder}" }',
      },
      TRIXIE_18('3.6.4+dfsg-2.pgdg13+1', '3.6.4'),
    ),
  );
  await write(
    'route',
    hcl('route', { required_extensions: '["geo"]' }, TRIXIE_18('4.0.1-1.pgdg13+1', '4.0.1')),
  );
  await write(
    'decoder',
    hcl(
      'decoder',
      {
        create_extension: 'false',
        postgresql_parameters: '{ output_plugin_libraries = "pgoutput, decoder" }',
        shared_preload_libraries: '["decoder"]',
      },
      TRIXIE_18('2.6-4.pgdg13+1'),
    ),
  );
  await write(
    'epoch',
    hcl(
      'epoch',
      {
        required_extensions: '["decoder", "base-image:tsm_system_rows"]',
        bin_path: '["bin"]',
        extension_control_path: '["share"]',
        dynamic_library_path: '["lib", "lib/extra"]',
      },
      TRIXIE_18('1:8.4.8.7-1.pgdg13+1', '8.4.8.7'),
    ),
  );
  await write('badenv', hcl('badenv', { env: '{ "PGDATA" = "x" }' }, TRIXIE_18('1.0-1', '1.0')));
  await write('badenvcase', hcl('badenvcase', { env: '{ "pgdata" = "x" }' }, TRIXIE_18('1.0-1', '1.0')));
  await write('badph', hcl('badph', { env: '{ "X" = "$${home}/y" }' }, TRIXIE_18('1.0-1', '1.0')));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const annotations = (
  os: string,
  pg: string,
  sql: string,
  base = `ghcr.io/cloudnative-pg/postgresql:${pg}-minimal-${os}`,
) => ({
  'io.cloudnativepg.image.base.name': base,
  'io.cloudnativepg.image.base.os': os,
  'io.cloudnativepg.image.base.pgmajor': pg,
  'io.cloudnativepg.image.sql.version': sql,
});

/** A registry answering from a table; records what was asked. */
function registry(table: Record<string, Record<string, string>>): Inspect & { asked: string[] } {
  const asked: string[] = [];
  const fn = (async (ref: string) => {
    asked.push(ref);
    const a = table[ref];
    if (!a) throw new UserError(`${ref}: manifest unknown (404)`);
    return { annotations: a };
  }) as Inspect & { asked: string[] };
  fn.asked = asked;
  return fn;
}

describe('an image of another extension, distro or major', () => {
  it('is refused when its annotations name another extension', async () => {
    const image = 'ghcr.io/acme/decoder:2.6-18-trixie';
    const inspect = registry({
      [image]: {
        ...annotations('trixie', '18', ''),
        'org.opencontainers.image.title': 'decoder 2.6 18 trixie',
      },
    });
    await expect(resolveValues({ root, extension: 'vec', image, inspect })).rejects.toThrow(
      `image ${image} is not a vec image: its title annotation names extension decoder, not vec`,
    );
  });

  it('offline, is warned about when its reference names another extension, distro or major', async () => {
    const image = 'ghcr.io/acme/decoder:2.6-17-bookworm';
    const r = await resolveValues({ root, extension: 'vec', image, distro: 'trixie', pgMajor: '18' });
    expect(r.warnings).toEqual([
      `image ${image} may not be vec for trixie/PostgreSQL 18: its repository decoder is not vec or vec-testing`,
      `image ${image} may not be vec for trixie/PostgreSQL 18: its tag says PostgreSQL 17, not 18`,
      `image ${image} may not be vec for trixie/PostgreSQL 18: its tag says bookworm, not trixie`,
    ]);
    const fine = await resolveValues({
      root,
      extension: 'vec',
      image: 'ghcr.io/acme/vec-testing:0.8.6-202608221026-18-trixie',
      distro: 'trixie',
      pgMajor: '18',
    });
    expect(fine.warnings).toEqual([]);
  });
});

describe('values from image annotations', () => {
  it('plain extension: pg_image and version come from the image, not the metadata', async () => {
    const image = 'ghcr.io/acme/vec-testing:0.8.6-202608221026-18-trixie';
    const inspect = registry({
      [image]: annotations('trixie', '18', '0.8.6-annotated', 'example.org/pg:18-custom'),
    });
    const { values } = await resolveValues({ root, extension: 'vec', image, inspect });
    expect(values).toEqual({
      name: 'vec',
      sql_name: 'vector',
      shared_preload_libraries: [],
      postgresql_parameters: {},
      pg_image: 'example.org/pg:18-custom',
      version: '0.8.6-annotated',
      create_extension: true,
      extensions: [{ name: 'vec', image: { reference: image } }],
      database_config: {
        extensions_spec: [{ ensure: 'present', name: 'vector', version: '0.8.6-annotated' }],
      },
      database_assert_status: {
        applied: true,
        extensions: [{ applied: true, name: 'vector' }],
        observedGeneration: 1,
      },
    });
  });

  it('module without CREATE EXTENSION: empty version, no Database extensions, parameters kept', async () => {
    const image = 'ghcr.io/acme/decoder:2.6-18-trixie';
    const { values } = await resolveValues({
      root,
      extension: 'decoder',
      image,
      inspect: registry({ [image]: annotations('trixie', '18', '') }),
    });
    expect(values.create_extension).toBe(false);
    expect(values.version).toBe('');
    expect(values.shared_preload_libraries).toEqual(['decoder']);
    expect(values.postgresql_parameters).toEqual({ output_plugin_libraries: 'pgoutput, decoder' });
    expect(values.database_config).toEqual({});
    expect(values.database_assert_status).toEqual({ applied: true, observedGeneration: 1 });
    expect(renderValues(values)).toContain('version: ""\n');
  });

  it('env: escapes undone, ${image_root} kept, sorted by name; paths kept (omitempty)', async () => {
    const image = 'ghcr.io/acme/geo-extension:3.6.4-18-trixie';
    const { values } = await resolveValues({
      root,
      extension: 'geo',
      image,
      inspect: registry({ [image]: annotations('trixie', '18', '3.6.4') }),
    });
    expect(values.extensions[0]).toEqual({
      name: 'geo',
      image: { reference: image },
      ld_library_path: ['system'],
      env: [
        { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
        { name: 'LITERAL', value: '$${not_a_placeholder}' },
        { name: 'PROJ_DATA', value: '${image_root}/share/proj' },
      ],
    });
  });

  it('dependency: from the configured registry, same distro and major, sql version from its annotations', async () => {
    const image = 'ghcr.io/acme/route-testing:4.0.1-202608221026-18-trixie';
    const dep = 'registry.example.com/team/geo-extension:3.6.4-18-trixie';
    const inspect = registry({
      [image]: annotations('trixie', '18', '4.0.1'),
      [dep]: annotations('trixie', '18', '3.6.9'),
    });
    const { values, images } = await resolveValues({
      root,
      extension: 'route',
      image,
      inspect,
      registry: 'registry.example.com/team',
    });
    expect(inspect.asked).toEqual([image, dep]);
    expect(images).toEqual([image, dep]);
    expect(values.extensions.map((e) => e.image.reference)).toEqual([image, dep]);
    expect(values.extensions[1]!.env?.map((e) => e.name)).toEqual(['GDAL_DATA', 'LITERAL', 'PROJ_DATA']);
    expect(values.database_config.extensions_spec).toEqual([
      { ensure: 'present', name: 'route', version: '4.0.1' },
      { ensure: 'present', name: 'geo', version: '3.6.9' },
    ]);
    expect(values.database_assert_status.extensions).toEqual([
      { applied: true, name: 'route' },
      { applied: true, name: 'geo' },
    ]);
  });

  it('dependency: testing environment picks the -testing repository', async () => {
    const image = 'ghcr.io/acme/route:4.0.1-18-trixie';
    const dep = 'ghcr.io/acme/geo-extension-testing:3.6.4-18-trixie';
    const inspect = registry({
      [image]: annotations('trixie', '18', '4.0.1'),
      [dep]: annotations('trixie', '18', '3.6.4'),
    });
    const { values } = await resolveValues({
      root,
      extension: 'route',
      image,
      inspect,
      registry: 'ghcr.io/acme',
      environment: 'testing',
    });
    expect(values.extensions[1]!.image.reference).toBe(dep);
  });

  it('dependency: an image built in the same run wins over the registry (tag or annotations)', async () => {
    const image = 'ghcr.io/acme/route-testing:4.0.1-18-trixie';
    const builtTagged = 'ghcr.io/acme/geo-extension-testing:3.6.4-202608221026-18-trixie';
    const other = 'ghcr.io/acme/geo-extension-testing:3.6.4-202608221026-18-bookworm';
    const inspect = registry({
      [image]: annotations('trixie', '18', '4.0.1'),
      [builtTagged]: annotations('trixie', '18', '3.6.4'),
    });
    const r1 = await resolveValues({
      root,
      extension: 'route',
      image,
      inspect,
      builtImages: [other, builtTagged],
    });
    expect(r1.values.extensions[1]!.image.reference).toBe(builtTagged);
    const byDigest = `ghcr.io/acme/geo-extension-testing@sha256:${'a'.repeat(64)}`;
    const inspect2 = registry({
      [image]: annotations('trixie', '18', '4.0.1'),
      [byDigest]: annotations('trixie', '18', '3.6.4'),
    });
    const r2 = await resolveValues({
      root,
      extension: 'route',
      image,
      inspect: inspect2,
      builtImages: [byDigest],
    });
    expect(r2.values.extensions[1]!.image.reference).toBe(byDigest);
  });

  it('dependency without a run image nor a registry: one clear error, no organisation guessed', async () => {
    const image = 'ghcr.io/acme/route:4.0.1-18-trixie';
    await expect(
      resolveValues({
        root,
        extension: 'route',
        image,
        inspect: registry({ [image]: annotations('trixie', '18', '4.0.1') }),
      }),
    ).rejects.toThrow(/requires geo, which was not built in this run: set the registry/);
  });

  it('epoch versions use the one parser (1:8.4.8.7 -> 1-8.4.8.7); module deps are mounted but not created; SQL-only requirements are created', async () => {
    const image = 'ghcr.io/acme/epoch:1-8.4.8.7-18-trixie';
    const dep = 'ghcr.io/acme/decoder:2.6-18-trixie';
    const inspect = registry({
      [image]: annotations('trixie', '18', '8.4.8.7'),
      [dep]: annotations('trixie', '18', ''),
    });
    const { values } = await resolveValues({
      root,
      extension: 'epoch',
      image,
      inspect,
      registry: 'ghcr.io/acme',
    });
    expect(values.extensions.map((e) => e.name)).toEqual(['epoch', 'decoder']);
    expect(values.extensions[0]).toMatchObject({
      bin_path: ['bin'],
      extension_control_path: ['share'],
      dynamic_library_path: ['lib', 'lib/extra'],
    });
    expect(values.database_config.extensions_spec).toEqual([
      { ensure: 'present', name: 'epoch', version: '8.4.8.7' },
      { ensure: 'present', name: 'tsm_system_rows' },
    ]);
  });

  it('missing annotations are named', async () => {
    const image = 'ghcr.io/acme/vec:1';
    await expect(
      resolveValues({ root, extension: 'vec', image, inspect: registry({ [image]: {} }) }),
    ).rejects.toThrow(
      /io\.cloudnativepg\.image\.base\.name, io\.cloudnativepg\.image\.base\.os, io\.cloudnativepg\.image\.base\.pgmajor/,
    );
  });
});

describe('offline values (--distro/--pg-major)', () => {
  it('needs no registry: base image template and metadata versions', async () => {
    const inspect = registry({});
    const { values } = await resolveValues({
      root,
      extension: 'route',
      image: 'localhost:5000/route:x',
      distro: 'trixie',
      pgMajor: '18',
      registry: 'localhost:5000',
      clusterReference: (r) => r.replace('localhost:5000', 'registry.ext-actions:5000'),
      inspect,
    });
    expect(inspect.asked).toEqual([]);
    expect(values.pg_image).toBe('ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie');
    expect(values.version).toBe('4.0.1');
    expect(values.extensions.map((e) => e.image.reference)).toEqual([
      'registry.ext-actions:5000/route:x',
      'registry.ext-actions:5000/geo-extension:3.6.4-18-trixie',
    ]);
  });

  it('refuses an undeclared distro/major, and PostgreSQL before 18', async () => {
    await expect(
      resolveValues({ root, extension: 'vec', image: 'x/vec:1', distro: 'bookworm', pgMajor: '18' }),
    ).rejects.toThrow(/declares no version for bookworm\/PostgreSQL 18 \(metadata.versions has trixie\/18\)/);
    const [ext] = [
      await parseMetadata(
        hcl('old', {}, '{ trixie = { "17" = { package = "1.0-1", sql = "1.0" } } }'),
        'old/metadata.hcl',
        'old',
      ),
    ];
    expect(() =>
      buildValues({
        extension: ext,
        reference: 'x/old:1',
        pgImage: 'pg:17',
        sqlVersion: '1.0',
        pgMajor: '17',
        dependencies: [],
      }),
    ).toThrow(/PostgreSQL 18 or later/);
  });
});

describe('CloudNativePG admission rules are checked before anything runs', () => {
  it('reserved env names', async () => {
    await expect(
      resolveValues({ root, extension: 'badenv', image: 'x/y:1', distro: 'trixie', pgMajor: '18' }),
    ).rejects.toThrow(/"PGDATA" is reserved/);
  });
  it('reserved env names in any letter case (CloudNativePG upper-cases before comparing)', async () => {
    await expect(
      resolveValues({ root, extension: 'badenvcase', image: 'x/y:1', distro: 'trixie', pgMajor: '18' }),
    ).rejects.toThrow(/"pgdata" is reserved/);
  });
  it('unknown placeholders', async () => {
    await expect(
      resolveValues({ root, extension: 'badph', image: 'x/y:1', distro: 'trixie', pgMajor: '18' }),
    ).rejects.toThrow(/unknown placeholder \$\{home\}/);
  });
  it('create_extension without a sql version', async () => {
    const ext = await parseMetadata(hcl('nosql', {}, TRIXIE_18('1.0-1')), 'nosql/metadata.hcl', 'nosql');
    expect(() =>
      buildValues({
        extension: ext,
        reference: 'x/nosql:1',
        pgImage: 'pg:18',
        sqlVersion: '',
        pgMajor: '18',
        dependencies: [],
      }),
    ).toThrow(/has no SQL version/);
  });
});

describe('rendering', () => {
  it('writes the reference key order with a 4-space indent, and round-trips', async () => {
    const image = 'ghcr.io/acme/vec:0.8.6-18-trixie';
    const { values } = await resolveValues({
      root,
      extension: 'vec',
      image,
      inspect: registry({ [image]: annotations('trixie', '18', '0.8.6') }),
    });
    const text = renderValues(values);
    expect(text.split('\n').slice(0, 8)).toEqual([
      'name: vec',
      'sql_name: vector',
      'shared_preload_libraries: []',
      'postgresql_parameters: {}',
      'pg_image: ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
      'version: 0.8.6',
      'create_extension: true',
      'extensions:',
    ]);
    expect(text).toContain('\n    - name: vec\n');
    expect(text).toContain('\ndatabase_config:\n    extensions_spec:\n');
    expect(parse(text)).toEqual(values);
  });

  it('quotes strings a YAML 1.1 reader would turn into booleans or numbers (chainsaw reads values with sigs.k8s.io/yaml, i.e. go-yaml v2)', async () => {
    const image = 'ghcr.io/acme/vec:0.8.6-18-trixie';
    const { values } = await resolveValues({
      root,
      extension: 'vec',
      image,
      inspect: registry({ [image]: annotations('trixie', '18', '0.8.6') }),
    });
    // common GUC values: off/on are booleans in YAML 1.1, 1_000 an integer; CNPG wants strings
    const tricky: TestingValues = {
      ...values,
      postgresql_parameters: {
        'auto_explain.log_analyze': 'on',
        'pg_stat_statements.save': 'no',
        'timescaledb.telemetry_level': 'off',
        work_mem: '1_000',
      },
      extensions: [{ ...values.extensions[0]!, env: [{ name: 'FLAG', value: 'yes' }] }],
    };
    const text = renderValues(tricky);
    expect(text).toContain('timescaledb.telemetry_level: "off"');
    expect(parse(text, { version: '1.1' })).toEqual(tricky);
    expect(parse(text)).toEqual(tricky);
  });
});
