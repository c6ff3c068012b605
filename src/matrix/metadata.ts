/**
 * Reads an extension folder's `metadata.hcl` as the reference tooling does (./hcl.ts parses HCL's native
 * syntax and returns what HashiCorp's parser gives through @cdktf/hcl2json), validates it with zod, and
 * returns typed metadata with every optional field defaulted. Every problem names the file, the field
 * path, the bad value and what is expected; a syntax error names the line and column of the first one.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HclSyntaxError, parseHcl } from './hcl.js';
import { UserError, showValue } from '../errors.js';
import { extensionVersion } from './version.js';
import {
  extensionNameProblem,
  GUC_NAME,
  LIBRARY,
  LICENSE,
  PACKAGE_VERSION,
  RELATIVE_PATH,
  REQUIRED_REFERENCE,
  SQL_NAME,
  SQL_VERSION,
  UNSAFE_MESSAGE,
  UNSAFE_TEXT,
  VARIABLE_NAME,
  closestName,
  unsafeStrings,
  type TextRule,
} from './fields.js';

export const METADATA_FILE = 'metadata.hcl';
/** Largest metadata file accepted: real ones are 1-3 KiB. */
export const MAX_METADATA_BYTES = 256 * 1024;

function tooLarge(file: string, bytes: number): UserError {
  return new UserError(
    `${file}: ${bytes} bytes is over the ${MAX_METADATA_BYTES / 1024} KiB limit for a metadata file; expected a file of a few KiB`,
  );
}

export interface VersionEntry {
  /** Full Debian package version, passed to the Dockerfile as EXT_VERSION. */
  package: string;
  /** `default_version` of the control file; empty when not declared (legacy string form, modules). */
  sql: string;
}

/** The fields of `metadata = { ... }`, named as in the file. */
export interface ExtensionMetadata {
  name: string;
  sql_name: string;
  image_name: string;
  licenses: string[];
  shared_preload_libraries: string[];
  postgresql_parameters: Record<string, string>;
  extension_control_path: string[];
  dynamic_library_path: string[];
  ld_library_path: string[];
  bin_path: string[];
  env: Record<string, string>;
  auto_update_os_libs: boolean;
  required_extensions: string[];
  create_extension: boolean;
  /** distro -> PG major (a string key, as in the file) -> package pins. */
  versions: Record<string, Record<string, VersionEntry>>;
  /** Optional narrowing of the default platforms (our addition; the reference builds amd64 + arm64). */
  platforms?: string[];
}

export interface Extension {
  metadata: ExtensionMetadata;
  /** Path of the metadata file, as given (used in messages). */
  file: string;
  /** The extension folder. */
  dir: string;
  /** Build args from `target "default" { args = {...} }`, merged into every target of the extension. */
  defaultArgs: Record<string, string>;
  /** Build args from `target "<target-name>" { args = {...} }`, merged into that target only. */
  targetArgs: Record<string, Record<string, string>>;
  /** Things worth telling the user that do not stop the build. */
  warnings: string[];
}

/** CloudNativePG's ExtensionConfiguration name (api/v1 cluster_types.go): the mount path and the catalog key. */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DISTRO = /^[a-z0-9][a-z0-9._-]*$/;
const PG_MAJOR = /^[0-9]+$/;
/** `os/arch[/variant]` as buildx writes platforms (linux/amd64, linux/arm64/v8). */
export const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/v[0-9]+)?$/;
const PLACEHOLDER = /^<.*>$/;
const REQUIRED_PREFIXES = ['base-image:', 'image-sql:', 'catalog:'];

const KNOWN_FIELDS = [
  'name',
  'sql_name',
  'image_name',
  'licenses',
  'shared_preload_libraries',
  'postgresql_parameters',
  'extension_control_path',
  'dynamic_library_path',
  'ld_library_path',
  'bin_path',
  'env',
  'auto_update_os_libs',
  'required_extensions',
  'create_extension',
  'versions',
  'platforms',
] as const;

