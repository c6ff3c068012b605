/** `ext-actions check`: every problem of every extension folder in one run, buildx's lint when present. */
import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { fakeDockerCalls } from '../bake/support/docker-log.js';
import { PGAUDIT, PGVECTOR, writeRepo } from '../bake/support/fixtures.js';

const repo = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
// Programs are found on this process's PATH: the fake docker first.
const PATH = process.env['PATH'];
beforeAll(() => {
  process.env['PATH'] = `${path.join(repo, 'test/bake/fake')}${path.delimiter}${PATH}`;
});
afterAll(() => {
  process.env['PATH'] = PATH;
});
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function check(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const log = path.join(cwd, 'docker.jsonl');
  const code = await runCli(['check', '--root', 'exts', ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: async () => '',
    cwd,
    env: {
      ...process.env,
      FAKE_DOCKER_LOG: log,
      ...env,
    },
  });
  const calls = fakeDockerCalls(log);
  return { code, stdout, stderr, calls };
}

describe('ext-actions check', () => {
  it('passes a sound repository, running docker buildx bake --check on the plan', async () => {
    const dir = writeRepo([PGVECTOR, PGAUDIT]);
    dirs.push(dir);
    const r = await check(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 extension(s) checked: pgaudit, pgvector');
    expect(r.stdout).toContain('docker buildx bake --check: ok');
    expect(r.calls.map((c) => c.slice(0, 2))).toEqual([
      ['buildx', 'version'],
      ['buildx', 'bake'],
    ]);
    expect(r.calls[1]).toContain('--check');
    expect(r.calls[1]).not.toContain('--push');
  });

  it('lists every problem of every folder at once and exits 1', async () => {
    const dir = writeRepo([PGVECTOR, PGAUDIT, { ...PGVECTOR, name: 'needy', requires: ['missing'] }]);
    dirs.push(dir);
    unlinkSync(path.join(dir, 'exts/pgaudit/Dockerfile'));
    writeFileSync(path.join(dir, 'exts/pgvector/metadata.hcl'), 'metadata = {\n  name = "pgvector"\n');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: \S+exts\/pgvector\/metadata\.hcl: /m);
    expect(r.stderr).toMatch(/^error: \S+exts\/pgaudit\/Dockerfile: not found/m);
    expect(r.stderr).toMatch(
      /^error: \S+exts\/needy\/metadata\.hcl: metadata\.required_extensions\[0\]: expected the folder name of another extension .*got "missing"$/m,
    );
    expect(r.stdout).toContain('3 problem(s)');
    expect(r.calls).toEqual([]);
  });

  it('without buildx, checks the rest and says the lint did not run', async () => {
    const dir = writeRepo([PGVECTOR]);
    dirs.push(dir);
    const r = await check(dir, [], { FAKE_DOCKER_NO_BUILDX: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('docker buildx bake --check: not run: Docker Buildx is not installed');
  });

  it('reports extension names whose CloudNativePG volumes collide (pg_ivm and pg-ivm), as plan refuses them', async () => {
    const dir = writeRepo([
      { ...PGAUDIT, name: 'pg_ivm' },
      { ...PGAUDIT, name: 'pg-ivm' },
    ]);
    dirs.push(dir);
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: \S+exts\/pg_ivm\/metadata\.hcl: metadata\.name "pg_ivm" collides with "pg-ivm" \(\S+exts\/pg-ivm\/metadata\.hcl\)/m,
    );
    expect(r.calls).toEqual([]);
  });
});
