/**
 * Testing-image retention: in each extension's `<registry>/<image_name>-testing` repository (never
 * anywhere else), the timestamped tags (`<version>-<YYYYMMDDhhmm>-<major>-<distro>`) older than the
 * cut-off are deleted, keeping the newest N per target (`<major>-<distro>`). A digest is deleted only
 * when every tag on it goes, and never when a production tag or a catalog still references it; with it
 * go the platform manifests and the cosign signature/attestation manifests only it referenced.
 * Through the registry API (`DELETE /v2/<name>/manifests/<digest>`).
 */
import { UserError } from '../errors.js';
import type { Extension } from '../matrix/index.js';
import { ClientPool, type ClientOptions, type RegistryClient } from '../registry/client.js';
import type { ImageIndex } from '../registry/media-types.js';

const STAMPED = /^(.+)-(\d{12})-(\d+)-([A-Za-z0-9_.-]+)$/;
const SIGNATURE = /^sha256-([0-9a-f]{64})(?:\.(?:sig|att|sbom))?$/;

/** `7d`, `12h`, `30m` -> milliseconds. */
export function parseAge(text: string, flag = '--older-than'): number {
  const m = /^(\d+)([dhm])$/.exec(text.trim());
  if (!m) throw new UserError(`${flag}: expected an age such as 7d, 12h or 90m, got ${JSON.stringify(text)}`);
  return Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
}

/** `YYYYMMDDhhmm` (UTC, as bake writes it) -> Date. */
export function stampDate(stamp: string): Date {
  return new Date(
    Date.UTC(
      +stamp.slice(0, 4),
      +stamp.slice(4, 6) - 1,
      +stamp.slice(6, 8),
      +stamp.slice(8, 10),
      +stamp.slice(10, 12),
    ),
  );
}

/**
 * Where a repository's tags and manifests are read and deleted: the registry API, or (ghcr.io) the
 * GitHub packages API, where every manifest is a package version.
 */
export interface RepositoryStore {
  /** Every tag with the digest it points at. */
  tags(repository: string): Promise<Map<string, string>>;
  /** The manifests an index lists (empty for an image manifest). */
  children(repository: string, digest: string): Promise<string[]>;
  remove(repository: string, digest: string): Promise<void>;
}

export function registryStore(client: RegistryClient): RepositoryStore {
  return {
    async tags(repository) {
      const out = new Map<string, string>();
      for (const tag of await client.listTags(repository)) {
        const head = await client.headManifest(repository, tag);
        if (head) out.set(tag, head.digest);
      }
      return out;
    },
    children: (repository, digest) => childrenOf(client, repository, digest),
    async remove(repository, digest) {
      await client.deleteManifest(repository, digest);
    },
  };
}

export interface PruneOptions extends ClientOptions {
  /** `ghcr.io/acme`: testing repositories are `<registry>/<image_name>-testing`. */
  registry: string;
  extensions: readonly Extension[];
  olderThanMs: number;
  keep: number;
  now: Date;
  /** Digests (`sha256:…`) catalogs still reference: never deleted. */
  protectedDigests?: ReadonlySet<string>;
  dryRun: boolean;
  log(message: string): void;
  pool?: ClientPool;
  /** Replaces the registry API (the GitHub packages API for ghcr.io). */
  store?: RepositoryStore;
}

export interface Deletion {
  repository: string;
  digest: string;
  /** The tags that go with it (empty for platform and signature manifests). */
  tags: string[];
  why: string;
}

export interface PruneResult {
  deleted: Deletion[];
  /** Old tags kept, and why (production, catalog, another tag on the same digest). */
  kept: { repository: string; tag: string; why: string }[];
}

export async function prune(o: PruneOptions): Promise<PruneResult> {
  if (!Number.isInteger(o.keep) || o.keep < 1)
    throw new UserError(`--keep: expected 1 or more, got ${o.keep}`);
  const [host, ...namespace] = o.registry.split('/');
  const store = o.store ?? registryStore((o.pool ?? new ClientPool(o)).get(host!));
  const cutoff = o.now.getTime() - o.olderThanMs;
  const result: PruneResult = { deleted: [], kept: [] };
  for (const ext of o.extensions) {
    const name = ext.metadata.image_name.toLowerCase();
    const testing = [...namespace, `${name}-testing`].join('/');
    const production = [...namespace, name].join('/');
    await pruneRepository(store, testing, production, cutoff, o, result);
  }
  return result;
}

