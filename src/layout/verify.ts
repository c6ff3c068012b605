/** Reads every platform image of a reference from its registry and checks the extension layout. */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Extension } from '../matrix/index.js';
import { ClientPool, type ClientOptions, type RegistryClient } from '../registry/client.js';
import { inspectImage } from '../registry/inspect.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../registry/media-types.js';
import { parseReference } from '../registry/reference.js';
import { withRetries } from '../process/retry.js';
import { checkAnnotations, checkLayout, type Finding } from './checks.js';
import {
  applyLayer,
  DEFAULT_MAX_TREE_BYTES,
  layerCompression,
  type ImageFiles,
  type RefusedEntry,
  type TreeBudget,
} from './files.js';

export interface VerifyOptions extends ClientOptions {
  /** The extension's metadata: enables the annotation checks and names the expected control file. */
  extension?: Extension;
  /** Budget for the compressed layers of one platform (default 512 MiB). */
  maxSizeBytes?: number;
  /**
   * Memory the file tree of one platform may take while it is checked (default 256 MiB): file names,
   * the first bytes of every file and the text of SQL and control files, all layers together.
   */
  maxMemoryBytes?: number;
  pool?: ClientPool;
}

export interface VerifyResult {
  ref: string;
  digest: string;
  platforms: { platform: string; digest: string; sizeBytes: number; files: number }[];
  findings: Finding[];
  /** No error-level finding. */
  ok: boolean;
}

export const DEFAULT_MAX_SIZE_BYTES = 512 * 1024 * 1024;

/**
 * Streams one layer into the tree (memory stays bounded by what the checks keep, not the layer size).
 * A download cut short is read again from the start, from the tree as it was before the layer;
 * returns the reason the layer cannot be read, if any.
 */
async function readLayer(
  client: RegistryClient,
  repository: string,
  layer: Descriptor,
  compression: 'gzip' | 'zstd' | 'none',
  files: ImageFiles,
  retries: number,
  apply: { refused: RefusedEntry[]; budget: TreeBudget },
): Promise<string | undefined> {
  const before = new Map(files);
  const used = apply.budget.used;
  const refused = apply.refused.length;
  let attempts = 0;
  let transferError: Error | undefined;
  try {
    return await withRetries(
      async (attempt) => {
        attempts = attempt;
        transferError = undefined;
        if (attempt > 1) {
          files.clear();
          for (const [p, f] of before) files.set(p, f);
          apply.budget.used = used;
          apply.refused.length = refused;
        }
        const body = Readable.fromWeb(
          (await client.openBlob(repository, layer.digest)) as NodeReadableStream<Uint8Array>,
        );
        body.once('error', (err) => (transferError = err));
        const digest = await applyLayer(files, body, compression, apply);
        if (digest !== layer.digest) return `layer ${layer.digest} arrived with content digest ${digest}`;
        return undefined;
      },
      // Only a transfer cut short is read again, at once (the client already backs off per request).
      { attempts: retries + 1, delayMs: 0, transient: () => transferError !== undefined },
    );
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return `layer ${layer.digest} cannot be read: ${(err as Error).message}${cause ? ` (${cause})` : ''}${
      transferError ? ` (after ${attempts} attempts)` : ''
    }`;
  }
}

export async function verifyLayout(ref: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const pool = options.pool ?? new ClientPool(options);
  const parsed = parseReference(ref);
  const client = pool.get(parsed.registry);
  const image = await inspectImage(parsed, { pool });
  const findings: Finding[] = checkAnnotations(image.annotations, options.extension);
  const platforms: VerifyResult['platforms'] = [];
  const sqlVersion = image.annotations['io.cloudnativepg.image.sql.version'];
  for (const entry of image.manifests.filter((m) => m.kind === 'image')) {
    const manifest = (await client.getManifest(parsed.repository, entry.digest)).json as ImageManifest;
    const config = JSON.parse(
      (await client.getBlob(parsed.repository, manifest.config.digest)).toString('utf8'),
    ) as ImageConfig;
    let platform = entry.platform;
    if (config.architecture && config.os) {
      const fromConfig = [config.os, config.architecture, config.variant].filter(Boolean).join('/');
      if (
        platform !== 'unknown/unknown' &&
        fromConfig.split('/').slice(0, 2).join('/') !== platform.split('/').slice(0, 2).join('/')
      )
        findings.push({
          level: 'error',
          platform,
          reason: `the index says ${platform} but the image config says ${fromConfig}`,
        });
      if (platform === 'unknown/unknown') platform = fromConfig;
    }
    const files: ImageFiles = new Map();
    const apply = {
      refused: [] as RefusedEntry[],
      budget: { maxBytes: options.maxMemoryBytes ?? DEFAULT_MAX_TREE_BYTES, used: 0 },
    };
    let sizeBytes = 0;
    let unreadable = false;
    for (const layer of manifest.layers) {
      sizeBytes += layer.size;
      const compression = layerCompression(layer.mediaType);
      if (!compression) {
        findings.push({
          level: 'error',
          platform,
          reason: `layer ${layer.digest} has media type ${layer.mediaType}, not an image layer`,
        });
        continue;
      }
      const failure = await readLayer(
        client,
        parsed.repository,
        layer,
        compression,
        files,
        options.retries ?? 5,
        apply,
      );
      if (failure) {
        findings.push({ level: 'error', platform, reason: failure });
        unreadable = true;
        // Over the memory budget: the next layers would only add to it.
        if (apply.budget.used > apply.budget.maxBytes) break;
      }
    }
    for (const entry of apply.refused)
      findings.push({ level: 'error', platform, file: entry.name, reason: entry.reason });
    // The checks on a tree missing (part of) a layer would only add noise to the read error.
    if (!unreadable)
      findings.push(
        ...checkLayout(files, {
          platform,
          extension: options.extension,
          sizeBytes,
          maxSizeBytes: options.maxSizeBytes ?? DEFAULT_MAX_SIZE_BYTES,
          sqlVersion,
        }),
      );
    platforms.push({ platform, digest: entry.digest, sizeBytes, files: files.size });
  }
  if (platforms.length === 0) findings.push({ level: 'error', reason: 'the index lists no platform image' });
  return {
    ref: image.ref,
    digest: image.digest,
    platforms,
    findings,
    ok: !findings.some((f) => f.level === 'error'),
  };
}

/** One line per finding: `error [linux/amd64] share/x.control: reason`. */
export function formatFinding(f: Finding): string {
  return `${f.level}${f.platform ? ` [${f.platform}]` : ''}${f.file ? ` ${f.file}` : ''}: ${f.reason}`;
}
