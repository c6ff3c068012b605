/**
 * `ext-actions inspect|verify-layout|promote` as users run them (the committed CLI bundle in a child
 * process) against a real docker-registry, including Bearer token and Basic auth with credentials from
 * `$DOCKER_CONFIG/config.json` or `--username/--password-stdin`, through an auth-checking proxy.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/fault-proxy.js';
import { extensionFiles, pushImage, type PushedImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'dist/cli/index.js');
let registry: TestRegistry;
let proxy: FaultProxy;
let client: RegistryClient;
let pushed: PushedImage;
let work: string;

function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: { ...process.env, DOCKER_CONFIG: path.join(work, 'no-docker'), ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const annotations = {
  'io.cloudnativepg.image.base.pgmajor': '18',
  'io.cloudnativepg.image.base.os': 'trixie',
  'io.cloudnativepg.image.sql.version': '0.8.6',
  'io.cloudnativepg.image.base.name': 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
};

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.host);
  client = new RegistryClient(registry.host);
  work = await mkdtemp(path.join(os.tmpdir(), 'ext-registry-cli-'));
  pushed = await pushImage(client, 'pgvector-testing', '0.8.6-18-trixie', {
    platforms: ['amd64', 'arm64'].map((arch) => ({
      platform: `linux/${arch}`,
      layers: [extensionFiles({ arch, sqlName: 'vector', version: '0.8.6' })],
    })),
    annotations,
  });
  await mkdir(path.join(work, 'exts/pgvector'), { recursive: true });
  await writeFile(
    path.join(work, 'exts/pgvector/metadata.hcl'),
    `metadata = {
  name = "pgvector"
  sql_name = "vector"
  image_name = "pgvector"
  licenses = ["PostgreSQL"]
  create_extension = true
  versions = { trixie = { "18" = { package = "0.8.6-1.pgdg13+1", sql = "0.8.7" } } }
}
`,
  );
});
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('ext-actions inspect / verify-layout / promote', () => {
  it('inspect prints digest, platforms and annotations as JSON', async () => {
    const r = await cli(['inspect', `${registry.host}/pgvector-testing:0.8.6-18-trixie`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      digest: pushed.digest,
      platforms: ['linux/amd64', 'linux/arm64'],
      annotations,
    });
  });

  it('verify-layout passes the image, and fails it against metadata that disagrees', async () => {
    const ok = await cli(['verify-layout', `${registry.host}/pgvector-testing:0.8.6-18-trixie`]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^\S+\/pgvector-testing:0\.8\.6-18-trixie@sha256:[0-9a-f]{64}: linux\/amd64, linux\/arm64: 0 error\(s\), 0 warning\(s\)$/m,
    );
    // A reference by digest is printed once, not followed by its digest again.
    const digest = /@(sha256:[0-9a-f]{64})/.exec(ok.stdout)![1]!;
    const byDigest = await cli(['verify-layout', `${registry.host}/pgvector-testing@${digest}`]);
    expect(byDigest.stdout).toContain(`${registry.host}/pgvector-testing@${digest}: linux/amd64`);
    expect(byDigest.stdout).not.toContain(`${digest}@`);
    const bad = await cli([
      'verify-layout',
      `${registry.host}/pgvector-testing:0.8.6-18-trixie`,
      '--root',
      'exts',
      '--extension',
      'pgvector',
    ]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain(
      `error ${path.join(work, 'exts/pgvector/metadata.hcl')}: annotation io.cloudnativepg.image.sql.version=0.8.6 differs from metadata.hcl versions.trixie["18"].sql = 0.8.7`,
    );
    const usage = await cli(['verify-layout']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: ext-actions verify-layout: expected one image reference/);
  });

  it('promote copies by digest and prints the result', async () => {
    const r = await cli([
      'promote',
      `${registry.host}/pgvector-testing@${pushed.digest}`,
      `${registry.host}/pgvector`,
      '--tag',
      '0.8.6-18-trixie',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      digest: pushed.digest,
      ref: `${registry.host}/pgvector@${pushed.digest}`,
      tags: [`${registry.host}/pgvector:0.8.6-18-trixie`],
    });
    expect((await client.headManifest('pgvector', '0.8.6-18-trixie'))?.digest).toBe(pushed.digest);
  });
});

describe('registry authentication', () => {
  const token = 'tok-123';
  const basic = `Basic ${Buffer.from('robot:s3cret').toString('base64')}`;
  const scopes: string[] = [];
  /** A token server and a registry that wants `Bearer tok-123`, like ghcr.io or Docker Hub. */
  const bearer = ({ path: p, headers }: ProxiedRequest) => {
    if (p.startsWith('/token')) {
      if (headers.authorization !== basic)
        return { status: 401, body: '{"errors":[{"code":"DENIED","message":"bad credentials"}]}' };
      scopes.push(...new URL(p, 'http://x').searchParams.getAll('scope'));
      return { status: 200, body: JSON.stringify({ token }) };
    }
    if (headers.authorization === `Bearer ${token}`) return undefined;
    return {
      status: 401,
      headers: { 'www-authenticate': `Bearer realm="http://${proxy.host}/token",service="test-registry"` },
      body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
    };
  };

  it('answers a Bearer challenge with credentials from $DOCKER_CONFIG/config.json', async () => {
    proxy.setRule(bearer);
    try {
      const dockerConfig = path.join(work, 'docker');
      await rm(dockerConfig, { recursive: true, force: true });
      await mkdir(dockerConfig);
      await writeFile(
        path.join(dockerConfig, 'config.json'),
        JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('robot:s3cret').toString('base64') } } }),
      );
      const r = await cli(['inspect', `${proxy.host}/pgvector-testing:0.8.6-18-trixie`], {
        env: { DOCKER_CONFIG: dockerConfig },
      });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).digest).toBe(pushed.digest);
      expect(scopes).toContain('repository:pgvector-testing:pull');

      const none = await cli(['inspect', `${proxy.host}/pgvector-testing:0.8.6-18-trixie`]);
      expect(none.code).toBe(2);
      expect(none.stderr).toBe(
        `error: registry ${proxy.host}, repository pgvector-testing: get manifest "0.8.6-18-trixie": token request to http://${proxy.host}/token failed: 401 Unauthorized ({"errors":[{"code":"DENIED","message":"bad credentials"}]}); no credentials found for this registry\n`,
      );

      // A credential helper (docker login on a desktop) is named, not silently ignored.
      const helperConfig = path.join(work, 'docker-helper');
      await mkdir(helperConfig, { recursive: true });
      await writeFile(
        path.join(helperConfig, 'config.json'),
        JSON.stringify({ auths: { [proxy.host]: {} }, credsStore: 'desktop' }),
      );
      const helper = await cli(['inspect', `${proxy.host}/pgvector-testing:0.8.6-18-trixie`], {
        env: { DOCKER_CONFIG: helperConfig },
      });
      expect(helper.code).toBe(2);
      expect(helper.stderr).toContain(
        `no credentials found for this registry: ${path.join(helperConfig, 'config.json')} sets credsStore = "desktop", a credential helper (docker-credential-desktop) that ext-actions does not run`,
      );
    } finally {
      proxy.setRule(() => undefined);
    }
  });

  it('uses Basic auth with --username and --password-stdin, and asks for push scope when promoting', async () => {
    proxy.setRule(({ headers }) =>
      headers.authorization === basic
        ? undefined
        : { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' }, body: '' },
    );
    try {
      const r = await cli(
        [
          'inspect',
          '--username',
          'robot',
          '--password-stdin',
          `${proxy.host}/pgvector-testing@${pushed.digest}`,
        ],
        {
          input: 's3cret\n',
        },
      );
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).digest).toBe(pushed.digest);
      const wrong = await cli(
        [
          'inspect',
          '--username',
          'robot',
          '--password-stdin',
          `${proxy.host}/pgvector-testing@${pushed.digest}`,
        ],
        {
          input: 'nope\n',
        },
      );
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/401 Unauthorized; check the credentials/);
    } finally {
      proxy.setRule(() => undefined);
    }
    scopes.length = 0;
    proxy.setRule(bearer);
    try {
      const dockerConfig = path.join(work, 'docker');
      const r = await cli(
        [
          'promote',
          `${proxy.host}/pgvector-testing@${pushed.digest}`,
          `${proxy.host}/auth/pgvector`,
          '--tag',
          'v1',
        ],
        {
          env: { DOCKER_CONFIG: dockerConfig },
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(scopes).toContain('repository:auth/pgvector:pull,push');
      expect(scopes).toContain('repository:pgvector-testing:pull');
    } finally {
      proxy.setRule(() => undefined);
    }
  });
});
