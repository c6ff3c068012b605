/**
 * The characters each metadata field may hold, checked on the value as written (before any lower-casing
 * or other normalisation). Metadata values end up in OCI labels and annotations, build args, workflow
 * outputs, job summaries and Kubernetes manifests: none of them may carry a line break, a control
 * character or an invisible Unicode format character (such as U+202E, which reverses the text shown).
 * Calibrated on every upstream and fork metadata.hcl (see test/matrix/anchor.test.ts).
 */
import { showValue } from '../errors.js';
import { editDistance } from '../text/distance.js';

/** Control characters, format characters (bidi overrides, zero-width), line/paragraph separators, private use, surrogates. */
export const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/u;

/** CloudNativePG's extension name (api/v1 cluster_types.go): lower-case alphanumerics, `-` or `_`, at most 59. */
export const EXTENSION_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
export const EXTENSION_NAME_MAX = 59;

/** Why `name` is not an extension name, or undefined when it is one. */
export function extensionNameProblem(name: string): string | undefined {
  if (!EXTENSION_NAME.test(name)) {
    return `expected lower-case letters, digits, "-" or "_", starting and ending with a letter or digit (CloudNativePG extension names), got ${showValue(name)}`;
  }
  if (name.length > EXTENSION_NAME_MAX) {
    return `expected at most ${EXTENSION_NAME_MAX} characters (CloudNativePG extension names), got ${name.length}`;
  }
  return undefined;
}

/** A rule for the strings of one field: the pattern and what to say when it does not match. */
export interface TextRule {
  pattern: RegExp;
  expected: string;
}

/** `CREATE EXTENSION` names (`vector`, `pg_ivm`, `uuid-ossp`, `plpython3u`), at most 63 bytes (NAMEDATALEN). */
export const SQL_NAME: TextRule = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/,
  expected: 'an extension name of letters, digits, "_", "-" or "." (at most 63 characters)',
};

/** SPDX identifiers (`GPL-2.0-or-later`, `LicenseRef-x`), or an expression of them (`MIT OR Apache-2.0`). */
export const LICENSE: TextRule = {
  pattern: /^[A-Za-z0-9.+:()-]+(?: [A-Za-z0-9.+:()-]+)*$/,
  expected:
    'an SPDX license identifier or expression (letters, digits, ".", "+", "-", ":", parentheses, single spaces)',
};

/** shared_preload_libraries entries: one library each (the list becomes a comma-separated setting). */
export const LIBRARY: TextRule = {
  pattern: /^[A-Za-z0-9_$][A-Za-z0-9_.$/-]*$/,
  expected: 'a library name such as "pg_cron" (letters, digits, "_", "-", ".")',
};

/** PostgreSQL parameter names (`cron.database_name`). */
export const GUC_NAME: TextRule = {
  pattern: /^[A-Za-z_][A-Za-z0-9_.]*$/,
  expected: 'a PostgreSQL parameter name such as "cron.database_name"',
};

/** Environment variable and build argument names. */
export const VARIABLE_NAME: TextRule = {
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  expected: 'a variable name (letters, digits, "_", not starting with a digit)',
};

/** Paths relative to the image root (`system`, `share/extension`). */
export const RELATIVE_PATH: TextRule = {
  pattern: /^[A-Za-z0-9._+-]+(?:\/[A-Za-z0-9._+-]+)*$/,
  expected: 'a path relative to the image root (letters, digits, ".", "_", "+", "-", "/")',
};

/** The argument of a prefixed required extension (`base-image:pg_stat_statements`, `catalog:pgvector:vector`). */
export const REQUIRED_REFERENCE: TextRule = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/,
  expected: 'an extension name (letters, digits, "_", "-", "."), e.g. "base-image:pg_stat_statements"',
};

/** A Debian version: `[epoch:]upstream[-revision]` of letters, digits, ".", "+", "~", "-". */
export const PACKAGE_VERSION: TextRule = {
  pattern: /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/,
  expected:
    'a Debian package version of letters, digits, ".", "+", "~", "-" and an optional "N:" epoch, e.g. "0.8.1-1.pgdg13+1"',
};

/** The control file's `default_version` (`0.8.1`, `1.0-0`, `4.7.0`); empty when not declared. */
export const SQL_VERSION: TextRule = {
  pattern: /^(?:[A-Za-z0-9][A-Za-z0-9.+~_-]*)?$/,
  expected: 'the control file\'s default_version (letters, digits, ".", "+", "~", "_", "-"), e.g. "0.8.1"',
};

/**
 * Every string and map key in `value` (the metadata as written) that holds an unsafe character, with
 * its path. Free-text values (parameter and environment values) are checked only this way.
 */
export function unsafeStrings(
  value: unknown,
  at: (string | number)[] = [],
): { path: (string | number)[]; value: string }[] {
  if (typeof value === 'string') return UNSAFE_TEXT.test(value) ? [{ path: at, value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsafeStrings(v, [...at, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(UNSAFE_TEXT.test(k) ? [{ path: at, value: k }] : []),
      ...unsafeStrings(v, [...at, k]),
    ]);
  }
  return [];
}

export const UNSAFE_MESSAGE =
  'expected printable text without line breaks, control characters or invisible Unicode format characters (such as U+202E)';

/**
 * The known name `key` is most likely a misspelling of (`licences` -> `licenses`, `sql_nmae` ->
 * `sql_name`), or undefined. A transposition counts as two edits; short names allow fewer edits.
 */
export function closestName(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(wanted, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const limit = best.name.length <= 4 ? 1 : best.name.length <= 8 ? 2 : 3;
  return best.distance <= limit ? best.name : undefined;
}
