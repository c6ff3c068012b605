/**
 * The Chainsaw `values.yaml` of an extension test, with exactly the schema of the reference generator
 * (`generate-testing-values`): every `$values.*` binding of the upstream suites resolves in it, so their
 * `test/` folders run unchanged. Pure: the image coordinates and dependency images are resolved by the
 * caller (see resolve.ts).
 */
import { stringify } from 'yaml';
import { UserError, showValue } from '../errors.js';
import type { Extension, ExtensionMetadata } from '../matrix/index.js';
import { extensionNameProblem } from '../matrix/fields.js';
import { isReservedEnv } from '../smoke/config.js';

export interface ImageVolumeSource {
  reference: string;
  pullPolicy?: string;
}

/** One entry of `Cluster.spec.postgresql.extensions` (CNPG `ExtensionConfiguration`). */
export interface ExtensionConfiguration {
  name: string;
  image: ImageVolumeSource;
  extension_control_path?: string[];
  dynamic_library_path?: string[];
  ld_library_path?: string[];
  bin_path?: string[];
  env?: { name: string; value: string }[];
}

export interface ExtensionSpec {
  ensure: 'present';
  name: string;
  version?: string;
}

export interface TestingValues {
  name: string;
  sql_name: string;
  shared_preload_libraries: string[];
  postgresql_parameters: Record<string, string>;
  pg_image: string;
  version: string;
  create_extension: boolean;
  extensions: ExtensionConfiguration[];
  database_config: { extensions_spec?: ExtensionSpec[] };
  database_assert_status: {
    applied: true;
    extensions?: { applied: true; name: string }[];
    observedGeneration: 1;
  };
}

/** An image mounted beside the tested one (a `required_extensions` entry resolved to an image). */
export interface ResolvedDependency {
  extension: Extension;
  reference: string;
  /** `io.cloudnativepg.image.sql.version` of the dependency image (or its metadata `sql`). */
  sqlVersion: string;
}

export interface ValuesInput {
  extension: Extension;
  /** The image under test, as the cluster pulls it. */
  reference: string;
  /** The PostgreSQL operand image (`io.cloudnativepg.image.base.name`). */
  pgImage: string;
  /** The control-file version (`io.cloudnativepg.image.sql.version`); may be empty for modules. */
  sqlVersion: string;
  pgMajor: string;
  dependencies: readonly ResolvedDependency[];
  /** SQL-only requirements: `image-sql:<name>` (shipped in the tested image) and `base-image:<name>` (in the operand). */
  sqlOnly?: readonly string[];
  pullPolicy?: string;
}

/** Environment variable names CNPG rejects in `extensions[].env` (validateExtensionEnvVars). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** CNPG's only placeholder; `$${...}` is its escape for a literal `${...}`. */
const PLACEHOLDER = /(\$*)\$\{([^}]*)\}/g;

function checkEnv(m: ExtensionMetadata, file: string): { name: string; value: string }[] {
  const problems: string[] = [];
  const entries = Object.keys(m.env)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({ name, value: m.env[name]! }));
  for (const { name, value } of entries) {
    if (!ENV_NAME.test(name)) problems.push(`metadata.env: "${name}" is not a valid variable name`);
    else if (isReservedEnv(name))
      problems.push(
        `metadata.env: "${name}" is reserved by CloudNativePG (PG*, CNPG_*, POD_NAME, NAMESPACE, CLUSTER_NAME; PATH and LD_LIBRARY_PATH go in bin_path/ld_library_path)`,
      );
    for (const match of value.matchAll(PLACEHOLDER)) {
      const escaped = match[1]!.length % 2 === 1;
      if (!escaped && match[2] !== 'image_root')
        problems.push(
          `metadata.env.${name}: unknown placeholder \${${match[2]}} in ${showValue(value)}; CloudNativePG only expands \${image_root} (write $$\${...} in metadata.hcl for a literal)`,
        );
    }
  }
  if (problems.length === 1) throw new UserError(`${file}: ${problems[0]}`);
  if (problems.length) throw new UserError(`${file}: the env map is not accepted by CloudNativePG`, problems);
  return entries;
}

