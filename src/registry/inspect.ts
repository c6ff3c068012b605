/** Reads what an image reference points at: digest, media type, platforms and annotations. */
import { ClientPool, type ClientOptions, type RegistryClient } from './client.js';
import {
  isAttestation,
  isIndexType,
  platformName,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from './media-types.js';
import { formatReference, parseReference, repositoryName, type ImageReference } from './reference.js';

export interface InspectedManifest {
  digest: string;
  mediaType: string;
  size: number;
  /** `linux/amd64`; `unknown/unknown` for attestations. */
  platform: string;
  /** `image` for a platform image, `attestation` for a BuildKit attestation manifest. */
  kind: 'image' | 'attestation';
  annotations: Record<string, string>;
}

export interface InspectResult {
  /** The reference as given, normalised (`registry/repository[:tag][@digest]`). */
  ref: string;
  /** `registry/repository`. */
  repository: string;
  /** Digest of the top manifest (the index for a multi-platform image). */
  digest: string;
  mediaType: string;
  /** Image platforms (attestations left out), e.g. `["linux/amd64", "linux/arm64"]`. */
  platforms: string[];
  /** The index's annotations, or the manifest's for a single-platform image. */
  annotations: Record<string, string>;
  manifests: InspectedManifest[];
}

export interface InspectOptions extends ClientOptions {
  /** Reuse clients (and their tokens) across calls. */
  pool?: ClientPool;
}

function describe(d: Descriptor): InspectedManifest {
  return {
    digest: d.digest,
    mediaType: d.mediaType,
    size: d.size,
    platform: platformName(d.platform),
    kind: isAttestation(d) ? 'attestation' : 'image',
    annotations: d.annotations ?? {},
  };
}

/** The platform of a single manifest, read from its config blob. */
export async function manifestPlatform(
  client: RegistryClient,
  repository: string,
  manifest: ImageManifest,
): Promise<string> {
  const config = JSON.parse(
    (await client.getBlob(repository, manifest.config.digest)).toString('utf8'),
  ) as ImageConfig;
  if (!config.os || !config.architecture) return 'unknown/unknown';
  return platformName({ os: config.os, architecture: config.architecture, variant: config.variant });
}

export async function inspectImage(
  ref: string | ImageReference,
  options: InspectOptions = {},
): Promise<InspectResult> {
  const parsed = typeof ref === 'string' ? parseReference(ref) : ref;
  const client = (options.pool ?? new ClientPool(options)).get(parsed.registry);
  const top = await client.getManifest(parsed.repository, parsed.digest ?? parsed.tag ?? 'latest');
  const base = {
    ref: formatReference(parsed),
    repository: repositoryName(parsed),
    digest: top.digest,
    mediaType: top.mediaType,
  };
  if (isIndexType(top.mediaType) || 'manifests' in top.json) {
    const index = top.json as ImageIndex;
    const manifests = (index.manifests ?? []).map(describe);
    return {
      ...base,
      platforms: manifests.filter((m) => m.kind === 'image').map((m) => m.platform),
      annotations: index.annotations ?? {},
      manifests,
    };
  }
  const manifest = top.json as ImageManifest;
  const platform = await manifestPlatform(client, parsed.repository, manifest);
  return {
    ...base,
    platforms: [platform],
    annotations: manifest.annotations ?? {},
    manifests: [
      {
        digest: top.digest,
        mediaType: top.mediaType,
        size: top.bytes.length,
        platform,
        kind: 'image',
        annotations: manifest.annotations ?? {},
      },
    ],
  };
}
