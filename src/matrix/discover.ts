/** Finds extension folders (direct sub-folders of the root holding a metadata.hcl) and loads them. */
import path from 'node:path';
import { UserError } from '../errors.js';
import { discoverExtensions } from './folders.js';
import { readExtension, type Extension } from './metadata.js';
import { compareKeys } from './version.js';

export { discoverExtensions };

/**
 * Loads the named extensions (all of them when `names` is empty). Problems in several files are
 * reported together, so one run shows everything that needs fixing.
 */
export async function loadExtensions(root: string, names: readonly string[] = []): Promise<Extension[]> {
  const found = await discoverExtensions(root);
  const unknown = names.filter((n) => !found.includes(n));
  if (unknown.length) {
    throw new UserError(
      `extension ${unknown.map((n) => `"${n}"`).join(', ')} not found under ${root}; expected one of: ${found.join(', ') || '(none: no folder holds a metadata.hcl)'}`,
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
  checkVolumeNames(extensions);
  return extensions;
}

/**
 * CloudNativePG names each extension's volume `ext-<name>` with `_` turned into `-`, and refuses two
 * extensions whose names collide that way (`pg_ivm` and `pg-ivm`): so do we, naming both files.
 */
export function checkVolumeNames(extensions: readonly Extension[]): void {
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
  if (problems.length === 1) throw new UserError(problems[0]!);
  if (problems.length) throw new UserError('extension names collide', problems);
}
