/**
 * Installing cosign: a binary already on PATH when no version is requested (it must be v3+), otherwise
 * the pinned release from GitHub, verified against `cosign_checksums.txt`, for the default version against
 * SHA-256 values pinned here, and (v3.0.1+) against the release's keyless Sigstore bundle.
 */
import * as core from '@actions/core';
import * as io from '@actions/io';
import { UserError } from '../errors.js';
import { runCommand } from '../process/exec.js';
import { readFile } from 'node:fs/promises';
import { fetchText, hostArch, installTool, verifySigstoreBundle } from '../tools/index.js';

/** The default cosign release (the version sigstore/cosign-installer v4.1.2 installs by default). */
export const DEFAULT_COSIGN_VERSION = 'v3.0.6';

/**
 * SHA-256 of the cosign v3.0.6 release binaries, as published in that release's `cosign_checksums.txt`
 * and pinned by sigstore/cosign-installer in `action.yml` (`bootstrap_<os>_<arch>_sha`, lines 106-114,
 * derived there from `cosign_checksums.txt`; commit 3094a48ba06382e0e6cfa5a4af4fcc55fc6942b9, and the
 * same values at tag v4.1.2 = 6f9f17788090df1f26f669e9d70d6ae9567deba6). Re-read from that file on review.
 */
export const PINNED_COSIGN_SHA256: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'v3.0.6': {
    'cosign-linux-amd64': 'c956e5dfcac53d52bcf058360d579472f0c1d2d9b69f55209e256fe7783f4c74',
    'cosign-linux-arm64': 'bedac92e8c3729864e13d4a17048007cfafa79d5deca993a43a90ffe018ef2b8',
    'cosign-darwin-amd64': '4c3e7af8372d3ca3296e62fa56f23fcbb5721cc6ac1827900d398f110d7cd280',
    'cosign-darwin-arm64': '5fadd012ae6381a6a29ff86a7d39aa873878852f1073fc90b15995961ecfb084',
    'cosign-linux-arm': '67bd25d32daff5664caf51208c95defcb2ad7ac1296f394fa677bb8bacee62f5',
    'cosign-linux-ppc64le': '08c3e5e0a09c440f49e9a69d8639d37fbec522ec8c5c0ac805243b098e6ea512',
    'cosign-linux-riscv64': 'e25952e798958b0f9168d044153ccc353f5469ca4b71a1707dffad0534d27017',
    'cosign-linux-s390x': '3cf4b769258ed9cc3c2a93268c0d5c1cc3fbd094af8df21035cbac8fb0d7c088',
    'cosign-windows-amd64.exe': '9b85a88ebff2d9dd30ff4984a6f61f2cedc232dd87d81fa7f2ff3c0ed96c241c',
  },
};

/**
 * Who signs cosign's release binaries: since v3.0.1 each `<asset>` has a keyless `<asset>.sigstore.json`
 * bundle from this identity (as sigstore/cosign-installer's action.yml verifies them with `cosign
 * verify-blob --certificate-identity=... --certificate-oidc-issuer=...`).
 */
export const COSIGN_RELEASE_SIGNER = {
  subjectAlternativeName: 'keyless@projectsigstore.iam.gserviceaccount.com',
  issuer: 'https://accounts.google.com',
} as const;

/** True when the release carries a keyless Sigstore bundle per binary (v3.0.1 and later). */
export function hasReleaseBundle(version: string): boolean {
  const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return maj > 3 || (maj === 3 && (min > 0 || pat >= 1));
}

