import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { toBakeDefinition, toMatrix, planTable } from './bake.js';
import type { Extension, ExtensionMetadata } from './metadata.js';
import { buildPlan, type PlanOptions } from './plan.js';

function ext(
  meta: Partial<ExtensionMetadata> & Pick<ExtensionMetadata, 'name' | 'versions'>,
  more: Partial<Extension> = {},
): Extension {
  const metadata: ExtensionMetadata = {
    sql_name: meta.name,
    image_name: meta.name,
    licenses: ['PostgreSQL'],
    shared_preload_libraries: [],
    postgresql_parameters: {},
    extension_control_path: [],
    dynamic_library_path: [],
    ld_library_path: [],
    bin_path: [],
    env: {},
    auto_update_os_libs: false,
    required_extensions: [],
    create_extension: true,
    ...meta,
  };
  return {
    metadata,
    file: `${meta.name}/metadata.hcl`,
    dir: meta.name,
    defaultArgs: {},
    targetArgs: {},
    warnings: [],
    ...more,
  };
}

const at = new Date('2026-03-04T05:06:07Z');
const options: PlanOptions = {
  registry: 'ghcr.io/acme',
  environment: 'testing',
  timestamp: at,
  revision: 'abc123',
};

const pgvector = ext({
  name: 'pgvector',
  sql_name: 'vector',
  versions: {
    trixie: { '18': { package: '0.8.6-1.pgdg13+1', sql: '0.8.6' } },
    bookworm: { '18': { package: '0.8.6-1.pgdg12+1', sql: '0.8.6' } },
  },
});

