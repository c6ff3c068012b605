/**
 * Promotion: copies an image by digest from one repository to another (`<repo>-testing` to `<repo>`),
 * with everything hanging off it, then moves the tags.
 *
 * 1. Read the whole source graph first (index, platform manifests, BuildKit attestation manifests,
 *    blobs; cosign `sha256-<hex>.sig/.att/.sbom` tags; OCI referrers from the referrers API or the
 *    `sha256-<hex>` tag fallback). Nothing is written before this succeeds.
 * 2. Copy blobs the destination lacks: a cross-repository mount on the same registry, else download
 *    and upload. Then manifests by digest, children before parents (bytes unchanged: same digest).
 * 3. Point the signature/referrer tags, then (last) the requested tags at the digest.
 * Every step skips what is already there, so a re-run is a no-op; a failure before step 3 leaves
 * every destination tag where it was.
 */
import { UserError } from '../errors.js';
import { ClientPool, type ClientOptions, type RegistryClient } from './client.js';
import { isIndexType, MEDIA_TYPES, type ImageIndex, type ImageManifest } from './media-types.js';
import {
  CONTENT_DIGEST_FORMS,
  fallbackTag,
  isContentDigest,
  parseReference,
  parseRepository,
  repositoryName,
  type ImageReference,
} from './reference.js';

export interface PromoteOptions extends ClientOptions {
  /** Tags to point at the digest in the destination (`[]`: none). Defaults to the source reference's tag, if any. */
  tags?: readonly string[];
  /** Copy signature tags and referrers (default true). */
  signatures?: boolean;
  /**
   * Leave a tag where it is when it points at an image built later than this one (its
   * `org.opencontainers.image.created` annotation is newer), so two runs finishing out of order never
   * move a rolling tag back to an older build (default true).
   */
  keepNewer?: boolean;
  pool?: ClientPool;
  log?: (message: string) => void;
}

export interface PromoteResult {
  /** The source as `registry/repository@digest`. */
  source: string;
  /** Destination `registry/repository`. */
  repository: string;
  digest: string;
  /** `<repository>@<digest>` */
  ref: string;
  /** Full tag references in the destination (`<repository>:<tag>`). */
  tags: string[];
  /** Requested tags left on a newer image (see `keepNewer`), as full references. */
  kept: string[];
  /** Signature and referrer tags copied along (`sha256-<hex>.sig`, `sha256-<hex>`). */
  artifactTags: string[];
  copied: { blobs: number; mounted: number; manifests: number; tags: number };
  /** False when the destination already had everything (a re-run). */
  changed: boolean;
}

interface Node {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

const TAG = /^[\w][\w.-]{0,127}$/;
const ARTIFACT_SUFFIXES = ['', '.sig', '.att', '.sbom'];

/**
 * Checks the descriptors a manifest lists (`manifests[]`, `config`, `layers[]`) before any of their
 * digests goes into a request path or a size into an upload: a digest must be `sha256:`/`sha512:` hex
 * of the right length, a size a whole number of bytes. `where` names the source repository.
 */
export function checkDescriptors(where: string, digest: string, json: ImageIndex & ImageManifest): void {
  const lists: [string, unknown][] = [];
  if (json.manifests !== undefined) {
    if (!Array.isArray(json.manifests))
      throw new UserError(`${where}: manifest ${digest} has "manifests" that is not a list`);
    json.manifests.forEach((d, i) => lists.push([`manifests[${i}]`, d]));
  }
  if (json.config !== undefined) lists.push(['config', json.config]);
  if (json.layers !== undefined) {
    if (!Array.isArray(json.layers))
      throw new UserError(`${where}: manifest ${digest} has "layers" that is not a list`);
    json.layers.forEach((d, i) => lists.push([`layers[${i}]`, d]));
  }
  for (const [name, d] of lists) {
    const desc = (typeof d === 'object' && d !== null ? d : {}) as { digest?: unknown; size?: unknown };
    if (!isContentDigest(desc.digest))
      throw new UserError(
        `${where}: manifest ${digest} lists ${name} with digest ${JSON.stringify(desc.digest ?? null)}, which is not a digest (${CONTENT_DIGEST_FORMS})`,
      );
    if (typeof desc.size !== 'number' || !Number.isSafeInteger(desc.size) || desc.size < 0)
      throw new UserError(
        `${where}: manifest ${digest} lists ${name} with size ${JSON.stringify(desc.size ?? null)}, which is not a size in bytes`,
      );
  }
}

class SourceGraph {
  readonly manifests: Node[] = [];
  readonly blobs = new Map<string, number>();
  private readonly seen = new Set<string>();
  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    /** `source <registry>/<repository>`, for messages. */
    private readonly where: string,
  ) {}

