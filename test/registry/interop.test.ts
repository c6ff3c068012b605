/**
 * Interoperability with third-party image tools (Debian's umoci and skopeo): an extension image whose
 * layers and manifests umoci wrote, pushed as a multi-arch OCI index by skopeo, is read by inspect and
 * verify-layout and promoted by our client; skopeo then reads the promoted image back, checking every
 * digest as it copies. The in-memory images of the other tests prove the rules; this one proves that
 * what real tools write and read agrees with our client.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, verifyLayout } from '../../src/layout/index.js';
import { parseMetadata } from '../../src/matrix/index.js';
import { inspectImage } from '../../src/registry/inspect.js';
import { promote } from '../../src/registry/promote.js';
import { elfHeader } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const run = promisify(execFile);
let registry: TestRegistry;
let work: string;

/** Runs a Debian tool (argv, no shell); a missing tool fails with the package to install. */
async function tool(name: 'umoci' | 'skopeo', args: string[]): Promise<string> {
  try {
    return (await run(name, args, { cwd: work, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error(`${name} is not installed: apt-get install -y ${name} (.ci/run installs it)`);
    throw new Error(`${name} ${args.join(' ')}: ${e.stderr ?? e.message}`);
  }
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const annotations = {
  'io.cloudnativepg.image.base.pgmajor': '18',
  'io.cloudnativepg.image.base.os': 'trixie',
  'io.cloudnativepg.image.sql.version': '1.0',
};

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(path.join(os.tmpdir(), 'ext-interop-'));
});
afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * An OCI layout made by umoci: one image per architecture, built as umoci is used (unpack a bundle,
 * change its rootfs, repack: one layer per repack, deletions written as whiteouts), then a
 * multi-arch index (the one document umoci cannot write) tagged `multi` in the layout.
 * (`umoci insert` 0.4.7 writes tar streams without padding and end blocks: GNU tar and
 * verify-layout both reject those layers, so it is not used.)
 */
async function umociLayout(): Promise<string> {
  const layout = path.join(work, 'layout');
  await tool('umoci', ['init', '--layout', layout]);
  for (const arch of ['amd64', 'arm64']) {
    const image = `${layout}:${arch}`;
    const bundle = path.join(work, `bundle-${arch}`);
    const rootfs = path.join(bundle, 'rootfs');
    await tool('umoci', ['new', '--image', image]);
    await tool('umoci', ['config', '--image', image, '--os', 'linux', '--architecture', arch]);
    await tool('umoci', ['unpack', '--image', image, bundle]);
    await mkdir(path.join(rootfs, 'share/extension'), { recursive: true });
    await mkdir(path.join(rootfs, 'licenses/demo'), { recursive: true });
    await mkdir(path.join(rootfs, 'junk'), { recursive: true });
    await writeFile(
      path.join(rootfs, 'share/extension/demo.control'),
      "comment = 'umoci demo'\ndefault_version = '1.0'\nmodule_pathname = 'demo'\n",
    );
    await writeFile(
      path.join(rootfs, 'share/extension/demo--1.0.sql'),
      "CREATE FUNCTION f() RETURNS int AS 'demo' LANGUAGE C;\n",
    );
    await writeFile(path.join(rootfs, 'licenses/demo/LICENSE'), 'PostgreSQL licence\n');
    await writeFile(path.join(rootfs, 'junk/build.log'), 'left over\n');
    await tool('umoci', ['repack', '--image', image, bundle]);
    // Second layer, from a fresh unpack: the library, and a whiteout deleting junk/.
    const bundle2 = `${bundle}-2`;
    await tool('umoci', ['unpack', '--image', image, bundle2]);
    await mkdir(path.join(bundle2, 'rootfs/lib'));
    await writeFile(path.join(bundle2, 'rootfs/lib/demo.so'), elfHeader(arch));
    await rm(path.join(bundle2, 'rootfs/junk'), { recursive: true });
    await tool('umoci', ['repack', '--image', image, bundle2]);
  }
  const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as {
    manifests: { mediaType: string; digest: string; size: number; annotations: Record<string, string> }[];
  };
  const multi = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: index.manifests.map((m) => ({
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.size,
        platform: { os: 'linux', architecture: m.annotations['org.opencontainers.image.ref.name'] },
      })),
      annotations,
    }),
  );
  const digest = sha256(multi);
  await writeFile(path.join(layout, 'blobs/sha256', digest.slice(7)), multi);
  index.manifests.push({
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest,
    size: multi.length,
    annotations: { 'org.opencontainers.image.ref.name': 'multi' },
  });
  await writeFile(path.join(layout, 'index.json'), JSON.stringify(index));
  return layout;
}

