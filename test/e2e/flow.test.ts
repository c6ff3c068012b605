/**
 * The whole e2e flow with faithful fakes: kind, kubectl and chainsaw are downloaded from a real HTTP
 * server on 127.0.0.1 (through the tools mirror) and verified against their release checksum files;
 * docker is first on PATH. Every fake records its argv (JSON lines), so the test asserts the kind config,
 * the registry wiring, the CNPG manifest URL per version, the chainsaw invocations, diagnostics and teardown.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  cpSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { e2e, type E2eOptions } from '../../src/e2e/flow.js';
import type { Inspect } from '../../src/e2e/resolve.js';
import { defaultExec, teardown, type Log } from '../../src/e2e/runner.js';
import { MIRROR_ENV, TRUSTED_ROOT_ENV } from '../../src/tools/index.js';
import { cnpgManifestSigner } from '../../src/e2e/cnpg.js';
import { mockSigstore } from '../support/sigstore-mock.js';
import { AMD_ONLY, writeRepo } from '../bake/support/fixtures.js';
import { startServer, type TestServer } from '../support/http-server.js';

const FAKES = path.resolve(import.meta.dirname, 'fakes');
const ROOT = path.resolve(import.meta.dirname, '../../extensions');
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const NODE_134 = `kindest/node:v1.34.0@sha256:${'c'.repeat(64)}`;
const NODE_136 = `kindest/node:v1.36.1@sha256:${'d'.repeat(64)}`;

let server: TestServer;
let dir: string;
let logFile: string;
const saved = { ...process.env };

/** Publishes fake releases of kind, kubectl and chainsaw as their projects lay them out. */
function publish(tamper?: 'kind' | 'kubectl' | 'chainsaw', missing?: string) {
  const kind = readFileSync(path.join(FAKES, 'kind'));
  const kubectl = readFileSync(path.join(FAKES, 'kubectl'));
  const stage = path.join(dir, 'stage');
  mkdirSync(stage, { recursive: true });
  cpSync(path.join(FAKES, 'chainsaw'), path.join(stage, 'chainsaw'));
  execFileSync('tar', ['-czf', path.join(dir, 'chainsaw.tgz'), '-C', stage, 'chainsaw']);
  const tgz = readFileSync(path.join(dir, 'chainsaw.tgz'));
  const routes: Record<string, string | Buffer> = {
    '/github.com/kubernetes-sigs/kind/releases/download/v0.32.0/kind-linux-amd64': kind,
    '/github.com/kubernetes-sigs/kind/releases/download/v0.32.0/kind-linux-amd64.sha256sum': `${tamper === 'kind' ? sha('x') : sha(kind)}  kind-linux-amd64\n`,
    '/dl.k8s.io/release/v1.36.1/bin/linux/amd64/kubectl': kubectl,
    '/dl.k8s.io/release/v1.36.1/bin/linux/amd64/kubectl.sha256':
      tamper === 'kubectl' ? sha('x') : sha(kubectl),
    '/github.com/kyverno/chainsaw/releases/download/v0.2.15/chainsaw_linux_amd64.tar.gz': tgz,
    '/github.com/kyverno/chainsaw/releases/download/v0.2.15/checksums.txt': `${sha('d')}  chainsaw_darwin_arm64.tar.gz\n${tamper === 'chainsaw' ? sha('x') : sha(tgz)}  chainsaw_linux_amd64.tar.gz\n`,
  };
  server.routes.clear();
  for (const [p, body] of Object.entries({ ...routes, ...cnpgRoutes }))
    if (p !== missing) server.routes.set(p, { body });
}

/** Who signs a release's manifest, written out here rather than taken from the code under test. */
const CNPG_SIGNER = (r: string) =>
  `https://github.com/cloudnative-pg/cloudnative-pg/.github/workflows/release-publish.yml@refs/tags/v${r}`;

/** The CNPG operator manifests as published: release assets with their Sigstore bundles, and main's. */
const cnpgRoutes: Record<string, string | Buffer> = {};
const cnpgManifest = (v: string) => `# operator manifest ${v}\napiVersion: v1\nkind: Namespace\n`;
async function publishCnpg(trustedRootFile: string) {
  expect(CNPG_SIGNER('1.30.0')).toBe(
    'https://github.com/cloudnative-pg/cloudnative-pg/.github/workflows/release-publish.yml@refs/tags/v1.30.0',
  );
  const sigstore = await mockSigstore();
  writeFileSync(trustedRootFile, JSON.stringify(sigstore.trustedRoot));
  for (const r of ['1.30.0', '1.29.2']) {
    const rel = `/github.com/cloudnative-pg/cloudnative-pg/releases/download/v${r}/cnpg-${r}`;
    cnpgRoutes[`${rel}.yaml`] = cnpgManifest(r);
    cnpgRoutes[`${rel}.sigstore.json`] = await sigstore.signBlob(
      Buffer.from(cnpgManifest(r)),
      CNPG_SIGNER(r),
      'https://token.actions.githubusercontent.com',
    );
    // The code under test names the same signer (pinned in test/e2e/cnpg-manifest.test.ts too).
    expect(cnpgManifestSigner(r)).toEqual({
      subjectAlternativeName: CNPG_SIGNER(r),
      issuer: 'https://token.actions.githubusercontent.com',
    });
  }
  cnpgRoutes['/raw.githubusercontent.com/cloudnative-pg/artifacts/main/manifests/operator-manifest.yaml'] =
    cnpgManifest('main');
}

