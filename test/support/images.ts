/**
 * Builds real OCI extension images in memory (gzip tar layers, config, manifests, index) and pushes
 * them with the project's registry client; no network, no Docker engine. Also pushes the things
 * signing leaves behind: a cosign-style `sha256-<hex>.sig` tag and an OCI 1.1 referrer (with the
 * `sha256-<hex>` tag fallback index, as distribution 2.8 has no referrers API).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { RegistryClient, sha256Digest } from '../../src/registry/client.js';
import {
  MEDIA_TYPES,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from '../../src/registry/media-types.js';
import { fallbackTag } from '../../src/registry/reference.js';

export interface TestFile {
  path: string;
  content?: string | Buffer;
  type?: 'file' | 'directory' | 'symlink';
  linkname?: string;
}

export interface TestPlatformImage {
  platform: string;
  /** Layers, bottom first. */
  layers: TestFile[][];
  /** Override the config's architecture (to make a lying image). */
  configArchitecture?: string;
}

export interface TestImage {
  platforms: TestPlatformImage[];
  /** Index annotations (or the manifest's, for `single: true`). */
  annotations?: Record<string, string>;
  /** Add a BuildKit-style attestation manifest per platform. */
  attestations?: boolean;
  /** Push a single manifest instead of an index (first platform only). */
  single?: boolean;
}

const ELF_MACHINE: Record<string, number> = {
  amd64: 62,
  arm64: 183,
  ppc64le: 21,
  s390x: 22,
  '386': 3,
  arm: 40,
};

/** A 64-byte ELF64 little-endian shared-object header for a Go architecture name. */
export function elfHeader(arch: string): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = arch === '386' || arch === 'arm' ? 1 : 2; // class
  b[5] = arch === 's390x' ? 2 : 1; // data: little/big endian
  b[6] = 1; // version
  const be = arch === 's390x';
  if (be) b.writeUInt16BE(3, 16);
  else b.writeUInt16LE(3, 16); // ET_DYN
  if (be) b.writeUInt16BE(ELF_MACHINE[arch]!, 18);
  else b.writeUInt16LE(ELF_MACHINE[arch]!, 18);
  return Buffer.concat([b, Buffer.from('fake shared object body\n')]);
}

export interface ExtensionFilesOptions {
  sqlName?: string;
  version?: string;
  arch?: string;
  /** Lines appended to the install script. */
  sqlBody?: string;
  moduleName?: string;
}

/** The files of a well-formed extension image: control file, install + update scripts, a library, a licence. */
export function extensionFiles(o: ExtensionFilesOptions = {}): TestFile[] {
  const name = o.sqlName ?? 'vector';
  const version = o.version ?? '0.8.1';
  const module = o.moduleName ?? name;
  return [
    {
      path: `share/extension/${name}.control`,
      content: `comment = 'test extension'\ndefault_version = '${version}'\nmodule_pathname = '${module}'\nrelocatable = true\n`,
    },
    {
      path: `share/extension/${name}--0.1.0.sql`,
      content: `CREATE FUNCTION ${name}_f() RETURNS int AS 'MODULE_PATHNAME' LANGUAGE C;\n`,
    },
    { path: `share/extension/${name}--0.1.0--${version}.sql`, content: `-- update\n${o.sqlBody ?? ''}` },
    {
      path: `share/extension/${name}--${version}.sql`,
      content: `CREATE FUNCTION ${name}_g() RETURNS int AS '${module}' LANGUAGE C;\n${o.sqlBody ?? ''}`,
    },
    { path: `lib/${module}.so`, content: elfHeader(o.arch ?? 'amd64') },
    { path: 'lib/bitcode', type: 'directory' },
    { path: `licenses/${name}/LICENSE`, content: 'Permission is hereby granted\n' },
  ];
}

/** A gzip-compressed tar of the files (parent folders added), deterministic. */
export async function layerTarGz(files: readonly TestFile[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const dirs = new Set<string>();
  const mtime = new Date(0);
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        pack.entry({ name: `${dir}/`, type: 'directory', mode: 0o755, mtime });
      }
    }
    if (f.type === 'directory') {
      if (!dirs.has(f.path)) pack.entry({ name: `${f.path}/`, type: 'directory', mode: 0o755, mtime });
      dirs.add(f.path);
    } else if (f.type === 'symlink')
      pack.entry({ name: f.path, type: 'symlink', linkname: f.linkname!, mtime });
    else {
      const body = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content ?? '');
      pack.entry({ name: f.path, size: body.length, mode: 0o644, mtime }, body);
    }
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

async function pushJsonBlob(
  client: RegistryClient,
  repository: string,
  value: unknown,
  mediaType: string,
): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = sha256Digest(bytes);
  await client.pushBlob(repository, digest, bytes);
  return { mediaType, digest, size: bytes.length };
}

