/**
 * The whole e2e flow, shared by the action and `ext-actions e2e`: local registry and kind cluster on a
 * shared Docker network, registry wiring, CloudNativePG install, Chainsaw suites, diagnostics on failure,
 * teardown. Commands run as argv arrays; secrets go through stdin, never argv.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { runCommand } from '../process/exec.js';
import { chainsawArgv, suites } from './chainsaw.js';
import { CNPG_DEPLOYMENT, CNPG_NAMESPACE, fetchCnpgManifest } from './cnpg.js';
import { diagnosticCommands, INSTANCE_PODS, instanceLogCommand } from './diagnostics.js';
import {
  CERTS_DIR,
  controlPlane,
  hostsToml,
  kindConfig,
  KUBELET_CONFIG,
  kubeletConfig,
  REGISTRY_IMAGE,
} from './kind.js';
import type { Tools } from './tools.js';
import { renderValues, type TestingValues } from './values.js';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  input?: string;
  /** Added to this process's environment, or the whole environment with `replaceEnv`. */
  env?: Record<string, string>;
  /** `env` is the command's whole environment (see suiteEnvironment); nothing else is inherited. */
  replaceEnv?: boolean;
  /** Print the command's output live (default true). */
  echo?: boolean;
}

export type Exec = (command: string, args: string[], options?: ExecOptions) => Promise<ExecResult>;

export interface Log {
  info(message: string): void;
  warning?(message: string): void;
  error(message: string, title?: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Runs a command with @actions/exec (argv, no shell); never throws on a non-zero exit. */
export const defaultExec: Exec = async (command, args, options = {}) => {
  const result = await runCommand(command, args, {
    echo: options.echo !== false,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.replaceEnv
      ? { env: { ...options.env } }
      : options.env
        ? { env: { ...process.env, ...options.env } }
        : {}),
  });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};

/**
 * What kind, kubectl and the Chainsaw suites see of this process's environment: an extension's `script:`
 * steps run here, so the runner's tokens (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, ACTIONS_ID_TOKEN_*),
 * GITHUB_TOKEN, registry passwords and anything else a job sets stay out. Only what the tools need to
 * run and reach Docker and the network passes, plus the names the user asks for (`pass-env`).
 */
export const SUITE_ENVIRONMENT: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'TMPDIR',
  'TMP',
  'TEMP',
  'CI',
  'KUBECONFIG',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'KIND_EXPERIMENTAL_PROVIDER',
];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The allow-listed part of `from` (LC_* locale variables too), the `pass` names, then `extra`. */
export function suiteEnvironment(
  from: NodeJS.ProcessEnv,
  pass: readonly string[] = [],
  extra: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(from))
    if (
      value !== undefined &&
      (SUITE_ENVIRONMENT.includes(name) || name.startsWith('LC_') || pass.includes(name))
    )
      out[name] = value;
  return { ...out, ...extra };
}

