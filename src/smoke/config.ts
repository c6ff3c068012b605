/**
 * The PostgreSQL configuration CloudNativePG gives a server for its image volume extensions, computed
 * exactly as the operator does (pure). Followed from cloudnative-pg/cloudnative-pg (main, Aug 2026):
 *
 * - `pkg/postgres/configuration.go`: `setExtensionControlPath` / `setDynamicLibraryPath` start from
 *   `$system` / `$libdir`, append each extension's paths in the order of the extensions list (defaults
 *   `share` / `lib`), each joined under `/extensions/<name>` (`ExtensionsBaseDirectory`) and skipped when
 *   `filepath.IsLocal(filepath.Join(".", path))` is false, then the user's own value of the GUC split
 *   at `:`, and drop empty entries.
 * - `pkg/utils/extensions/extensions.go`: `CollectLibraryPaths` / `CollectBinPaths` join
 *   `ld_library_path` / `bin_path` the same way and `AppendPaths` appends them to `LD_LIBRARY_PATH` /
 *   `PATH`; `SetEnvVars` sets each `env` entry with `ExpandEnvPlaceholders` (`pkg/postgres/environment.go`:
 *   an odd run of `$` before `{image_root}` is the placeholder, even runs are escapes), skipping reserved
 *   names (`PG*`, `CNPG_*`, `POD_NAME`, `NAMESPACE`, `CLUSTER_NAME`) and `PATH`/`LD_LIBRARY_PATH`.
 */
import path from 'node:path';
import type { ExtensionConfiguration } from '../e2e/values.js';

export const EXTENSIONS_BASE_DIRECTORY = '/extensions';

/** Go's `filepath.IsLocal(filepath.Join(".", p))`: stays inside the extension folder. */
export function isLocalPath(p: string): boolean {
  const joined = path.posix.join('.', p);
  return joined !== '..' && !joined.startsWith('../') && !path.posix.isAbsolute(joined) && joined !== '';
}

function absolutize(mount: string, paths: readonly string[]): string[] {
  return paths.filter(isLocalPath).map((p) => path.posix.join(mount, p));
}

/** `pkg/postgres/environment.go` ExpandEnvPlaceholders for one extension. */
export function expandEnvPlaceholders(
  value: string,
  extension: string,
  baseDir = EXTENSIONS_BASE_DIRECTORY,
): string {
  return value.replace(/(\$+)\{([^}]+)\}/g, (match, dollars: string, name: string) => {
    const prefix = '$'.repeat(Math.floor(dollars.length / 2));
    if (dollars.length % 2 === 0) return prefix + match.slice(dollars.length);
    if (name === 'image_root') return prefix + path.posix.join(baseDir, extension);
    return match;
  });
}

/** `IsReservedEnvironmentVariable`, plus the names CloudNativePG fills from dedicated fields. */
export function isReservedEnv(name: string): boolean {
  const n = name.toUpperCase();
  return (
    n.startsWith('CNPG_') ||
    n.startsWith('PG') ||
    ['POD_NAME', 'NAMESPACE', 'CLUSTER_NAME'].includes(n) ||
    name === 'PATH' ||
    name === 'LD_LIBRARY_PATH'
  );
}

/** `AppendPaths`. */
export function appendPaths(existing: string, extra: readonly string[]): string {
  if (extra.length === 0) return existing;
  return existing === '' ? extra.join(':') : `${existing}:${extra.join(':')}`;
}

export interface ServerConfiguration {
  /** GUCs for postgresql.conf, in a stable order. */
  parameters: [string, string][];
  /** The postgres process environment on top of the image's (PATH and LD_LIBRARY_PATH included). */
  env: Record<string, string>;
  /** `/extensions/<name>` for each extension, in list order. */
  mounts: { name: string; target: string }[];
  /** What the operator would log and skip (escaping paths, reserved env names). */
  warnings: string[];
}