const str = (expected: string) => z.string({ error: `expected ${expected}` });
const strings = (what: string) => z.array(str(what), { error: `expected a list of ${what}` }).default([]);
const relativePaths = strings('paths relative to the image root').superRefine((list, ctx) => {
  list.forEach((p, i) => {
    if (p === '' || p.startsWith('/') || p.split('/').includes('..')) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: 'expected a path relative to the image root (no leading "/", no "..")',
      });
    }
  });
});
const stringMap = (what: string) =>
  z.record(z.string(), str(what), { error: `expected a map of ${what}` }).default({});

const versionEntry = z.object(
  {
    package: str('the Debian package version, e.g. "0.8.1-1.pgdg13+1"').min(1, {
      error: 'expected a non-empty Debian package version',
    }),
    sql: str('the control file default_version, e.g. "0.8.1"').default(''),
  },
  { error: 'expected { package = "...", sql = "..." } or a package version string' },
);

const schema = z.object({
  name: str('the extension folder name')
    // The rule and its wording are extensionNameProblem's (folder names, create and init use it too).
    .superRefine((name, ctx) => {
      const problem = extensionNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/, got .*$/s, '') });
    }),
  sql_name: str('the name used by CREATE EXTENSION')
    .min(1, { error: 'expected a non-empty name' })
    .optional(),
  image_name: str('the registry repository name').optional(),
  licenses: strings('SPDX license identifiers'),
  shared_preload_libraries: strings('library names'),
  postgresql_parameters: stringMap('PostgreSQL parameter values (strings)'),
  extension_control_path: relativePaths,
  dynamic_library_path: relativePaths,
  ld_library_path: relativePaths,
  bin_path: relativePaths,
  env: stringMap('environment variable values (strings)'),
  auto_update_os_libs: z.boolean({ error: 'expected true or false' }).default(false),
  required_extensions: strings('extension names'),
  create_extension: z.boolean({ error: 'expected true or false' }).default(true),
  versions: z.record(
    z.string(),
    z.record(z.string(), versionEntry, { error: 'expected a map of PostgreSQL majors, e.g. "18" = { ... }' }),
    { error: 'expected a map of distributions, e.g. trixie = { "18" = { ... } }' },
  ),
  platforms: z
    .array(str('a platform such as "linux/amd64"'), { error: 'expected a list of platforms' })
    .optional(),
});

const VERSION_FIELDS = ['package', 'sql'] as const;

/**
 * A field the reader does not know: an error with a suggestion when it looks like a misspelling of a
 * known one (`licences`; otherwise the licence annotation would silently end up empty), else a warning
 * (the reference decoder ignores extra attributes, so newer upstream fields keep working).
 */
function unknownField(
  key: string,
  at: (string | number)[],
  known: readonly string[],
  problems: string[],
  warnings: string[],
  file: string,
): void {
  if (known.includes(key)) return;
  const suggestion = closestName(key, known);
  if (suggestion !== undefined) {
    problems.push(`${fieldPath([...at, key])}: not a known field; did you mean ${suggestion}?`);
  } else {
    warnings.push(`${file}: ${fieldPath([...at, key])} is not a known field and is ignored`);
  }
}

type Problem = { path: (string | number)[]; message: string };

