/**
 * The build plan: one target per declared (distro, PG major) pair of each extension, named, tagged,
 * annotated and parameterised exactly as the reference `docker-bake.hcl` does (see the project README).
 * Pure: no I/O, one timestamp given by the caller.
 */
import path from 'node:path';
import { UserError, showValue } from '../errors.js';
import { UNSAFE_MESSAGE, UNSAFE_TEXT } from './fields.js';
import { parseReference } from '../registry/reference.js';
import { PLATFORM, type Extension } from './metadata.js';
import { formatCreated, formatStamp } from './timestamp.js';
import { compareKeys, extensionVersion, sanitize } from './version.js';

export type Environment = 'testing' | 'production';
export const ENVIRONMENTS: readonly Environment[] = ['testing', 'production'];

export const DEFAULT_PLATFORMS: readonly string[] = ['linux/amd64', 'linux/arm64'];
export const DEFAULT_BASE_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:{pgMajor}-minimal-{distro}';
export const OUTPUT = 'type=image,oci-mediatypes=true,oci-artifact=true';
export const ATTESTATIONS: readonly string[] = ['type=provenance,mode=max', 'type=sbom'];

/** The annotation keys the CNPG tooling reads back from images (index or manifest level). */
export const CNPG_ANNOTATIONS = {
  baseName: 'io.cloudnativepg.image.base.name',
  pgMajor: 'io.cloudnativepg.image.base.pgmajor',
  os: 'io.cloudnativepg.image.base.os',
  sqlVersion: 'io.cloudnativepg.image.sql.version',
} as const;

/** The options a caller names in messages (a CLI flag, an action input). */
export type PlanOption =
  | 'registry'
  | 'environment'
  | 'base-image'
  | 'platforms'
  | 'revision'
  | 'url'
  | 'source'
  | 'documentation'
  | 'vendor'
  | 'authors';

/** Options that go into labels and annotations as given. */
const LABEL_OPTIONS = ['revision', 'url', 'source', 'documentation', 'vendor', 'authors'] as const;

export interface PlanOptions {
  /** How messages name an option: `--registry` for the CLI, `input "registry"` for an action (default: the bare name). */
  label?: (option: PlanOption) => string;
  /** Registry and namespace, e.g. `ghcr.io/cloudnative-pg` or `localhost:5000`. */
  registry: string;
  environment: Environment;
  /** The run's build time (see timestamp.ts). */
  timestamp: Date;
  /** The commit being built; may be empty. */
  revision?: string;
  /** Base image template with `{pgMajor}` and `{distro}` placeholders. */
  baseImage?: string;
  /** Build contexts are written relative to this folder, where bake runs (default: as the extension dirs are given). */
  cwd?: string;
  /** Replaces the default platforms (a per-extension `platforms` list still narrows it). */
  platforms?: readonly string[];
  url?: string;
  source?: string;
  documentation?: string;
  vendor?: string;
  authors?: string;
}

export interface PlanTarget {
  /** Bake target name: `<name>-<sanitize(version)>-<pgMajor>-<distro>`. */
  name: string;
  extension: string;
  imageName: string;
  sqlName: string;
  createExtension: boolean;
  distro: string;
  pgMajor: string;
  /** Full Debian package version (EXT_VERSION). */
  package: string;
  /** Extension version used in tags (epoch `N:` becomes `N-`). */
  version: string;
  /** Control-file default_version, or "". */
  sqlVersion: string;
  /** `<registry>/<image_name>[-testing]`, lower case. */
  repository: string;
  /** Rolling `<version>-<pg>-<distro>` then immutable `<version>-<stamp>-<pg>-<distro>`. */
  tags: string[];
  /** Build context folder, with a trailing slash (`pgvector/`). */
  context: string;
  dockerfile: string;
  platforms: string[];
  baseImage: string;
  args: Record<string, string>;
  labels: Record<string, string>;
  /** `index,manifest:<key>=<value>` entries, same keys and values as `labels`. */
  annotations: string[];
}

