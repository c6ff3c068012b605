// installTool against a real HTTP server on 127.0.0.1 serving a fake release, through the mirror env var.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { installTool, MIRROR_ENV, type ToolSpec } from '../../src/tools/index.js';
import { startServer, type TestServer } from '../support/http-server.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const BIN = '#!/bin/sh\necho "fake tool $*"\n';
const REL = '/github.com/acme/tool/releases/download/v1.2.3';
const GH = `https:/${REL}`; // the real URL the mirror rewrites

let server: TestServer;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startServer();
  // tool-cache retries dropped connections after 10-20 s; these globals are its documented test hooks.
  (globalThis as Record<string, unknown>)['TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS'] = 0;
  (globalThis as Record<string, unknown>)['TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS'] = 0;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ext-tools-'));
  process.env['RUNNER_TOOL_CACHE'] = path.join(dir, 'cache');
  process.env['RUNNER_TEMP'] = path.join(dir, 'temp');
  process.env[MIRROR_ENV] = server.url;
  server.routes.clear();
  server.requests.length = 0;
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

function spec(overrides: Partial<ToolSpec> = {}): ToolSpec {
  return {
    name: 'tool',
    version: 'v1.2.3',
    arch: 'amd64',
    url: `${GH}/tool-linux-amd64`,
    checksum: { url: `${GH}/checksums.txt`, fileName: 'tool-linux-amd64' },
    binary: 'tool',
    ...overrides,
  };
}

