/**
 * A generic, verified installer for release binaries (cosign, kind, kubectl, chainsaw, ...).
 *
 * `installTool(spec)`:
 *  1. returns the cached executable when tool-cache already holds `<name>/<version>/<arch>` AND it
 *     verifies again (every use: a cache on a persistent runner may have been tampered with): a plain
 *     binary is hashed against the published checksum; for an archive, the archive kept beside the
 *     executable is hashed against it and the executable compared with the one it holds. A cached
 *     copy that fails is reported (a warning naming its path) and replaced by a verified download;
 *  2. fetches the published checksum (a checksum file, or a SHA-256 given by the caller) and, when the
 *     caller pins a SHA-256 from a published source, refuses a checksum file that disagrees with it;
 *  3. downloads the asset with `@actions/tool-cache` (404 and other HTTP errors fail at once);
 *  4. hashes it and refuses any mismatch (a truncated or corrupt download), then runs the caller's extra
 *     `verify` hook (e.g. a Sigstore bundle);
 *  5. extracts it when it is an archive, caches the executable by name, version and arch, and returns
 *     its path.
 * Every failure is a UserError naming the tool, version, URL and the expected/actual hash. Nothing is
 * cached unless every check passed.
 *
 * Tests (and air-gapped runners) point every download at a mirror with `EXT_ACTIONS_TOOLS_MIRROR`:
 * `https://github.com/a/b/c` is then fetched from `<mirror>/github.com/a/b/c` (see `mirrorUrl`).
 */
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { chmod, copyFile, mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { withRetries } from '../process/retry.js';
import { checksumFor, isSha256, sha256File } from './checksum.js';

export const MIRROR_ENV = 'EXT_ACTIONS_TOOLS_MIRROR';

export type ChecksumSource =
  /** A published checksum file; `fileName` is the asset's line in it (omit for single-hash files). */
  | { url: string; fileName?: string | undefined }
  /** A SHA-256 known to the caller (from a published source). */
  | { sha256: string };

export interface ToolSpec {
  /** Tool name, used in messages and as the tool-cache key (`cosign`, `kind`). */
  name: string;
  /** Pinned version, as released (`v3.0.6`). */
  version: string;
  /** `amd64` | `arm64` ...; defaults to the runner's (see `hostArch`). Only used as the cache key. */
  arch?: string | undefined;
  /** The asset's download URL (already specific to OS and arch). */
  url: string;
  checksum: ChecksumSource;
  /** SHA-256 pinned in code from a published source (cite it where it is written); must also match. */
  pinned?: string | undefined;
  /** The executable's name in the cache (and inside the archive unless `pathInArchive` says otherwise). */
  binary: string;
  /** Set for archives; the executable is taken from `pathInArchive` (default: `binary`) inside. */
  archive?: 'tar.gz' | 'zip' | undefined;
  pathInArchive?: string | undefined;
  /** Extra verification of the downloaded asset (before extraction and caching); throw to refuse. */
  verify?: ((file: string, tool: ResolvedTool) => Promise<void>) | undefined;
  /** Environment read for the mirror and runner directories (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined;
}

export interface ResolvedTool {
  name: string;
  version: string;
  arch: string;
  /** The URL actually fetched (after the mirror rewrite). */
  url: string;
}

export interface InstalledTool extends ResolvedTool {
  /** Absolute path of the executable. */
  path: string;
  /** The tool-cache directory holding it (add it to PATH if wanted). */
  dir: string;
  /** SHA-256 of the asset, verified against the published checksum (for a cache hit too). */
  sha256: string | undefined;
  fromCache: boolean;
}

/** The Go-style architecture name of this machine (`amd64`, `arm64`, ...). */
export function hostArch(arch: string = process.arch): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  return map[arch] ?? arch;
}

/** Rewrites `https://host/path` to `<mirror>/host/path` when a mirror is set. */
export function mirrorUrl(url: string, mirror: string | undefined): string {
  if (!mirror) return url;
  const u = new URL(url);
  return `${mirror.replace(/\/+$/, '')}/${u.host}${u.pathname}${u.search}`;
}

/** tool-cache needs RUNNER_TEMP and RUNNER_TOOL_CACHE; outside Actions (the CLI) use per-user folders. */
export function ensureRunnerDirs(env: NodeJS.ProcessEnv = process.env): void {
  const base = path.join(os.homedir(), '.cache', 'ext-actions');
  env['RUNNER_TOOL_CACHE'] ||= path.join(base, 'tools');
  env['RUNNER_TEMP'] ||= path.join(os.tmpdir(), 'ext-actions');
}

function describe(tool: ResolvedTool): string {
  return `${tool.name} ${tool.version} (${tool.arch})`;
}