export interface Plan {
  /** RFC 3339 build time shared by every target. */
  created: string;
  /** `YYYYMMDDhhmm` of the immutable tags. */
  stamp: string;
  environment: Environment;
  registry: string;
  targets: PlanTarget[];
  /** Targets left out because none of their platforms was requested. */
  skipped: { target: string; reason: string }[];
  warnings: string[];
}

const REGISTRY = /^[A-Za-z0-9.-]+(?::[0-9]+)?(?:\/[A-Za-z0-9._-]+)*$/;
const PLACEHOLDERS = ['pgMajor', 'distro'];

/** Fills `{pgMajor}` and `{distro}` in a base-image template. */
export function renderBaseImage(template: string, pgMajor: string, distro: string): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => (key === 'pgMajor' ? pgMajor : distro));
}

function checkOptions(options: PlanOptions): void {
  const label = options.label ?? ((option: PlanOption) => option);
  if (!REGISTRY.test(options.registry)) {
    throw new UserError(
      `${label('registry')}: expected a registry host with an optional port and namespace, such as ghcr.io/my-org or localhost:5000, got ${showValue(options.registry)}`,
    );
  }
  if (!ENVIRONMENTS.includes(options.environment)) {
    throw new UserError(
      `${label('environment')}: expected "testing" or "production", got ${showValue(options.environment)}`,
    );
  }
  const template = options.baseImage ?? DEFAULT_BASE_IMAGE;
  const unknown = [...template.matchAll(/\{(\w*)\}/g)]
    .map((m) => m[1]!)
    .filter((k) => !PLACEHOLDERS.includes(k));
  // A template without both placeholders gives every major or distro the same base: refused too.
  const missing = PLACEHOLDERS.filter((k) => !template.includes(`{${k}}`));
  if (unknown.length || missing.length) {
    const why = unknown.length
      ? `unknown placeholder ${unknown.map((k) => `{${k}}`).join(', ')}`
      : `no ${missing.map((k) => `{${k}}`).join(' or ')}`;
    throw new UserError(
      `${label('base-image')}: expected an image reference with the placeholders {pgMajor} and {distro} (such as ${DEFAULT_BASE_IMAGE}); ${why} in ${showValue(template)}`,
    );
  }
  const sample = renderBaseImage(template, '18', 'trixie');
  try {
    parseReference(sample);
  } catch (err) {
    throw new UserError(
      `${label('base-image')}: ${showValue(template)} is not an image reference once filled in (${(err as Error).message.replace(/^image reference: /, '')})`,
    );
  }
  for (const option of LABEL_OPTIONS) {
    const value = options[option];
    if (value !== undefined && UNSAFE_TEXT.test(value)) {
      throw new UserError(`${label(option)}: ${UNSAFE_MESSAGE}, got ${showValue(value)}`);
    }
  }
  if (options.platforms && options.platforms.length === 0) {
    throw new UserError(
      `${label('platforms')}: expected at least one platform such as linux/amd64, got an empty list`,
    );
  }
  const badPlatform = options.platforms?.find((p) => !PLATFORM.test(p));
  if (badPlatform !== undefined) {
    throw new UserError(
      `${label('platforms')}: expected platforms such as linux/amd64 or linux/arm64/v8, got ${showValue(badPlatform)}`,
    );
  }
}