export async function childrenOf(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<string[]> {
  const m = await client.getManifest(repository, digest);
  return 'manifests' in m.json ? ((m.json as ImageIndex).manifests ?? []).map((d) => d.digest) : [];
}

async function pruneRepository(
  store: RepositoryStore,
  testing: string,
  production: string,
  cutoff: number,
  o: PruneOptions,
  result: PruneResult,
): Promise<void> {
  const digest = await store.tags(testing);
  const tags = [...digest.keys()];
  if (tags.length === 0) return;
  // Candidates: stamped tags past the cut-off, except the newest `keep` of each target.
  const byTarget = new Map<string, { tag: string; stamp: string }[]>();
  for (const tag of tags) {
    const m = STAMPED.exec(tag);
    if (!m || SIGNATURE.test(tag)) continue;
    const key = `${m[3]}-${m[4]}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), { tag, stamp: m[2]! }]);
  }
  const candidates = new Set<string>();
  for (const list of byTarget.values()) {
    list.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0));
    for (const { tag, stamp } of list.slice(o.keep))
      if (stampDate(stamp).getTime() < cutoff) candidates.add(tag);
  }
  if (candidates.size === 0) return;
  // What still references a digest: production tags, catalogs, and any tag of this repository that stays.
  const productionDigests = new Set((await store.tags(production)).values());
  const staying = new Set(
    tags
      .filter((t) => !candidates.has(t) && !SIGNATURE.test(t))
      .map((t) => digest.get(t))
      .filter(Boolean) as string[],
  );
  const doomed = new Map<string, string[]>();
  for (const tag of [...candidates].sort()) {
    const d = digest.get(tag);
    if (!d) continue;
    const why = productionDigests.has(d)
      ? `a production tag of ${production} references it`
      : o.protectedDigests?.has(d)
        ? 'a catalog references it'
        : staying.has(d)
          ? 'another tag that stays references it'
          : undefined;
    if (why) result.kept.push({ repository: testing, tag, why });
    else doomed.set(d, [...(doomed.get(d) ?? []), tag]);
  }
  // Platform manifests go with their index unless an index that stays lists them too.
  const stayingChildren = new Set<string>();
  for (const d of staying) for (const c of await store.children(testing, d)) stayingChildren.add(c);
  for (const d of productionDigests) stayingChildren.add(d);
  const deletions: Deletion[] = [];
  for (const [d, gone] of doomed) {
    const old = gone.map((t) => STAMPED.exec(t)![2]!).sort()[0]!;
    deletions.push({
      repository: testing,
      digest: d,
      tags: gone,
      why: `built ${stampDate(old).toISOString()}, past the cut-off and not among the newest ${o.keep}`,
    });
    for (const c of await store.children(testing, d))
      if (!stayingChildren.has(c) && !doomed.has(c))
        deletions.push({ repository: testing, digest: c, tags: [], why: `platform manifest of ${d}` });
    // cosign signatures, attestations and the referrers tag fallback of the deleted image.
    const hex = d.slice('sha256:'.length);
    for (const t of tags.filter((x) => SIGNATURE.exec(x)?.[1] === hex)) {
      const s = digest.get(t);
      if (s && !staying.has(s))
        deletions.push({
          repository: testing,
          digest: s,
          tags: [t],
          why: `${t.endsWith('.att') ? 'attestation' : 'signature'} of ${d}`,
        });
    }
  }
  for (const del of deletions) {
    o.log(
      `${o.dryRun ? 'would delete' : 'delete'} ${del.repository}@${del.digest}${del.tags.length ? ` (${del.tags.join(', ')})` : ''}: ${del.why}`,
    );
    if (!o.dryRun) await store.remove(del.repository, del.digest);
    result.deleted.push(del);
  }
  for (const k of result.kept.filter((x) => x.repository === testing))
    o.log(`keep ${k.repository}:${k.tag}: ${k.why}`);
}

/** Every `@sha256:…` digest a catalog file's `image.reference` entries (or any text) name. */
export function catalogDigests(text: string): Set<string> {
  return new Set([...text.matchAll(/@(sha256:[0-9a-f]{64})/g)].map((m) => m[1]!));
}