export interface ConfigurationInput {
  extensions: readonly ExtensionConfiguration[];
  sharedPreloadLibraries: readonly string[];
  /** `postgresql_parameters` of the metadata (the Cluster's `.spec.postgresql.parameters`). */
  parameters: Readonly<Record<string, string>>;
  /** The image's own PATH and LD_LIBRARY_PATH. */
  imagePath: string;
  imageLdLibraryPath?: string;
  baseDir?: string;
}

export function serverConfiguration(input: ConfigurationInput): ServerConfiguration {
  const baseDir = input.baseDir ?? EXTENSIONS_BASE_DIRECTORY;
  const warnings: string[] = [];
  const mountOf = (name: string) => path.posix.join(baseDir, name);
  for (const e of input.extensions) {
    for (const [field, list] of [
      ['extension_control_path', e.extension_control_path],
      ['dynamic_library_path', e.dynamic_library_path],
      ['ld_library_path', e.ld_library_path],
      ['bin_path', e.bin_path],
    ] as const)
      for (const p of list ?? [])
        if (!isLocalPath(p))
          warnings.push(`${e.name}: ${field} entry ${p} escapes the extension folder (skipped)`);
  }
  const controlPath = ['$system'];
  const libraryPath = ['$libdir'];
  for (const e of input.extensions) {
    const mount = mountOf(e.name);
    controlPath.push(
      ...absolutize(mount, e.extension_control_path?.length ? e.extension_control_path : ['share']),
    );
    libraryPath.push(...absolutize(mount, e.dynamic_library_path?.length ? e.dynamic_library_path : ['lib']));
  }
  const user = input.parameters;
  controlPath.push(...(user['extension_control_path'] ?? '').split(':'));
  libraryPath.push(...(user['dynamic_library_path'] ?? '').split(':'));

  const parameters: [string, string][] = [];
  for (const [k, v] of Object.entries(user).sort(([a], [b]) => (a < b ? -1 : 1)))
    if (k !== 'extension_control_path' && k !== 'dynamic_library_path' && k !== 'shared_preload_libraries')
      parameters.push([k, v]);
  const preload = [...(user['shared_preload_libraries'] ?? '').split(','), ...input.sharedPreloadLibraries]
    .map((s) => s.trim())
    .filter(Boolean);
  if (preload.length) parameters.push(['shared_preload_libraries', [...new Set(preload)].join(',')]);
  parameters.push(['extension_control_path', controlPath.filter(Boolean).join(':')]);
  parameters.push(['dynamic_library_path', libraryPath.filter(Boolean).join(':')]);

  const env: Record<string, string> = {};
  const ld = input.extensions.flatMap((e) => absolutize(mountOf(e.name), e.ld_library_path ?? []));
  const bin = input.extensions.flatMap((e) => absolutize(mountOf(e.name), e.bin_path ?? []));
  const ldValue = appendPaths(input.imageLdLibraryPath ?? '', ld);
  if (ldValue !== '') env['LD_LIBRARY_PATH'] = ldValue;
  env['PATH'] = appendPaths(input.imagePath, bin);
  for (const e of input.extensions) {
    for (const v of e.env ?? []) {
      if (isReservedEnv(v.name)) {
        warnings.push(`${e.name}: environment variable ${v.name} is reserved (skipped)`);
        continue;
      }
      env[v.name] = expandEnvPlaceholders(v.value, e.name, baseDir);
    }
  }
  return {
    parameters,
    env,
    mounts: input.extensions.map((e) => ({ name: e.name, target: mountOf(e.name) })),
    warnings,
  };
}

/**
 * A postgresql.conf line: `name = 'value'`, escaped as CloudNativePG's `escapePostgresConfLiteral` does
 * (backslash and control characters as backslash escapes, quotes doubled), so a value never adds a line.
 */
export function confLine(name: string, value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "''")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .split('\b')
    .join('\\b')
    .replace(/\f/g, '\\f');
  return `${name} = '${escaped}'`;
}