export function buildPlan(extensions: readonly Extension[], options: PlanOptions): Plan {
  checkOptions(options);
  const created = formatCreated(options.timestamp);
  const stamp = formatStamp(options.timestamp);
  const requested = options.platforms ?? DEFAULT_PLATFORMS;
  const targets: PlanTarget[] = [];
  const skipped: Plan['skipped'] = [];
  const warnings: string[] = [];

  for (const ext of extensions) {
    const m = ext.metadata;
    const suffix = options.environment === 'testing' ? '-testing' : '';
    const repository = `${options.registry}/${m.image_name}${suffix}`.toLowerCase();
    const dir = options.cwd === undefined ? ext.dir : path.relative(options.cwd, ext.dir) || '.';
    const context = `${path.posix.normalize(dir.split(path.sep).join('/'))}/`;
    const names = new Set<string>();
    for (const distro of Object.keys(m.versions).sort(compareKeys)) {
      const majors = m.versions[distro]!;
      for (const pgMajor of Object.keys(majors).sort(compareKeys)) {
        const pin = majors[pgMajor]!;
        const version = extensionVersion(pin.package)!; // validated by the metadata reader
        const name = `${m.name}-${sanitize(version)}-${pgMajor}-${distro}`;
        names.add(name);
        const platforms = m.platforms ? requested.filter((p) => m.platforms!.includes(p)) : [...requested];
        if (platforms.length === 0) {
          skipped.push({
            target: name,
            reason: `${m.name} builds only ${m.platforms!.join(', ')}; requested ${requested.join(', ')}`,
          });
          continue;
        }
        const baseImage = renderBaseImage(options.baseImage ?? DEFAULT_BASE_IMAGE, pgMajor, distro);
        const labels: Record<string, string> = {
          'org.opencontainers.image.created': created,
          'org.opencontainers.image.url': options.url ?? '',
          'org.opencontainers.image.source': options.source ?? '',
          'org.opencontainers.image.documentation': options.documentation ?? options.url ?? '',
          'org.opencontainers.image.version': version,
          'org.opencontainers.image.revision': options.revision ?? '',
          'org.opencontainers.image.vendor': options.vendor ?? '',
          'org.opencontainers.image.authors': options.authors ?? '',
          'org.opencontainers.image.title': `${m.name} ${version} ${pgMajor} ${distro}`,
          'org.opencontainers.image.description': `A ${m.name} ${version} container image for PostgreSQL ${pgMajor} on ${distro}`,
          'org.opencontainers.image.licenses': m.licenses.join(' AND '),
          'org.opencontainers.image.base.name': 'scratch',
          [CNPG_ANNOTATIONS.baseName]: baseImage,
          [CNPG_ANNOTATIONS.pgMajor]: pgMajor,
          [CNPG_ANNOTATIONS.os]: distro,
          [CNPG_ANNOTATIONS.sqlVersion]: pin.sql,
        };
        targets.push({
          name,
          extension: m.name,
          imageName: m.image_name,
          sqlName: m.sql_name,
          createExtension: m.create_extension,
          distro,
          pgMajor,
          package: pin.package,
          version,
          sqlVersion: pin.sql,
          repository,
          tags: [
            `${repository}:${version}-${pgMajor}-${distro}`,
            `${repository}:${version}-${stamp}-${pgMajor}-${distro}`,
          ],
          context,
          dockerfile: 'Dockerfile',
          platforms,
          baseImage,
          args: {
            PG_MAJOR: pgMajor,
            EXT_VERSION: pin.package,
            BASE: baseImage,
            ...ext.defaultArgs,
            ...ext.targetArgs[name],
          },
          labels,
          annotations: Object.entries(labels).map(([k, v]) => `index,manifest:${k}=${v}`),
        });
      }
    }
    for (const label of Object.keys(ext.targetArgs)) {
      if (!names.has(label)) {
        warnings.push(
          `${ext.file}: target "${label}" matches no target of ${m.name} (${[...names].join(', ')})`,
        );
      }
    }
  }
  checkCollisions(targets);
  return {
    created,
    stamp,
    environment: options.environment,
    registry: options.registry,
    targets,
    skipped,
    warnings,
  };
}

function checkCollisions(targets: readonly PlanTarget[]): void {
  const byName = new Map<string, string>();
  const byTag = new Map<string, string>();
  const problems: string[] = [];
  for (const t of targets) {
    const other = byName.get(t.name);
    if (other !== undefined)
      problems.push(`target name ${t.name} is produced by both ${other} and ${t.extension}`);
    byName.set(t.name, t.extension);
    for (const tag of t.tags) {
      const owner = byTag.get(tag);
      if (owner !== undefined && owner !== t.name) {
        problems.push(
          `tag ${tag} is produced by both ${owner} and ${t.name} (image_name must be unique in the registry)`,
        );
      }
      byTag.set(tag, t.name);
    }
  }
  if (problems.length) throw new UserError('the plan has conflicting targets', problems);
}
