/**
 * One e2e run from validated options: everything is checked and the values are generated (reading the
 * image annotations) before any tool is downloaded or container started; then tools, registry, clusters,
 * suites. Used by the `e2e` action and by `ext-actions e2e`.
 *
 * Build mode (`build: true`, no image): the plan and the values are checked offline first; then tools,
 * registry, the images built and pushed to the local registry (src/e2e/build.ts), their values read back
 * by digest, clusters, suites (every built target of the extension in each cluster).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BakeDeps } from '../bake/run.js';
import type { BakeImage } from '../bake/metadata.js';
import { UserError } from '../errors.js';
import type { Environment as PlanEnvironment } from '../matrix/index.js';
import { ClientPool, inspectImage, parseReference, type Credentials } from '../registry/index.js';
import { genericSuiteDir, splitArgs } from './chainsaw.js';
import { parseCnpgVersions } from './cnpg.js';
import { nodeVersion } from './kind.js';
import { buildImages, builtCases, nativePlatform, prepareBuild, type PreparedBuild } from './build.js';
import { resolveValues, type Inspect } from './resolve.js';
import {
  clusterReference,
  DEFAULT_ENVIRONMENT,
  checkPassEnv,
  runE2e,
  startRegistry,
  type E2eCase,
  type Environment,
  type Exec,
  type Log,
  type RunResult,
} from './runner.js';
import { checkVersion, installE2eTools, type Tools, type ToolVersions } from './tools.js';
import { renderValues, type TestingValues } from './values.js';

export interface E2eOptions {
  root: string;
  extension: string;
  /** The image under test; empty in build mode. */
  image: string;
  /** Build the extension (and its required siblings) into the local registry and test what was built. */
  build?: boolean | undefined;
  /** Build mode: raw timestamp ("" for SOURCE_DATE_EPOCH or now), revision label, platform (native). */
  timestamp?: string | undefined;
  revision?: string | undefined;
  platform?: string | undefined;
  /** Build mode: this distro only (undefined: every declared one). */
  distro?: string | undefined;
  /** Build mode: checks each pushed image's layout (src/layout verifyLayout); none when undefined. */
  verify?: BakeDeps['verify'];
  cnpg: string;
  nodeImage: string;
  versions: ToolVersions;
  credentials?: Credentials | undefined;
  extraArgs: string;
  keep: boolean;
  /** Variables of this process the suites may see besides the allow-list (runner SUITE_ENVIRONMENT). */
  passEnv?: readonly string[] | undefined;
  /** Folder for JUnit reports (none when undefined). */
  report?: string | undefined;
  workDir: string;
  registry?: string | undefined;
  environment?: PlanEnvironment | undefined;
  builtImages?: string[] | undefined;
  env?: Environment | undefined;
  onCreated?: Parameters<typeof runE2e>[2]['onCreated'];
  /** Called once the tools are installed (teardown needs the kind path). */
  onTools?: ((tools: Tools) => void | Promise<void>) | undefined;
  /**
   * Runs on the images under test (host references) before any cluster starts: the smoke test, so a
   * broken image fails in seconds. Throwing stops the run.
   */
  beforeCluster?:
    ((images: readonly string[], context: { built: readonly string[] }) => Promise<void>) | undefined;
}

/** Annotation reads through the project's registry client (credentials for one registry only). */
export function registryInspect(registry: string | undefined, credentials?: Credentials): Inspect {
  const options = credentials && registry ? { credentials: { [registry]: credentials } } : {};
  const pool = new ClientPool(options);
  return async (ref) => ({ annotations: (await inspectImage(ref, { ...options, pool })).annotations });
}

export interface Prepared {
  /** The values (test mode); build mode resolves them after the build. */
  values?: TestingValues | undefined;
  build?: PreparedBuild | undefined;
  /** The registry host the pull credentials are for. */
  credentialsRegistry?: string | undefined;
  cnpg: string[];
  extraArgs: string[];
  versions: ToolVersions;
  env: Environment;
}

