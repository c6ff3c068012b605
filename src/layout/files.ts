/**
 * The merged file tree of an image's layers: each layer tarball is read in order and applied with
 * OCI whiteouts (`.wh.<name>` deletes, `.wh..wh..opq` empties a folder of lower-layer content).
 * Only what the layout checks need is kept: the first bytes of every file, and the text of
 * control and SQL files.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { MEDIA_TYPES } from '../registry/media-types.js';

export interface ImageFile {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** First 64 bytes of a regular file. */
  head?: Buffer;
  /** Whole text of `.control` and `.sql` files (up to TEXT_LIMIT). */
  text?: string;
  linkname?: string;
}

/** Paths relative to the image root, without leading `./` or `/`, folders without trailing `/`. */
export type ImageFiles = Map<string, ImageFile>;

const TEXT_LIMIT = 32 * 1024 * 1024;
const keepText = (p: string) => p.endsWith('.control') || p.endsWith('.sql');

/**
 * What the tree of one image may take in memory, all layers together: file names, the first bytes of
 * every file and the text of SQL and control files (each file is capped too, at 32 MiB of text).
 * `used` grows as layers are applied; over `maxBytes`, applyLayer throws TreeTooLarge.
 */
export interface TreeBudget {
  maxBytes: number;
  used: number;
}
export const DEFAULT_MAX_TREE_BYTES = 256 * 1024 * 1024;
/** Bookkeeping counted per entry on top of its name and kept bytes (map entry, object, strings). */
const ENTRY_OVERHEAD = 160;

export class TreeTooLarge extends Error {}

/** A tar entry left out of the tree, with the reason (for a finding). */
export interface RefusedEntry {
  /** The name as written in the tar. */
  name: string;
  reason: string;
}

export interface ApplyOptions {
  /** Entries refused (names or hard-link targets with `..` parts) are listed here; without it they throw. */
  refused?: RefusedEntry[];
  budget?: TreeBudget;
}

const hasDotDot = (p: string) => p.split('/').includes('..');

/** `./share//extension/./x/` -> `share/extension/x`; the root entry (`.`, `./`, `/`) -> `` (skipped). */
export function normalizePath(name: string): string {
  return name
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** Compression of a layer media type, or undefined when it is not a layer we can read. */
export function layerCompression(mediaType: string): 'gzip' | 'zstd' | 'none' | undefined {
  if (mediaType === MEDIA_TYPES.ociLayerGzip || mediaType === MEDIA_TYPES.dockerLayerGzip) return 'gzip';
  if (mediaType === MEDIA_TYPES.ociLayerZstd) return 'zstd';
  if (mediaType === MEDIA_TYPES.ociLayer || mediaType === 'application/vnd.docker.image.rootfs.diff.tar')
    return 'none';
  return undefined;
}

export function decompressor(compression: 'gzip' | 'zstd' | 'none'): NodeJS.ReadWriteStream | undefined {
  if (compression === 'gzip') return zlib.createGunzip();
  if (compression === 'zstd') {
    const create = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream })
      .createZstdDecompress;
    if (!create) throw new Error('zstd-compressed layers need Node.js 22.15 or later to be read');
    return create();
  }
  return undefined;
}

/** Removes `root` (unless keepRoot) and everything under it, except what the current layer added. */
function removeTree(files: ImageFiles, root: string, keepRoot: boolean, current: ImageFiles): void {
  for (const key of [...files.keys()]) {
    if (current.has(key)) continue;
    const inside = root === '' || key.startsWith(`${root}/`);
    if (key === root ? !keepRoot : inside) files.delete(key);
  }
}

/**
 * Applies one layer tarball, whole or streamed, to the tree (mutates `files`). Returns the SHA-256
 * digest of the (compressed) bytes read, for the caller to compare with the layer's descriptor.
 */
