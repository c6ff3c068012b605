/**
 * GitHub runs dist/, not src/: the committed bundles must be exactly what the sources build, and they
 * must load under Node 24 (what `runs.using: node24` gives) as well as this machine's Node.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..');

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, base) : [path.relative(base, full)];
  });
}

describe('dist/', () => {
  it('matches what `npm run build` produces from the sources', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'ext-dist-'));
    try {
      const r = spawnSync(process.execPath, [path.join(repo, 'scripts/build.mjs'), '--outdir', out], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const built = files(out).sort();
      expect(files(path.join(repo, 'dist')).sort()).toEqual(built);
      const stale = built.filter(
        (f) => !readFileSync(path.join(out, f)).equals(readFileSync(path.join(repo, 'dist', f))),
      );
      expect(stale, 'rebuild with `npm run build` and commit dist/').toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('runs the CLI bundle under Node 24', () => {
    const r = spawnSync(
      'npx',
      [
        '-y',
        'node@24',
        path.join(repo, 'dist/cli/index.js'),
        'list',
        '--root',
        'extensions',
        '--format',
        'json',
      ],
      {
        cwd: repo,
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toContain('pgvector');
  }, 300_000);
});
