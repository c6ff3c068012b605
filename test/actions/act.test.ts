/**
 * Every action bundle run the way nektos/act runs it: `ACT=true`, no OIDC, no job summary file
 * (`GITHUB_STEP_SUMMARY` unset), no artifact/cache service (`ACTIONS_RUNTIME_TOKEN` unset), a minimal
 * environment and no tools on PATH. Each takes a dry-run, skip or bad-input path and must end with a
 * clear outcome: success with its outputs, or one error annotation; never a stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { extensionFiles, pushImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const repo = path.resolve(import.meta.dirname, '../..');
const DIGEST = `sha256:${'a'.repeat(64)}`;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ext-act-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  log: string;
  outputs: Record<string, string>;
}

/** `node dist/<name>/<entry>` with act's environment: GITHUB_OUTPUT and RUNNER_TEMP, nothing else of GitHub's. */
async function act(
  name: string,
  inputs: Record<string, string>,
  entry = 'index.js',
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const dir = await mkdtemp(path.join(work, `${name}-`));
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  const output = path.join(dir, 'output');
  await writeFile(output, '');
  const env: NodeJS.ProcessEnv = {
    ACT: 'true',
    PATH: bin,
    HOME: dir,
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: dir,
    RUNNER_TOOL_CACHE: path.join(dir, 'tools'),
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = await new Promise<{ code: number | null; log: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(repo, 'dist', name, entry)], { env, cwd: dir });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('close', (code) => resolve({ code, log }));
  });
  const raw = await readFile(output, 'utf8');
  const outputs: Record<string, string> = {};
  for (const m of raw.matchAll(/^(\S+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { ...r, outputs };
}

/** No stack trace (plain or %0A-encoded inside an annotation), no "internal error". */
function expectClean(r: Run): void {
  expect(r.log).not.toMatch(/(\n|%0A)\s+at /);
  expect(r.log).not.toContain('internal error');
}

function errors(r: Run): string[] {
  return r.log.split('\n').filter((l) => l.startsWith('::error'));
}

describe('actions under act (ACT=true, no summary file, no runtime token)', () => {
  it('bake dry-run: succeeds, logs the summary, drops the GitHub Actions cache with a warning', async () => {
    const r = await act('bake', {
      root: path.join(repo, 'extensions'),
      extensions: 'pgvector',
      registry: 'localhost:5000/acme',
      timestamp: '2026-03-04T05:06:07Z',
      cache: 'true',
      'dry-run': 'true',
    });
    expect(r.code, r.log).toBe(0);
    expectClean(r);
    expect(errors(r)).toEqual([]);
    expect(r.log).toContain('**Dry run**');
    expect(r.log).toMatch(/::warning::.*cache.*ACTIONS_RUNTIME_TOKEN/);
    const plan = JSON.parse(await readFile(r.outputs['plan']!, 'utf8')) as {
      target: Record<string, Record<string, unknown>>;
    };
    const targets = Object.values(plan.target);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(t['cache-from']).toBeUndefined();
      expect(t['cache-to']).toBeUndefined();
    }
  });

  it('bake with a bad input: one error annotation naming it', async () => {
    const r = await act('bake', { root: path.join(repo, 'extensions'), mode: 'fast' });
    expect(r.code).toBe(1);
    expectClean(r);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toContain('input "mode"');
    expect(r.outputs).toEqual({});
  });

  it('bake post step with nothing to clean up', async () => {
    const r = await act('bake', {}, 'post.js');
    expect(r.code, r.log).toBe(0);
    expectClean(r);
    expect(r.log).not.toContain('::warning');
  });

  it('sign without OIDC skips with a warning, signs nothing and still succeeds', async () => {
    const r = await act('sign', { images: `localhost:5000/acme/pgvector@${DIGEST}` });
    expect(r.code, r.log).toBe(0);
    expectClean(r);
    expect(errors(r)).toEqual([]);
    expect(r.log).toMatch(/::warning::no OIDC token under act.*nothing was signed/);
    expect(JSON.parse(r.outputs['signed']!)).toEqual([]);
    expect(r.log).toContain('## Signatures');
  });

  it('sign with a ref without a digest: one error annotation, nothing signed', async () => {
    const r = await act('sign', { images: 'localhost:5000/acme/pgvector:1.0' });
    expect(r.code).toBe(1);
    expectClean(r);
    expect(errors(r)).toHaveLength(1);
    expect(r.outputs).toEqual({});
  });

  it('e2e cnpg-matrix: the output, the summary in the log', async () => {
    const r = await act('e2e', { mode: 'cnpg-matrix' });
    expect(r.code, r.log).toBe(0);
    expectClean(r);
    expect(errors(r)).toEqual([]);
    const matrix = JSON.parse(r.outputs['cnpg-matrix']!) as string[];
    expect(matrix[0]).toBe('main');
    expect(matrix).toHaveLength(3);
    expect(r.log).toContain('CloudNativePG test matrix');
  });

  it('e2e without an extension: one error annotation naming the input', async () => {
    const r = await act('e2e', { image: `localhost:5000/acme/pgvector@${DIGEST}` });
    expect(r.code).toBe(1);
    expectClean(r);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toContain('input "extension"');
  });

  it('e2e post step with no state', async () => {
    const r = await act('e2e', {}, 'post.js');
    expect(r.code, r.log).toBe(0);
    expectClean(r);
    expect(errors(r)).toEqual([]);
  });

  it('promote with a username and no password: one error annotation', async () => {
    const r = await act('promote', { source: `localhost:5000/a/b-testing@${DIGEST}`, username: 'u' });
    expect(r.code).toBe(1);
    expectClean(r);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toContain('inputs "username" and "password"');
    expect(r.outputs).toEqual({});
  });

  describe('promote against a local registry', () => {
    let registry: TestRegistry;
    beforeAll(async () => {
      registry = await startRegistry();
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it('promotes, sets its outputs and logs the summary', async () => {
      const client = new RegistryClient(registry.host);
      const pushed = await pushImage(client, 'acme/pgvector-testing', '1.0-18-trixie', {
        platforms: [{ platform: 'linux/amd64', layers: [extensionFiles({ sqlName: 'vector' })] }],
      });
      const r = await act('promote', {
        source: `${registry.host}/acme/pgvector-testing@${pushed.digest}`,
        destination: `${registry.host}/acme/pgvector`,
        tags: '1.0-18-trixie',
      });
      expect(r.code, r.log).toBe(0);
      expectClean(r);
      expect(errors(r)).toEqual([]);
      expect(r.outputs['refs']).toBe(`${registry.host}/acme/pgvector@${pushed.digest}`);
      expect(r.log).toContain(`${registry.host}/acme/pgvector`);
    });
  });
});
