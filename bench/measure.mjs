// Shared by the benchmarks: runs a Node process several times and reports the median wall time and
// the peak RSS (read by maxrss.mjs, preloaded into the process). No bench* export: run.mjs skips it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
export const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/**
 * `node <args>` `runs` times, each run right after a bare `node -e 0` (so the ratio of the two medians
 * holds on a busy machine too); `check(stdout)` throws when the output is wrong.
 * Returns { medianMs, minMs, maxMs, peakRssMiB, bareMs, stdout }.
 */
export function measureNode(args, { cwd = repo, runs = RUNS, check, bare = true } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ext-bench-rss-'));
  try {
    const rssFile = path.join(tmp, 'maxrss');
    const times = [];
    const bareTimes = [];
    const rss = [];
    let stdout = '';
    for (let run = 0; run < runs; run++) {
      if (bare) bareTimes.push(measureNode(['-e', '0'], { runs: 1, bare: false }).medianMs);
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, ['--import', path.join(repo, 'bench/maxrss.mjs'), ...args], {
        cwd,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        env: { ...process.env, BENCH_MAXRSS_FILE: rssFile },
      });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
      stdout = r.stdout;
      check?.(stdout);
      rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
    }
    times.sort((a, b) => a - b);
    bareTimes.sort((a, b) => a - b);
    return {
      bareMs: bare ? bareTimes[Math.floor(bareTimes.length / 2)] : undefined,
      medianMs: times[Math.floor(times.length / 2)],
      minMs: times[0],
      maxMs: times[times.length - 1],
      peakRssMiB: Math.max(...rss),
      stdout,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A bare Node start (`node -e 0`), the yardstick the start-up budgets are ratios of. */
export function bareNode() {
  return { name: 'bare node start (node -e 0)', ...measureNode(['-e', '0'], { bare: false }) };
}