describe('buildPlan', () => {
  it('makes one target per declared (distro, PG major) pair, distro then major in string order', () => {
    const mixed = ext({
      name: 'mixed',
      versions: {
        trixie: {
          '9': { package: '1.0-1', sql: '1.0' },
          '18': { package: '1.0-1', sql: '1.0' },
          '17': { package: '1.0-1', sql: '1.0' },
        },
        bookworm: { '17': { package: '1.0-1', sql: '1.0' } },
      },
    });
    const plan = buildPlan([mixed], options);
    expect(plan.targets.map((t) => t.name)).toEqual([
      'mixed-1_0-17-bookworm',
      'mixed-1_0-17-trixie',
      'mixed-1_0-18-trixie',
      'mixed-1_0-9-trixie',
    ]);
  });

  it('names, tags, parameterises and annotates a target like the reference bake file', () => {
    const [t] = buildPlan([pgvector], {
      ...options,
      url: 'https://example.test/u',
      source: 'https://example.test/s',
      vendor: 'Acme',
      authors: 'Acme devs',
    }).targets;
    expect(t).toMatchObject({
      name: 'pgvector-0_8_6-18-bookworm',
      extension: 'pgvector',
      sqlName: 'vector',
      distro: 'bookworm',
      pgMajor: '18',
      version: '0.8.6',
      sqlVersion: '0.8.6',
      package: '0.8.6-1.pgdg12+1',
      repository: 'ghcr.io/acme/pgvector-testing',
      tags: [
        'ghcr.io/acme/pgvector-testing:0.8.6-18-bookworm',
        'ghcr.io/acme/pgvector-testing:0.8.6-202603040506-18-bookworm',
      ],
      context: 'pgvector/',
      dockerfile: 'Dockerfile',
      platforms: ['linux/amd64', 'linux/arm64'],
      args: {
        PG_MAJOR: '18',
        EXT_VERSION: '0.8.6-1.pgdg12+1',
        BASE: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-bookworm',
      },
    });
    expect(t!.labels).toEqual({
      'org.opencontainers.image.created': '2026-03-04T05:06:07Z',
      'org.opencontainers.image.url': 'https://example.test/u',
      'org.opencontainers.image.source': 'https://example.test/s',
      'org.opencontainers.image.documentation': 'https://example.test/u',
      'org.opencontainers.image.version': '0.8.6',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.vendor': 'Acme',
      'org.opencontainers.image.authors': 'Acme devs',
      'org.opencontainers.image.title': 'pgvector 0.8.6 18 bookworm',
      'org.opencontainers.image.description':
        'A pgvector 0.8.6 container image for PostgreSQL 18 on bookworm',
      'org.opencontainers.image.licenses': 'PostgreSQL',
      'org.opencontainers.image.base.name': 'scratch',
      'io.cloudnativepg.image.base.name': 'ghcr.io/cloudnative-pg/postgresql:18-minimal-bookworm',
      'io.cloudnativepg.image.base.pgmajor': '18',
      'io.cloudnativepg.image.base.os': 'bookworm',
      'io.cloudnativepg.image.sql.version': '0.8.6',
    });
    expect(Object.keys(t!.labels)).toHaveLength(16);
    expect(t!.annotations).toEqual(Object.entries(t!.labels).map(([k, v]) => `index,manifest:${k}=${v}`));
  });

  it.each([
    ['1:6.1.0-2.pgdg130+1', '1-6.1.0', 'plr-1-6_1_0-18-trixie'],
    ['2-1.pgdg13+1', '2', 'plr-2-18-trixie'],
    ['1.0~RC1-1.pgdg13+1', '1.0', 'plr-1_0-18-trixie'],
    ['3.6.4+dfsg-2.pgdg13+1', '3.6.4', 'plr-3_6_4-18-trixie'],
  ])('uses the one version parser for %s', (pkg, version, name) => {
    const [t] = buildPlan(
      [ext({ name: 'plr', versions: { trixie: { '18': { package: pkg, sql: '' } } } })],
      options,
    ).targets;
    expect(t!.name).toBe(name);
    expect(t!.version).toBe(version);
    expect(t!.tags[0]).toBe(`ghcr.io/acme/plr-testing:${version}-18-trixie`);
    expect(t!.args['EXT_VERSION']).toBe(pkg);
    expect(t!.labels['io.cloudnativepg.image.sql.version']).toBe('');
  });

  it('lower-cases the repository (image_name and registry) and drops -testing in production', () => {
    const upper = ext({
      name: 'demo',
      image_name: 'Demo-Ext',
      versions: { trixie: { '18': { package: '1.0-1', sql: '1.0' } } },
    });
    const testing = buildPlan([upper], { ...options, registry: 'GHCR.io/Acme' }).targets[0]!;
    expect(testing.repository).toBe('ghcr.io/acme/demo-ext-testing');
    const production = buildPlan([upper], { ...options, environment: 'production' }).targets[0]!;
    expect(production.repository).toBe('ghcr.io/acme/demo-ext');
    expect(production.tags).toEqual([
      'ghcr.io/acme/demo-ext:1.0-18-trixie',
      'ghcr.io/acme/demo-ext:1.0-202603040506-18-trixie',
    ]);
  });

  it('merges override args into every target, and named target args into that target only', () => {
    const postgis = ext(
      {
        name: 'postgis',
        versions: {
          bookworm: { '18': { package: '3.6.4+dfsg-2', sql: '3.6.4' } },
          trixie: { '18': { package: '3.6.4+dfsg-2', sql: '3.6.4' } },
        },
      },
      {
        defaultArgs: { POSTGIS_MAJOR: '3' },
        targetArgs: {
          'postgis-3_6_4-18-trixie': { ONLY: 'trixie', POSTGIS_MAJOR: '4' },
          'postgis-9-18-sid': { X: '1' },
        },
      },
    );
    const plan = buildPlan([postgis], options);
    expect(plan.targets[0]!.args).toEqual({
      PG_MAJOR: '18',
      EXT_VERSION: '3.6.4+dfsg-2',
      BASE: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-bookworm',
      POSTGIS_MAJOR: '3',
    });
    // A named target block wins over target "default", as bake merges the later, more specific definition.
    expect(plan.targets[1]!.args).toMatchObject({ POSTGIS_MAJOR: '4', ONLY: 'trixie' });
    expect(plan.warnings).toEqual([
      'postgis/metadata.hcl: target "postgis-9-18-sid" matches no target of postgis (postgis-3_6_4-18-bookworm, postgis-3_6_4-18-trixie)',
    ]);
  });

  it('renders the base image template', () => {
    const t = buildPlan([pgvector], { ...options, baseImage: 'registry.test/pg:{pgMajor}-standard-{distro}' })
      .targets[0]!;
    expect(t.baseImage).toBe('registry.test/pg:18-standard-bookworm');
    expect(t.args['BASE']).toBe('registry.test/pg:18-standard-bookworm');
    expect(t.labels['io.cloudnativepg.image.base.name']).toBe('registry.test/pg:18-standard-bookworm');
  });

  it('narrows platforms per extension and skips targets with none left', () => {
    const amd = ext({
      name: 'amdonly',
      platforms: ['linux/amd64'],
      versions: { trixie: { '18': { package: '1.0-1', sql: '1.0' } } },
    });
    const both = buildPlan([amd, pgvector], options);
    expect(both.targets.map((t) => [t.name, t.platforms])).toEqual([
      ['amdonly-1_0-18-trixie', ['linux/amd64']],
      ['pgvector-0_8_6-18-bookworm', ['linux/amd64', 'linux/arm64']],
      ['pgvector-0_8_6-18-trixie', ['linux/amd64', 'linux/arm64']],
    ]);
    const arm = buildPlan([amd, pgvector], { ...options, platforms: ['linux/arm64'] });
    expect(arm.targets.map((t) => t.name)).toEqual([
      'pgvector-0_8_6-18-bookworm',
      'pgvector-0_8_6-18-trixie',
    ]);
    expect(arm.targets[0]!.platforms).toEqual(['linux/arm64']);
    expect(arm.skipped).toEqual([
      { target: 'amdonly-1_0-18-trixie', reason: 'amdonly builds only linux/amd64; requested linux/arm64' },
    ]);
  });

  it.each([
    [{ registry: 'https://ghcr.io/acme' }, /^registry: expected a registry host/],
    [{ registry: '' }, /^registry: expected/],
    [{ environment: 'staging' as never }, /^environment: expected "testing" or "production", got "staging"/],
    [
      { baseImage: 'pg:{major}-{distro}' },
      /^base-image: expected an image reference with the placeholders \{pgMajor\} and \{distro\}/,
    ],
    [{ platforms: [] }, /^platforms: expected at least one platform/],
    [
      { platforms: ['linux/amd64', 'amd64'] },
      /^platforms: expected platforms such as linux\/amd64 or linux\/arm64\/v8, got "amd64"$/,
    ],
  ])('rejects bad options %j', (bad, message) => {
    expect(() => buildPlan([pgvector], { ...options, ...bad })).toThrow(UserError);
    expect(() => buildPlan([pgvector], { ...options, ...bad })).toThrow(message);
  });

  it('names options as the caller labels them', () => {
    expect(() => buildPlan([pgvector], { ...options, registry: 'a b', label: (o) => `--${o}` })).toThrow(
      /^--registry: expected a registry host/,
    );
    expect(() =>
      buildPlan([pgvector], { ...options, platforms: ['amd64'], label: (o) => `input "${o}"` }),
    ).toThrow(/^input "platforms": expected platforms such as linux\/amd64/);
  });

  it.each(['revision', 'url', 'source', 'documentation', 'vendor', 'authors'] as const)(
    'refuses a line break or an invisible character in --%s (it goes into every label)',
    (option) => {
      for (const value of ['a\nfoo=bar', 'a\u202eb']) {
        expect(() => buildPlan([pgvector], { ...options, [option]: value, label: (o) => `--${o}` })).toThrow(
          `--${option}: expected printable text without line breaks, control characters or invisible Unicode format characters (such as U+202E), got ${JSON.stringify(value).replace('\u202e', '\\u202e')}`,
        );
      }
    },
  );

  it('writes build contexts relative to cwd when given', () => {
    const placed = { ...pgvector, dir: path.join('/repo', 'extensions', 'pgvector') };
    expect(buildPlan([placed], { ...options, cwd: '/repo' }).targets[0]!.context).toBe(
      'extensions/pgvector/',
    );
    expect(buildPlan([placed], { ...options, cwd: '/repo/extensions/pgvector' }).targets[0]!.context).toBe(
      './',
    );
    expect(buildPlan([placed], options).targets[0]!.context).toBe('/repo/extensions/pgvector/');
  });

  it('rejects two extensions that would push the same tags', () => {
    const a = ext({
      name: 'a',
      image_name: 'shared',
      versions: { trixie: { '18': { package: '1.0-1', sql: '' } } },
    });
    const b = ext({
      name: 'b',
      image_name: 'Shared',
      versions: { trixie: { '18': { package: '1.0-1', sql: '' } } },
    });
    expect(() => buildPlan([a, b], options)).toThrow(
      /tag ghcr\.io\/acme\/shared-testing:1\.0-18-trixie is produced by both a-1_0-18-trixie and b-1_0-18-trixie/,
    );
  });
});