  /** Adds a manifest and everything it references, children first. Returns the image digests inside. */
  async add(node: Node): Promise<string[]> {
    if (this.seen.has(node.digest)) return [];
    this.seen.add(node.digest);
    let json: ImageIndex & ImageManifest;
    try {
      json = JSON.parse(node.bytes.toString('utf8')) as ImageIndex & ImageManifest;
    } catch {
      throw new UserError(`${this.where}: manifest ${node.digest} is not JSON`);
    }
    if (typeof json !== 'object' || json === null)
      throw new UserError(`${this.where}: manifest ${node.digest} is not a JSON object`);
    checkDescriptors(this.where, node.digest, json);
    const images: string[] = [];
    if (isIndexType(node.mediaType) || Array.isArray(json.manifests)) {
      for (const child of json.manifests ?? []) {
        // getManifest checks the content against the child's digest before anything uses it.
        const m = await this.client.getManifest(this.repository, child.digest);
        images.push(
          ...(await this.add({
            digest: m.digest,
            mediaType: m.mediaType || child.mediaType,
            bytes: m.bytes,
          })),
        );
      }
    } else {
      if (json.config) this.blobs.set(json.config.digest, json.config.size);
      for (const layer of json.layers ?? []) this.blobs.set(layer.digest, layer.size);
    }
    images.push(node.digest);
    this.manifests.push(node);
    return images;
  }
}

function validateTags(tags: readonly string[]): void {
  const bad = tags.filter((t) => !TAG.test(t));
  if (bad.length)
    throw new UserError(
      `tag: ${bad.map((t) => JSON.stringify(t)).join(', ')} ${bad.length > 1 ? 'are' : 'is'} not a valid tag (letters, digits, _ . -, up to 128, not starting with . or -)`,
    );
}

