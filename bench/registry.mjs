// Benchmark: `ext-actions verify-layout` and `ext-actions promote` (whole CLI processes) on a
// two-platform extension image of about 2 x 40 MiB compressed (random library bodies, 2000 SQL
// scripts) in a local docker-registry. Reports median wall time and peak RSS.
// Layers are streamed (verify-layout reads them through gunzip and tar; promote between registries
// pipes each blob from the source GET into the destination PUT), so memory does not grow with them.
// Targets: verify-layout under 3 s and 250 MiB; promote under 2 s (same registry, mounts) or 4 s
// (another registry, uploads) and 250 MiB. The CLI alone (`--help`) peaks at about 130 MiB.
// Needs Debian's docker-registry (apt-get install docker-registry) and a built dist/ (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

const repo = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MIB = Number(process.env.BENCH_LAYER_MIB ?? 40);
const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function tarGz(files) {
  const pack = tar.pack();
  const chunks = [];
  pack.on('data', (c) => chunks.push(c));
  const end = new Promise((r) => pack.on('end', r));
  for (const [name, body] of files) pack.entry({ name, size: body.length }, body);
  pack.finalize();
  await end;
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

function elf(machine, size) {
  const b = randomBytes(size);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2;
  b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return b;
}

async function put(base, repository, digest, data) {
  const head = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
  if (head.status === 200) return;
  const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  const url = new URL(start.headers.get('location'), base);
  url.searchParams.set('digest', digest);
  const res = await fetch(url, {
    method: 'PUT',
    body: data,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (res.status !== 201) throw new Error(`blob upload: ${res.status}`);
}

async function putManifest(base, repository, reference, json) {
  const body = Buffer.from(JSON.stringify(json));
  const res = await fetch(`${base}/v2/${repository}/manifests/${reference ?? sha(body)}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': json.mediaType },
  });
  if (res.status !== 201) throw new Error(`manifest put: ${res.status} ${await res.text()}`);
  return { mediaType: json.mediaType, digest: sha(body), size: body.length };
}

async function pushImage(base, repository) {
  const entries = [];
  for (const [arch, machine] of [
    ['amd64', 62],
    ['arm64', 183],
  ]) {
    const files = [['share/extension/bench.control', Buffer.from("default_version = '1.0'\n")]];
    for (let i = 0; i < 2000; i++)
      files.push([`share/extension/bench--0.${i}--0.${i + 1}.sql`, Buffer.from(`SELECT ${i};\n`.repeat(20))]);
    files.push(
      ['share/extension/bench--0.0.sql', Buffer.from('SELECT 1;\n')],
      ['share/extension/bench--0.2000--1.0.sql', Buffer.from('')],
    );
    for (let i = 0; i < 8; i++) files.push([`lib/bench${i}.so`, elf(machine, (MIB * 1024 * 1024) / 8)]);
    const layer = await tarGz(files);
    await put(base, repository, sha(layer), layer);
    const config = Buffer.from(
      JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    );
    await put(base, repository, sha(config), config);
    const m = await putManifest(base, repository, undefined, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha(config),
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length },
      ],
    });
    entries.push(m);
  }
  return entries;
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Peak RSS of the child itself: VmHWM starts afresh with the new process image, whereas getrusage's
// maxRSS (bench/maxrss.mjs) is kept across execve, so it reports this benchmark's own ~200 MiB
// (the generated layers) for every child.
const VM_HWM =
  'data:text/javascript,import{readFileSync,writeFileSync}from"node:fs";' +
  'process.on("exit",()=>writeFileSync(process.env.BENCH_MAXRSS_FILE,' +
  'readFileSync("/proc/self/status","utf8").match(/VmHWM:\\s+(\\d+)/)[1]))';

function run(args, rssFile) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', VM_HWM, path.join(repo, 'dist/cli/index.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_MAXRSS_FILE: rssFile },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`ext-actions ${args[0]} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return { ms, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

function stats(name, samples, budget) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    name,
    medianMs: ms[Math.floor(ms.length / 2)],
    minMs: ms[0],
    maxMs: ms[ms.length - 1],
    peakRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    budget,
  };
}

/** Starts Debian's docker-registry on a free 127.0.0.1 port; stopped by PID when the benchmark exits. */
async function startRegistry(binary) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-bench-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    path.join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${host}\n`,
  );
  const child = spawn(binary, ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  child.unref(); // stopped by PID when the benchmark process exits
  const base = `http://${host}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/v2/`)).status === 200) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stop = () => {
    process.kill(child.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  return { host, base, dir };
}

let shared;
async function setup() {
  if (shared) return shared;
  const which = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' });
  if (which.status !== 0)
    throw new Error('bench/registry.mjs needs docker-registry: apt-get install -y docker-registry');
  const binary = which.stdout.trim();
  const [{ host, base, dir }, other] = await Promise.all([startRegistry(binary), startRegistry(binary)]);
  const manifests = await pushImage(base, 'bench/ext-testing');
  const index = await putManifest(base, 'bench/ext-testing', 'v1', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: manifests.map((m, i) => ({
      ...m,
      platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' },
    })),
  });
  shared = { host, dir, digest: index.digest, other: other.host };
  return shared;
}

export async function benchVerifyLayout() {
  const { host, dir } = await setup();
  const samples = [];
  for (let i = 0; i < RUNS; i++)
    samples.push(run(['verify-layout', `${host}/bench/ext-testing:v1`], path.join(dir, 'rss')));
  return stats(`verify-layout (2 x ${MIB} MiB, 2000 SQL scripts)`, samples, { ms: 3000, rssMiB: 250 });
}

export async function benchPromote() {
  const { host, dir, digest } = await setup();
  const samples = [];
  for (let i = 0; i < RUNS; i++)
    samples.push(
      run(
        ['promote', `${host}/bench/ext-testing@${digest}`, `${host}/bench/ext${i}`, '--tag', 'v1'],
        path.join(dir, 'rss'),
      ),
    );
  return stats('promote (same registry, mounted blobs)', samples, { ms: 2000, rssMiB: 250 });
}

export async function benchPromoteAcrossRegistries() {
  const { host, dir, digest, other } = await setup();
  const samples = [];
  for (let i = 0; i < RUNS; i++)
    samples.push(
      run(
        ['promote', `${host}/bench/ext-testing@${digest}`, `${other}/bench/ext${i}`, '--tag', 'v1'],
        path.join(dir, 'rss'),
      ),
    );
  return stats(`promote (another registry, 2 x ${MIB} MiB uploaded)`, samples, { ms: 4000, rssMiB: 250 });
}