/** skopeo with a policy accepting any image (the test has no signature policy to check). */
async function skopeo(...args: string[]): Promise<string> {
  const policy = path.join(work, 'policy.json');
  await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  return tool('skopeo', ['--policy', policy, ...args]);
}

/** The exact manifest bytes skopeo reads for a reference, as their digest. */
async function skopeoDigest(ref: string): Promise<string> {
  return sha256(
    Buffer.from(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${ref}`), 'utf8'),
  );
}

async function demoExtension() {
  return parseMetadata(
    `metadata = {
  name = "demo"
  sql_name = "demo"
  image_name = "demo"
  licenses = ["PostgreSQL"]
  create_extension = true
  versions = { trixie = { "18" = { package = "1.0-1", sql = "1.0" } } }
}
`,
    path.join(work, 'demo/metadata.hcl'),
    'demo',
  );
}

describe('images made by umoci and pushed by skopeo', () => {
  let layout: string;
  beforeAll(async () => {
    layout = await umociLayout();
  });

  it('are inspected, verified and promoted by digest, and skopeo reads the promoted copy back', async () => {
    const testing = `${registry.host}/demo-testing:1.0-18-trixie`;
    await skopeo(
      'copy',
      '--all',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${layout}:multi`,
      `docker://${testing}`,
    );
    const digest = await skopeoDigest(testing);

    const inspected = await inspectImage(testing);
    expect(inspected).toMatchObject({
      digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: ['linux/amd64', 'linux/arm64'],
      annotations,
    });

    const verified = await verifyLayout(testing, { extension: await demoExtension() });
    expect(verified.findings.map(formatFinding)).toEqual([]);
    expect(verified.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    // The whiteout umoci wrote removed junk/ (it would be an unexpected top-level folder).
    const manifest = JSON.parse(
      await skopeo(
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${registry.host}/demo-testing@${inspected.manifests[0]!.digest}`,
      ),
    ) as { layers: unknown[] };
    expect(manifest.layers).toHaveLength(2);

    const result = await promote(`${registry.host}/demo-testing@${digest}`, `${registry.host}/demo`, {
      tags: ['1.0-18-trixie'],
    });
    expect(result.digest).toBe(digest);
    expect(result.copied.mounted).toBeGreaterThan(0);
    const promoted = `docker://${registry.host}/demo:1.0-18-trixie`;
    expect(await skopeoDigest(`${registry.host}/demo:1.0-18-trixie`)).toBe(digest);
    // skopeo checks every manifest and blob digest while copying the promoted index out.
    const out = path.join(work, 'out');
    await skopeo('copy', '--all', '--preserve-digests', '--src-tls-verify=false', promoted, `oci:${out}:x`);
    const outIndex = JSON.parse(await readFile(path.join(out, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(outIndex.manifests.map((m) => m.digest)).toEqual([digest]);
  });

  it('in Docker media types (manifest list, schema 2) are read and promoted too', async () => {
    const testing = `${registry.host}/demo-docker-testing:1.0`;
    await skopeo(
      'copy',
      '--all',
      '--format',
      'v2s2',
      '--dest-tls-verify=false',
      `oci:${layout}:multi`,
      `docker://${testing}`,
    );
    const digest = await skopeoDigest(testing);
    const inspected = await inspectImage(testing);
    expect(inspected).toMatchObject({
      digest,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(inspected.manifests.map((m) => m.mediaType)).toEqual([
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]);
    const verified = await verifyLayout(testing, { extension: await demoExtension() });
    expect(verified.findings.filter((f) => f.level === 'error').map(formatFinding)).toEqual([]);
    expect(verified.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);

    const result = await promote(
      `${registry.host}/demo-docker-testing@${digest}`,
      `${registry.host}/demo-docker`,
      {
        tags: ['1.0'],
      },
    );
    expect(result.digest).toBe(digest);
    expect(await skopeoDigest(`${registry.host}/demo-docker:1.0`)).toBe(digest);
    await skopeo(
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${registry.host}/demo-docker:1.0`,
      `oci:${path.join(work, 'out-docker')}:x`,
    );
  });
});
