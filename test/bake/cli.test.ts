/** `ext-actions bake`: the committed CLI bundle in a child process, with the fake docker on PATH. */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeDockerCalls } from './support/docker-log.js';
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

function cli(args: string[], env: Record<string, string> = {}, outFile?: string) {
  const log = path.join(cwd, `log-${Math.random().toString(36).slice(2)}`);
  // outFile: stdout and stderr into one file, in the order they were written.
  const fd = outFile === undefined ? undefined : openSync(outFile, 'w');
  const r = spawnSync(
    process.execPath,
    [path.join(dist, 'cli/index.js'), 'bake', '--root', 'exts', ...args],
    {
      cwd,
      encoding: 'utf8',
      ...(fd === undefined ? {} : { stdio: ['ignore', fd, fd] }),
      env: {
        ...process.env,
        PATH: `${path.join(repo, 'test/bake/fake')}${path.delimiter}${process.env['PATH']}`,
        FAKE_DOCKER_LOG: log,
        ...env,
      },
    },
  );
  if (fd !== undefined) closeSync(fd);
  const calls = fakeDockerCalls(log);
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
    expect(r.calls.map((c) => c[1])).toEqual(['version', 'create', 'inspect', 'bake', 'rm']);
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

  describe('leaves nothing behind', () => {
    const run = (args: string[], env: Record<string, string> = {}) => {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'ext-bake-tmp-'));
      const state = mkdtempSync(path.join(os.tmpdir(), 'ext-bake-state-'));
      const r = cli(args, { TMPDIR: tmp, FAKE_DOCKER_STATE: state, ...env });
      const file = path.join(state, 'builders.json');
      const builders = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : [];
      const left = readdirSync(tmp);
      rmSync(tmp, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
      return { ...r, builders, left };
    };

    it('removes the builder it created and its temporary folder after a build', () => {
      const r = run(['--setup-qemu', 'false', '--timestamp', '2026-03-04T05:06:07Z']);
      expect(r.code, r.stderr).toBe(0);
      const created = r.calls.find((c) => c[1] === 'create')!;
      const name = created[created.indexOf('--name') + 1];
      expect(r.calls.at(-1)).toEqual(['buildx', 'rm', name]);
      expect(r.builders).toEqual([]);
      expect(r.left).toEqual([]);
    });

    it('removes the builder when its bootstrap fails, and when a target fails', () => {
      const boot = run(['--setup-qemu', 'false'], { FAKE_DOCKER_FAIL_BOOTSTRAP: '1' });
      expect(boot.code).toBe(2);
      expect(boot.stderr).toMatch(/starting builder ext-actions-\w+ failed/);
      expect(boot.calls.map((c) => c[1])).toEqual(['version', 'create', 'inspect', 'rm']);
      expect(boot.builders).toEqual([]);
      expect(boot.left).toEqual([]);
      const target = run(['--setup-qemu', 'false'], {
        FAKE_DOCKER_FAIL_TARGET: 'pgvector-0_8_1-18-bookworm',
      });
      expect(target.code).toBe(1);
      expect(target.builders).toEqual([]);
      expect(target.left).toEqual([]);
    });

    it('--dry-run leaves no temporary folder; --work-dir keeps the plan where asked', () => {
      const r = run(['--dry-run']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.left).toEqual([]);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-bake-work-'));
      const kept = run(['--dry-run', '--work-dir', dir]);
      expect(kept.code, kept.stderr).toBe(0);
      expect(readdirSync(dir)).toContain('plan.json');
      expect(kept.stdout).toContain(path.join(dir, 'plan.json'));
      rmSync(dir, { recursive: true, force: true });
    });
  });

  it('logs in order: plan table, then the QEMU/builder commands, then the build, then the result', () => {
    const out = path.join(cwd, 'ordered.log');
    const r = cli(['--setup-qemu', 'true', '--timestamp', '2026-03-04T05:06:07Z'], {}, out);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const at = (needle: string | RegExp) => {
      const i = typeof needle === 'string' ? text.indexOf(needle) : text.search(needle);
      expect(i, `${String(needle)} in\n${text}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      at(/TARGET\s+PLATFORMS/),
      at('[command]docker run --rm --privileged'),
      at('[command]docker buildx create'),
      at(/\[command\].*docker buildx bake/),
      at('#0 building with'),
      at('[command]docker buildx rm'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});

describe('ext-actions bake and QEMU on a developer machine', () => {
  it('refuses to install QEMU unasked outside CI, naming the flags; runs it on CI or with --setup-qemu true', () => {
    const laptop = cli([], { CI: '', GITHUB_ACTIONS: '' });
    expect(laptop.code).toBe(2);
    expect(laptop.stderr).toMatch(/^error: --setup-qemu: building arm64 on this \w+ machine needs QEMU/m);
    expect(laptop.stderr).toContain('--setup-qemu true');
    expect(laptop.calls).toEqual([]);
    const dry = cli(['--dry-run'], { CI: '', GITHUB_ACTIONS: '' });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/^warning: --setup-qemu: building arm64/m);
    expect(dry.calls.filter((c) => c[0] === 'run')).toEqual([]);
    // The exact install command (src/bake/argv.ts DEFAULT_BINFMT_IMAGE, binfmtInstallCommand), pinned.
    const binfmt = [
      'run',
      '--rm',
      '--privileged',
      'docker.io/tonistiigi/binfmt:qemu-v10.2.3-68',
      '--install',
      'arm64',
    ];
    const installsThenBakes = (calls: string[][]) => {
      const runs = calls.filter((c) => c[0] === 'run');
      expect(runs).toEqual([binfmt]);
      const install = calls.findIndex((c) => c[0] === 'run');
      const bake = calls.findIndex((c) => c[0] === 'buildx' && c[1] === 'bake');
      expect(bake, JSON.stringify(calls)).toBeGreaterThan(-1);
      expect(install).toBeLessThan(bake);
    };
    const ci = cli([], { CI: 'true' });
    expect(ci.code, ci.stderr).toBe(0);
    expect(ci.calls.map((c) => c[0])).toContain('run');
    installsThenBakes(ci.calls);
    const asked = cli(['--setup-qemu', 'true'], { CI: '', GITHUB_ACTIONS: '' });
    expect(asked.code, asked.stderr).toBe(0);
    installsThenBakes(asked.calls);
  });
});

describe('ext-actions bake --extension changed', () => {
  it('says it builds everything when no --base is given, whatever the --format', () => {
    const r = cli(['--extension', 'changed', '--dry-run', '--format', 'refs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No base commit to compare with');
    expect(r.stderr).toContain('every extension is built');
  });
});