describe('bake definition, matrix and table', () => {
  const plan = buildPlan([pgvector], options);

  it('writes a bake file with a default group and one target per plan target', () => {
    const bake = toBakeDefinition(plan);
    expect(bake.group.default.targets).toEqual(['pgvector-0_8_6-18-bookworm', 'pgvector-0_8_6-18-trixie']);
    const t = bake.target['pgvector-0_8_6-18-trixie']!;
    expect(t.output).toEqual(['type=image,oci-mediatypes=true,oci-artifact=true']);
    expect(t.attest).toEqual(['type=provenance,mode=max', 'type=sbom']);
    expect(t.tags).toEqual(plan.targets[1]!.tags);
    expect(t.annotations).toHaveLength(16);
    expect(t['cache-from']).toBeUndefined();
  });

  it('adds a GitHub Actions cache scope per target on request', () => {
    const t = toBakeDefinition(plan, { ghaCache: true }).target['pgvector-0_8_6-18-trixie']!;
    expect(t['cache-from']).toEqual(['type=gha,scope=pgvector-0_8_6-18-trixie']);
    expect(t['cache-to']).toEqual(['type=gha,scope=pgvector-0_8_6-18-trixie,mode=max']);
  });

  it('gives a matrix entry per target', () => {
    expect(toMatrix(plan)[1]).toEqual({
      extension: 'pgvector',
      target: 'pgvector-0_8_6-18-trixie',
      distro: 'trixie',
      pgMajor: '18',
      version: '0.8.6',
      sqlVersion: '0.8.6',
      package: '0.8.6-1.pgdg13+1',
      repository: 'ghcr.io/acme/pgvector-testing',
      imageName: 'pgvector',
      sqlName: 'vector',
      createExtension: true,
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: plan.targets[1]!.tags,
    });
  });

  it('prints a table with a row per target', () => {
    const lines = planTable(plan).split('\n');
    expect(lines[0]).toMatch(/^TARGET\s+PLATFORMS\s+SQL\s+TAGS$/);
    expect(lines[1]).toMatch(
      /^pgvector-0_8_6-18-bookworm\s+linux\/amd64,linux\/arm64\s+0\.8\.6\s+ghcr\.io\/acme\/pgvector-testing:0\.8\.6-18-bookworm /,
    );
    expect(lines).toContain('2 targets, built at 2026-03-04T05:06:07Z (testing, ghcr.io/acme)');
  });
});