function validateSpec(spec: ToolSpec): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._-]+$/.test(spec.name))
    problems.push(`name: expected a plain tool name, got ${JSON.stringify(spec.name)}`);
  if (!/^[A-Za-z0-9._+-]+$/.test(spec.version))
    problems.push(`version: expected a release version like v1.2.3, got ${JSON.stringify(spec.version)}`);
  if (!/^[A-Za-z0-9._-]+$/.test(spec.binary))
    problems.push(`binary: expected a file name, got ${JSON.stringify(spec.binary)}`);
  for (const [field, url] of [
    ['url', spec.url],
    ['checksum.url', 'url' in spec.checksum ? spec.checksum.url : undefined],
  ] as const) {
    if (url === undefined) continue;
    try {
      // Release URLs must be https: a checksum fetched over plain http from the same place proves
      // nothing. Only an explicitly configured mirror (EXT_ACTIONS_TOOLS_MIRROR) may be plain http.
      if (new URL(url).protocol !== 'https:') throw new Error();
    } catch {
      problems.push(`${field}: expected an https URL, got ${JSON.stringify(url)}`);
    }
  }
  if ('sha256' in spec.checksum && !isSha256(spec.checksum.sha256))
    problems.push(`checksum.sha256: expected 64 hex digits, got ${JSON.stringify(spec.checksum.sha256)}`);
  if (spec.pinned !== undefined && !isSha256(spec.pinned))
    problems.push(`pinned: expected 64 hex digits, got ${JSON.stringify(spec.pinned)}`);
  if (problems.length)
    throw new UserError(`cannot install ${spec.name} ${spec.version}: invalid tool description`, problems);
}

/** A failed download; `transient` when another attempt may succeed (network errors, 5xx, 408, 429). */
class DownloadError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/** GETs a small text file (checksums, bundles) with up to 3 attempts on network errors and 5xx/408/429. */
export async function fetchText(url: string, what: string): Promise<string> {
  return (await fetchBytes(url, what)).toString('utf8');
}

