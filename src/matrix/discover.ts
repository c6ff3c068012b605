/**
 * Finds extension folders (direct sub-folders of the root holding a metadata.hcl) and loads them.
 *
 * The reference `get-targets` globs metadata.hcl files at any depth, but its bake file builds with
 * `context = "<name>/"`, so only direct sub-folders of the root can be built there; here too. A metadata.hcl found deeper is not
 * an extension, and is reported (never skipped in silence). Folder names must be CloudNativePG
 * extension names: they become mount paths, volume names, YAML keys and target names.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError, showValue } from '../errors.js';
import { extensionNameProblem } from './fields.js';
import { METADATA_FILE, readExtension, type Extension } from './metadata.js';
import { compareKeys } from './version.js';

/** How deep below the root `scanExtensions` looks for misplaced metadata.hcl files. */
const NESTED_DEPTH = 3;

export interface Discovery {
  /** The folder searched (as given). */
  root: string;
  /** Extension folder names, sorted in byte order (as the reference `get-targets`). */
  names: string[];
  /** metadata.hcl files deeper than one folder below the root (paths relative to it), not extensions. */
  nested: string[];
  /** Folders holding a metadata.hcl whose name is not an extension name, with the reason. */
  invalid: { folder: string; problem: string }[];
}

const skipped = (name: string) => name.startsWith('.') || name === 'node_modules';

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !skipped(e.name)).map((e) => e.name);
}

/** metadata.hcl files under `dir` (not in `dir` itself), up to `depth` folders down, relative to `root`. */
async function nestedMetadata(root: string, rel: string, depth: number): Promise<string[]> {
  if (depth === 0) return [];
  const found: string[] = [];
  for (const name of await subfolders(path.join(root, rel))) {
    const sub = path.join(rel, name);
    if (await isFile(path.join(root, sub, METADATA_FILE))) found.push(path.join(sub, METADATA_FILE));
    else found.push(...(await nestedMetadata(root, sub, depth - 1)));
  }
  return found;
}

/** Everything discovery sees under `root`: the extensions, misplaced metadata files, invalid folder names. */
export async function scanExtensions(root: string): Promise<Discovery> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `root folder ${root}: not found` : `root folder ${root}: cannot be read (${code})`,
    );
  }
  const names: string[] = [];
  const nested: string[] = [];
  const invalid: Discovery['invalid'] = [];
  await Promise.all(
    entries
      .filter((e) => e.isDirectory() && !skipped(e.name))
      .map(async (e) => {
        if (!(await isFile(path.join(root, e.name, METADATA_FILE)))) {
          nested.push(...(await nestedMetadata(root, e.name, NESTED_DEPTH - 1)));
          return;
        }
        const problem = extensionNameProblem(e.name);
        if (problem) invalid.push({ folder: e.name, problem });
        else names.push(e.name);
      }),
  );
  return {
    root,
    names: names.sort(compareKeys),
    nested: nested.sort(compareKeys),
    invalid: invalid.sort((a, b) => compareKeys(a.folder, b.folder)),
  };
}

/** Refuses folders holding a metadata.hcl whose names are not extension names, naming each. */
function checkFolderNames(d: Discovery): void {
  const lines = d.invalid.map(
    (i) => `folder ${showValue(i.folder)} (holds ${METADATA_FILE}): ${i.problem.replace(/, got .*$/, '')}`,
  );
  if (lines.length === 1) throw new UserError(`${d.root}: ${lines[0]}; rename the folder`);
  if (lines.length)
    throw new UserError(
      `${d.root}: ${lines.length} folders are not valid extension names; rename them`,
      lines,
    );
}

/** Names of the extension folders under `root`, sorted (byte order, as the reference `get-targets`). */
export async function discoverExtensions(root: string): Promise<string[]> {
  const d = await scanExtensions(root);
  checkFolderNames(d);
  return d.names;
}

/** The warning for metadata.hcl files too deep to be extensions, or undefined when there are none. */
export function nestedWarning(d: Discovery, rootLabel = 'root'): string | undefined {
  if (!d.nested.length) return undefined;
  const shown =
    d.nested.slice(0, 5).join(', ') + (d.nested.length > 5 ? `, and ${d.nested.length - 5} more` : '');
  const parents = [...new Set(d.nested.map((n) => path.dirname(path.dirname(n))))];
  return `${shown}: not extensions (an extension is a direct sub-folder of ${d.root}, as bake builds <folder>/); use ${rootLabel} ${parents.map((p) => path.join(d.root, p)).join(' or ')} for those`;
}