/** The `ExtensionConfiguration` of an extension image, with only the non-empty optional fields (omitempty). */
export function extensionConfiguration(
  extension: Extension,
  reference: string,
  pullPolicy?: string,
): ExtensionConfiguration {
  const m = extension.metadata;
  if (extensionNameProblem(m.name)) {
    throw new UserError(
      `${extension.file}: metadata.name ${showValue(m.name)} cannot name a CloudNativePG extension (at most 59 characters matching ^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$)`,
    );
  }
  const out: ExtensionConfiguration = {
    name: m.name,
    image: pullPolicy ? { reference, pullPolicy } : { reference },
  };
  for (const key of [
    'extension_control_path',
    'dynamic_library_path',
    'ld_library_path',
    'bin_path',
  ] as const) {
    if (m[key].length) out[key] = [...m[key]];
  }
  const env = checkEnv(m, extension.file);
  if (env.length) out.env = env;
  return out;
}

function sortedMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]!]),
  );
}

/** Builds the values of one test run. Throws UserError when CNPG could not run the result. */
export function buildValues(input: ValuesInput): TestingValues {
  const { extension } = input;
  const m = extension.metadata;
  if (!/^[0-9]+$/.test(input.pgMajor) || Number(input.pgMajor) < 18) {
    throw new UserError(
      `${m.name}: image volume extensions need PostgreSQL 18 or later (extension_control_path), got PostgreSQL major ${showValue(input.pgMajor)}`,
    );
  }
  if (input.pgImage.trim() === '') {
    throw new UserError(
      `${m.name}: no PostgreSQL image for ${input.reference} (the image has no io.cloudnativepg.image.base.name annotation)`,
    );
  }
  if (m.create_extension && input.sqlVersion === '') {
    throw new UserError(
      `${m.name}: create_extension is true but ${input.reference} has no SQL version (annotation io.cloudnativepg.image.sql.version, or "sql" in metadata.versions)`,
    );
  }
  const sqlName = m.sql_name;
  const extensions = [extensionConfiguration(extension, input.reference, input.pullPolicy)];
  const spec: ExtensionSpec[] = [];
  if (m.create_extension) spec.push({ ensure: 'present', name: sqlName, version: input.sqlVersion });
  for (const dep of input.dependencies) {
    if (extensions.some((e) => e.name === dep.extension.metadata.name)) continue;
    extensions.push(extensionConfiguration(dep.extension, dep.reference, input.pullPolicy));
    if (dep.extension.metadata.create_extension) {
      if (dep.sqlVersion === '') {
        throw new UserError(
          `${m.name}: required extension ${dep.extension.metadata.name} (${dep.reference}) has no SQL version (annotation io.cloudnativepg.image.sql.version, or "sql" in its metadata.versions)`,
        );
      }
      spec.push({ ensure: 'present', name: dep.extension.metadata.sql_name, version: dep.sqlVersion });
    }
  }
  for (const name of input.sqlOnly ?? []) {
    if (!spec.some((s) => s.name === name)) spec.push({ ensure: 'present', name });
  }
  return {
    name: m.name,
    sql_name: sqlName,
    shared_preload_libraries: [...m.shared_preload_libraries],
    postgresql_parameters: sortedMap(m.postgresql_parameters),
    pg_image: input.pgImage,
    version: input.sqlVersion,
    create_extension: m.create_extension,
    extensions,
    database_config: spec.length ? { extensions_spec: spec } : {},
    database_assert_status: spec.length
      ? {
          applied: true,
          extensions: spec.map((s) => ({ applied: true as const, name: s.name })),
          observedGeneration: 1,
        }
      : { applied: true, observedGeneration: 1 },
  };
}

/**
 * YAML as the reference generator writes it (go-yaml v3: 4-space indent, struct key order). Chainsaw
 * reads values with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1), so strings such as `off`, `on`, `yes` or
 * `1_000` are quoted (as go-yaml v3 quotes them): unquoted they would reach CNPG as booleans or numbers.
 */
export function renderValues(values: TestingValues): string {
  return stringify(values, { indent: 4, indentSeq: true, lineWidth: 0, version: '1.1' });
}