async function pushManifest(
  client: RegistryClient,
  repository: string,
  manifest: ImageManifest | ImageIndex,
  reference?: string,
): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256Digest(bytes);
  await client.putManifest(repository, reference ?? digest, bytes, manifest.mediaType!);
  return { mediaType: manifest.mediaType!, digest, size: bytes.length };
}

export interface PushedImage {
  digest: string;
  mediaType: string;
  /** Platform manifests (and attestations), as listed in the index. */
  manifests: Descriptor[];
}

export async function pushImage(
  client: RegistryClient,
  repository: string,
  tag: string | undefined,
  image: TestImage,
): Promise<PushedImage> {
  const entries: Descriptor[] = [];
  const platforms = image.single ? image.platforms.slice(0, 1) : image.platforms;
  for (const p of platforms) {
    const [os, architecture, variant] = p.platform.split('/') as [string, string, string | undefined];
    const layers: Descriptor[] = [];
    const diffIds: string[] = [];
    for (const files of p.layers) {
      const gz = await layerTarGz(files);
      const digest = sha256Digest(gz);
      await client.pushBlob(repository, digest, gz);
      diffIds.push(sha256Digest(gunzipSync(gz)));
      layers.push({ mediaType: MEDIA_TYPES.ociLayerGzip, digest, size: gz.length });
    }
    const config = await pushJsonBlob(
      client,
      repository,
      {
        architecture: p.configArchitecture ?? architecture,
        os,
        ...(variant ? { variant } : {}),
        rootfs: { type: 'layers', diff_ids: diffIds },
        config: {},
      },
      MEDIA_TYPES.ociConfig,
    );
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config,
      layers,
      ...(image.single && image.annotations ? { annotations: image.annotations } : {}),
    };
    if (image.single) {
      const d = await pushManifest(client, repository, manifest, tag);
      return { digest: d.digest, mediaType: d.mediaType, manifests: [d] };
    }
    const d = await pushManifest(client, repository, manifest);
    entries.push({ ...d, platform: { os, architecture, ...(variant ? { variant } : {}) } });
    if (image.attestations) {
      const statement = Buffer.from(
        JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [{ digest: d.digest }] }),
      );
      const sDigest = sha256Digest(statement);
      await client.pushBlob(repository, sDigest, statement);
      const empty = await pushJsonBlob(client, repository, {}, MEDIA_TYPES.ociConfig);
      const att = await pushManifest(client, repository, {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: empty,
        layers: [
          {
            mediaType: 'application/vnd.in-toto+json',
            digest: sDigest,
            size: statement.length,
            annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
          },
        ],
      });
      entries.push({
        ...att,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': d.digest,
        },
      });
    }
  }
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: entries,
    ...(image.annotations ? { annotations: image.annotations } : {}),
  };
  const d = await pushManifest(client, repository, index, tag);
  return { digest: d.digest, mediaType: d.mediaType, manifests: entries };
}

/** A cosign-style signature: a manifest tagged `sha256-<hex>.sig` holding a simple-signing payload. */
export async function pushCosignSignature(
  client: RegistryClient,
  repository: string,
  subject: string,
): Promise<string> {
  const payload = Buffer.from(
    JSON.stringify({
      critical: { image: { 'docker-manifest-digest': subject }, type: 'cosign container image signature' },
    }),
  );
  const pDigest = sha256Digest(payload);
  await client.pushBlob(repository, pDigest, payload);
  const config = await pushJsonBlob(client, repository, { architecture: '', os: '' }, MEDIA_TYPES.ociConfig);
  const d = await pushManifest(
    client,
    repository,
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config,
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          digest: pDigest,
          size: payload.length,
          annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQDfake' },
        },
      ],
    },
    `${fallbackTag(subject)}.sig`,
  );
  return d.digest;
}

/** An OCI 1.1 referrer (artifact manifest with `subject`) plus the `sha256-<hex>` fallback index. */
export async function pushReferrer(
  client: RegistryClient,
  repository: string,
  subject: Descriptor,
  content = 'test',
): Promise<string> {
  const empty = await pushJsonBlob(client, repository, {}, MEDIA_TYPES.ociEmpty);
  const body = Buffer.from(JSON.stringify({ bundle: content }));
  const bDigest = sha256Digest(body);
  await client.pushBlob(repository, bDigest, body);
  const artifactType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const referrer = await pushManifest(client, repository, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType,
    config: empty,
    layers: [{ mediaType: artifactType, digest: bDigest, size: body.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
  await pushManifest(
    client,
    repository,
    { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{ ...referrer, artifactType }] },
    fallbackTag(subject.digest),
  );
  return referrer.digest;
}