function fieldPath(parts: readonly (string | number | symbol)[]): string {
  let out = 'metadata';
  for (const part of parts) {
    const key = String(part);
    out +=
      typeof part === 'number' ? `[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `["${key}"]`;
  }
  return out;
}

function valueAt(root: unknown, parts: readonly (string | number | symbol)[]): unknown {
  let cur: unknown = root;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[part as string | number];
  }
  return cur;
}

/** `${` not preceded by `$` is an HCL interpolation, which metadata files must not use. */
const INTERPOLATION = /(^|[^$])\$\{/;
const DIRECTIVE = /(^|[^%])%\{/;

/** Undoes HCL template escapes (`$${` -> `${`, `%%{` -> `%{`) that hcl2json leaves as written. */
export function unescapeTemplate(value: string): string {
  return value.replaceAll('$${', '${').replaceAll('%%{', '%{');
}

/** Walks the raw value, rejecting expressions and undoing template escapes in every string. */
function literalize(value: unknown, at: (string | number)[], problems: Problem[]): unknown {
  if (typeof value === 'string') {
    if (INTERPOLATION.test(value) || DIRECTIVE.test(value)) {
      problems.push({
        path: at,
        message: `expected a literal value, got the expression ${showValue(value)} (write $\${ for a literal \${)`,
      });
      return value;
    }
    return unescapeTemplate(value);
  }
  if (Array.isArray(value)) return value.map((v, i) => literalize(v, [...at, i], problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, literalize(v, [...at, k], problems)]),
    );
  }
  return value;
}

/** Build args of a target block: literal strings (numbers and booleans are written as bake writes them). */
function blockArgs(raw: unknown, at: string, problems: string[]): Record<string, string> {
  if (raw === undefined) return {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${at}: expected a map of build arguments, got ${showValue(raw)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!VARIABLE_NAME.pattern.test(key)) {
      problems.push(
        `${at}: expected build argument names (${VARIABLE_NAME.expected}), got ${showValue(key)}`,
      );
      continue;
    }
    if (typeof value === 'string' && UNSAFE_TEXT.test(value)) {
      problems.push(`${at}.${key}: ${UNSAFE_MESSAGE}, got ${showValue(value)}`);
      continue;
    }
    if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else if (typeof value !== 'string')
      problems.push(`${at}.${key}: expected a string, got ${showValue(value)}`);
    else if (INTERPOLATION.test(value) || DIRECTIVE.test(value))
      problems.push(`${at}.${key}: expected a literal value, got the expression ${showValue(value)}`);
    else out[key] = unescapeTemplate(value);
  }
  return out;
}

/**
 * Parses the text of a metadata file. `folder` is the name of the folder holding it, which
 * `metadata.name` must equal (bake uses it as the build context).
 */
export async function parseMetadata(text: string, file: string, folder?: string): Promise<Extension> {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_METADATA_BYTES) throw tooLarge(file, bytes);
  let doc: Record<string, unknown>;
  try {
    doc = parseHcl(text, file);
  } catch (err) {
    if (!(err instanceof HclSyntaxError)) throw err;
    // Only the first error: the ones after it are mostly its consequences.
    throw new UserError(`${file}: HCL syntax error`, [
      `${file}:${err.line}:${err.column}: ${err.summary}; ${err.detail}`,
    ]);
  }

  const warnings: string[] = [];
  const problems: string[] = [];
  const rawMetadata = doc['metadata'];
  if (rawMetadata === undefined) {
    throw new UserError(
      `${file}: no \`metadata = { ... }\` attribute found; expected the file to define one`,
    );
  }
  if (!rawMetadata || typeof rawMetadata !== 'object' || Array.isArray(rawMetadata)) {
    throw new UserError(
      `${file}: metadata: expected an attribute holding an object (\`metadata = { ... }\`), got ${showValue(rawMetadata)}`,
    );
  }

  for (const key of Object.keys(doc)) {
    if (key !== 'metadata' && key !== 'target') warnings.push(`${file}: top-level \`${key}\` is ignored`);
  }

  // Override blocks: `target "default" { args = {...} }` applies to every target, `target "<name>"` to one.
  const defaultArgs: Record<string, string> = {};
  const targetArgs: Record<string, Record<string, string>> = {};
  const targets = doc['target'];
  if (targets !== undefined) {
    if (!targets || typeof targets !== 'object' || Array.isArray(targets)) {
      problems.push(`target: expected \`target "<name>" { ... }\` blocks, got ${showValue(targets)}`);
    } else {
      for (const [label, blocks] of Object.entries(targets as Record<string, unknown>)) {
        if (UNSAFE_TEXT.test(label)) {
          problems.push(`target ${showValue(label)}: ${UNSAFE_MESSAGE} in the target name`);
          continue;
        }
        for (const block of Array.isArray(blocks) ? blocks : [blocks]) {
          if (!block || typeof block !== 'object') continue;
          const at = `target "${label}".args`;
          const args = blockArgs((block as Record<string, unknown>)['args'], at, problems);
          const into = label === 'default' ? defaultArgs : (targetArgs[label] ??= {});
          Object.assign(into, args);
          const ignored = Object.keys(block).filter((k) => !['args', 'name', 'matrix'].includes(k));
          if (ignored.length) {
            warnings.push(
              `${file}: target "${label}": only \`args\` is applied; ignoring ${ignored.join(', ')}`,
            );
          }
        }
      }
    }
  }

  const literalProblems: Problem[] = [];
  const input = literalize(rawMetadata, [], literalProblems) as Record<string, unknown>;
  for (const p of literalProblems) problems.push(`${fieldPath(p.path)}: ${p.message}`);
  for (const u of unsafeStrings(input)) {
    problems.push(`${fieldPath(u.path)}: ${UNSAFE_MESSAGE}, got ${showValue(u.value)}`);
  }

  for (const key of Object.keys(input)) unknownField(key, [], KNOWN_FIELDS, problems, warnings, file);

  // The older form (before upstream #149) pins a version as a plain string: `"18" = "0.8.2-1.pgdg12+1"`.
  const versions = input['versions'];
  if (versions && typeof versions === 'object' && !Array.isArray(versions)) {
    input['versions'] = Object.fromEntries(
      Object.entries(versions).map(([distro, majors]) => [
        distro,
        majors && typeof majors === 'object' && !Array.isArray(majors)
          ? Object.fromEntries(
              Object.entries(majors).map(([pg, v]) => {
                if (v && typeof v === 'object' && !Array.isArray(v)) {
                  for (const key of Object.keys(v))
                    unknownField(key, ['versions', distro, pg], VERSION_FIELDS, problems, warnings, file);
                }
                return [pg, typeof v === 'string' ? { package: v } : v];
              }),
            )
          : majors,
      ]),
    );
  }

  const parsed = schema.safeParse(input);
  // What is set aside (mistyped, or an expression) is not checked further; the rest still is, so one
  // run lists every problem of the file.
  const setAside = literalProblems.map((p) => fieldPath(p.path));
  let data = parsed.success ? parsed.data : undefined;
  if (!parsed.success) {
    const lenient = structuredClone(input);
    for (const issue of parsed.error.issues) {
      const got = valueAt(rawMetadata, issue.path);
      const missing = got === undefined;
      const message = missing ? issue.message.replace(/^expected/, 'missing; expected') : issue.message;
      problems.push(`${fieldPath(issue.path)}: ${message}${missing ? '' : `, got ${showValue(got)}`}`);
      // A whole field, or one version entry of a distribution.
      const at = issue.path.slice(0, issue.path[0] === 'versions' ? 3 : 1) as (string | number)[];
      setAside.push(fieldPath(at));
      setAsideAt(lenient, at, folder);
    }
    const retry = schema.safeParse(lenient);
    if (retry.success) data = retry.data;
  }

  if (data) {
    const m = data;
    const metadata: ExtensionMetadata = {
      ...m,
      sql_name: m.sql_name ?? m.name,
      image_name: m.image_name ?? m.name,
      versions: m.versions,
    };
    if (!m.platforms) delete metadata.platforms;
    const checks: string[] = [];
    checkSemantics(metadata, folder, checks, warnings, file);
    problems.push(...checks.filter((p) => !setAside.some((at) => concerns(p, at))));
    if (problems.length === 0) {
      return { metadata, file, dir: path.dirname(file), defaultArgs, targetArgs, warnings };
    }
  }
  if (problems.length === 1) throw new UserError(`${file}: ${problems[0]}`);
  throw new UserError(`${file}: ${problems.length} problems in the extension metadata`, problems);
}

/** Replaces a mistyped value so the rest can be checked: dropped (defaults apply), or a neutral one. */
function setAsideAt(input: Record<string, unknown>, at: (string | number)[], folder?: string): void {
  const [field, distro, pg] = at;
  if (field === undefined) return;
  if (field === 'name') input['name'] = folder !== undefined && !extensionNameProblem(folder) ? folder : 'x';
  else if (field !== 'versions' || distro === undefined) {
    if (field === 'versions') input['versions'] = {};
    else delete input[field];
  } else {
    const versions = input['versions'] as Record<string, unknown>;
    const majors = versions[distro];
    if (pg === undefined || !majors || typeof majors !== 'object') delete versions[distro];
    else delete (majors as Record<string, unknown>)[pg];
  }
}

/** Whether a problem (`metadata.x.y: ...`) is about the field at `at`, or a field around or inside it. */
function concerns(problem: string, at: string): boolean {
  const where = problem.slice(0, problem.indexOf(': '));
  const within = (inner: string, outer: string) =>
    inner.startsWith(outer) && ['', '.', '['].includes(inner.charAt(outer.length));
  return within(where, at) || within(at, where);
}

function checkSemantics(
  m: ExtensionMetadata,
  folder: string | undefined,
  problems: string[],
  warnings: string[],
  file: string,
): void {
  if (folder !== undefined && m.name !== folder) {
    problems.push(
      `metadata.name: expected the folder name ${showValue(folder)} (bake uses the folder as build context), got ${showValue(m.name)}`,
    );
  }
  checkCharacters(m, problems);
  // As written: registries take lower-case names only, and lower-casing first would let other characters
  // through (HCL turns a Kelvin sign into "K", which would become "k").
  if (!REPOSITORY_PATH.test(m.image_name)) {
    problems.push(
      `metadata.image_name: expected a registry repository name (lower-case letters, digits, ".", "_", "-", "/"), got ${showValue(m.image_name)}`,
    );
  }
  const distros = Object.keys(m.versions);
  if (distros.length === 0) {
    problems.push(
      'metadata.versions: expected at least one distribution, e.g. trixie = { "18" = { ... } }, got {}',
    );
  }
  for (const distro of distros) {
    const majors = m.versions[distro]!;
    if (!DISTRO.test(distro)) {
      problems.push(
        `${fieldPath(['versions', distro])}: expected a distribution name such as "trixie" (lower-case letters, digits, ".", "_", "-"), got ${showValue(distro)}`,
      );
    }
    if (Object.keys(majors).length === 0) {
      problems.push(
        `${fieldPath(['versions', distro])}: expected at least one PostgreSQL major, e.g. "18" = { ... }, got {}`,
      );
    }
    for (const [pg, entry] of Object.entries(majors)) {
      const at = ['versions', distro, pg];
      if (!PG_MAJOR.test(pg)) {
        problems.push(
          `${fieldPath(at)}: expected a PostgreSQL major version such as "18" as the key, got ${showValue(pg)}`,
        );
      }
      if (PLACEHOLDER.test(entry.package)) {
        // The placeholder is reported below, in its own words.
      } else if (
        !PACKAGE_VERSION.pattern.test(entry.package) &&
        extensionVersion(entry.package) !== undefined
      ) {
        problems.push(
          `${fieldPath([...at, 'package'])}: expected ${PACKAGE_VERSION.expected}, got ${showValue(entry.package)}`,
        );
      }
      if (!PLACEHOLDER.test(entry.sql) && !SQL_VERSION.pattern.test(entry.sql)) {
        problems.push(
          `${fieldPath([...at, 'sql'])}: expected ${SQL_VERSION.expected}, got ${showValue(entry.sql)}`,
        );
      }
      if (PLACEHOLDER.test(entry.package)) {
        problems.push(
          `${fieldPath([...at, 'package'])}: the placeholder ${showValue(entry.package)} is not filled in; expected the Debian package version, e.g. "0.8.1-1.pgdg13+1"`,
        );
      } else if (extensionVersion(entry.package) === undefined) {
        problems.push(
          `${fieldPath([...at, 'package'])}: expected a Debian package version starting with [epoch:]N(.N)*, e.g. "0.8.1-1.pgdg13+1", got ${showValue(entry.package)}`,
        );
      }
      if (PLACEHOLDER.test(entry.sql)) {
        problems.push(
          `${fieldPath([...at, 'sql'])}: the placeholder ${showValue(entry.sql)} is not filled in; expected the control file's default_version, e.g. "0.8.1"`,
        );
      } else if (m.create_extension && entry.sql === '') {
        warnings.push(
          `${file}: ${fieldPath([...at, 'sql'])} is not set; the io.cloudnativepg.image.sql.version annotation will be empty (set it to the control file's default_version)`,
        );
      }
    }
  }
  m.required_extensions.forEach((req, i) => {
    const prefix = REQUIRED_PREFIXES.find((p) => req.startsWith(p));
    if (prefix !== undefined && !REQUIRED_REFERENCE.pattern.test(req.slice(prefix.length))) {
      problems.push(
        `${fieldPath(['required_extensions', i])}: expected ${REQUIRED_REFERENCE.expected} after "${prefix}", got ${showValue(req)}`,
      );
    }
    if (prefix === undefined && extensionNameProblem(req)) {
      problems.push(
        `${fieldPath(['required_extensions', i])}: expected the folder name of another extension, or a "base-image:", "image-sql:" or "catalog:" reference, got ${showValue(req)}`,
      );
    }
    if (req === m.name)
      problems.push(`${fieldPath(['required_extensions', i])}: an extension cannot require itself`);
  });
  m.platforms?.forEach((p, i) => {
    if (!PLATFORM.test(p)) {
      problems.push(
        `${fieldPath(['platforms', i])}: expected a platform such as "linux/amd64", got ${showValue(p)}`,
      );
    }
  });
  if (m.platforms && m.platforms.length === 0) {
    problems.push(
      'metadata.platforms: expected at least one platform (omit the field for the defaults), got []',
    );
  }
}

/** Each field's character set (fields.ts), on the values as written. */
function checkCharacters(m: ExtensionMetadata, problems: string[]): void {
  const check = (at: (string | number)[], value: string, rule: TextRule) => {
    // Unsafe characters are reported once, by the walk over every string.
    if (!rule.pattern.test(value) && !UNSAFE_TEXT.test(value))
      problems.push(`${fieldPath(at)}: expected ${rule.expected}, got ${showValue(value)}`);
  };
  check(['sql_name'], m.sql_name, SQL_NAME);
  m.licenses.forEach((v, i) => check(['licenses', i], v, LICENSE));
  m.shared_preload_libraries.forEach((v, i) => check(['shared_preload_libraries', i], v, LIBRARY));
  for (const key of Object.keys(m.postgresql_parameters)) {
    if (!GUC_NAME.pattern.test(key) && !UNSAFE_TEXT.test(key))
      problems.push(
        `${fieldPath(['postgresql_parameters'])}: expected ${GUC_NAME.expected} as the key, got ${showValue(key)}`,
      );
  }
  for (const key of Object.keys(m.env)) {
    if (!VARIABLE_NAME.pattern.test(key) && !UNSAFE_TEXT.test(key))
      problems.push(
        `${fieldPath(['env'])}: expected ${VARIABLE_NAME.expected} as the key, got ${showValue(key)}`,
      );
  }
  for (const field of [
    'extension_control_path',
    'dynamic_library_path',
    'ld_library_path',
    'bin_path',
  ] as const) {
    m[field].forEach((v, i) => {
      // Empty, absolute and ".." paths have their own message (the schema).
      if (v !== '' && !v.startsWith('/') && !v.split('/').includes('..')) check([field, i], v, RELATIVE_PATH);
    });
  }
}

/** Reads `<dir>/metadata.hcl`; the folder's name must equal `metadata.name`. */
export async function readExtension(dir: string): Promise<Extension> {
  const file = path.join(dir, METADATA_FILE);
  let text: string;
  try {
    // The size is checked before reading, so a huge file costs nothing.
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_METADATA_BYTES) throw tooLarge(file, size);
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `${file}: not found; expected an extension folder holding ${METADATA_FILE}`
        : `${file}: cannot be read (${code ?? String(err)})`,
    );
  }
  return parseMetadata(text, file, path.basename(path.resolve(dir)));
}
