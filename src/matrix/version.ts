/**
 * The one extension-version parser of the project (the reference tooling has two that disagree on
 * epochs and dot-less versions). Every tag, target name, image lookup and catalog entry uses it.
 */

/** Leading `[epoch:]N(.N)*` of a Debian package version, exactly as the reference bake file matches it. */
const VERSION_PREFIX = /^(?:[0-9]+:)?[0-9]+(?:\.[0-9]+)*/;

/**
 * The extension version carried in tags: the leading `[epoch:]N(.N)*` of the Debian package version,
 * with the epoch separator `:` turned into `-` (`1:6.1.0-2` -> `1-6.1.0`, `3.6.4+dfsg-2` -> `3.6.4`,
 * `1.0~RC1-1` -> `1.0`). Returns undefined when the package version does not start with a number.
 */
export function extensionVersion(packageVersion: string): string | undefined {
  const match = VERSION_PREFIX.exec(packageVersion);
  return match ? match[0].replaceAll(':', '-') : undefined;
}

/** buildx's HCL `sanitize()`: every character outside `[A-Za-z0-9_-]` becomes `_` (runs are not collapsed). */
export function sanitize(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/gu, '_');
}

/** Compares like Go's sort.Strings / HCL keys(): byte order, so "18" sorts before "9". */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