/** GETs a small file's exact bytes (a manifest to hash), as fetchText does. */
export async function fetchBytes(url: string, what: string): Promise<Buffer> {
  try {
    return await withRetries(
      async () => {
        let res: Response;
        try {
          res = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'follow' });
          if (res.ok) return Buffer.from(await res.arrayBuffer());
        } catch (err) {
          throw new DownloadError(
            err instanceof Error
              ? err.cause instanceof Error
                ? err.cause.message
                : err.message
              : String(err),
            true,
          );
        }
        throw new DownloadError(
          `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
          res.status >= 500 || res.status === 408 || res.status === 429,
        );
      },
      {
        attempts: 3,
        delayMs: (attempt) => 500 * attempt,
        transient: (err) => err instanceof DownloadError && err.transient,
      },
    );
  } catch (err) {
    throw new UserError(`${what}: download of ${url} failed: ${(err as Error).message}`);
  }
}

/** Resolves the expected SHA-256 for the asset (checksum file or given value, cross-checked with `pinned`). */
async function expectedSha256(
  spec: ToolSpec,
  tool: ResolvedTool,
  mirror: string | undefined,
): Promise<string> {
  let expected: string;
  if ('sha256' in spec.checksum) {
    expected = spec.checksum.sha256.toLowerCase();
  } else {
    const url = mirrorUrl(spec.checksum.url, mirror);
    const text = await fetchText(url, `cannot verify ${describe(tool)}: its checksum file`);
    try {
      expected = checksumFor(text, spec.checksum.fileName);
    } catch (err) {
      throw new UserError(
        `cannot verify ${describe(tool)}: the checksum file ${url} is unusable: ${(err as Error).message}`,
      );
    }
  }
  if (spec.pinned !== undefined && spec.pinned.toLowerCase() !== expected) {
    throw new UserError(
      `refusing to install ${describe(tool)} from ${tool.url}: the published checksum (${expected}) differs from the SHA-256 pinned in ext-actions (${spec.pinned.toLowerCase()})`,
    );
  }
  return expected;
}

const isFile = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/** The name of the verified archive kept in the cache folder beside the executable. */
function keptArchive(spec: ToolSpec): string {
  return `.ext-actions-${path.basename(new URL(spec.url).pathname) || spec.name}`;
}

async function extract(spec: ToolSpec, archive: string, out: string): Promise<string> {
  if (spec.archive === 'zip') await tc.extractZip(archive, out);
  else await tc.extractTar(archive, out);
  return path.join(out, spec.pathInArchive ?? spec.binary);
}

/** Why a cached copy does not verify against `expected` (see step 1), or undefined when it does. */
async function cacheProblem(
  spec: ToolSpec,
  dir: string,
  executable: string,
  expected: string,
): Promise<string | undefined> {
  if (!spec.archive) {
    const actual = (await sha256File(executable)).sha256;
    return actual === expected ? undefined : `has SHA-256 ${actual}, not the published ${expected}`;
  }
  const archive = path.join(dir, keptArchive(spec));
  if (!(await isFile(archive))) return 'has no verified archive beside it (an older or foreign cache entry)';
  const actual = (await sha256File(archive)).sha256;
  if (actual !== expected) return `has an archive with SHA-256 ${actual}, not the published ${expected}`;
  const work = path.join(
    process.env['RUNNER_TEMP']!,
    `ext-actions-${spec.name}-check-${process.pid}-${Date.now()}`,
  );
  try {
    const inside = await extract(spec, archive, work).catch(() => undefined);
    if (!inside || !(await isFile(inside)))
      return `has an archive without ${spec.pathInArchive ?? spec.binary}`;
    const [a, b] = await Promise.all([sha256File(inside), sha256File(executable)]);
    return a.sha256 === b.sha256 ? undefined : 'differs from the executable in its verified archive';
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function installTool(spec: ToolSpec): Promise<InstalledTool> {
  validateSpec(spec);
  const env = spec.env ?? process.env;
  ensureRunnerDirs(process.env);
  const mirror = env[MIRROR_ENV] || undefined;
  const tool: ResolvedTool = {
    name: spec.name,
    version: spec.version,
    arch: spec.arch ?? hostArch(),
    url: mirrorUrl(spec.url, mirror),
  };

  const expected = await expectedSha256(spec, tool, mirror);
  const cachedDir = tc.find(spec.name, spec.version, tool.arch);
  if (cachedDir) {
    const cachedPath = path.join(cachedDir, spec.binary);
    if (await isFile(cachedPath)) {
      const problem = await cacheProblem(spec, cachedDir, cachedPath, expected);
      if (problem === undefined) {
        core.info(`${describe(tool)}: using the cached copy at ${cachedPath} (SHA-256 verified again)`);
        return { ...tool, path: cachedPath, dir: cachedDir, sha256: expected, fromCache: true };
      }
      core.warning(`${describe(tool)}: the cached copy at ${cachedPath} ${problem}: downloading it again`);
    }
  }

  core.info(`${describe(tool)}: downloading ${tool.url}`);
  const work = path.join(
    process.env['RUNNER_TEMP']!,
    `ext-actions-${spec.name}-${process.pid}-${Date.now()}`,
  );
  await mkdir(work, { recursive: true });
  try {
    const asset = path.join(work, path.basename(new URL(spec.url).pathname) || spec.name);
    try {
      await tc.downloadTool(tool.url, asset);
    } catch (err) {
      const reason =
        err instanceof tc.HTTPError
          ? `HTTP ${err.httpStatusCode ?? 'error'}`
          : err instanceof Error
            ? err.message
            : String(err);
      throw new UserError(`cannot install ${describe(tool)}: download of ${tool.url} failed: ${reason}`);
    }
    const actual = await sha256File(asset);
    if (actual.sha256 !== expected) {
      throw new UserError(
        `refusing to install ${describe(tool)}: SHA-256 mismatch for ${tool.url}: expected ${expected}, got ${actual.sha256} (${actual.size} bytes downloaded; the download is corrupt or truncated, or the release was altered)`,
      );
    }
    core.info(
      `${describe(tool)}: SHA-256 ${actual.sha256} matches the published checksum${spec.pinned ? ' and the pinned value' : ''}`,
    );
    if (spec.verify) await spec.verify(asset, tool);

    let executable = asset;
    if (spec.archive) {
      const out = path.join(work, 'extracted');
      try {
        await extract(spec, asset, out);
      } catch (err) {
        throw new UserError(
          `cannot install ${describe(tool)}: extracting ${tool.url} failed: ${(err as Error).message}`,
        );
      }
      executable = path.join(out, spec.pathInArchive ?? spec.binary);
      if (
        !(await stat(executable).then(
          (s) => s.isFile(),
          () => false,
        ))
      ) {
        throw new UserError(
          `cannot install ${describe(tool)}: the archive ${tool.url} has no file ${JSON.stringify(spec.pathInArchive ?? spec.binary)}`,
        );
      }
    }
    await chmod(executable, 0o755);
    const dir = await tc.cacheFile(executable, spec.binary, spec.name, spec.version, tool.arch);
    const installed = path.join(dir, spec.binary);
    await chmod(installed, 0o755);
    // The verified archive stays beside its executable, so that each use can verify both again.
    if (spec.archive) await copyFile(asset, path.join(dir, keptArchive(spec)));
    core.info(`${describe(tool)}: installed ${installed}`);
    return { ...tool, path: installed, dir, sha256: actual.sha256, fromCache: false };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