function calls(): { tool: string; argv: string[]; [k: string]: unknown }[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const logged: string[] = [];
const log: Log = {
  info: (m) => logged.push(`info: ${m}`),
  error: (m, t) => logged.push(`error[${t ?? ''}]: ${m}`),
  group: async (_n, fn) => fn(),
};

const IMAGE = `ghcr.io/acme/pgrouting-testing@sha256:${'e'.repeat(64)}`;
const DEP = 'ghcr.io/acme/postgis-extension:3.6.4-18-trixie';
const annotations = (sql: string) => ({
  'io.cloudnativepg.image.base.name': 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  'io.cloudnativepg.image.base.os': 'trixie',
  'io.cloudnativepg.image.base.pgmajor': '18',
  'io.cloudnativepg.image.sql.version': sql,
});
const inspect: Inspect = async (ref) => ({
  annotations: ref === IMAGE ? annotations('4.0.1') : ref === DEP ? annotations('3.6.4') : {},
});

/** What the fakes read from their environment: passed through like a user's `pass-env`. */
const FAKE_ENV = ['E2E_FAKE_LOG', 'E2E_FAKE_FAIL', 'E2E_FAKE_STATE', 'E2E_FAKE_DIR'];

function options(overrides: Partial<E2eOptions> = {}): E2eOptions {
  return {
    passEnv: FAKE_ENV,
    root: ROOT,
    extension: 'pgrouting',
    image: IMAGE,
    cnpg: 'latest',
    nodeImage: NODE_136,
    versions: { kind: 'v0.32.0', kubectl: 'v1.36.1', chainsaw: 'v0.2.15' },
    extraArgs: '--parallel 1 --assert-timeout "5m"',
    keep: false,
    workDir: path.join(dir, 'work'),
    report: path.join(dir, 'reports'),
    registry: 'ghcr.io/acme',
    ...overrides,
  };
}

const trustedRoot = path.join(mkdtempSync(path.join(os.tmpdir(), 'ext-e2e-root-')), 'trusted_root.json');
beforeAll(async () => {
  server = await startServer();
  await publishCnpg(trustedRoot);
  (globalThis as Record<string, unknown>)['TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS'] = 0;
  (globalThis as Record<string, unknown>)['TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS'] = 0;
});
afterAll(() => server.close());
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ext-e2e-flow-'));
  logFile = path.join(dir, 'calls.jsonl');
  mkdirSync(path.join(dir, 'state'));
  Object.assign(process.env, {
    RUNNER_TOOL_CACHE: path.join(dir, 'cache'),
    RUNNER_TEMP: path.join(dir, 'temp'),
    [MIRROR_ENV]: server.url,
    [TRUSTED_ROOT_ENV]: trustedRoot,
    E2E_FAKE_LOG: logFile,
    E2E_FAKE_STATE: path.join(dir, 'state'),
    E2E_FAKE_DIR: FAKES,
    PATH: `${FAKES}${path.delimiter}${saved['PATH']}`,
  });
  delete process.env['E2E_FAKE_FAIL'];
  logged.length = 0;
  publish();
  server.requests.length = 0;
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('e2e flow', () => {
  it('runs registry, kind, registry wiring, CNPG, both suites; values and reports', async () => {
    const result = await e2e(
      defaultExec,
      log,
      options({ credentials: { username: 'bot', password: 's3cret-token' } }),
      inspect,
    );
    expect(result.passed).toBe(true);
    const c = calls();
    const docker = c.filter((x) => x.tool === 'docker').map((x) => x.argv);
    expect(docker[1]).toEqual(['network', 'create', 'ext-actions-e2e']);
    expect(docker).toContainEqual([
      'run',
      '-d',
      '--restart=always',
      '--name',
      'registry.ext-actions',
      '--network',
      'ext-actions-e2e',
      '-p',
      '127.0.0.1:5000:5000',
      'registry:3.1.1@sha256:1be55279f18a2fe1a74edf2664cac61c1bea305b7b4642dab412e7affdcb3e33',
    ]);
    // kind: network, node image, kind config (1.36: no feature gate; containerd config_path)
    const create = c.find((x) => x.tool === 'kind' && x.argv[0] === 'create')!;
    expect(create.argv.slice(0, 5)).toEqual(['create', 'cluster', '--name', 'ext-e2e-1-30', '--image']);
    expect(create.argv[5]).toBe(NODE_136);
    expect(create['network']).toBe('ext-actions-e2e');
    const config = parse(create['config'] as string);
    expect(config.featureGates).toBeUndefined();
    expect(config.containerdConfigPatches[0]).toContain('[plugins."io.containerd.cri.v1.images".registry]');
    expect(config.containerdConfigPatches[0]).toContain('config_path = "/etc/containerd/certs.d"');
    // registry wiring: hosts.toml through stdin; kubelet credentials through stdin only
    const node = 'ext-e2e-1-30-control-plane';
    expect(docker).toContainEqual([
      'exec',
      node,
      'mkdir',
      '-p',
      '/etc/containerd/certs.d/registry.ext-actions:5000',
    ]);
    const hosts = c.find((x) =>
      x.argv.includes('/etc/containerd/certs.d/registry.ext-actions:5000/hosts.toml'),
    )!;
    expect(hosts.argv).toEqual([
      'exec',
      '-i',
      node,
      'cp',
      '/dev/stdin',
      '/etc/containerd/certs.d/registry.ext-actions:5000/hosts.toml',
    ]);
    expect(hosts['stdin']).toContain('[host."http://registry.ext-actions:5000"]');
    const kubelet = c.find((x) => x.argv.includes('/var/lib/kubelet/config.json'))!;
    expect(JSON.parse(kubelet['stdin'] as string)).toEqual({
      auths: { 'ghcr.io': { auth: Buffer.from('bot:s3cret-token').toString('base64') } },
    });
    expect(JSON.stringify(c.map((x) => x.argv))).not.toContain('s3cret-token');
    // kind's private-registries guide: kubelet must be restarted to pick up credentials added at runtime,
    // before anything is pulled (the CNPG install comes after)
    const restart = c.findIndex(
      (x) => x.tool === 'docker' && x.argv.join(' ') === `exec ${node} systemctl restart kubelet.service`,
    );
    expect(restart).toBeGreaterThan(c.indexOf(kubelet));
    expect(restart).toBeLessThan(c.findIndex((x) => x.tool === 'kubectl'));
    // CNPG from the 1.30.0 release manifest, verified and applied from a file, then wait for the operator
    const kubectl = c.filter((x) => x.tool === 'kubectl').map((x) => x.argv.slice(2));
    const applied = path.join(dir, 'work', 'cnpg-1.30.0.yaml');
    expect(readFileSync(applied, 'utf8')).toBe(cnpgManifest('1.30.0'));
    expect(kubectl).toEqual([
      ['apply', '--server-side', '-f', applied],
      [
        'wait',
        '--for=condition=Available',
        '--timeout=2m',
        '-n',
        'cnpg-system',
        'deployments',
        'cnpg-controller-manager',
      ],
    ]);
    // chainsaw: generic suite only (the example pgrouting folder has no test/), values, report, extra args
    const chainsaw = c.filter((x) => x.tool === 'chainsaw');
    expect(chainsaw).toHaveLength(1);
    expect(chainsaw[0]!.argv).toEqual([
      'test',
      path.resolve(import.meta.dirname, '../../e2e/suite'),
      '--values',
      result.valuesFile,
      '--skip-delete',
      '--no-color',
      '--report-format',
      'JUNIT-TEST',
      '--report-path',
      path.join(dir, 'reports'),
      '--report-name',
      'ext-e2e-1-30-generic',
      '--parallel',
      '1',
      '--assert-timeout',
      '5m',
    ]);
    expect(chainsaw[0]!['kubeconfig']).toBe(path.join(dir, 'work', 'kubeconfig-ext-e2e-1-30'));
    const values = parse(chainsaw[0]!['values'] as string);
    expect(values.extensions.map((e: { image: { reference: string } }) => e.image.reference)).toEqual([
      IMAGE,
      DEP,
    ]);
    expect(result.reports).toEqual([path.join(dir, 'reports', 'ext-e2e-1-30-generic.xml')]);
    expect(readFileSync(result.reports[0]!, 'utf8')).toContain('failures="0"');
    expect(result.clusters).toEqual(['ext-e2e-1-30']);
    expect(result.diagnostics).toBeUndefined();
  });

  it('1.34 node gets the ImageVolume gate; a CNPG list makes one cluster each, deleting all but the last; local images are rewritten', async () => {
    const local = 'localhost:5000/pgvector:0.8.6-18-trixie';
    const localInspect: Inspect = async () => ({ annotations: annotations('0.8.6') });
    const result = await e2e(
      defaultExec,
      log,
      options({
        extension: 'pgvector',
        image: local,
        nodeImage: NODE_134,
        cnpg: '["main", "1.29"]',
        extraArgs: '',
      }),
      localInspect,
    );
    expect(result.passed).toBe(true);
    const c = calls();
    const creates = c.filter((x) => x.tool === 'kind' && x.argv[0] === 'create');
    expect(creates.map((x) => x.argv[3])).toEqual(['ext-e2e-main', 'ext-e2e-1-29']);
    expect(parse(creates[0]!['config'] as string).featureGates).toEqual({ ImageVolume: true });
    const applies = c.filter((x) => x.tool === 'kubectl' && x.argv[2] === 'apply').map((x) => x.argv[5]);
    expect(applies).toEqual([
      path.join(dir, 'work', 'cnpg-main.yaml'),
      path.join(dir, 'work', 'cnpg-1.29.2.yaml'),
    ]);
    expect(readFileSync(applies[1]!, 'utf8')).toBe(cnpgManifest('1.29.2'));
    const deletes = c.filter((x) => x.tool === 'kind' && x.argv[0] === 'delete').map((x) => x.argv[3]);
    // each cluster is cleared before creation; main is deleted once its tests are done
    expect(deletes).toEqual(['ext-e2e-main', 'ext-e2e-main', 'ext-e2e-1-29']);
    expect(result.clusters).toEqual(['ext-e2e-1-29']);
    expect(c.some((x) => x.argv.includes('/var/lib/kubelet/config.json'))).toBe(false);
    expect(c.some((x) => x.argv.includes('systemctl'))).toBe(false);
    const values = parse(c.find((x) => x.tool === 'chainsaw')!['values'] as string);
    expect(values.extensions[0].image.reference).toBe('registry.ext-actions:5000/pgvector:0.8.6-18-trixie');
  });

  it('runs the extension test/ suite after the generic one', async () => {
    const root = path.join(dir, 'exts');
    cpSync(path.join(ROOT, 'pgvector'), path.join(root, 'pgvector'), { recursive: true });
    mkdirSync(path.join(root, 'pgvector', 'test'));
    writeFileSync(
      path.join(root, 'pgvector', 'test', 'chainsaw-test.yaml'),
      'apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n',
    );
    const result = await e2e(
      defaultExec,
      log,
      options({ root, extension: 'pgvector', image: 'ghcr.io/acme/pgvector:1' }),
      async () => ({ annotations: annotations('0.8.6') }),
    );
    expect(result.passed).toBe(true);
    expect(
      calls()
        .filter((x) => x.tool === 'chainsaw')
        .map((x) => x.argv[1]),
    ).toEqual([path.resolve(import.meta.dirname, '../../e2e/suite'), path.join(root, 'pgvector', 'test')]);
  });

  it('a failing suite: error naming the step, diagnostics collected, later suites skipped', async () => {
    process.env['E2E_FAKE_FAIL'] = 'chainsaw:e2e/suite';
    const result = await e2e(defaultExec, log, options(), inspect);
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual(['cnpg 1.30: chainsaw generic suite']);
    expect(logged.some((l) => l.startsWith('error[e2e failed: cnpg 1.30: chainsaw generic suite]'))).toBe(
      true,
    );
    const diag = path.join(dir, 'work', 'diagnostics', 'ext-e2e-1-30');
    expect(result.diagnostics).toBe(path.join(dir, 'work', 'diagnostics'));
    expect(readdirSync(diag).sort()).toEqual([
      'clusters.txt',
      'databases.txt',
      'events.txt',
      'instance-chainsaw-happy-gull-pgvector-1.log',
      'operator.log',
      'pods.txt',
      'resources.txt',
    ]);
    const kubectl = calls()
      .filter((x) => x.tool === 'kubectl')
      .map((x) => x.argv.slice(2).join(' '));
    expect(kubectl).toContain('logs -n cnpg-system deployment/cnpg-controller-manager --all-containers');
    expect(kubectl).toContain('logs -n chainsaw-happy-gull pgvector-1 --all-containers');
    expect(readFileSync(path.join(dir, 'reports', 'ext-e2e-1-30-generic.xml'), 'utf8')).toContain('<failure');
  });

  it('kind, kubectl and the suites see only the allow-listed environment; node credentials do not outlive the run', async () => {
    // What a GitHub job holds: the runtime token a fork PR could upload artifacts with, tokens, passwords.
    Object.assign(process.env, {
      ACTIONS_RUNTIME_TOKEN: 'runtime-token',
      ACTIONS_RESULTS_URL: 'https://results.example/',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'id-request',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/',
      GITHUB_TOKEN: 'ghs_token',
      INPUT_REGISTRY_PASSWORD: 's3cret-token',
      REGISTRY_PASSWORD: 's3cret-token',
      HOME: dir,
      HTTPS_PROXY: 'http://proxy.example:3128',
      LC_ALL: 'C.UTF-8',
      SUITE_LICENSE: 'asked-for',
    });
    process.env['E2E_FAKE_FAIL'] = 'chainsaw:e2e/suite'; // diagnostics run kubectl too
    const result = await e2e(
      defaultExec,
      log,
      options({
        credentials: { username: 'bot', password: 's3cret-token' },
        passEnv: [...FAKE_ENV, 'SUITE_LICENSE'],
        cnpg: '1.29,1.30',
      }),
      inspect,
    );
    expect(result.passed).toBe(false);
    const c = calls();
    const chainsaw = c.filter((x) => x.tool === 'chainsaw');
    expect(chainsaw.length).toBeGreaterThan(0);
    const tools = c.filter((x) => ['chainsaw', 'kind', 'kubectl'].includes(x.tool));
    expect(new Set(tools.map((x) => x.tool))).toEqual(new Set(['chainsaw', 'kind', 'kubectl']));
    for (const x of tools) {
      const names = x['envNames'] as string[];
      for (const secret of [
        'ACTIONS_RUNTIME_TOKEN',
        'ACTIONS_RESULTS_URL',
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
        'ACTIONS_ID_TOKEN_REQUEST_URL',
        'GITHUB_TOKEN',
        'INPUT_REGISTRY_PASSWORD',
        'REGISTRY_PASSWORD',
        'RUNNER_TEMP',
        'RUNNER_TOOL_CACHE',
      ])
        expect(names, `${x.tool} ${x.argv.join(' ')}`).not.toContain(secret);
      expect(names).toEqual(
        expect.arrayContaining(['PATH', 'HOME', 'HTTPS_PROXY', 'LC_ALL', 'SUITE_LICENSE']),
      );
    }
    expect(chainsaw[0]!['envNames']).toContain('KUBECONFIG');
    // Both clusters had credentials; the one deleted took them along, the one left loses them.
    const docker = c.filter((x) => x.tool === 'docker').map((x) => x.argv.join(' '));
    expect(docker.filter((d) => d.includes('/var/lib/kubelet/config.json') && d.includes(' rm '))).toEqual([
      'exec ext-e2e-1-30-control-plane rm -f /var/lib/kubelet/config.json',
    ]);
    const removed = docker.indexOf('exec ext-e2e-1-30-control-plane rm -f /var/lib/kubelet/config.json');
    expect(removed).toBeGreaterThan(
      docker.lastIndexOf('exec -i ext-e2e-1-30-control-plane cp /dev/stdin /var/lib/kubelet/config.json'),
    );
    expect(docker[removed + 1]).toBe('exec ext-e2e-1-30-control-plane systemctl restart kubelet.service');
    expect(result.clusters).toEqual(['ext-e2e-1-30']);
  });

  it('refuses pass-env entries that are not variable names', async () => {
    await expect(e2e(defaultExec, log, options({ passEnv: ['OK', 'A=B'] }), inspect)).rejects.toThrow(
      'input "pass-env": expected environment variable names (letters, digits, _), got "A=B"',
    );
    expect(calls()).toEqual([]);
  });

  it('a failing CNPG install names its step and skips chainsaw', async () => {
    process.env['E2E_FAKE_FAIL'] = 'cnpg';
    const result = await e2e(defaultExec, log, options({ cnpg: '1.28' }), inspect);
    expect(result.failures).toEqual(['cnpg 1.28: CloudNativePG install']);
    expect(calls().some((x) => x.tool === 'chainsaw')).toBe(false);
  });

  it('teardown deletes the clusters, the registry and the network', async () => {
    await teardown(defaultExec, log, {
      kind: path.join(FAKES, 'kind'),
      clusters: ['ext-e2e-1-30'],
      registry: 'registry.ext-actions',
      network: 'ext-actions-e2e',
    });
    expect(calls().map((x) => [x.tool, ...x.argv])).toEqual([
      ['kind', 'delete', 'cluster', '--name', 'ext-e2e-1-30'],
      ['docker', 'rm', '-fv', 'registry.ext-actions'],
      ['docker', 'network', 'rm', 'ext-actions-e2e'],
    ]);
  });
});

describe('bad input: one message, nothing started', () => {
  const cases: [string, Partial<E2eOptions>, RegExp][] = [
    [
      'node image without digest',
      { nodeImage: 'kindest/node:v1.34.0' },
      /input "node-image": expected a kind node image with a version tag pinned by digest/,
    ],
    [
      'node image before 1.33',
      { nodeImage: `kindest/node:v1.32.2@sha256:${'a'.repeat(64)}` },
      /need Kubernetes 1.33 or later/,
    ],
    ['cnpg', { cnpg: '1.x' }, /input "cnpg": expected main, latest, previous or a release like 1.30/],
    ['extra-args', { extraArgs: '--values other.yaml' }, /input "extra-args": --values is set by the action/],
    [
      'kind version',
      { versions: { kind: 'latest', kubectl: 'v1.36.1', chainsaw: 'v0.2.15' } },
      /input "kind-version": expected a release version/,
    ],
    ['unknown extension', { extension: 'nope' }, /extension "nope" not found/],
  ];
  for (const [name, o, message] of cases) {
    it(name, async () => {
      await expect(e2e(defaultExec, log, options(o), inspect)).rejects.toThrow(message);
      expect(calls()).toEqual([]);
      expect(server.requests).toEqual([]);
    });
  }
});

describe('tool downloads are verified', () => {
  it('refuses a checksum mismatch before anything runs', async () => {
    publish('kubectl');
    await expect(e2e(defaultExec, log, options(), inspect)).rejects.toThrow(
      /refusing to install kubectl v1.36.1 \(amd64\): SHA-256 mismatch/,
    );
    expect(calls()).toEqual([]);
  });
  it('fails on a missing release asset (404)', async () => {
    publish(undefined, '/github.com/kyverno/chainsaw/releases/download/v0.2.15/checksums.txt');
    await expect(e2e(defaultExec, log, options(), inspect)).rejects.toThrow(
      /chainsaw v0.2.15.*checksums.txt failed: HTTP 404/,
    );
  });
  it('installs once, then uses the cache', async () => {
    const tools = () => server.requests.filter((p) => !p.includes('cloudnative-pg'));
    await e2e(defaultExec, log, options(), inspect);
    const first = tools().length;
    expect(first).toBe(6);
    await e2e(defaultExec, log, options(), inspect);
    // Cache hits are verified again against the published checksums: only those files are fetched.
    const again = tools().slice(first);
    expect(again).toHaveLength(3);
    expect(again.every((p) => /(\.sha256sum|\.sha256|checksums\.txt)$/.test(p))).toBe(true);
  });
});

/**
 * Build mode: buildx is the bake tests' fake (reached through the e2e docker fake), so the builder,
 * bake file, pushes and the `--metadata-file` JSON are buildx's. The test's registry is what bake pushed:
 * a digest's annotations are its target's annotations in the plan bake was given.
 */
describe('build mode (build into the local registry, test the built digests)', () => {
  const work = () => path.join(dir, 'work');
  const bakeCalls = () =>
    readFileSync(path.join(dir, 'buildx.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[] });
  /** Reads what bake pushed: digest -> target (metadata file) -> annotations (plan). */
  const pushed: Inspect = async (ref) => {
    const plan = JSON.parse(readFileSync(path.join(work(), 'bake', 'plan.json'), 'utf8'));
    const meta = JSON.parse(readFileSync(path.join(work(), 'bake', 'metadata.json'), 'utf8'));
    const digest = ref.split('@')[1];
    const target = Object.keys(meta).find((t) => meta[t]['containerimage.digest'] === digest);
    if (!target) throw new Error(`test registry: ${ref} was not pushed`);
    const annotations: Record<string, string> = {};
    for (const a of plan.target[target].annotations as string[]) {
      const kv = a.slice(a.indexOf(':') + 1);
      annotations[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    }
    return { annotations };
  };
  const created: string[] = [];
  const built = (o: Partial<E2eOptions> = {}) =>
    options({
      image: '',
      build: true,
      registry: undefined,
      timestamp: '2026-01-02T03:04:05Z',
      revision: 'f'.repeat(40),
      platform: 'linux/amd64',
      onCreated: (w) => void created.push(`${w.kind}:${w.name}`),
      ...o,
    });
  beforeEach(() => {
    created.length = 0;
    process.env['FAKE_DOCKER_LOG'] = path.join(dir, 'buildx.jsonl');
    process.env['FAKE_DOCKER_STATE'] = path.join(dir, 'buildx-state');
  });

  it('builds pgrouting and postgis with a network=host builder, pushes to localhost:5000, tests pgrouting by digest', async () => {
    const verified: string[] = [];
    const smoked: { tested: readonly string[]; built: readonly string[]; kindCallsBefore: number }[] = [];
    const result = await e2e(
      defaultExec,
      log,
      built({
        verify: async (ref) => {
          verified.push(ref);
          return { ok: true, findings: [] };
        },
        beforeCluster: async (tested, { built }) => {
          smoked.push({ tested, built, kindCallsBefore: calls().filter((x) => x.tool === 'kind').length });
        },
      }),
      pushed,
    );
    expect(result.passed).toBe(true);
    const c = calls();
    const docker = c.filter((x) => x.tool === 'docker').map((x) => x.argv);
    // registry first, then the builder on the host network, then bake with --push
    const registryRun = docker.findIndex((a) => a[0] === 'run');
    const create = docker.findIndex((a) => a[0] === 'buildx' && a[1] === 'create');
    const bake = docker.findIndex((a) => a[0] === 'buildx' && a[1] === 'bake');
    expect(registryRun).toBeGreaterThan(-1);
    expect(create).toBeGreaterThan(registryRun);
    expect(bake).toBeGreaterThan(create);
    const builder = docker[create]![3]!;
    expect(builder).toMatch(/^ext-actions-e2e-[0-9a-f]{8}$/);
    expect(docker[create]).toEqual([
      ...['buildx', 'create', '--name', builder, '--driver', 'docker-container'],
      ...['--driver-opt', 'network=host'],
    ]);
    expect(docker[bake]).toContain('--push');
    expect(created).toEqual([
      'network:ext-actions-e2e',
      'registry:registry.ext-actions',
      `builder:${builder}`,
      'cluster:ext-e2e-1-30',
    ]);
    // buildx itself saw the same calls (the bake fake parsed them as buildx would)
    expect(bakeCalls().map((x) => x.argv.slice(0, 2))).toEqual([
      ['buildx', 'version'],
      ['buildx', 'create'],
      ['buildx', 'inspect'],
      ['buildx', 'bake'],
    ]);
    // the plan: both extensions, native platform only, every tag in the local registry
    const plan = JSON.parse(readFileSync(path.join(work(), 'bake', 'plan.json'), 'utf8'));
    const targets = Object.values(plan.target) as { tags: string[]; platforms: string[] }[];
    expect(targets).toHaveLength(4);
    for (const t of targets) {
      expect(t.platforms).toEqual(['linux/amd64']);
      for (const tag of t.tags)
        expect(tag).toMatch(
          /^localhost:5000\/(pgrouting|postgis-extension)-testing:[^/@]+-18-(bookworm|trixie)$/,
        );
    }
    // images: by digest in the local registry; the layout was checked on each
    expect(result.images!.map((i) => i.ref).sort()).toEqual(verified.sort());
    const meta = JSON.parse(readFileSync(path.join(work(), 'bake', 'metadata.json'), 'utf8'));
    const ref = (target: string) =>
      `${plan.target[target].tags[0].replace(/^localhost:5000/, 'registry.ext-actions:5000').replace(/:[^:/]+$/, '')}@${meta[target]['containerimage.digest']}`;
    // each pgrouting target tested once per cluster, with its own values; postgis of the same distro mounted
    const chainsaw = c.filter((x) => x.tool === 'chainsaw');
    expect(chainsaw).toHaveLength(2);
    const mounted = chainsaw.map((x) =>
      (parse(x['values'] as string).extensions as { image: { reference: string } }[]).map(
        (e) => e.image.reference,
      ),
    );
    const names = Object.keys(meta).filter((k) => k !== 'buildx.build.warnings');
    const byDistro = (ext: string, distro: string) =>
      names.find((n) => n.startsWith(`${ext}-`) && n.endsWith(`-18-${distro}`))!;
    expect(mounted).toEqual([
      [ref(byDistro('pgrouting', 'bookworm')), ref(byDistro('postgis', 'bookworm'))],
      [ref(byDistro('pgrouting', 'trixie')), ref(byDistro('postgis', 'trixie'))],
    ]);
    expect(chainsaw.map((x) => x.argv[x.argv.indexOf('--report-name') + 1])).toEqual([
      `ext-e2e-1-30-${byDistro('pgrouting', 'bookworm')}-generic`,
      `ext-e2e-1-30-${byDistro('pgrouting', 'trixie')}-generic`,
    ]);
    expect(result.valuesFiles).toHaveLength(2);
    expect(result.tested).toEqual([
      `localhost:5000/pgrouting-testing@${meta[byDistro('pgrouting', 'bookworm')]['containerimage.digest']}`,
      `localhost:5000/pgrouting-testing@${meta[byDistro('pgrouting', 'trixie')]['containerimage.digest']}`,
    ]);
    // no credentials anywhere in build mode
    expect(c.some((x) => x.argv.includes('/var/lib/kubelet/config.json'))).toBe(false);
    // The smoke hook ran once, before any kind call, on the tested images, with every image of the run
    // (postgis too: pgrouting's smoke test mounts it).
    expect(smoked).toHaveLength(1);
    expect(smoked[0]!.kindCallsBefore).toBe(0);
    expect(smoked[0]!.tested).toEqual(result.tested);
    expect([...smoked[0]!.built].sort()).toEqual(result.images!.map((i) => i.ref).sort());
    expect(smoked[0]!.built.some((r) => r.includes('/postgis-extension-testing@'))).toBe(true);
  });

  it('distro: builds and tests that distro only (pgrouting and postgis on trixie), refusing one not declared', async () => {
    const result = await e2e(defaultExec, log, built({ distro: 'trixie' }), pushed);
    expect(result.passed).toBe(true);
    const plan = JSON.parse(readFileSync(path.join(work(), 'bake', 'plan.json'), 'utf8'));
    expect(Object.keys(plan.target).sort()).toEqual([
      expect.stringMatching(/^pgrouting-.*-18-trixie$/),
      expect.stringMatching(/^postgis-.*-18-trixie$/),
    ]);
    expect(calls().filter((x) => x.tool === 'chainsaw')).toHaveLength(1);
    expect(result.tested).toEqual([expect.stringMatching(/^localhost:5000\/pgrouting-testing@sha256:/)]);
    await expect(e2e(defaultExec, log, built({ distro: 'bullseye' }), pushed)).rejects.toThrow(
      'input "distro": extension "pgrouting" declares no "bullseye" versions (it has bookworm, trixie)',
    );
  });

  it('a target that fails to build: one error naming it, no cluster; the builder is reported for teardown', async () => {
    const plan = await import('../../src/e2e/build.js').then((m) =>
      m.prepareBuild({
        root: ROOT,
        extension: 'pgrouting',
        env: { network: 'n', registryName: 'r', registryPort: 5000, clusterPrefix: 'c' },
        timestamp: '2026-01-02T03:04:05Z',
        revision: '',
        platform: 'linux/amd64',
      }),
    );
    const postgis = plan.plan.targets.find((t) => t.extension === 'postgis')!.name;
    process.env['FAKE_DOCKER_FAIL_TARGET'] = postgis;
    try {
      await expect(e2e(defaultExec, log, built(), pushed)).rejects.toThrow(
        new RegExp(`target ${postgis} failed to build`),
      );
    } finally {
      delete process.env['FAKE_DOCKER_FAIL_TARGET'];
    }
    expect(calls().some((x) => x.tool === 'kind' && x.argv[0] === 'create')).toBe(false);
    expect(created.some((w) => w.startsWith('builder:'))).toBe(true);
    expect(created.some((w) => w.startsWith('cluster:'))).toBe(false);
  });

  const bad: [string, Partial<E2eOptions>, RegExp][] = [
    ['an image and build', { image: IMAGE }, /inputs "image" and "build": give one/],
    [
      'credentials without a registry',
      { credentials: { username: 'u', password: 'p' } },
      /in build mode they are for required extensions taken from "registry"/,
    ],
  ];
  for (const [name, o, message] of bad) {
    it(`refuses ${name} before anything runs`, async () => {
      await expect(e2e(defaultExec, log, built(o), pushed)).rejects.toThrow(message);
      expect(calls()).toEqual([]);
      expect(server.requests).toEqual([]);
    });
  }

  it('refuses an extension that does not build on this platform, before anything runs', async () => {
    const root = path.join(writeRepo([AMD_ONLY]), 'exts');
    await expect(
      e2e(defaultExec, log, built({ root, extension: 'amdonly', platform: 'linux/arm64' }), pushed),
    ).rejects.toThrow(
      /extension "amdonly": nothing to build on this runner's platform linux\/arm64 \(amdonly builds only linux\/amd64/,
    );
    expect(calls()).toEqual([]);
    rmSync(path.dirname(root), { recursive: true, force: true });
  });

  it('ext-actions e2e without --image builds; a failed build prints one error and tears everything down', async () => {
    const { runCli } = await import('../../src/cli/run.js');
    const { prepareBuild } = await import('../../src/e2e/build.js');
    const { plan } = await prepareBuild({
      root: ROOT,
      extension: 'pgvector',
      env: { network: 'n', registryName: 'r', registryPort: 5000, clusterPrefix: 'c' },
      timestamp: '',
      revision: '',
      platform: 'linux/amd64',
    });
    process.env['FAKE_DOCKER_FAIL_TARGET'] = plan.targets[0]!.name;
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runCli(
        ['e2e', '--extension', 'pgvector', '--root', ROOT, '--work-dir', work(), '--platform', 'linux/amd64'],
        {
          stdout: (t) => out.push(t),
          stderr: (t) => err.push(t),
          stdin: async () => '',
          cwd: process.cwd(),
          env: process.env,
        },
      );
      expect(code).toBe(2);
    } finally {
      delete process.env['FAKE_DOCKER_FAIL_TARGET'];
    }
    const errors = err.filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`target ${plan.targets[0]!.name} failed to build`);
    expect(err.join('')).not.toMatch(/\n\s+at /); // no stack
    const docker = calls()
      .filter((x) => x.tool === 'docker')
      .map((x) => x.argv);
    const builder = docker.find((a) => a[0] === 'buildx' && a[1] === 'create')![3]!;
    expect(docker.slice(-3)).toEqual([
      ['buildx', 'rm', builder],
      ['rm', '-fv', 'registry.ext-actions'],
      ['network', 'rm', 'ext-actions-e2e'],
    ]);
    expect(calls().some((x) => x.tool === 'kind' && x.argv[0] === 'create')).toBe(false);
  });

  it('a required extension outside the repository needs the registry (checked before anything runs)', async () => {
    const root = path.join(dir, 'exts');
    cpSync(path.join(ROOT, 'pgrouting'), path.join(root, 'pgrouting'), { recursive: true });
    await expect(e2e(defaultExec, log, built({ root }), pushed)).rejects.toThrow(
      /required extension "postgis" has no folder .*exts\/postgis with a metadata.hcl/,
    );
    expect(calls()).toEqual([]);
  });
});
