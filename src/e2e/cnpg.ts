/**
 * CloudNativePG versions: parsing the `cnpg` input, the operator manifest of each version (from the
 * `cloudnative-pg/artifacts` repository: `main`, or the `release-X.Y` branch), and the usual test matrix
 * `["main", previous, latest]` computed from one pinned latest release. Pure.
 */
import { UserError, showValue } from '../errors.js';

/**
 * The latest CloudNativePG minor release, as the reference workflow pins it
 * (cloudnative-pg/postgres-extensions-containers `.github/workflows/bake_targets.yml` LATEST_RELEASE,
 * commit 079bc9e, Renovate-tracked there).
 */
export const CNPG_LATEST = '1.30';

export const CNPG_NAMESPACE = 'cnpg-system';
export const CNPG_DEPLOYMENT = 'cnpg-controller-manager';

const RELEASE = /^(\d+)\.(\d+)$/;

/** `main` or `X.Y`; `latest` and `previous` name the pinned releases. */
export function normalizeCnpg(value: string, latest = CNPG_LATEST): string {
  const v = value.trim().replace(/^v/, '');
  if (v === 'main') return 'main';
  if (v === 'latest') return latest;
  if (v === 'previous') return previousRelease(latest);
  if (RELEASE.test(v)) return v;
  throw new UserError(
    `input "cnpg": expected main, latest, previous or a release like ${latest} (major.minor), got ${showValue(value)}`,
  );
}

/** Parses the `cnpg` input: one version or a list (JSON array, commas or lines); duplicates dropped. */
export function parseCnpgVersions(input: string, latest = CNPG_LATEST): string[] {
  const text = input.trim();
  let items: string[];
  if (text === '') items = ['latest'];
  else if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UserError(`input "cnpg": expected a JSON array of versions, got ${showValue(input)}`);
    }
    if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== 'string'))
      throw new UserError(`input "cnpg": expected a JSON array of strings, got ${showValue(input)}`);
    items = parsed as string[];
  } else
    items = text
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean);
  if (!items.length)
    throw new UserError(`input "cnpg": expected at least one version, got ${showValue(input)}`);
  return [...new Set(items.map((v) => normalizeCnpg(v, latest)))];
}

export function previousRelease(latest: string): string {
  const m = RELEASE.exec(latest);
  if (!m) throw new UserError(`CloudNativePG release: expected major.minor, got ${showValue(latest)}`);
  const minor = Number(m[2]);
  if (minor === 0) throw new UserError(`CloudNativePG release ${latest} has no previous minor release`);
  return `${m[1]}.${minor - 1}`;
}

/** `["main", previous, latest]`, as the reference smoke-test matrix. */
export function cnpgMatrix(latest = CNPG_LATEST): string[] {
  const l = normalizeCnpg(latest, latest);
  if (l === 'main')
    throw new UserError('CloudNativePG matrix: the latest release must be major.minor, not main');
  return ['main', previousRelease(l), l];
}

/** The operator manifest of a version. */
export function cnpgManifestUrl(version: string): string {
  const branch = version === 'main' ? 'main' : `release-${normalizeCnpg(version)}`;
  return `https://raw.githubusercontent.com/cloudnative-pg/artifacts/${branch}/manifests/operator-manifest.yaml`;
}