export async function applyLayer(
  files: ImageFiles,
  data: Buffer | Readable,
  compression: 'gzip' | 'zstd' | 'none',
  options: ApplyOptions = {},
): Promise<string> {
  const budget = options.budget ?? { maxBytes: DEFAULT_MAX_TREE_BYTES, used: 0 };
  const spend = (bytes: number) => {
    budget.used += bytes;
    if (budget.used > budget.maxBytes)
      throw new TreeTooLarge(
        `the image needs more than ${(budget.maxBytes / 1048576).toFixed(1)} MiB of memory to check (file names, the first bytes of every file, the text of SQL and control files)`,
      );
  };
  const refuse = (entry: RefusedEntry) => {
    if (!options.refused) throw new Error(`${entry.name}: ${entry.reason}`);
    options.refused.push(entry);
  };
  const extract = tar.extract();
  const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
  const hash = createHash('sha256');
  source.on('data', (chunk: Buffer) => hash.update(chunk));
  const unzip = decompressor(compression);
  const failed = new Promise<never>((_, reject) => {
    source.on('error', reject);
    unzip?.on('error', reject);
  });
  (unzip ? source.pipe(unzip) : source).pipe(extract);
  const layer: ImageFiles = new Map();
  const work = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      const name = normalizePath(header.name);
      const chunks: Buffer[] = [];
      let kept = 0;
      const wantText = keepText(name);
      spend(ENTRY_OVERHEAD + 2 * name.length + 2 * (header.linkname?.length ?? 0));
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (kept < (wantText ? TEXT_LIMIT : 64)) {
          const part = wantText ? chunk : chunk.subarray(0, 64 - kept);
          spend(part.length);
          chunks.push(part);
          kept += part.length;
        }
      }
      if (name === '') continue;
      // `..` parts would place a file (or a whiteout) outside the folder it claims: never applied.
      if (hasDotDot(name)) {
        refuse({ name: header.name, reason: 'a tar entry whose name has a ".." part: refused' });
        continue;
      }
      if (header.type === 'link' && hasDotDot(normalizePath(header.linkname ?? ''))) {
        refuse({
          name: header.name,
          reason: `a hard link to ${header.linkname}, whose name has a ".." part: refused`,
        });
        continue;
      }
      const base = name.slice(name.lastIndexOf('/') + 1);
      const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
      if (base === '.wh..wh..opq') {
        removeTree(files, dir, true, layer);
        continue;
      }
      if (base.startsWith('.wh.')) {
        removeTree(files, dir ? `${dir}/${base.slice(4)}` : base.slice(4), false, new Map());
        continue;
      }
      const body = Buffer.concat(chunks);
      const type =
        header.type === 'file' || header.type === 'contiguous-file'
          ? 'file'
          : header.type === 'directory'
            ? 'directory'
            : header.type === 'symlink'
              ? 'symlink'
              : header.type === 'link'
                ? 'file'
                : 'other';
      const file: ImageFile = { type, size: header.size ?? 0 };
      if (header.type === 'link') {
        const target =
          files.get(normalizePath(header.linkname ?? '')) ?? layer.get(normalizePath(header.linkname ?? ''));
        if (target) Object.assign(file, { ...target, type: target.type });
      } else if (type === 'file') {
        file.head = body.subarray(0, 64);
        if (wantText) file.text = body.toString('utf8');
      }
      if (type === 'symlink') file.linkname = header.linkname ?? '';
      layer.set(name, file);
      files.set(name, file);
    }
  })();
  await Promise.race([work, failed]);
  await Promise.race([finished(source), failed]);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Where a symlink of the image leads once the image is mounted (at `/extensions/<name>/`), resolved
 * the way the kernel does: relative to the link's folder, component by component, following the
 * links met on the way (a folder link included). The image is not the container's root, so:
 * - `absolute`: the link (or one met on the way, `via`) is absolute: it points into the PostgreSQL
 *   container, not the image;
 * - `outside`: a `..` climbs above the image root (directly, or after a link met on the way, `via`);
 * - `loop`: more than 40 links were followed (ELOOP);
 * - `path`: the target inside the image (which may not exist).
 */
export type LinkResolution =
  { kind: 'path'; path: string } | { kind: 'absolute' | 'outside'; via?: string } | { kind: 'loop' };

export function resolveLink(files: ImageFiles, linkPath: string): LinkResolution {
  const linkname = files.get(linkPath)?.linkname ?? '';
  if (linkname.startsWith('/')) return { kind: 'absolute' };
  const stack = linkPath.split('/').slice(0, -1);
  let queue = linkname.split('/');
  let via: string | undefined;
  let hops = 0;
  const at = (kind: 'absolute' | 'outside'): LinkResolution => (via ? { kind, via } : { kind });
  while (queue.length) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return at('outside');
      stack.pop();
      continue;
    }
    const next = [...stack, part].join('/');
    const entry = files.get(next);
    if (entry?.type === 'symlink') {
      if (++hops > 40) return { kind: 'loop' };
      via ??= next;
      const target = entry.linkname ?? '';
      if (target.startsWith('/')) return { kind: 'absolute', via: next };
      queue = [...target.split('/'), ...queue];
      continue;
    }
    stack.push(part);
  }
  return { kind: 'path', path: stack.join('/') };
}