/** Checks `pass-env` names: environment variable names only. */
export function checkPassEnv(names: readonly string[], what: string): string[] {
  const bad = names.filter((n) => !ENV_NAME.test(n));
  if (bad.length)
    throw new UserError(
      `${what}: expected environment variable names (letters, digits, _), got ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
    );
  return [...names];
}

export interface Environment {
  network: string;
  /** Container name of the local registry (its in-network host name). */
  registryName: string;
  /** Port published on 127.0.0.1 for the host (pushes, annotation reads). */
  registryPort: number;
  /** kind cluster name prefix; one cluster per CloudNativePG version. */
  clusterPrefix: string;
}

export const DEFAULT_ENVIRONMENT: Environment = {
  network: 'ext-actions-e2e',
  registryName: 'registry.ext-actions',
  registryPort: 5000,
  clusterPrefix: 'ext-e2e',
};

/** In-cluster name of a host reference to the local registry (`localhost:5000/x` -> `registry.ext-actions:5000/x`). */
export function clusterReference(env: Environment, reference: string): string {
  for (const host of [`localhost:${env.registryPort}/`, `127.0.0.1:${env.registryPort}/`]) {
    if (reference.startsWith(host)) return `${env.registryName}:5000/${reference.slice(host.length)}`;
  }
  return reference;
}

export function clusterName(env: Environment, cnpg: string): string {
  return `${env.clusterPrefix}-${cnpg.replace(/[^a-z0-9]/g, '-')}`;
}

/** One image under test: its values file is run through every suite in each cluster. */
export interface E2eCase {
  /** Target name (`pgvector-18-trixie`), used in file, report and step names when there are several. */
  name: string;
  values: TestingValues;
}

export interface RunConfig {
  tools: Tools;
  env: Environment;
  nodeImage: string;
  cnpg: string[];
  cases: E2eCase[];
  extensionDir: string;
  genericSuite: string;
  /** Folder for the values file, kubeconfigs and kind config. */
  workDir: string;
  diagnosticsDir: string;
  reportDir?: string | undefined;
  extraArgs: string[];
  keep: boolean;
  /**
   * Node-level pull credentials for one registry (private images). Removed from every node left
   * running once its suites are done.
   */
  credentials?: { registry: string; username: string; password: string } | undefined;
  /** Names of variables of this process passed to kind, kubectl and Chainsaw besides SUITE_ENVIRONMENT. */
  passEnv?: readonly string[] | undefined;
  /** Called as soon as something exists that teardown must remove. */
  onCreated?: OnCreated;
}

export type OnCreated = (what: {
  kind: 'network' | 'registry' | 'cluster' | 'builder';
  name: string;
}) => void | Promise<void>;

export interface RunResult {
  passed: boolean;
  /** Names of the steps that failed (`cnpg 1.30: chainsaw generic suite`). */
  failures: string[];
  /** The first case's values file (the only one outside build mode). */
  valuesFile: string;
  valuesFiles: string[];
  reports: string[];
  diagnostics?: string | undefined;
  /** Clusters left running (all when keep, else the last one, removed by teardown). */
  clusters: string[];
}

class StepError extends Error {}

async function must(
  exec: Exec,
  step: string,
  command: string,
  args: string[],
  options?: ExecOptions,
): Promise<ExecResult> {
  const r = await exec(command, args, options);
  if (r.code !== 0)
    throw new StepError(
      `${step}: ${path.basename(command)} ${args[0] ?? ''} exited with ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`,
    );
  return r;
}

/** Starts the shared network and the local registry (idempotent: existing ones are reused). */
export async function startRegistry(
  exec: Exec,
  log: Log,
  config: Pick<RunConfig, 'env' | 'onCreated'>,
): Promise<void> {
  const { env } = config;
  await log.group('Local registry', async () => {
    if ((await exec('docker', ['network', 'inspect', env.network], { echo: false })).code !== 0) {
      await must(exec, 'local registry', 'docker', ['network', 'create', env.network]);
      await config.onCreated?.({ kind: 'network', name: env.network });
    }
    if ((await exec('docker', ['container', 'inspect', env.registryName], { echo: false })).code !== 0) {
      await must(exec, 'local registry', 'docker', [
        'run',
        '-d',
        '--restart=always',
        '--name',
        env.registryName,
        '--network',
        env.network,
        '-p',
        `127.0.0.1:${env.registryPort}:5000`,
        REGISTRY_IMAGE,
      ]);
      await config.onCreated?.({ kind: 'registry', name: env.registryName });
    }
  });
}

async function collectDiagnostics(
  exec: Exec,
  log: Log,
  kubectl: string,
  kubeconfig: string,
  dir: string,
  clean: ExecOptions,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const run = async (file: string, args: string[]) => {
    const r = await exec(kubectl, ['--kubeconfig', kubeconfig, ...args], { ...clean, echo: false });
    await writeFile(
      path.join(dir, file),
      r.stdout + (r.stderr ? `\n# stderr (exit ${r.code})\n${r.stderr}` : ''),
    );
  };
  for (const c of diagnosticCommands()) await run(c.file, c.args);
  const pods = await exec(kubectl, ['--kubeconfig', kubeconfig, ...INSTANCE_PODS], { ...clean, echo: false });
  for (const line of pods.stdout.split('\n')) {
    const [ns, pod] = line.trim().split(/\s+/);
    if (ns && pod) {
      const c = instanceLogCommand(ns, pod);
      await run(c.file, c.args);
    }
  }
  log.info(`diagnostics written to ${dir}`);
}

