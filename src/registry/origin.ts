/**
 * Where a registry may send the client, and whether the registry's credentials go along.
 *
 * A registry names other URLs: its token realm (`WWW-Authenticate`), upload sessions (`Location`),
 * the next page of a list (`Link`) and redirects. A hostile or compromised registry could point any
 * of them at a server that collects credentials, or at plain http. The rules:
 * - only http and https; plain http only to the loopback (as for the registry itself);
 * - never from https to http (a downgrade), whatever the host;
 * - credentials (Basic, or a Bearer token issued for this registry) only to the registry's own origin
 *   (scheme, host and port), or to a token realm over https (Docker Hub's `auth.docker.io`).
 */
import { isInsecureHost } from './reference.js';

export class RefusedUrl extends Error {}

/** `registry`: a request to the registry API (Location, Link, redirects); `token`: a token realm. */
export type UrlUse = 'registry' | 'token';

/** Whether `url` may carry credentials or trusted content: https, or plain http on the loopback only. */
export function isSafeUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isInsecureHost(url.host));
}

/**
 * Checks `target` against the registry's base URL (`https://ghcr.io`); `from` is the URL that named
 * it when that is not the registry itself (a redirect). Throws RefusedUrl with the reason, else says
 * whether the registry's credentials may be sent there.
 */
export function checkRegistryUrl(
  base: string,
  target: URL,
  use: UrlUse,
  from?: URL,
): { credentials: boolean } {
  const origin = new URL(base);
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    throw new RefusedUrl('only http and https URLs are followed');
  if (!isSafeUrl(target)) throw new RefusedUrl('plain http is only used for the loopback');
  const referrer = from ?? origin;
  if (referrer.protocol === 'https:' && target.protocol === 'http:')
    throw new RefusedUrl(`it would downgrade ${referrer.origin} to plain http`);
  return {
    credentials: target.origin === origin.origin || (use === 'token' && target.protocol === 'https:'),
  };
}
