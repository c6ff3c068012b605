/**
 * Extracts one platform image's layers into a folder (the fallback mount where Docker cannot mount an
 * image: Docker before 28, Podman). Layers are applied in order with OCI whiteouts (`.wh.<name>`
 * deletes, `.wh..wh..opq` empties a folder of lower-layer content); nothing is written outside `dir`
 * (entries with `..`, absolute link targets stay as links inside the folder, never followed).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import tar from 'tar-stream';
import { decompressor, layerCompression, normalizePath } from '../layout/files.js';
import type { RegistryClient } from '../registry/client.js';
import type { ImageManifest } from '../registry/media-types.js';

function inside(dir: string, rel: string): string {
  const target = path.resolve(dir, rel);
  if (target !== dir && !target.startsWith(`${dir}${path.sep}`))
    throw new Error(`layer entry ${rel} points outside the image`);
  return target;
}

/** Refuses a path whose parent folders include a symbolic link (a write would land outside `dir`). */
async function noLinkedParents(dir: string, rel: string): Promise<void> {
  let current = dir;
  for (const part of path.posix
    .dirname(rel)
    .split('/')
    .filter((p) => p !== '.' && p !== '')) {
    current = path.join(current, part);
    const st = await lstat(current).catch(() => undefined);
    if (!st) return;
    if (st.isSymbolicLink())
      throw new Error(`layer entry ${rel} goes through the symbolic link ${path.relative(dir, current)}`);
  }
}

export async function extractLayer(
  dir: string,
  body: Readable,
  compression: 'gzip' | 'zstd' | 'none',
): Promise<string> {
  const hash = createHash('sha256');
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  const extract = tar.extract();
  // Whiteouts apply to lower layers only (OCI image spec): never to what this layer itself wrote.
  const created = new Set<string>();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const handle = async () => {
        const rel = normalizePath(header.name);
        if (rel === '') return stream.resume();
        const base = path.posix.basename(rel);
        const parent = inside(dir, path.posix.dirname(rel));
        await noLinkedParents(dir, rel);
        if (base === '.wh..wh..opq') {
          const folder = path.posix.dirname(rel);
          for (const child of await readdir(parent).catch(() => [])) {
            const childRel = folder === '.' ? child : `${folder}/${child}`;
            if (![...created].some((c) => c === childRel || c.startsWith(`${childRel}/`)))
              await rm(path.join(parent, child), { recursive: true, force: true });
          }
          return stream.resume();
        }
        if (base.startsWith('.wh.')) {
          const name = base.slice(4);
          if (name === '' || name === '.' || name === '..' || name.includes('/'))
            throw new Error(`layer entry ${rel} is not a valid whiteout`);
          const removed = path.posix.join(path.posix.dirname(rel), name);
          if (!created.has(removed)) await rm(inside(dir, removed), { recursive: true, force: true });
          return stream.resume();
        }
        created.add(rel);
        const target = inside(dir, rel);
        await mkdir(path.dirname(target), { recursive: true });
        const existing = await lstat(target).catch(() => undefined);
        if (existing && !(existing.isDirectory() && header.type === 'directory'))
          await rm(target, { recursive: true, force: true });
        if (header.type === 'directory') {
          await mkdir(target, { recursive: true });
          await chmod(target, (header.mode ?? 0o755) & 0o7777);
          return stream.resume();
        }
        if (header.type === 'symlink') {
          await symlink(header.linkname ?? '', target);
          return stream.resume();
        }
        if (header.type === 'link') {
          const from = normalizePath(header.linkname ?? '');
          await noLinkedParents(dir, from);
          await link(inside(dir, from), target);
          return stream.resume();
        }
        if (header.type === 'file' || header.type === 'contiguous-file') {
          await pipeline(stream, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o7777 }));
          return;
        }
        stream.resume(); // devices, fifos: not part of an extension image
      };
      handle().then(
        () => next(),
        (err: unknown) => {
          // Stop reading at once: the blob's connection must not stay open behind a failed layer.
          extract.destroy(err as Error);
          body.destroy();
          reject(err as Error);
        },
      );
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  const unzip = decompressor(compression);
  const streams: NodeJS.ReadWriteStream[] = unzip ? [unzip] : [];
  await Promise.all([pipeline(body, ...(streams as [NodeJS.ReadWriteStream]), extract), done]);
  return `sha256:${hash.digest('hex')}`;
}

/** Extracts `repository@digest` (one platform manifest) into `dir` (created); checks every layer digest. */
export async function extractImage(
  client: RegistryClient,
  repository: string,
  digest: string,
  dir: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = (await client.getManifest(repository, digest)).json as ImageManifest;
  for (const layer of manifest.layers) {
    const compression = layerCompression(layer.mediaType);
    if (!compression)
      throw new Error(`layer ${layer.digest} has media type ${layer.mediaType}, not an image layer`);
    const body = Readable.fromWeb(
      (await client.openBlob(repository, layer.digest)) as NodeReadableStream<Uint8Array>,
    );
    const got = await extractLayer(dir, body, compression);
    if (got !== layer.digest) throw new Error(`layer ${layer.digest} arrived with content digest ${got}`);
  }
}
