// Benchmark: `ext-actions smoke` of one real image (pgvector, built from Debian's package) in a real
// PostgreSQL 18 container, whole command (pull, container, initdb, start, CREATE EXTENSION, checks,
// clean-up). Budget: 15 s per image on amd64; the arm64 figure (QEMU) is reported beside it.
// Needs what the real-tools suite needs (root, Debian, `bash scripts/real/install.sh`): it starts the
// same environment (test/real/support, bundled here with esbuild) and stops it. Elsewhere it says why
// it did not run. Runnable alone: `node bench/smoke.mjs`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function loadSupport(dir) {
  const outfile = path.join(dir, 'support.mjs');
  await build({
    stdin: {
      contents:
        "export * from './test/real/support/environment.ts';\nexport * from './test/real/support/repo.ts';\n",
      resolveDir: repo,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
    define: { 'import.meta.dirname': JSON.stringify(path.join(repo, 'test/real/support')) },
  });
  return import(pathToFileURL(outfile).href);
}

function time(args, env, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

export async function benchSmoke() {
  const name = 'smoke of one real image in PostgreSQL 18 (pgvector, amd64)';
  if (process.getuid?.() !== 0 || !existsSync('/usr/sbin/dockerd'))
    return { name, skipped: 'needs root and the real tools (sudo bash scripts/real/install.sh)' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-bench-smoke-'));
  const support = await loadSupport(dir);
  const { environment: real, stop } = await support.startEnvironment();
  const example = support.exampleRepo(['pgvector']);
  try {
    const env = { ...process.env, PATH: real.path, DOCKER_HOST: real.dockerHost };
    const cli = path.join(repo, 'dist', 'cli', 'index.js');
    const plan = JSON.parse(
      time([cli, 'plan', '--root', example.root, '--format', 'matrix'], env, example.dir).stdout,
    );
    const net = support.hostNetworkFile(
      example.dir,
      plan.map((t) => t.target),
    );
    const [image] = JSON.parse(
      time(
        [
          cli,
          'bake',
          ...support.realBakeFlags(real, example.root, net),
          '--platforms',
          'linux/amd64,linux/arm64',
          '--push',
          '--format',
          'images',
        ],
        env,
        example.dir,
      ).stdout,
    );
    const smoke = (platform) =>
      time(
        [cli, 'smoke', '--image', image.ref, '--root', example.root, '--platform', platform],
        env,
        example.dir,
      ).ms;
    smoke('linux/amd64'); // warm-up: pulls the PostgreSQL image once
    const samples = Array.from({ length: RUNS }, () => smoke('linux/amd64')).sort((a, b) => a - b);
    const arm64 = smoke('linux/arm64');
    return {
      name,
      medianMs: samples[Math.floor(samples.length / 2)],
      minMs: samples[0],
      maxMs: samples.at(-1),
      budget: { ms: 15_000 },
      note: `arm64 under QEMU: ${(arm64 / 1000).toFixed(1)} s`,
    };
  } finally {
    example.cleanup();
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await benchSmoke());