const VERSION = /^v(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$/;

/** Checks a requested version; returns it normalised (`3.0.6` -> `v3.0.6`). */
export function checkCosignVersion(requested: string, input = 'cosign-version'): string {
  const v = requested.startsWith('v') ? requested : `v${requested}`;
  const m = VERSION.exec(v);
  if (!m)
    throw new UserError(
      `input "${input}": expected a cosign release like ${DEFAULT_COSIGN_VERSION}, got ${JSON.stringify(requested)}`,
    );
  if (Number(m[1]) < 3) {
    throw new UserError(
      `input "${input}": cosign ${v} is too old; this action needs cosign v3 or later (default ${DEFAULT_COSIGN_VERSION})`,
    );
  }
  return v;
}

export function cosignAsset(platform: NodeJS.Platform = process.platform, arch: string = hostArch()): string {
  const os = platform === 'win32' ? 'windows' : platform;
  if (!['linux', 'darwin', 'windows'].includes(os))
    throw new UserError(`cosign has no release binary for ${platform}/${arch}`);
  return `cosign-${os}-${arch}${os === 'windows' ? '.exe' : ''}`;
}

export interface Cosign {
  path: string;
  version: string;
  source: 'path' | 'download' | 'cache';
}

/** Reads `cosign version --json` ({"gitVersion":"v3.0.6",...}). */
export async function cosignVersionOf(path: string): Promise<string> {
  const out = await runCommand(path, ['version', '--json']);
  try {
    const v = (JSON.parse(out.stdout) as { gitVersion?: unknown }).gitVersion;
    if (typeof v === 'string') return v;
  } catch {
    // fall through
  }
  throw new UserError(
    `${path} does not look like cosign: "cosign version --json" printed ${JSON.stringify(out.stdout.slice(0, 120))} (exit ${out.exitCode})`,
  );
}

/** What the version logic can say about a cosign's version (Debian's builds say `devel`). */
export function describeVersion(version: string): string {
  if (VERSION.test(version)) return version;
  return `${version} (no release version: a distribution or source build, so the v3-or-later check cannot apply and features are detected from its --help)`;
}

/**
 * Whether this cosign wants a signing config without transparency log services instead of the
 * deprecated `--tlog-upload=false` (cosign 3.1 hides the flag from `sign --help` and warns on it).
 * Detected from the help text, since distribution builds carry no version.
 */
export async function prefersSigningConfig(path: string): Promise<boolean> {
  const out = await runCommand(path, ['sign', '--help']);
  const help = `${out.stdout}\n${out.stderr}`;
  // Flag definitions start a line (`    --signing-config='':`); usage examples start with `cosign`.
  const lists = (flag: string) => new RegExp(`^\\s+${flag}=`, 'm').test(help);
  return lists('--signing-config') && !lists('--tlog-upload');
}

export async function resolveCosign(
  requested: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Cosign> {
  if (requested === '') {
    const onPath = await io.which('cosign', false);
    if (onPath) {
      const version = await cosignVersionOf(onPath);
      const m = VERSION.exec(version);
      if (m && Number(m[1]) < 3) {
        throw new UserError(
          `cosign ${version} found on PATH at ${onPath} is too old; this action needs v3 or later: set "cosign-version" (e.g. ${DEFAULT_COSIGN_VERSION}) to install one`,
        );
      }
      // Not downloaded here, so not verified here: say so where the run's reader sees it.
      core.warning(
        `using cosign ${version} found on PATH at ${onPath}: ext-actions did not verify this binary (set "cosign-version" to install a checksum- and Sigstore-verified release)`,
        { title: 'cosign from PATH' },
      );
      return { path: onPath, version, source: 'path' };
    }
  }
  const version = checkCosignVersion(requested || DEFAULT_COSIGN_VERSION);
  const asset = cosignAsset();
  const base = `https://github.com/sigstore/cosign/releases/download/${version}`;
  const tool = await installTool({
    name: 'cosign',
    version,
    url: `${base}/${asset}`,
    checksum: { url: `${base}/cosign_checksums.txt`, fileName: asset },
    pinned: PINNED_COSIGN_SHA256[version]?.[asset],
    binary: asset.endsWith('.exe') ? 'cosign.exe' : 'cosign',
    env,
    verify: hasReleaseBundle(version)
      ? async (file, tool) => {
          const what = `cosign ${version} (${tool.arch})`;
          const bundle = await fetchText(
            `${tool.url}.sigstore.json`,
            `cannot verify ${what}: its Sigstore bundle`,
          );
          await verifySigstoreBundle(what, await readFile(file), bundle, COSIGN_RELEASE_SIGNER, env);
          core.info(
            `${what}: Sigstore bundle verified (signed by ${COSIGN_RELEASE_SIGNER.subjectAlternativeName})`,
          );
        }
      : undefined,
  });
  return { path: tool.path, version, source: tool.fromCache ? 'cache' : 'download' };
}
