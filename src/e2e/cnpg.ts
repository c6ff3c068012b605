/**
 * CloudNativePG versions: parsing the `cnpg` input, the usual test matrix `["main", previous, latest]`
 * computed from one pinned latest release, and the operator manifest of each version.
 *
 * A release's manifest is the release asset `cnpg-X.Y.Z.yaml` of a pinned patch release, verified
 * before use against the Sigstore bundle the release publishes beside it (`cnpg-X.Y.Z.sigstore.json`,
 * signed keylessly by the project's release workflow for that very tag; CloudNativePG documents this
 * check in docs/src/installation_upgrade.md, "Verifying the Operator YAML Deployment"). No checksum is
 * written in this code: CloudNativePG publishes none for the manifest (its goreleaser checksum file
 * covers the binaries), and the signature binds the file to the tag. `main` is the artifacts
 * repository's moving branch: used only when asked for, unverified, with a warning.
 */
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError, showValue } from '../errors.js';
import { fetchBytes, fetchText, MIRROR_ENV, mirrorUrl } from '../tools/install.js';
import { verifySigstoreBundle, type SigstoreIdentity } from '../tools/sigstore.js';

/**
 * The latest CloudNativePG minor release, as the reference workflow pins it
 * (cloudnative-pg/postgres-extensions-containers `.github/workflows/bake_targets.yml` LATEST_RELEASE,
 * commit 079bc9e, Renovate-tracked there).
 */
export const CNPG_LATEST = '1.30';

export const CNPG_NAMESPACE = 'cnpg-system';
export const CNPG_DEPLOYMENT = 'cnpg-controller-manager';

/**
 * The patch release installed for each minor release: the newest tag of cloudnative-pg/cloudnative-pg
 * on that minor when pinned (v1.30.0, v1.29.2, v1.28.4, v1.27.4, all tagged 2026-04-01 or later, so
 * all carry a signed manifest). A minor not listed here must be named as X.Y.Z.
 */
export const CNPG_PATCH_RELEASES: Readonly<Record<string, string>> = {
  '1.30': '1.30.0',
  '1.29': '1.29.2',
  '1.28': '1.28.4',
  '1.27': '1.27.4',
};

const RELEASE = /^(\d+)\.(\d+)$/;
const PATCH = /^\d+\.\d+\.\d+$/;

/** `main`, `X.Y` or `X.Y.Z`; `latest` and `previous` name the pinned releases. */
export function normalizeCnpg(value: string, latest = CNPG_LATEST): string {
  const v = value.trim().replace(/^v/, '');
  if (v === 'main') return 'main';
  if (v === 'latest') return latest;
  if (v === 'previous') return previousRelease(latest);
  if (RELEASE.test(v) || PATCH.test(v)) return v;
  throw new UserError(
    `input "cnpg": expected main, latest, previous or a release like ${latest} (major.minor) or ${CNPG_PATCH_RELEASES[latest] ?? `${latest}.0`} (a patch release), got ${showValue(value)}`,
  );
}

/** The patch release installed for a version (`1.30` -> `1.30.0`; `1.29.1` stays). */
export function cnpgPatchRelease(version: string): string {
  const v = normalizeCnpg(version);
  if (v === 'main') throw new UserError('CloudNativePG main is a branch, not a release');
  if (PATCH.test(v)) return v;
  const patch = CNPG_PATCH_RELEASES[v];
  if (!patch)
    throw new UserError(
      `input "cnpg": no patch release of CloudNativePG ${v} is pinned in ext-actions (pinned: ${Object.keys(CNPG_PATCH_RELEASES).join(', ')}); name one, e.g. ${v}.0`,
    );
  return patch;
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

/** The artifacts repository's manifest of the `main` branch (moving, unsigned). */
export const CNPG_MAIN_MANIFEST =
  'https://raw.githubusercontent.com/cloudnative-pg/artifacts/main/manifests/operator-manifest.yaml';

/** The operator manifest of a version: the release asset of its patch release, or main's. */
export function cnpgManifestUrl(version: string): string {
  if (normalizeCnpg(version) === 'main') return CNPG_MAIN_MANIFEST;
  const r = cnpgPatchRelease(version);
  return `https://github.com/cloudnative-pg/cloudnative-pg/releases/download/v${r}/cnpg-${r}.yaml`;
}

/**
 * Who signs a release's manifest: the release-publish workflow of cloudnative-pg/cloudnative-pg run
 * for that release's tag (keyless, GitHub Actions OIDC), as CloudNativePG's installation docs verify it.
 */
export function cnpgManifestSigner(release: string): SigstoreIdentity {
  return {
    subjectAlternativeName: `https://github.com/cloudnative-pg/cloudnative-pg/.github/workflows/release-publish.yml@refs/tags/v${release}`,
    issuer: 'https://token.actions.githubusercontent.com',
  };
}

export interface CnpgManifest {
  /** The verified manifest, written under the work folder (apply this file, not the URL). */
  file: string;
  /** Where it came from (after the tools mirror rewrite). */
  url: string;
  sha256: string;
  /** False for `main` only. */
  verified: boolean;
}

/**
 * Downloads the operator manifest of a version into `dir` and verifies it (see the top of this file).
 * Nothing is written unless the release's Sigstore bundle verifies. `main` is downloaded with a warning.
 */
export async function fetchCnpgManifest(
  version: string,
  dir: string,
  options: { env?: NodeJS.ProcessEnv; warn?: (message: string) => void } = {},
): Promise<CnpgManifest> {
  const env = options.env ?? process.env;
  const mirror = env[MIRROR_ENV] || undefined;
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  await mkdir(dir, { recursive: true });
  if (normalizeCnpg(version) === 'main') {
    const url = mirrorUrl(CNPG_MAIN_MANIFEST, mirror);
    (options.warn ?? ((m: string) => core.warning(m)))(
      `CloudNativePG main: the operator manifest comes from a moving branch (${CNPG_MAIN_MANIFEST}) and cannot be verified; test against releases (e.g. ${CNPG_LATEST}) unless main is what you mean`,
    );
    const bytes = await fetchBytes(url, 'CloudNativePG main: the operator manifest');
    const file = path.join(dir, 'cnpg-main.yaml');
    await writeFile(file, bytes);
    return { file, url, sha256: sha256(bytes), verified: false };
  }
  const release = cnpgPatchRelease(version);
  const what = `CloudNativePG ${release}: the operator manifest`;
  const url = mirrorUrl(cnpgManifestUrl(release), mirror);
  const bytes = await fetchBytes(url, what);
  const bundle = await fetchText(
    mirrorUrl(cnpgManifestUrl(release).replace(/\.yaml$/, '.sigstore.json'), mirror),
    `${what}: its Sigstore bundle`,
  );
  const signer = cnpgManifestSigner(release);
  await verifySigstoreBundle(`${what} ${url}`, bytes, bundle, signer, env);
  const file = path.join(dir, `cnpg-${release}.yaml`);
  await writeFile(file, bytes);
  core.info(
    `${what}: SHA-256 ${sha256(bytes)}, Sigstore bundle verified (signed by ${signer.subjectAlternativeName})`,
  );
  return { file, url, sha256: sha256(bytes), verified: true };
}