/** Deletes one kind cluster (errors are reported, not thrown: teardown keeps going). */
export async function deleteCluster(
  exec: Exec,
  log: Log,
  kind: string,
  name: string,
  options: ExecOptions = {},
): Promise<void> {
  const r = await exec(kind, ['delete', 'cluster', '--name', name], options);
  if (r.code !== 0) log.error(`could not delete kind cluster ${name}: ${r.stderr.trim()}`, 'e2e teardown');
}

export interface Teardown {
  kind?: string | undefined;
  clusters: string[];
  registry?: string | undefined;
  network?: string | undefined;
  /** A buildx builder created for build mode (`docker buildx rm`). */
  builder?: string | undefined;
}

/** Removes the clusters, the registry container and the network (what exists of them). */
export async function teardown(exec: Exec, log: Log, what: Teardown): Promise<void> {
  await log.group('Teardown', async () => {
    for (const c of what.clusters) await deleteCluster(exec, log, what.kind ?? 'kind', c);
    if (what.builder) {
      const r = await exec('docker', ['buildx', 'rm', what.builder]);
      if (r.code !== 0)
        log.error(`could not remove the buildx builder ${what.builder}: ${r.stderr.trim()}`, 'e2e teardown');
    }
    if (what.registry) {
      const r = await exec('docker', ['rm', '-fv', what.registry]);
      if (r.code !== 0)
        log.error(
          `could not remove the registry container ${what.registry}: ${r.stderr.trim()}`,
          'e2e teardown',
        );
    }
    if (what.network) {
      const r = await exec('docker', ['network', 'rm', what.network]);
      if (r.code !== 0)
        log.error(`could not remove the Docker network ${what.network}: ${r.stderr.trim()}`, 'e2e teardown');
    }
  });
}

/** Removes the node-level pull credentials from a cluster's node (and kubelet's cached copy). */
async function forgetCredentials(exec: Exec, log: Log, cluster: string): Promise<void> {
  const node = controlPlane(cluster);
  const rm = await exec('docker', ['exec', node, 'rm', '-f', KUBELET_CONFIG]);
  const restart =
    rm.code === 0 ? await exec('docker', ['exec', node, 'systemctl', 'restart', 'kubelet.service']) : rm;
  if (restart.code !== 0)
    log.error(
      `could not remove the pull credentials from ${node} (${restart.stderr.trim()}); delete the cluster`,
      'e2e credentials',
    );
}

