/**
 * ghcr.io's side of prune: the registry there does not take `DELETE`; a manifest is a package version
 * of the GitHub packages API (`/orgs|users/<owner>/packages/container/<package>/versions`), which lists
 * each version's digest (`name`) and tags, and deletes it by id. Manifests themselves (an index's
 * children) are still read through the registry API.
 */
import { UserError } from '../errors.js';
import { withRetries } from '../process/retry.js';
import { isSafeUrl } from '../registry/origin.js';
import type { RegistryClient } from '../registry/client.js';
import type { RepositoryStore } from './prune.js';

interface PackageVersion {
  id: number;
  name: string;
  metadata?: { container?: { tags?: string[] } };
}

export interface PackagesOptions {
  /** `https://api.github.com` (GITHUB_API_URL). */
  api: string;
  token: string;
  /** Reads manifests (an index's children) from the registry. */
  client: RegistryClient;
  childrenOf(client: RegistryClient, repository: string, digest: string): Promise<string[]>;
  /** First wait before a retry, doubled each time (default 500 ms). */
  retryDelayMs?: number;
}

const API_ATTEMPTS = 4;

export function packagesStore(o: PackagesOptions): RepositoryStore {
  const api = new URL(o.api);
  if (!isSafeUrl(api))
    throw new UserError(
      `GITHUB_API_URL: expected an https:// URL (plain http only on the loopback), got ${o.api}`,
    );
  const base = o.api.replace(/\/+$/, '');
  const versions = new Map<string, { path: string; list: PackageVersion[] }>();
  // Dropped connections, timeouts, 429 and 5xx are retried (the last answer is returned as it is).
  const call = async (method: string, url: string) => {
    const res = await withRetries(
      async (attempt) => {
        const r = await fetch(url, {
          method,
          redirect: 'error',
          signal: AbortSignal.timeout(30_000),
          headers: {
            authorization: `Bearer ${o.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
          },
        });
        if ((r.status === 429 || r.status >= 500) && attempt < API_ATTEMPTS) {
          await r.arrayBuffer().catch(() => undefined);
          throw new Error(`${r.status} ${r.statusText}`);
        }
        return r;
      },
      { attempts: API_ATTEMPTS, delayMs: o.retryDelayMs ?? 500 },
    ).catch((err: unknown) => {
      throw new UserError(
        `GitHub packages API ${method} ${new URL(url).pathname}: ${(err as Error).message} (after ${API_ATTEMPTS} attempts)`,
      );
    });
    if (res.status === 401 || res.status === 403)
      throw new UserError(
        `GitHub packages API ${method} ${new URL(url).pathname}: ${res.status}: the token cannot ${method === 'DELETE' ? 'delete package versions (it needs packages: write and admin access to the package)' : 'read the package'}`,
      );
    return res;
  };
  /** The package's versions, from the organisation's packages or else the user's (cached). */
  const load = async (repository: string) => {
    const cached = versions.get(repository);
    if (cached) return cached;
    const [owner, ...rest] = repository.split('/');
    const pkg = encodeURIComponent(rest.join('/'));
    for (const kind of ['orgs', 'users']) {
      const path = `${base}/${kind}/${owner}/packages/container/${pkg}/versions`;
      const list: PackageVersion[] = [];
      let found = true;
      for (let page = 1; ; page++) {
        const res = await call('GET', `${path}?per_page=100&page=${page}`);
        if (res.status === 404) {
          found = false;
          break;
        }
        if (!res.ok) throw new UserError(`GitHub packages API GET ${path}: ${res.status} ${res.statusText}`);
        const batch = (await res.json()) as PackageVersion[];
        list.push(...batch);
        if (batch.length < 100) break;
      }
      if (found) {
        const entry = { path, list };
        versions.set(repository, entry);
        return entry;
      }
    }
    const entry = { path: '', list: [] };
    versions.set(repository, entry);
    return entry;
  };
  return {
    async tags(repository) {
      const out = new Map<string, string>();
      for (const v of (await load(repository)).list)
        for (const tag of v.metadata?.container?.tags ?? []) out.set(tag, v.name);
      return out;
    },
    children: (repository, digest) => o.childrenOf(o.client, repository, digest),
    async remove(repository, digest) {
      const { path, list } = await load(repository);
      const version = list.find((v) => v.name === digest);
      if (!version) return; // already gone
      const res = await call('DELETE', `${path}/${version.id}`);
      if (res.status !== 204 && res.status !== 404)
        throw new UserError(
          `GitHub packages API DELETE ${path}/${version.id}: ${res.status} ${res.statusText}`,
        );
    },
  };
}
