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
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)(?::\d+)?$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Parses an image reference; `what` names it in the error (e.g. `input "source"`). */
export function parseReference(ref: string, what = 'image reference'): ImageReference {
  const bad = (why: string) => new UserError(`${what}: ${why}, got ${JSON.stringify(ref)}`);
  let rest = ref.trim();
  if (rest === '') throw bad('expected an image reference such as ghcr.io/owner/name:tag');
  if (/^[a-z]+:\/\//i.test(rest)) throw bad('expected a reference without a URL scheme');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('expected the digest as sha256:<64 lowercase hex digits>');
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0]!;
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))
  ) {
    registry = parts.shift()!;
    if (!HOST.test(registry)) throw bad(`"${registry}" is not a valid registry host`);
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const part of parts) {
    if (!COMPONENT.test(part))
      throw bad(`"${part}" is not a valid repository path component (lowercase letters, digits, . _ -)`);
  }
  const result: ImageReference = { registry, repository: parts.join('/') };
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
