// Benchmark: the bake action's own overhead for 50 targets (25 extensions x 2 distros), i.e. the wall
// time of `node dist/bake/index.js` (validation, metadata, plan, bake JSON, metadata parsing, outputs,
// summary) minus the time spent inside the `docker` commands it runs (test/bake/fake/docker, which
// records each of its lifetimes). Budget: 0.4 s. Runnable alone: `node bench/bake.mjs`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(import.meta.dirname, '..');
const EXTENSIONS = Number(process.env.BENCH_BAKE_EXTENSIONS ?? 25);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function metadata(name, i) {
  return `metadata = {
  name = "${name}"
  sql_name = "${name.replaceAll('-', '_')}"
  image_name = "${name}"
  licenses = ["PostgreSQL"]
  versions = {
    bookworm = { "18" = { package = "${i % 7}.${i % 13}.1-1.pgdg12+1", sql = "${i % 7}.${i % 13}" } }
    trixie = { "18" = { package = "${i % 7}.${i % 13}.1-1.pgdg13+1", sql = "${i % 7}.${i % 13}" } }
  }
}
`;
}

export function benchBake() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-bench-bake-'));
  try {
    for (let i = 0; i < EXTENSIONS; i++) {
      const name = `ext-${String(i).padStart(3, '0')}`;
      mkdirSync(path.join(dir, 'exts', name), { recursive: true });
      writeFileSync(path.join(dir, 'exts', name, 'metadata.hcl'), metadata(name, i));
      writeFileSync(path.join(dir, 'exts', name, 'Dockerfile'), 'FROM scratch\n');
    }
    const overheads = [];
    let targets = 0;
    for (let run = 0; run < RUNS; run++) {
      const files = Object.fromEntries(
        ['output', 'summary', 'state', 'timing', 'log'].map((f) => [f, path.join(dir, `${f}-${run}`)]),
      );
      for (const f of ['output', 'summary', 'state']) writeFileSync(files[f], '');
      const env = {
        ...process.env,
        PATH: `${path.join(repo, 'test/bake/fake')}${path.delimiter}${process.env.PATH}`,
        INPUT_ROOT: 'exts',
        INPUT_REGISTRY: 'localhost:5000',
        INPUT_PUSH: 'true',
        INPUT_TIMESTAMP: '2026-01-01T00:00:00Z',
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_STATE: files.state,
        RUNNER_TEMP: dir,
        FAKE_DOCKER_LOG: files.log,
        FAKE_DOCKER_STATE: path.join(dir, `docker-${run}`),
        FAKE_DOCKER_TIMING: files.timing,
      };
      const start = performance.timeOrigin + performance.now();
      const r = spawnSync(
        process.execPath,
        [
          ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
          path.join(repo, 'dist/bake/index.js'),
        ],
        {
          cwd: dir,
          env,
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        },
      );
      const total = performance.timeOrigin + performance.now() - start;
      if (r.status !== 0) throw new Error(`bake action failed: ${r.stdout}${r.stderr}`);
      const docker = existsSync(files.timing)
        ? readFileSync(files.timing, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
            .reduce((sum, t) => sum + (t.end - t.start), 0)
        : 0;
      const out = readFileSync(files.output, 'utf8');
      targets = JSON.parse(
        out.split('\n')[out.split('\n').findIndex((l) => l.startsWith('images<<')) + 1],
      ).length;
      overheads.push(total - docker);
    }
    overheads.sort((a, b) => a - b);
    return {
      name: `bake action: ${targets} targets, overhead without docker commands (whole process)`,
      medianMs: overheads[Math.floor(overheads.length / 2)],
      minMs: overheads[0],
      maxMs: overheads[overheads.length - 1],
      budget: { ms: 400 },
    };
  } finally {
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = benchBake();
  console.log(
    `${r.medianMs <= r.budget.ms ? 'ok  ' : 'OVER'} ${r.name}: median ${r.medianMs.toFixed(0)} ms [${r.minMs.toFixed(0)}-${r.maxMs.toFixed(0)}] (budget ${r.budget.ms} ms)`,
  );
  process.exitCode = r.medianMs <= r.budget.ms ? 0 : 1;
}
