/**
 * GitHub runs dist/, not src/: the committed bundles must be exactly what the sources build, and they
 * must load under Node 24 (what `runs.using: node24` gives) as well as this machine's Node.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
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

  it('keeps undici (about 0.4 MB) out of every start-up: only dist/chunks/undici.cjs holds it', () => {
    const all = files(path.join(repo, 'dist'));
    const holding = all.filter((f) =>
      readFileSync(path.join(repo, 'dist', f), 'utf8').includes('UNDICI-EHPA'),
    );
    expect(holding).toEqual(['chunks/undici.cjs']);
    // The lazy loader finds it at ../chunks/undici.cjs: true from every bundle one folder below dist/.
    const loaders = all.filter((f) =>
      readFileSync(path.join(repo, 'dist', f), 'utf8').includes('../chunks/undici.cjs'),
    );
    expect(loaders.length).toBeGreaterThan(0);
    for (const f of all) expect(f.split('/'), f).toHaveLength(2);
  });

  it('loads undici on first use through scripts/lazy-undici.js (ProxyAgent and fetch)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-lazy-undici-'));
    const server = createServer((_, res) => res.end('hello from the server'));
    try {
      mkdirSync(path.join(dir, 'chunks'));
      mkdirSync(path.join(dir, 'bundle'));
      copyFileSync(path.join(repo, 'dist/chunks/undici.cjs'), path.join(dir, 'chunks/undici.cjs'));
      copyFileSync(path.join(repo, 'scripts/lazy-undici.js'), path.join(dir, 'bundle/shim.mjs'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const shim = (await import(path.join(dir, 'bundle/shim.mjs'))) as {
        ProxyAgent: new (o: { uri: string }) => { dispatch: unknown; close(): Promise<void> };
        fetch: (url: string) => Promise<Response>;
      };
      const agent = new shim.ProxyAgent({ uri: `http://127.0.0.1:${port}` });
      // undici's agent (a dispatcher), not the loader's placeholder class.
      expect(agent).not.toBeInstanceOf(shim.ProxyAgent);
      expect(typeof agent.dispatch).toBe('function');
      await agent.close();
      const res = await shim.fetch(`http://127.0.0.1:${port}/`);
      expect(await res.text()).toBe('hello from the server');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