/** Runs the tests against every CloudNativePG version, one fresh kind cluster each. */
export async function runE2e(exec: Exec, log: Log, config: RunConfig): Promise<RunResult> {
  const { tools, env } = config;
  await mkdir(config.workDir, { recursive: true });
  if (config.cases.length === 0) throw new Error('runE2e: no image to test');
  const several = config.cases.length > 1;
  const cases = [];
  for (const c of config.cases) {
    const file = path.join(config.workDir, several ? `values-${c.name}.yaml` : 'values.yaml');
    await writeFile(file, renderValues(c.values));
    cases.push({ ...c, file });
  }
  const kindFile = path.join(config.workDir, 'kind-config.yaml');
  await writeFile(kindFile, kindConfig(config.nodeImage));
  const valuesFiles = cases.map((c) => c.file);
  const result: RunResult = {
    passed: true,
    failures: [],
    valuesFile: valuesFiles[0]!,
    valuesFiles,
    reports: [],
    clusters: [],
  };

  await startRegistry(exec, log, config);
  // kind, kubectl and the suites: the allow-listed environment only.
  const clean = (extra: Record<string, string> = {}): ExecOptions => ({
    env: suiteEnvironment(process.env, config.passEnv ?? [], extra),
    replaceEnv: true,
  });

  for (const [index, cnpg] of config.cnpg.entries()) {
    const cluster = clusterName(env, cnpg);
    const kubeconfig = path.join(config.workDir, `kubeconfig-${cluster}`);
    const label = `cnpg ${cnpg}`;
    let step = `${label}: kind cluster`;
    let created = false;
    try {
      await log.group(`kind cluster ${cluster}`, async () => {
        await exec(tools.kind, ['delete', 'cluster', '--name', cluster], { ...clean(), echo: false });
        created = true;
        await config.onCreated?.({ kind: 'cluster', name: cluster });
        await must(
          exec,
          step,
          tools.kind,
          [
            'create',
            'cluster',
            '--name',
            cluster,
            '--image',
            config.nodeImage,
            '--config',
            kindFile,
            '--kubeconfig',
            kubeconfig,
            '--wait',
            '2m',
          ],
          clean({ KIND_EXPERIMENTAL_DOCKER_NETWORK: env.network }),
        );
        step = `${label}: registry wiring`;
        const node = controlPlane(cluster);
        const certs = `${CERTS_DIR}/${env.registryName}:5000`;
        await must(exec, step, 'docker', ['exec', node, 'mkdir', '-p', certs]);
        await must(exec, step, 'docker', ['exec', '-i', node, 'cp', '/dev/stdin', `${certs}/hosts.toml`], {
          input: hostsToml(`${env.registryName}:5000`),
        });
        if (config.credentials) {
          const { registry, username, password } = config.credentials;
          await must(exec, step, 'docker', ['exec', '-i', node, 'cp', '/dev/stdin', KUBELET_CONFIG], {
            input: kubeletConfig(registry, username, password),
            echo: false,
          });
          // kind's private-registries guide: credentials added to a running node are only picked up
          // once kubelet restarts (it caches the docker config keyring)
          await must(exec, step, 'docker', ['exec', node, 'systemctl', 'restart', 'kubelet.service']);
        }
      });
      step = `${label}: CloudNativePG install`;
      await log.group(`CloudNativePG ${cnpg}`, async () => {
        // The manifest is downloaded and verified first (a release's Sigstore bundle), then applied from the file.
        const manifest = await fetchCnpgManifest(cnpg, config.workDir, {
          ...(log.warning ? { warn: (m: string) => log.warning!(m) } : {}),
        }).catch((err: unknown) => {
          throw new StepError(`${step}: ${(err as Error).message}`);
        });
        await must(
          exec,
          step,
          tools.kubectl,
          ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', manifest.file],
          clean(),
        );
        await must(
          exec,
          step,
          tools.kubectl,
          [
            '--kubeconfig',
            kubeconfig,
            'wait',
            '--for=condition=Available',
            '--timeout=2m',
            '-n',
            CNPG_NAMESPACE,
            'deployments',
            CNPG_DEPLOYMENT,
          ],
          clean(),
        );
      });
      for (const c of cases)
        for (const run of suites(config.genericSuite, config.extensionDir)) {
          const what = several ? `${c.name} ${run.suite}` : run.suite;
          step = `${label}: chainsaw ${what} suite`;
          const reportName = several ? `${cluster}-${c.name}-${run.suite}` : `${cluster}-${run.suite}`;
          const report = config.reportDir ? { dir: config.reportDir, name: reportName } : undefined;
          if (report) await mkdir(report.dir, { recursive: true });
          await log.group(`Chainsaw ${what} suite (${label})`, async () => {
            const argv = chainsawArgv({
              dir: run.dir,
              valuesFile: c.file,
              extraArgs: config.extraArgs,
              report,
            });
            const r = await exec(tools.chainsaw, argv, clean({ KUBECONFIG: kubeconfig }));
            if (report) result.reports.push(path.join(report.dir, `${reportName}.xml`));
            if (r.code !== 0) throw new StepError(`${step}: chainsaw exited with ${r.code}`);
          });
        }
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      result.passed = false;
      result.failures.push(step);
      log.error(err.message, `e2e failed: ${step}`);
      if (created) {
        const dir = path.join(config.diagnosticsDir, cluster);
        await log.group(`Diagnostics (${label})`, () =>
          collectDiagnostics(exec, log, tools.kubectl, kubeconfig, dir, clean()),
        );
        result.diagnostics = config.diagnosticsDir;
      }
    }
    const last = index === config.cnpg.length - 1;
    if (created && !config.keep && !last) await deleteCluster(exec, log, tools.kind, cluster, clean());
    else if (created) {
      result.clusters.push(cluster);
      // A node left running (kept, or the last one until teardown) keeps no pull credentials.
      if (config.credentials) await forgetCredentials(exec, log, cluster);
    }
  }
  return result;
}
