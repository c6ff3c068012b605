// The bundled sign action, run as GitHub runs it (node dist/sign/index.js, INPUT_* env, GITHUB_OUTPUT),
// with a fake cosign first on PATH and a real OIDC token endpoint on 127.0.0.1.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/http-server.js';
import { mockSigstore, type MockSigstore } from '../support/sigstore-mock.js';
import { nodeOnlyPath } from '../support/node-only-path.js';

const root = path.resolve(import.meta.dirname, '../..');
const bundle = path.join(root, 'dist/sign/index.js');
const fakeBin = path.join(import.meta.dirname, 'bin');
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const REUSABLE = 'cnpg/ext-actions/.github/workflows/build.yml@refs/tags/v1.2.0';

let server: TestServer;
let dir: string;

function jwt(claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

beforeAll(async () => {
  expect(existsSync(bundle), 'dist/sign/index.js is missing: run npm run build').toBe(true);
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ext-sign-'));
  server.routes.clear();
  server.requests.length = 0;
  server.routes.set('/token', {
    body: JSON.stringify({
      value: jwt({
        job_workflow_ref: REUSABLE,
        repository: 'acme/exts',
        ref: 'refs/heads/main',
        event_name: 'push',
      }),
    }),
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  calls: { argv: string[]; password: string | null }[];
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

async function run(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  bin = fakeBin,
): Promise<Run> {
  const files = {
    out: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
    log: path.join(dir, 'cosign.jsonl'),
  };
  for (const f of [files.out, files.summary]) writeFileSync(f, '');
  // each run records its own cosign calls and failure counters
  for (const f of readdirSync(dir)) if (f.startsWith('cosign.jsonl')) rmSync(path.join(dir, f));
  const base: Record<string, string | undefined> = {
    PATH: [bin, nodeOnlyPath()].join(':'),
    HOME: dir,
    RUNNER_TEMP: path.join(dir, 'temp'),
    RUNNER_TOOL_CACHE: path.join(dir, 'toolcache'),
    GITHUB_OUTPUT: files.out,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'acme/exts',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_WORKFLOW_REF: 'acme/exts/.github/workflows/release.yml@refs/heads/main',
    ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    FAKE_COSIGN_LOG: files.log,
    EXT_ACTIONS_RETRY_DELAY_MS: '5',
  };
  for (const [k, v] of Object.entries(inputs)) base[`INPUT_${k.toUpperCase()}`] = v;
  Object.assign(base, env);
  const childEnv = Object.fromEntries(
    Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [bundle], { env: childEnv, cwd: dir }, (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
  const calls = existsSync(files.log)
    ? readFileSync(files.log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Run['calls'][number])
    : [];
  return {
    code,
    stdout,
    outputs: parseOutputs(readFileSync(files.out, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    calls,
  };
}

const errors = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'));
const cmds = (r: Run, sub: string) =>
  r.calls.filter((c) => c.argv[0] === sub && !c.argv.includes('--help')).map((c) => c.argv);

describe('sign action (bundled)', () => {
  it('signs every bake image by digest with --yes and annotations, verifies with the reusable workflow identity', async () => {
    const images = JSON.stringify([
      {
        name: 'pgvector',
        ref: `ghcr.io/acme/pgvector@${D1}`,
        tags: ['ghcr.io/acme/pgvector:0.8.1-18-trixie'],
      },
      { name: 'postgis', ref: `ghcr.io/acme/postgis@${D2}` },
    ]);
    const r = await run({ images });
    expect(errors(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
    const annotations = [
      '-a',
      'repo=acme/exts',
      '-a',
      'workflow=acme/exts/.github/workflows/release.yml@refs/heads/main',
      '-a',
      `sha=${'f'.repeat(40)}`,
    ];
    expect(cmds(r, 'sign')).toEqual([
      ['sign', '--yes', ...annotations, `ghcr.io/acme/pgvector@${D1}`],
      ['sign', '--yes', ...annotations, `ghcr.io/acme/postgis@${D2}`],
    ]);
    const identity = '^https://github\\.com/cnpg/ext-actions/\\.github/workflows/build\\.yml@';
    // The reusable workflow's identity alone would accept any repository calling it: the caller's
    // repository (the token's repository claim) and the run's ref are pinned too.
    const verifyFlags = [
      '--certificate-identity-regexp',
      identity,
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--certificate-github-workflow-repository',
      'acme/exts',
      '--certificate-github-workflow-ref',
      'refs/heads/main',
    ];
    expect(cmds(r, 'verify')).toEqual([
      ['verify', ...verifyFlags, `ghcr.io/acme/pgvector@${D1}`],
      ['verify', ...verifyFlags, `ghcr.io/acme/postgis@${D2}`],
    ]);
    // every sign happens before any verify
    expect(r.calls.map((c) => c.argv[0])).toEqual(['version', 'sign', 'sign', 'verify', 'verify']);
    expect(server.requests).toEqual(['/token']);
    expect(JSON.parse(r.outputs['signed']!)).toEqual([
      `ghcr.io/acme/pgvector@${D1}`,
      `ghcr.io/acme/postgis@${D2}`,
    ]);
    expect(r.outputs['verify-commands']!.split('\n')).toEqual([
      `cosign verify --certificate-identity-regexp '${identity}' --certificate-oidc-issuer https://token.actions.githubusercontent.com --certificate-github-workflow-repository acme/exts --certificate-github-workflow-ref refs/heads/main ghcr.io/acme/pgvector@${D1}`,
      `cosign verify --certificate-identity-regexp '${identity}' --certificate-oidc-issuer https://token.actions.githubusercontent.com --certificate-github-workflow-repository acme/exts --certificate-github-workflow-ref refs/heads/main ghcr.io/acme/postgis@${D2}`,
    ]);
    expect(r.summary).toContain(`| \`ghcr.io/acme/pgvector\` | \`${D1}\` |`);
    expect(r.summary).toContain(r.outputs['verify-commands']!.split('\n')[1]!);
    expect(r.summary).toContain('every signature verified');
  });

  it('rejects a tag-only ref before signing anything', async () => {
    const r = await run({ images: `ghcr.io/acme/pgvector@${D1}\nghcr.io/acme/postgis:3.6-18\n` });
    expect(r.code).toBe(1);
    expect(errors(r.stdout)).toEqual([
      '::error::input "images": "ghcr.io/acme/postgis:3.6-18" has no digest: expected <repository>@sha256:<64 hex digits>, not a tag; nothing was signed',
    ]);
    expect(r.calls).toEqual([]);
    expect(r.outputs).toEqual({});
    expect(r.stdout).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('retries a transient failure with backoff, then succeeds', async () => {
    const r = await run({ images: `ghcr.io/acme/pgvector@${D1}` }, { FAKE_COSIGN_FAIL: 'sign=2,verify=1' });
    expect(r.code).toBe(0);
    expect(cmds(r, 'sign')).toHaveLength(3);
    expect(cmds(r, 'verify')).toHaveLength(2);
    expect(r.stdout).toContain('::warning::cosign sign --yes');
    expect(r.stdout).toMatch(/503 Service Unavailable; retrying in 5 ms \(attempt 2 of 3\)/);
    expect(r.stdout).toMatch(/retrying in 10 ms \(attempt 3 of 3\)/);
  });

  it('gives up after three attempts, and does not retry a permanent error', async () => {
    const transient = await run({ images: `ghcr.io/acme/pgvector@${D1}` }, { FAKE_COSIGN_FAIL: 'sign=5' });
    expect(transient.code).toBe(1);
    expect(cmds(transient, 'sign')).toHaveLength(3);
    expect(cmds(transient, 'verify')).toHaveLength(0);
    expect(errors(transient.stdout)[0]).toContain(`signing ghcr.io/acme/pgvector@${D1} failed`);
    expect(transient.outputs).toEqual({});

    const permanent = await run(
      { images: `ghcr.io/acme/pgvector@${D1}` },
      { FAKE_COSIGN_FAIL: 'sign=5', FAKE_COSIGN_FAIL_KIND: 'permanent' },
    );
    expect(permanent.code).toBe(1);
    expect(cmds(permanent, 'sign')).toHaveLength(1);
    expect(errors(permanent.stdout)[0]).toContain('UNAUTHORIZED');
  });

  it('fails without OIDC on GitHub, telling the user to add id-token: write', async () => {
    const r = await run(
      { images: `ghcr.io/acme/pgvector@${D1}` },
      { ACTIONS_ID_TOKEN_REQUEST_URL: undefined },
    );
    expect(r.code).toBe(1);
    expect(errors(r.stdout)[0]).toContain('add "permissions: id-token: write" to the job');
    expect(r.calls).toEqual([]);
  });

  it('skips with a warning under act, and with on-missing-oidc: skip', async () => {
    for (const [inputs, env] of [
      [{}, { ACT: 'true' }],
      [{ 'on-missing-oidc': 'skip' }, {}],
    ] as const) {
      const r = await run(
        { images: `ghcr.io/acme/pgvector@${D1}`, ...inputs },
        { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ...env },
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/::warning::no OIDC token.*nothing was signed/);
      expect(r.calls).toEqual([]);
      expect(r.outputs['signed']).toBe('[]');
      expect(r.summary).toContain('Nothing was signed');
    }
  });

  it('signs with a key under act, masks the password, and verifies with the derived public key', async () => {
    writeFileSync(
      path.join(dir, 'cosign.key'),
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n',
    );
    const r = await run(
      {
        images: `127.0.0.1:5000/acme/pgvector@${D1}`,
        key: 'cosign.key',
        tlog: 'false',
        annotations: 'org=acme\nrelease=1',
      },
      { ACT: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: undefined, COSIGN_PASSWORD: 's3cret-pass' },
    );
    expect(errors(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
    const key = path.join(dir, 'cosign.key');
    // cosign 3.1 deprecates --tlog-upload: a signing config without transparency log services instead.
    const [signed] = cmds(r, 'sign');
    expect(signed!.slice(0, 3)).toEqual(['sign', '--yes', '--signing-config']);
    expect(signed![3]).toMatch(/ext-sign-[^/]+\/signing-config\.json$/);
    expect(signed!.slice(4)).toEqual([
      '--key',
      key,
      '-a',
      'org=acme',
      '-a',
      'release=1',
      `127.0.0.1:5000/acme/pgvector@${D1}`,
    ]);
    expect(r.stdout).toContain('signing with a signing config that has no transparency log services');
    expect(r.stdout).not.toContain('--tlog-upload has been deprecated');
    // An older cosign (3.0: --tlog-upload still listed) keeps the flags it understands.
    const legacy = await run(
      { images: `127.0.0.1:5000/acme/pgvector@${D1}`, key: 'cosign.key', tlog: 'false' },
      { ACT: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: undefined, COSIGN_PASSWORD: 'x', FAKE_COSIGN_LEGACY: '1' },
    );
    expect(legacy.code).toBe(0);
    expect(cmds(legacy, 'sign')[0]!.slice(0, 6)).toEqual([
      'sign',
      '--yes',
      '--use-signing-config=false',
      '--tlog-upload=false',
      '--key',
      key,
    ]);
    expect(cmds(r, 'public-key')).toEqual([['public-key', '--key', key]]);
    const verify = cmds(r, 'verify')[0]!;
    expect(verify.slice(0, 2)).toEqual(['verify', '--key']);
    expect(verify[2]).toMatch(/cosign\.pub$/);
    expect(verify.slice(3)).toEqual(['--insecure-ignore-tlog=true', `127.0.0.1:5000/acme/pgvector@${D1}`]);
    expect(
      r.calls.every(
        (c) => c.argv[0] === 'version' || c.argv.includes('--help') || c.password === 's3cret-pass',
      ),
    ).toBe(true);
    expect(r.stdout).toContain('::add-mask::s3cret-pass');
    expect(r.outputs['verify-commands']).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true 127.0.0.1:5000/acme/pgvector@${D1}`,
    );
    expect(server.requests).toEqual([]); // no OIDC needed with a key
  });

  it('signs with an env:// key, masking the key material, and refuses an unset variable', async () => {
    const pem =
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nZmFrZS1rZXktbWF0ZXJpYWw=\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
    const r = await run(
      { images: `ghcr.io/acme/pgvector@${D1}`, key: 'env://COSIGN_PRIVATE_KEY' },
      { COSIGN_PRIVATE_KEY: pem, COSIGN_PASSWORD: 'pw-123456' },
    );
    expect(errors(r.stdout)).toEqual([]);
    expect(cmds(r, 'sign')[0]).toContain('env://COSIGN_PRIVATE_KEY');
    expect(r.stdout).toContain('::add-mask::ZmFrZS1rZXktbWF0ZXJpYWw=');
    expect(r.stdout).toContain('::add-mask::pw-123456');
    const unset = await run({ images: `ghcr.io/acme/pgvector@${D1}`, key: 'env://NOPE' });
    expect(errors(unset.stdout)[0]).toBe(
      '::error::input "key": env://NOPE names an unset environment variable; nothing was signed',
    );
    expect(cmds(unset, 'sign')).toEqual([]);
  });

  it('signs files as blobs with a .sigstore.json bundle and verifies them', async () => {
    writeFileSync(path.join(dir, 'catalog.yaml'), 'images: []\n');
    const r = await run({ files: 'catalog.yaml', verify: 'true' });
    expect(errors(r.stdout)).toEqual([]);
    const file = path.join(dir, 'catalog.yaml');
    expect(cmds(r, 'sign-blob')).toEqual([['sign-blob', '--yes', '--bundle', `${file}.sigstore.json`, file]]);
    expect(cmds(r, 'verify-blob')[0]).toEqual([
      'verify-blob',
      '--certificate-identity-regexp',
      '^https://github\\.com/cnpg/ext-actions/\\.github/workflows/build\\.yml@',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--certificate-github-workflow-repository',
      'acme/exts',
      '--certificate-github-workflow-ref',
      'refs/heads/main',
      '--bundle',
      `${file}.sigstore.json`,
      file,
    ]);
    expect(existsSync(`${file}.sigstore.json`)).toBe(true);
    expect(JSON.parse(r.outputs['signed-files']!)).toEqual([{ file, bundle: `${file}.sigstore.json` }]);
    expect(r.outputs['verify-commands']).toContain('cosign verify-blob');
    expect(r.outputs['verify-commands']).toContain('--bundle catalog.yaml.sigstore.json catalog.yaml');
  });

  it('refuses a missing file, a bad annotation and a bad enum before signing', async () => {
    const missing = await run({ images: `ghcr.io/acme/pgvector@${D1}`, files: 'nope.yaml' });
    expect(errors(missing.stdout)[0]).toContain('input "files": no such file: "nope.yaml"');
    const annotation = await run({ images: `ghcr.io/acme/pgvector@${D1}`, annotations: 'not-a-pair' });
    expect(errors(annotation.stdout)[0]).toContain('input "annotations": expected one key=value per line');
    const tlog = await run({ images: `ghcr.io/acme/pgvector@${D1}`, tlog: 'maybe' });
    expect(errors(tlog.stdout)[0]).toBe(
      '::error::input "tlog": expected one of auto, true, false, got "maybe"',
    );
    for (const r of [missing, annotation, tlog]) {
      expect(r.code).toBe(1);
      expect(r.calls).toEqual([]);
    }
  });

  it('refuses an annotation cosign would split (comma, second "=") before signing anything', async () => {
    for (const annotations of ['desc=pgvector, pgaudit', 'url=https://x.example/?a=b']) {
      const r = await run({ images: `ghcr.io/acme/pgvector@${D1}`, annotations });
      expect(r.code).toBe(1);
      expect(errors(r.stdout)[0]).toContain(
        `input "annotations": expected one key=value per line, with a single "=" and no ","`,
      );
      expect(r.calls.filter((c) => c.argv[0] !== 'version')).toEqual([]);
    }
  });

  it('encodes default annotation values cosign would split, so signing works on any branch name', async () => {
    const r = await run(
      { images: `ghcr.io/acme/pgvector@${D1}` },
      { GITHUB_WORKFLOW_REF: 'acme/exts/.github/workflows/release.yml@refs/heads/fix,a=b' },
    );
    expect(errors(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
    expect(cmds(r, 'sign')[0]).toContain(
      'workflow=acme/exts/.github/workflows/release.yml@refs/heads/fix%2Ca%3Db',
    );
  });

  it('does not sign bake images that were not pushed, and says so', async () => {
    const images = JSON.stringify([
      { ref: `ghcr.io/acme/pgvector@${D1}`, pushed: true },
      { ref: `ghcr.io/acme/postgis@${D2}`, pushed: false },
    ]);
    const r = await run({ images });
    expect(r.code).toBe(0);
    expect(cmds(r, 'sign').map((a) => a.at(-1))).toEqual([`ghcr.io/acme/pgvector@${D1}`]);
    expect(r.stdout).toContain(
      `::warning::input "images": not signing 1 image(s) the bake action did not push (pushed: false): ghcr.io/acme/postgis@${D2}`,
    );
    expect(JSON.parse(r.outputs['signed']!)).toEqual([`ghcr.io/acme/pgvector@${D1}`]);

    const none = await run({
      images: JSON.stringify([{ ref: `ghcr.io/acme/postgis@${D2}`, pushed: false }]),
    });
    expect(none.code).toBe(0);
    expect(none.calls).toEqual([]);
    expect(none.outputs['signed']).toBe('[]');
  });

  it('fails when a signature does not verify for the expected identity, without retrying or writing outputs', async () => {
    writeFileSync(path.join(dir, 'catalog.yaml'), 'images: []\n');
    // The signature carries the caller's workflow, not the reusable workflow the token names.
    const signer = 'https://github.com/acme/exts/.github/workflows/release.yml@refs/heads/main';
    const image = await run({ images: `ghcr.io/acme/pgvector@${D1}` }, { FAKE_COSIGN_SIGNER: signer });
    expect(image.code).toBe(1);
    expect(errors(image.stdout)[0]).toContain(
      `the signature of ghcr.io/acme/pgvector@${D1} does not verify: cosign verify`,
    );
    expect(errors(image.stdout)[0]).toContain('no matching CertificateIdentity found');
    expect(cmds(image, 'verify')).toHaveLength(1);
    expect(image.outputs).toEqual({});

    const blob = await run({ files: 'catalog.yaml' }, { FAKE_COSIGN_SIGNER: signer });
    expect(blob.code).toBe(1);
    expect(errors(blob.stdout)[0]).toContain('catalog.yaml does not verify');
    expect(cmds(blob, 'verify-blob')).toHaveLength(1);

    // the identity the action derives from job_workflow_ref matches the reusable workflow's signature
    const ok = await run(
      { images: `ghcr.io/acme/pgvector@${D1}` },
      { FAKE_COSIGN_SIGNER: `https://github.com/${REUSABLE}` },
    );
    expect(errors(ok.stdout)).toEqual([]);
    expect(ok.code).toBe(0);
  });

  it('refuses a signature by another repository calling the same reusable workflow, printing the pins', async () => {
    writeFileSync(path.join(dir, 'catalog.yaml'), 'images: []\n');
    // Same signer identity (the reusable workflow's file), but the run belonged to someone else's repository.
    const cert = {
      FAKE_COSIGN_SIGNER: `https://github.com/${REUSABLE}`,
      FAKE_COSIGN_CERT_REF: 'refs/heads/main',
    };
    const fork = { ...cert, FAKE_COSIGN_CERT_REPOSITORY: 'someone/fork' };
    const image = await run({ images: `ghcr.io/acme/pgvector@${D1}` }, fork);
    expect(image.code).toBe(1);
    expect(errors(image.stdout)[0]).toContain(
      'no matching signatures: expected GitHub Workflow Repository not found in certificate',
    );
    expect(image.outputs).toEqual({});
    const blob = await run({ files: 'catalog.yaml' }, fork);
    expect(blob.code).toBe(1);
    expect(errors(blob.stdout)[0]).toContain('expected GitHub Workflow Repository not found in certificate');
    // Same repository, another ref (a branch that is not the one this run signed on).
    const branch = await run(
      { images: `ghcr.io/acme/pgvector@${D1}` },
      { ...cert, FAKE_COSIGN_CERT_REPOSITORY: 'acme/exts', FAKE_COSIGN_CERT_REF: 'refs/heads/feature' },
    );
    expect(branch.code).toBe(1);
    expect(errors(branch.stdout)[0]).toContain('expected GitHub Workflow Ref not found in certificate');
    const ok = await run(
      { images: `ghcr.io/acme/pgvector@${D1}` },
      { ...cert, FAKE_COSIGN_CERT_REPOSITORY: 'acme/exts', FAKE_COSIGN_CERT_TRIGGER: 'push' },
    );
    expect(errors(ok.stdout)).toEqual([]);
    expect(ok.summary).toContain('repository `acme/exts`, ref `refs/heads/main`');
  });

  it('pins the repository, ref and trigger given as inputs, and refuses malformed ones before signing', async () => {
    const r = await run(
      {
        images: `ghcr.io/acme/pgvector@${D1}`,
        'certificate-github-workflow-repository': 'acme/other',
        'certificate-github-workflow-ref': 'refs/tags/v1.0.0',
        'certificate-github-workflow-trigger': 'push',
      },
      { FAKE_COSIGN_CERT_TRIGGER: 'push', FAKE_COSIGN_CERT_REPOSITORY: 'acme/other' },
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs['verify-commands']).toContain(
      '--certificate-github-workflow-repository acme/other --certificate-github-workflow-ref refs/tags/v1.0.0 --certificate-github-workflow-trigger push ghcr.io/',
    );
    const bad = await run({
      images: `ghcr.io/acme/pgvector@${D1}`,
      'certificate-github-workflow-repository': 'acme/other\n--key=x',
    });
    expect(bad.code).toBe(1);
    expect(errors(bad.stdout)).toEqual([
      '::error::input "certificate-github-workflow-repository": expected owner/name, got "acme/other\\n--key=x"; nothing was signed',
    ]);
    expect(bad.calls).toEqual([]);
  });

  it('stops at the first image that cannot be signed, naming the ones already signed', async () => {
    const r = await run(
      { images: `ghcr.io/acme/pgvector@${D1}\nghcr.io/acme/postgis@${D2}` },
      { FAKE_COSIGN_MISSING: 'postgis' },
    );
    expect(r.code).toBe(1);
    expect(cmds(r, 'sign')).toHaveLength(2); // MANIFEST_UNKNOWN is not retried
    expect(errors(r.stdout)[0]).toMatch(
      new RegExp(`^::error::signing ghcr.io/acme/postgis@${D2} failed: .*MANIFEST_UNKNOWN`),
    );
    expect(errors(r.stdout)[0]).toContain(`(already signed: ghcr.io/acme/pgvector@${D1})`);
    expect(cmds(r, 'verify')).toEqual([]);
    expect(r.outputs).toEqual({});
  });

  it('skips verification with verify: false, still printing verify commands', async () => {
    const r = await run({ images: `ghcr.io/acme/pgvector@${D1}`, verify: 'false' });
    expect(r.code).toBe(0);
    expect(cmds(r, 'verify')).toEqual([]);
    expect(r.outputs['verify-commands']).toMatch(/^cosign verify /);
    expect(r.summary).toContain('verification skipped');
  });
});

describe('sign action: cosign install', () => {
  const FAKE = readFileSync(path.join(fakeBin, 'cosign'));
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const RELEASE_SIGNER = [
    'keyless@projectsigstore.iam.gserviceaccount.com',
    'https://accounts.google.com',
  ] as const;
  const base = (v: string) => `/github.com/sigstore/cosign/releases/download/${v}`;
  const noCosign = path.join(os.tmpdir(), 'ext-sign-empty-bin');
  let sigstore: MockSigstore;
  // A fake release: the binary, its checksum file and its keyless Sigstore bundle (over `listed`).
  const release = async (v: string, body: Buffer, listed: Buffer = body) => {
    server.routes.set(`${base(v)}/cosign-linux-amd64`, { body });
    server.routes.set(`${base(v)}/cosign_checksums.txt`, {
      body: `${sha('x')}  cosign-darwin-arm64\n${sha(listed)}  cosign-linux-amd64\n`,
    });
    server.routes.set(`${base(v)}/cosign-linux-amd64.sigstore.json`, {
      body: await sigstore.signBlob(listed, ...RELEASE_SIGNER),
    });
  };
  const mirror = () => ({
    EXT_ACTIONS_TOOLS_MIRROR: server.url,
    EXT_ACTIONS_SIGSTORE_TRUSTED_ROOT: path.join(dir, 'trusted_root.json'),
  });
  const install = (version: string, env = mirror()) =>
    run(
      { images: `ghcr.io/acme/pgvector@${D1}`, ...(version ? { 'cosign-version': version } : {}) },
      env,
      noCosign,
    );

  beforeAll(async () => {
    sigstore = await mockSigstore();
  });
  beforeEach(() => writeFileSync(path.join(dir, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot)));

  it('downloads the requested version from the (mirrored) release, verifies checksum and bundle, and uses it', async () => {
    await release('v3.1.0', FAKE);
    const r = await install('v3.1.0');
    expect(errors(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Sigstore bundle verified (signed by keyless@projectsigstore.iam.gserviceaccount.com)',
    );
    expect(r.stdout).toContain(
      `${path.join(dir, 'toolcache', 'cosign', '3.1.0', 'amd64', 'cosign')} (download)`,
    );
    expect(cmds(r, 'sign')).toHaveLength(1);
  });

  it('takes cosign-release as cosign-version, and puts the cosign it installed on PATH for later steps', async () => {
    await release('v3.1.0', FAKE);
    const githubPath = path.join(dir, 'github_path');
    writeFileSync(githubPath, '');
    const r = await run(
      { images: `ghcr.io/acme/pgvector@${D1}`, 'cosign-release': 'v3.1.0' },
      { ...mirror(), GITHUB_PATH: githubPath },
      noCosign,
    );
    expect(errors(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
    const installed = path.join(dir, 'toolcache', 'cosign', '3.1.0', 'amd64');
    expect(r.stdout).toContain(`${path.join(installed, 'cosign')} (`);
    expect(readFileSync(githubPath, 'utf8').trim().split('\n')).toContain(installed);
    const both = await run(
      { images: `ghcr.io/acme/pgvector@${D1}`, 'cosign-release': 'v3.1.0', 'cosign-version': 'v3.0.6' },
      mirror(),
      noCosign,
    );
    expect(both.code).toBe(1);
    expect(errors(both.stdout)[0]).toContain(
      'input "cosign-release": an alias of "cosign-version"; give one of them, got v3.1.0 and v3.0.6',
    );
  });

  it('refuses a release whose Sigstore bundle is missing or signed by someone else, caching nothing', async () => {
    await release('v3.1.0', FAKE);
    server.routes.delete(`${base('v3.1.0')}/cosign-linux-amd64.sigstore.json`);
    const missing = await install('v3.1.0');
    expect(errors(missing.stdout)[0]).toContain(
      'cannot verify cosign v3.1.0 (amd64): its Sigstore bundle: download of',
    );
    expect(errors(missing.stdout)[0]).toContain('HTTP 404');

    server.routes.set(`${base('v3.1.0')}/cosign-linux-amd64.sigstore.json`, {
      body: await sigstore.signBlob(FAKE, 'mallory@example.com', 'https://accounts.google.com'),
    });
    const forged = await install('v3.1.0');
    expect(errors(forged.stdout)[0]).toContain('cosign v3.1.0 (amd64): the Sigstore bundle does not verify');

    const stranger = await mockSigstore(); // right identity, but not the trusted Sigstore instance
    server.routes.set(`${base('v3.1.0')}/cosign-linux-amd64.sigstore.json`, {
      body: await stranger.signBlob(FAKE, ...RELEASE_SIGNER),
    });
    const untrusted = await install('v3.1.0');
    expect(errors(untrusted.stdout)[0]).toContain('the Sigstore bundle does not verify');
    for (const r of [missing, forged, untrusted]) {
      expect(r.code).toBe(1);
      expect(r.calls).toEqual([]);
    }
    expect(existsSync(path.join(dir, 'toolcache', 'cosign'))).toBe(false);
  });

  it("without a trusted-root file, fetches Sigstore's trusted root through TUF from the bundle (refusing when it cannot)", async () => {
    await release('v3.1.0', FAKE);
    const r = await install('v3.1.0', { ...mirror(), EXT_ACTIONS_SIGSTORE_TRUSTED_ROOT: '' });
    expect(r.code).toBe(1);
    // Offline: the TUF refresh fails. Online: the public-good root does not trust the mock's bundle.
    expect(errors(r.stdout)[0]).toMatch(
      /cannot fetch Sigstore's trusted root through TUF|the Sigstore bundle does not verify/,
    );
    expect(r.stdout).not.toContain('internal error');
    expect(r.calls).toEqual([]);
  });

  it('refuses a default-version binary that does not match the SHA-256 pinned from the cosign-installer', async () => {
    await release('v3.0.6', FAKE); // a checksum file that lists the fake's hash, not the published one
    const r = await install('');
    expect(r.code).toBe(1);
    expect(errors(r.stdout)[0]).toContain(
      'differs from the SHA-256 pinned in ext-actions (c956e5dfcac53d52bcf058360d579472f0c1d2d9b69f55209e256fe7783f4c74)',
    );
    expect(r.calls).toEqual([]);
  });

  it('refuses a download whose hash does not match the checksum file', async () => {
    await release('v3.1.0', Buffer.from('#!/bin/sh\necho tampered\n'), FAKE);
    const r = await install('3.1.0');
    expect(r.code).toBe(1);
    expect(errors(r.stdout)[0]).toContain('refusing to install cosign v3.1.0 (amd64): SHA-256 mismatch');
  });

  it('refuses a cosign v2 on PATH and a v2 version request', async () => {
    const old = await run({ images: `ghcr.io/acme/pgvector@${D1}` }, { FAKE_COSIGN_VERSION: 'v2.4.1' });
    expect(errors(old.stdout)[0]).toContain('cosign v2.4.1 found on PATH');
    const v2 = await run({ images: `ghcr.io/acme/pgvector@${D1}`, 'cosign-version': 'v2.2.4' });
    expect(errors(v2.stdout)[0]).toContain('needs cosign v3 or later');
    expect(cmds(v2, 'sign')).toEqual([]);
  });
});
