/**
 * Image references (`registry/repository[:tag][@digest]`), parsed the way the Docker CLI does:
 * a first path component with a `.` or `:` (or `localhost`) is a registry, otherwise the image lives on
 * Docker Hub (`docker.io`, single names under `library/`).
 */
import { UserError } from '../errors.js';

export interface ImageReference {
  /** Registry host as written (`ghcr.io`, `127.0.0.1:5000`, `docker.io`). */
  registry: string;
  /** Repository path inside the registry (`cloudnative-pg/pgvector`, `library/alpine`). */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** `sha256:<64 lower-case hex digits>`: the one digest pattern (schemas use it with `.regex()`). */
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)(?::\d+)?$/;

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

/**
 * Every digest a registry may hand back, with the length its algorithm gives: `sha256:<64 hex>` or
 * `sha512:<128 hex>` (the OCI image spec's registered algorithms). Checked before a digest goes into a
 * request path.
 */
export const CONTENT_DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
export const CONTENT_DIGEST_FORMS = 'sha256:<64 hex digits> or sha512:<128 hex digits>';

export function isContentDigest(value: unknown): value is string {
  return typeof value === 'string' && CONTENT_DIGEST_PATTERN.test(value);
}

/** A tag as the distribution spec allows it: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function isTag(value: string): boolean {
  return TAG.test(value);
}

/** A repository path inside a registry (`cloudnative-pg/pgvector`): lower-case components split by `/`. */
export function isRepositoryPath(value: string): boolean {
  return value.split('/').every((part) => COMPONENT.test(part));
}

/** A reference as written: `name` is everything before the tag and the digest. */
export interface ReferenceParts {
  /** The repository name as written (`ghcr.io/a/b`, `alpine`, `127.0.0.1:5000/x`). */
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits `name[:tag][@digest]` as written: nothing is checked or normalised (a Docker Hub name stays
 * `alpine`). The digest is what follows the first `@`; the tag what follows a `:` after the last `/`.
 */
export function splitReference(ref: string): ReferenceParts {
  let name = ref;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tag: string | undefined;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const parts: ReferenceParts = { name };
  if (tag !== undefined) parts.tag = tag;
  if (digest !== undefined) parts.digest = digest;
  return parts;
}

/**
 * A repository name as written, split the way the Docker CLI does: the first component is the
 * registry host when it has a `.` or `:` (or is `localhost` or an IPv6 literal) and more follow.
 */
function splitName(name: string): { host: string | undefined; path: string[] } {
  const path = name.split('/');
  const first = path[0]!;
  const isHost =
    path.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  return { host: isHost ? path.shift() : undefined, path };
}

/**
 * Why a repository name as written is invalid (a bad registry host, or a path component other than
 * lower-case letters, digits and `. _ -` separators), or undefined when it is valid.
 */
export function repositoryNameProblem(name: string): string | undefined {
  const { host, path } = splitName(name);
  if (host !== undefined && !HOST.test(host)) return `"${host}" is not a valid registry host`;
  const bad = path.find((part) => !COMPONENT.test(part));
  if (bad !== undefined)
    return `"${bad}" is not a valid repository path component (lowercase letters, digits, . _ -)`;
  return undefined;
}

/** Parses an image reference; `what` names it in the error (e.g. `input "source"`). */
export function parseReference(ref: string, what = 'image reference'): ImageReference {
  const bad = (why: string) => new UserError(`${what}: ${why}, got ${JSON.stringify(ref)}`);
  const trimmed = ref.trim();
  if (trimmed === '') throw bad('expected an image reference such as ghcr.io/owner/name:tag');
  if (/^[a-z]+:\/\//i.test(trimmed)) throw bad('expected a reference without a URL scheme');
  const { name, tag, digest } = splitReference(trimmed);
  if (digest !== undefined && !isDigest(digest))
    throw bad('expected the digest as sha256:<64 lowercase hex digits>');
  if (tag !== undefined && !TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`);
  const problem = repositoryNameProblem(name);
  if (problem !== undefined) throw bad(problem);
  const { host, path } = splitName(name);
  let registry = host ?? DOCKER_HUB;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && path.length === 1) path.unshift('library');
  const result: ImageReference = { registry, repository: path.join('/') };
  if (tag !== undefined) result.tag = tag;
  if (digest !== undefined) result.digest = digest;
  return result;
}

/** Parses a repository without tag or digest (`ghcr.io/owner/name`). */
export function parseRepository(ref: string, what = 'repository'): ImageReference {
  const parsed = parseReference(ref, what);
  if (parsed.tag !== undefined || parsed.digest !== undefined)
    throw new UserError(`${what}: expected a repository without tag or digest, got ${JSON.stringify(ref)}`);
  return parsed;
}

/** `registry/repository` as users write it (Docker Hub images keep the `docker.io/` prefix). */
export function repositoryName(ref: Pick<ImageReference, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The canonical string: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Hosts spoken to over plain HTTP: the loopback only. Everything else uses HTTPS. */
export function isInsecureHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return (
    host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

/** Base URL of the registry's API (`https://ghcr.io`, `http://127.0.0.1:5000`, Docker Hub's API host). */
export function registryUrl(registry: string): string {
  const host = registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
  return `${isInsecureHost(registry) ? 'http' : 'https'}://${host}`;
}

/** The OCI referrers tag-schema fallback tag of a digest: `sha256-<hex>`. */
export function fallbackTag(digest: string): string {
  return digest.replace(':', '-');
}