/** The error for a root without extensions: where discovery looked, what it skipped, and what to do. */
export function noExtensionsMessage(d: Discovery, rootLabel = 'root'): string {
  const nested = nestedWarning(d, rootLabel);
  return `no extension found under ${d.root}: no direct sub-folder holds a ${METADATA_FILE}${nested ? `; found ${nested}` : `; run in the folder of your extension folders or pass ${rootLabel} DIR (create one with \`ext-actions create NAME\`)`}`;
}

export interface LoadOptions {
  /**
   * Plan-time checks for a build: each selected extension needs its Dockerfile, and its unprefixed
   * required_extensions must be extension folders under the root (`list` only reads the files, as the
   * reference `get-targets` does).
   */
  build?: boolean;
  /** Told about metadata.hcl files too deep to be extensions. */
  warn?: (message: string) => void;
  /** How messages name the root option (default `root`). */
  rootLabel?: string;
}

/**
 * Loads the named extensions (all of them when `names` is empty). Problems in several files are
 * reported together, so one run shows everything that needs fixing.
 */
export async function loadExtensions(
  root: string,
  names: readonly string[] = [],
  options: LoadOptions = {},
): Promise<Extension[]> {
  const discovery = await scanExtensions(root);
  checkFolderNames(discovery);
  const found = discovery.names;
  const nested = nestedWarning(discovery, options.rootLabel);
  if (nested && options.warn) options.warn(nested);
  const unknown = names.filter((n) => !found.includes(n));
  if (unknown.length) {
    throw new UserError(
      `extension ${unknown.map((n) => showValue(n)).join(', ')} not found under ${root}; expected one of: ${found.join(', ') || '(none: no folder holds a metadata.hcl)'}`,
    );
  }
  const selected = names.length ? [...new Set(names)].sort(compareKeys) : found;
  const results = await Promise.allSettled(selected.map((n) => readExtension(path.join(root, n))));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length) {
    const bug = failures.find((f) => !(f instanceof UserError));
    if (bug) throw bug;
    if (failures.length === 1) throw failures[0];
    throw new UserError(
      `${failures.length} extensions have invalid metadata`,
      failures.map((f) => (f as Error).message),
    );
  }
  const extensions = results.map((r) => (r as PromiseFulfilledResult<Extension>).value);
  const problems = options.build ? await buildProblems(extensions, found, root) : [];
  if (problems.length === 1) throw new UserError(problems[0]!);
  if (problems.length) throw new UserError(`${problems.length} problems in the extensions`, problems);
  checkVolumeNames(extensions);
  return extensions;
}

/**
 * What a build of `extensions` needs beyond valid metadata: each one's Dockerfile, and its unprefixed
 * required_extensions among the extension folders `found` under `root` (plan, bake and check).
 */
export async function buildProblems(
  extensions: readonly Extension[],
  found: readonly string[],
  root: string,
): Promise<string[]> {
  return [...requiredProblems(extensions, found, root), ...(await dockerfileProblems(extensions))];
}

/** `required_extensions` without a prefix name sibling folders: each must be an extension under the root. */
function requiredProblems(
  extensions: readonly Extension[],
  found: readonly string[],
  root: string,
): string[] {
  const problems: string[] = [];
  for (const e of extensions) {
    e.metadata.required_extensions.forEach((req, i) => {
      if (req.includes(':') || found.includes(req)) return;
      problems.push(
        `${e.file}: metadata.required_extensions[${i}]: expected the folder name of another extension under ${root} (${found.join(', ')}), or a "base-image:", "image-sql:" or "catalog:" reference, got ${showValue(req)}`,
      );
    });
  }
  return problems;
}

/** Every extension to build needs `<folder>/Dockerfile` (bake would fail only once it runs). */
async function dockerfileProblems(extensions: readonly Extension[]): Promise<string[]> {
  const missing = await Promise.all(
    extensions.map(async (e) => ((await isFile(path.join(e.dir, 'Dockerfile'))) ? [] : [e])),
  );
  return missing
    .flat()
    .map(
      (e) =>
        `${path.join(e.dir, 'Dockerfile')}: not found; expected the Dockerfile that builds ${e.metadata.name}`,
    );
}

/**
 * CloudNativePG names each extension's volume `ext-<name>` with `_` turned into `-`, and refuses two
 * extensions whose names collide that way (`pg_ivm` and `pg-ivm`): so do we, naming both files.
 */
export function checkVolumeNames(extensions: readonly Extension[]): void {
  const problems = volumeNameProblems(extensions);
  if (problems.length === 1) throw new UserError(problems[0]!);
  if (problems.length) throw new UserError('extension names collide', problems);
}

/** The collisions checkVolumeNames refuses, one line each. */
export function volumeNameProblems(extensions: readonly Extension[]): string[] {
  const seen = new Map<string, Extension>();
  const problems: string[] = [];
  for (const e of extensions) {
    const key = e.metadata.name.replaceAll('_', '-');
    const other = seen.get(key);
    if (other)
      problems.push(
        `${e.file}: metadata.name "${e.metadata.name}" collides with "${other.metadata.name}" (${other.file}) once "_" becomes "-", as CloudNativePG names extension volumes`,
      );
    else seen.set(key, e);
  }
  return problems;
}