/** Build time (ms) from the `org.opencontainers.image.created` annotation of an index or manifest. */
function createdOf(json: { annotations?: Record<string, string> }): number | undefined {
  const value = json.annotations?.['org.opencontainers.image.created'];
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

export async function promote(
  source: string | ImageReference,
  destination: string | ImageReference,
  options: PromoteOptions = {},
): Promise<PromoteResult> {
  const src = typeof source === 'string' ? parseReference(source, 'source') : source;
  const dest = typeof destination === 'string' ? parseRepository(destination, 'destination') : destination;
  if (!src.digest && !src.tag)
    throw new UserError(`source: expected a reference with a digest (…@sha256:…) or a tag`);
  const tags = [...new Set(options.tags ?? (src.tag ? [src.tag] : []))];
  validateTags(tags);
  const log = options.log ?? (() => undefined);
  const pool = options.pool ?? new ClientPool(options);
  const from = pool.get(src.registry);
  const to = pool.get(dest.registry);
  const sameRegistry = src.registry === dest.registry;
  if (sameRegistry && src.repository === dest.repository)
    throw new UserError(
      `destination: ${repositoryName(dest)} is the source repository; promote copies to another one`,
    );

  // 1. Read the whole source graph.
  const top = await from.getManifest(src.repository, src.digest ?? src.tag!);
  const graph = new SourceGraph(from, src.repository, `source ${repositoryName(src)}`);
  const images = await graph.add({ digest: top.digest, mediaType: top.mediaType, bytes: top.bytes });
  const artifactTags = new Map<string, Node>();
  if (options.signatures ?? true) {
    const sourceTags = new Set(await from.listTags(src.repository));
    const subjects = [...images];
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[i]!;
      for (const suffix of ARTIFACT_SUFFIXES) {
        const tag = `${fallbackTag(subject)}${suffix}`;
        if (!sourceTags.has(tag) || artifactTags.has(tag)) continue;
        const m = await from.getManifest(src.repository, tag);
        const node = { digest: m.digest, mediaType: m.mediaType, bytes: m.bytes };
        artifactTags.set(tag, node);
        subjects.push(...(await graph.add(node)).filter((d) => !subjects.includes(d)));
      }
      const referrers = await from.referrersApi(src.repository, subject);
      if (referrers)
        checkDescriptors(
          `source ${repositoryName(src)}`,
          `referrers of ${subject}`,
          referrers as ImageIndex & ImageManifest,
        );
      for (const r of referrers?.manifests ?? []) {
        const m = await from.getManifest(src.repository, r.digest);
        subjects.push(
          ...(await graph.add({ digest: m.digest, mediaType: m.mediaType, bytes: m.bytes })).filter(
            (d) => !subjects.includes(d),
          ),
        );
      }
    }
  }
  const where = repositoryName(dest);
  log(
    `${repositoryName(src)}@${top.digest}: ${graph.manifests.length} manifests, ${graph.blobs.size} blobs, ${artifactTags.size} signature/referrer tags`,
  );

  // 2. Blobs, then manifests (children first).
  const copied = { blobs: 0, mounted: 0, manifests: 0, tags: 0 };
  for (const [digest, size] of graph.blobs) {
    if (await to.hasBlob(dest.repository, digest)) continue;
    if (sameRegistry && (await to.mountBlob(dest.repository, digest, src.repository))) {
      copied.mounted++;
      continue;
    }
    // Streamed from the source to the destination: memory stays bounded whatever the layer size.
    await to.pushBlob(dest.repository, digest, {
      size,
      open: (signal) => from.openBlob(src.repository, digest, signal),
    });
    copied.blobs++;
  }
  for (const node of graph.manifests) {
    const have = await to.headManifest(dest.repository, node.digest);
    if (have) continue;
    await to.putManifest(dest.repository, node.digest, node.bytes, node.mediaType);
    copied.manifests++;
  }
  const check = await to.headManifest(dest.repository, top.digest);
  if (check?.digest !== top.digest)
    throw new UserError(
      `${where}: after the copy, ${top.digest} is not there (got ${check?.digest ?? 'nothing'}); no tag was moved`,
    );

  // 3. Signature and referrer tags, then the requested tags.
  for (const [tag, node] of artifactTags) {
    let bytes = node.bytes;
    let mediaType = node.mediaType;
    const existing = await to.headManifest(dest.repository, tag);
    if (existing?.digest === node.digest) continue;
    if (existing && !tag.includes('.') && isIndexType(existing.mediaType)) {
      // A referrers fallback index already there: keep its entries and add ours.
      const current = (await to.getManifest(dest.repository, tag)).json as ImageIndex;
      const ours = JSON.parse(node.bytes.toString('utf8')) as ImageIndex;
      const merged = [
        ...current.manifests,
        ...ours.manifests.filter((m) => !current.manifests.some((c) => c.digest === m.digest)),
      ];
      if (merged.length === current.manifests.length) continue;
      bytes = Buffer.from(JSON.stringify({ ...current, manifests: merged }));
      mediaType = MEDIA_TYPES.ociIndex;
    }
    await to.putManifest(dest.repository, tag, bytes, mediaType);
    copied.tags++;
  }
  const kept: string[] = [];
  const created = createdOf(top.json);
  for (const tag of tags) {
    const existing = await to.headManifest(dest.repository, tag);
    if (existing?.digest === top.digest) continue;
    if (existing && (options.keepNewer ?? true) && created !== undefined) {
      const current = createdOf((await to.getManifest(dest.repository, existing.digest)).json);
      if (current !== undefined && current > created) {
        log(
          `${where}:${tag} stays on ${existing.digest}: it was built later (${new Date(current).toISOString()})`,
        );
        kept.push(`${where}:${tag}`);
        continue;
      }
    }
    await to.putManifest(dest.repository, tag, top.bytes, top.mediaType);
    log(`${where}:${tag} -> ${top.digest}${existing ? ` (was ${existing.digest})` : ''}`);
    copied.tags++;
  }
  return {
    source: `${repositoryName(src)}@${top.digest}`,
    repository: where,
    digest: top.digest,
    ref: `${where}@${top.digest}`,
    tags: tags.map((t) => `${where}:${t}`).filter((t) => !kept.includes(t)),
    kept,
    artifactTags: [...artifactTags.keys()],
    copied,
    changed: copied.blobs + copied.mounted + copied.manifests + copied.tags > 0,
  };
}
