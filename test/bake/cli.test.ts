/** `ext-actions bake`: the committed CLI bundle in a child process, with the fake docker on PATH. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGVECTOR, writeRepo } from './support/fixtures.js';

const repo = path.resolve(import.meta.dirname, '../..');
let dist: string;
let cwd: string;
beforeAll(() => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'ext-bake-cli-'));
  cpSync(path.join(repo, 'dist/cli'), path.join(dist, 'cli'), { recursive: true });
  cpSync(path.join(repo, 'dist/chunks'), path.join(dist, 'chunks'), { recursive: true });
  cwd = writeRepo([PGVECTOR]);
});
afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string> = {}) {
  const log = path.join(cwd, `log-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(
    process.execPath,
    [path.join(dist, 'cli/index.js'), 'bake', '--root', 'exts', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${path.join(repo, 'test/bake/fake')}${path.delimiter}${process.env['PATH']}`,
        FAKE_DOCKER_LOG: log,
        ...env,
      },
    },
  );
  let calls: string[][] = [];
  try {
    calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
  } catch {
    calls = [];
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

describe('ext-actions bake', () => {
  it('--dry-run prints the plan and the commands and runs nothing', () => {
    const r = cli(['--dry-run', '--push', '--timestamp', '2026-03-04T05:06:07Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toMatch(/TARGET\s+PLATFORMS/);
    expect(r.stdout).toContain('pgvector-0_8_1-18-trixie');
    expect(r.stdout).toMatch(
      /docker buildx bake --builder ext-actions-\w+ -f \S+ --metadata-file \S+ --progress plain --push/,
    );
  });

  it('builds with the fake docker and prints the refs', () => {
    const r = cli([
      '--push',
      '--setup-qemu',
      'false',
      '--format',
      'refs',
      '--timestamp',
      '2026-03-04T05:06:07Z',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls.map((c) => c[1])).toEqual(['version', 'create', 'inspect', 'bake']);
    expect(r.stdout).toMatch(
      /^localhost:5000\/pgvector-testing@sha256:[a-f0-9]{64}\nlocalhost:5000\/pgvector-testing@sha256:[a-f0-9]{64}\n$/m,
    );
  });

  it('exits 1 naming a failing target, 2 on bad flags', () => {
    const failed = cli(['--setup-qemu', 'false'], { FAKE_DOCKER_FAIL_TARGET: 'pgvector-0_8_1-18-bookworm' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('error: target pgvector-0_8_1-18-bookworm failed to build');
    const bad = cli(['--setup-qemu', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--setup-qemu: expected one of auto, true, false, got "maybe"');
    expect(bad.calls).toEqual([]);
    // Messages name the CLI's flags, not the action's inputs.
    for (const [args, message] of [
      [['--root', 'nope'], /^error: --root: root folder \S+nope: not found/m],
      [['--allow', 'network=host'], /^error: --allow: expected a buildx entitlement/m],
      [['--file', 'missing.hcl'], /^error: --file: "missing.hcl" is not a readable file/m],
      [['--timestamp', 'yesterday'], /^error: --timestamp: /m],
    ] as const) {
      const r = cli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('input "');
    }
  });
});