/** Validates every option and generates the values; touches nothing. */
export async function prepare(options: E2eOptions, inspect?: Inspect): Promise<Prepared> {
  if (options.build && options.image.trim() !== '')
    throw new UserError(
      'inputs "image" and "build": give one: an image to test, or build: true to build the extension and test what was built',
    );
  if (!options.build) {
    if (options.image.trim() === '')
      throw new UserError(
        'input "image": expected the extension image reference, ideally repo@sha256:... (or set build: true to build it here)',
      );
    parseReference(options.image, 'input "image"');
  }
  const cnpg = parseCnpgVersions(options.cnpg);
  nodeVersion(options.nodeImage);
  const versions = {
    kind: checkVersion('kind-version', options.versions.kind),
    kubectl: checkVersion('kubectl-version', options.versions.kubectl),
    chainsaw: checkVersion('chainsaw-version', options.versions.chainsaw),
  };
  const extraArgs = splitArgs(options.extraArgs);
  checkPassEnv(options.passEnv ?? [], 'input "pass-env"');
  if (options.credentials && (!options.credentials.username || !options.credentials.password))
    throw new UserError('inputs "registry-username" and "registry-password": give both or neither');
  const env = options.env ?? DEFAULT_ENVIRONMENT;
  if (options.build) {
    let credentialsRegistry: string | undefined;
    if (options.credentials) {
      if (!options.registry)
        throw new UserError(
          'inputs "registry-username" and "registry-password": in build mode they are for required extensions taken from "registry"; set "registry" too',
        );
      credentialsRegistry = parseReference(`${options.registry}/x`, 'input "registry"').registry;
    }
    const build = await prepareBuild({
      root: options.root,
      extension: options.extension,
      env,
      timestamp: options.timestamp ?? '',
      revision: options.revision ?? '',
      platform: options.platform ?? nativePlatform(),
      distro: options.distro,
      registry: options.registry,
      environment: options.environment,
    });
    return { build, cnpg, extraArgs, versions, env, credentialsRegistry };
  }
  const credentialsRegistry = options.credentials
    ? parseReference(options.image, 'image').registry
    : undefined;
  const { values } = await resolveValues({
    root: options.root,
    extension: options.extension,
    image: options.image,
    registry: options.registry,
    environment: options.environment,
    builtImages: options.builtImages,
    inspect: inspect ?? registryInspect(credentialsRegistry, options.credentials),
    clusterReference: (r) => clusterReference(env, r),
  });
  return { values, cnpg, extraArgs, versions, env, credentialsRegistry };
}

export async function e2e(
  exec: Exec,
  log: Log,
  options: E2eOptions,
  inspect?: Inspect,
): Promise<RunResult & { valuesYaml: string; images?: BakeImage[] | undefined; tested: string[] }> {
  const prepared = await log.group(options.build ? 'Plan' : 'Test values', async () => {
    const p = await prepare(options, inspect);
    if (p.values) log.info(renderValues(p.values));
    if (p.build) log.info(`targets to test: ${p.build.tested.map((t) => t.name).join(', ')}`);
    return p;
  });
  const { tools } = await log.group('Tools', () => installE2eTools(prepared.versions));
  await options.onTools?.(tools);
  const { env } = prepared;
  const read =
    inspect ?? registryInspect(prepared.credentialsRegistry, options.credentials as Credentials | undefined);
  let cases: E2eCase[];
  let tested = [options.image];
  let images: BakeImage[] | undefined;
  if (prepared.build) {
    await startRegistry(exec, log, { env, onCreated: options.onCreated });
    images = await buildImages(exec, log, {
      ...prepared.build.options,
      workDir: path.join(options.workDir, 'bake'),
      builderName: `ext-actions-e2e-${randomBytes(4).toString('hex')}`,
      onCreated: options.onCreated,
      verify: options.verify,
    });
    const built = images;
    cases = await log.group('Test values', async () => {
      const list = await builtCases(built, {
        root: options.root,
        extension: options.extension,
        name: prepared.build!.name,
        registry: options.registry,
        environment: options.environment,
        inspect: read,
        clusterReference: (r) => clusterReference(env, r),
      });
      tested = list.map((c) => c.image);
      for (const c of list) log.info(`${c.name} (${c.image}):\n${renderValues(c.values)}`);
      return list;
    });
  } else cases = [{ name: options.extension, values: prepared.values! }];
  if (options.beforeCluster)
    // Every image of this run (required siblings too), so the smoke test mounts them from here.
    await options.beforeCluster(tested, {
      built: [...(images?.map((i) => i.ref) ?? []), ...(options.builtImages ?? [])],
    });
  const result = await runE2e(exec, log, {
    tools,
    env,
    nodeImage: options.nodeImage.trim(),
    cnpg: prepared.cnpg,
    cases,
    extensionDir: path.join(options.root, options.extension),
    genericSuite: genericSuiteDir(),
    workDir: options.workDir,
    diagnosticsDir: path.join(options.workDir, 'diagnostics'),
    reportDir: options.report,
    extraArgs: prepared.extraArgs,
    keep: options.keep,
    passEnv: options.passEnv,
    credentials:
      options.credentials && prepared.credentialsRegistry
        ? { registry: prepared.credentialsRegistry, ...options.credentials }
        : undefined,
    onCreated: options.onCreated,
  });
  return { ...result, valuesYaml: renderValues(cases[0]!.values), images, tested };
}