function release(binary: string | Buffer = BIN, listed: string | Buffer = BIN) {
  server.routes.set(`${REL}/tool-linux-amd64`, { body: binary });
  server.routes.set(`${REL}/checksums.txt`, {
    body: `${sha('other')}  tool-darwin-arm64\n${sha(listed)}  tool-linux-amd64\n${sha('x')}  tool-linux-amd64.sigstore.json\n`,
  });
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

function cacheIsEmpty(): boolean {
  try {
    return execFileSync('find', [process.env['RUNNER_TOOL_CACHE']!, '-type', 'f']).toString().trim() === '';
  } catch {
    return true;
  }
}

/** Collects what is written to stdout (where @actions/core writes `::warning::` commands). */
function captureStdout(): { text: () => string; stop: () => void } {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(String(chunk));
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return { text: () => chunks.join(''), stop: () => void (process.stdout.write = write) };
}

describe('installTool', () => {
  it('downloads, verifies against the checksum file, caches, and reuses the cache on the second call', async () => {
    release();
    const first = await installTool(spec());
    expect(first.fromCache).toBe(false);
    expect(first.sha256).toBe(sha(BIN));
    expect(first.path).toBe(path.join(process.env['RUNNER_TOOL_CACHE']!, 'tool', '1.2.3', 'amd64', 'tool'));
    expect(statSync(first.path).mode & 0o111).not.toBe(0);
    expect(execFileSync(first.path, ['hi']).toString()).toBe('fake tool hi\n');
    expect(server.requests).toEqual([`${REL}/checksums.txt`, `${REL}/tool-linux-amd64`]);

    const second = await installTool(spec());
    expect(second.fromCache).toBe(true);
    expect(second.path).toBe(first.path);
    expect(second.sha256).toBe(sha(BIN)); // hashed again, against the checksum file fetched again
    expect(server.requests.slice(2)).toEqual([`${REL}/checksums.txt`]); // the asset is not
  });

  it('re-verifies a cache hit: a tool planted in the cache is replaced by a verified download, loudly', async () => {
    release();
    const first = await installTool(spec({ pinned: sha(BIN) }));
    writeFileSync(first.path, '#!/bin/sh\necho planted\n');
    const out = captureStdout();
    const again = await installTool(spec({ pinned: sha(BIN) })).finally(out.stop);
    expect(again.fromCache).toBe(false);
    expect(readFileSync(again.path, 'utf8')).toBe(BIN);
    expect(out.text()).toContain(
      `::warning::tool v1.2.3 (amd64): the cached copy at ${first.path} has SHA-256 ${sha('#!/bin/sh\necho planted\n')}, not the published ${sha(BIN)}: downloading it again`,
    );
    // Verified again on each use: the replaced copy is a clean hit.
    expect((await installTool(spec({ pinned: sha(BIN) }))).fromCache).toBe(true);
  });

  it('re-verifies a cached archive tool: the kept archive against the checksum, the executable against the archive', async () => {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'tool'), BIN, { mode: 0o755 });
    const tgz = path.join(dir, 'tool_linux_amd64.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', src, 'tool']);
    const archive = readFileSync(tgz);
    server.routes.set(`${REL}/tool_linux_amd64.tar.gz`, { body: archive });
    server.routes.set(`${REL}/checksums.txt`, { body: `${sha(archive)}  tool_linux_amd64.tar.gz\n` });
    const archived = spec({
      url: `${GH}/tool_linux_amd64.tar.gz`,
      checksum: { url: `${GH}/checksums.txt`, fileName: 'tool_linux_amd64.tar.gz' },
      archive: 'tar.gz',
    });
    const first = await installTool(archived);
    expect((await installTool(archived)).fromCache).toBe(true);
    writeFileSync(first.path, '#!/bin/sh\necho planted\n');
    const out = captureStdout();
    const again = await installTool(archived).finally(out.stop);
    expect(again.fromCache).toBe(false);
    expect(execFileSync(again.path, ['x']).toString()).toBe('fake tool x\n');
    expect(out.text()).toContain(
      `::warning::tool v1.2.3 (amd64): the cached copy at ${first.path} differs from the executable in its verified archive: downloading it again`,
    );
  });

  it('accepts a value pinned in code that agrees with the checksum file', async () => {
    release();
    const got = await installTool(spec({ pinned: sha(BIN).toUpperCase() }));
    expect(got.sha256).toBe(sha(BIN));
  });

  it('refuses a checksum file that disagrees with the pinned SHA-256, before downloading', async () => {
    release();
    const err = await failure(installTool(spec({ pinned: sha('something else') })));
    expect(err.message).toContain('tool v1.2.3 (amd64)');
    expect(err.message).toContain(sha('something else'));
    expect(err.message).toContain(sha(BIN));
    expect(server.requests).toEqual([`${REL}/checksums.txt`]);
    expect(cacheIsEmpty()).toBe(true);
  });

  it('refuses a download whose SHA-256 does not match, naming tool, version, URL and both hashes', async () => {
    release('#!/bin/sh\necho evil\n', BIN);
    const err = await failure(installTool(spec()));
    expect(err.message).toContain('SHA-256 mismatch');
    expect(err.message).toContain('tool v1.2.3');
    expect(err.message).toContain(`${server.url}${REL}/tool-linux-amd64`);
    expect(err.message).toContain(`expected ${sha(BIN)}`);
    expect(err.message).toContain(`got ${sha('#!/bin/sh\necho evil\n')}`);
    expect(cacheIsEmpty()).toBe(true);
  });

  it('refuses a truncated file (short body) as a mismatch', async () => {
    release(BIN.slice(0, 10), BIN);
    const err = await failure(installTool(spec()));
    expect(err.message).toMatch(/SHA-256 mismatch.*10 bytes downloaded.*truncated/);
    expect(cacheIsEmpty()).toBe(true);
  });

  it('refuses a download whose connection drops before the announced length', async () => {
    release();
    server.routes.set(`${REL}/tool-linux-amd64`, { body: BIN.repeat(1000), dropAfter: 100 });
    const err = await failure(installTool(spec()));
    expect(err.message).toContain(
      `cannot install tool v1.2.3 (amd64): download of ${server.url}${REL}/tool-linux-amd64 failed`,
    );
    expect(cacheIsEmpty()).toBe(true);
  });

  it('fails clearly on a 404 for the asset', async () => {
    release();
    server.routes.delete(`${REL}/tool-linux-amd64`);
    const err = await failure(installTool(spec()));
    expect(err.message).toBe(
      `cannot install tool v1.2.3 (amd64): download of ${server.url}${REL}/tool-linux-amd64 failed: HTTP 404`,
    );
  });

  it('fails clearly on a 404 for the checksum file, without downloading the asset', async () => {
    release();
    server.routes.delete(`${REL}/checksums.txt`);
    const err = await failure(installTool(spec()));
    expect(err.message).toContain(`download of ${server.url}${REL}/checksums.txt failed: HTTP 404`);
    expect(server.requests).not.toContain(`${REL}/tool-linux-amd64`);
  });

  it('tries a checksum file answering 5xx three times, and one answering 404 once', async () => {
    release();
    server.routes.set(`${REL}/checksums.txt`, { status: 503 });
    const err = await failure(installTool(spec()));
    expect(err.message).toContain(`download of ${server.url}${REL}/checksums.txt failed: HTTP 503`);
    expect(server.requests.filter((r) => r === `${REL}/checksums.txt`)).toHaveLength(3);
    server.requests.length = 0;
    server.routes.delete(`${REL}/checksums.txt`);
    await failure(installTool(spec()));
    expect(server.requests).toEqual([`${REL}/checksums.txt`]);
  });

  it('fails when the checksum file has no line for the asset', async () => {
    release();
    const err = await failure(
      installTool(spec({ checksum: { url: `${GH}/checksums.txt`, fileName: 'tool-linux-s390x' } })),
    );
    expect(err.message).toContain('has no line for "tool-linux-s390x"');
  });

  it('uses a single-hash file (kubectl.sha256 style: the bare hex)', async () => {
    server.routes.set(`${REL}/tool-linux-amd64`, { body: BIN });
    server.routes.set(`${REL}/tool-linux-amd64.sha256`, { body: `${sha(BIN)}` });
    const got = await installTool(spec({ checksum: { url: `${GH}/tool-linux-amd64.sha256` } }));
    expect(got.sha256).toBe(sha(BIN));
  });

  it('extracts a tar.gz archive and caches the executable inside', async () => {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'tool'), BIN, { mode: 0o755 });
    writeFileSync(path.join(src, 'LICENSE'), 'license');
    const tgz = path.join(dir, 'tool_linux_amd64.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', src, 'tool', 'LICENSE']);
    const archive = readFileSync(tgz);
    server.routes.set(`${REL}/tool_linux_amd64.tar.gz`, { body: archive });
    server.routes.set(`${REL}/checksums.txt`, { body: `${sha(archive)}  tool_linux_amd64.tar.gz\n` });
    const got = await installTool(
      spec({
        url: `${GH}/tool_linux_amd64.tar.gz`,
        checksum: { url: `${GH}/checksums.txt`, fileName: 'tool_linux_amd64.tar.gz' },
        archive: 'tar.gz',
      }),
    );
    expect(execFileSync(got.path, ['x']).toString()).toBe('fake tool x\n');
  });

  it('runs the verify hook and refuses when it throws, caching nothing', async () => {
    release();
    const seen: string[] = [];
    const err = await failure(
      installTool(
        spec({
          verify: async (file) => {
            seen.push(readFileSync(file, 'utf8'));
            throw new UserError('bundle does not verify');
          },
        }),
      ),
    );
    expect(err.message).toBe('bundle does not verify');
    expect(seen).toEqual([BIN]);
    expect(cacheIsEmpty()).toBe(true);
  });

  it('rejects an invalid description before any request', async () => {
    const err = await failure(installTool(spec({ version: 'v1 && rm', pinned: 'abc' })));
    expect(err.details).toHaveLength(2);
    expect(server.requests).toEqual([]);
  });

  it('refuses plain-http release and checksum URLs (only the mirror may be http)', async () => {
    release();
    const err = await failure(
      installTool(
        spec({
          url: `http:/${REL}/tool-linux-amd64`,
          checksum: { url: `http:/${REL}/checksums.txt`, fileName: 'tool-linux-amd64' },
        }),
      ),
    );
    expect(err.details).toEqual([
      `url: expected an https URL, got "http://github.com/acme/tool/releases/download/v1.2.3/tool-linux-amd64"`,
      `checksum.url: expected an https URL, got "http://github.com/acme/tool/releases/download/v1.2.3/checksums.txt"`,
    ]);
    expect(server.requests).toEqual([]);
  });
});
