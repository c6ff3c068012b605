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
): Promise<string> {
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
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (kept < (wantText ? TEXT_LIMIT : 64)) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      }
      if (name === '') continue;
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

/** Resolves a symlink's target path (relative to the link's folder, or the image root when absolute). */
export function resolveLink(linkPath: string, linkname: string): string {
  const parts = linkname.startsWith('/') ? [] : linkPath.split('/').slice(0, -1);
  for (const part of linkname.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
