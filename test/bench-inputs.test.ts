/**
 * The benchmarks' generated inputs stay valid as the metadata and plan checks grow: a benchmark that
 * stops at a refused file measures nothing (bench/plan.mjs broke this way once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs benchmark module without types
import { writeExtensions } from '../bench/plan.mjs';
import { runCli } from '../src/cli/run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-bench-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench/plan.mjs inputs', () => {
  it('plan accepts every generated extension (2 distros x 2 majors each)', async () => {
    (writeExtensions as (root: string, count: number) => void)(dir, 3);
    let out = '';
    let err = '';
    const code = await runCli(['plan', '--root', dir, '--format', 'matrix'], {
      cwd: dir,
      env: {},
      stdout: (s: string) => void (out += s),
      stderr: (s: string) => void (err += s),
    } as never);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out) as unknown[]).toHaveLength(12);
  });
});
