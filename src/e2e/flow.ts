/**
 * One e2e run from validated options: everything is checked and the values are generated (reading the
 * image annotations) before any tool is downloaded or container started; then tools, registry, clusters,
 * suites. Used by the `e2e` action and by `ext-actions e2e`.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Environment as PlanEnvironment } from '../matrix/index.js';
import { ClientPool, inspectImage, parseReference, type Credentials } from '../registry/index.js';
import { genericSuiteDir, splitArgs } from './chainsaw.js';
import { parseCnpgVersions } from './cnpg.js';
import { nodeVersion } from './kind.js';
import { resolveValues, type Inspect } from './resolve.js';
import {
  clusterReference,
  DEFAULT_ENVIRONMENT,
  runE2e,
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
  image: string;
  cnpg: string;
  nodeImage: string;
  versions: ToolVersions;
  credentials?: Credentials | undefined;
  extraArgs: string;
  keep: boolean;
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
}

/** Annotation reads through the project's registry client (credentials for the image's registry only). */
export function registryInspect(image: string, credentials?: Credentials): Inspect {
  const options = credentials
    ? { credentials: { [parseReference(image, 'image').registry]: credentials } }
    : {};
  const pool = new ClientPool(options);
  return async (ref) => ({ annotations: (await inspectImage(ref, { ...options, pool })).annotations });
}

export interface Prepared {
  values: TestingValues;
  cnpg: string[];
  extraArgs: string[];
  versions: ToolVersions;
  env: Environment;
}

/** Validates every option and generates the values; touches nothing. */
export async function prepare(options: E2eOptions, inspect?: Inspect): Promise<Prepared> {
  if (options.image.trim() === '')
    throw new UserError('input "image": expected the extension image reference, ideally repo@sha256:...');
  parseReference(options.image, 'input "image"');
  const cnpg = parseCnpgVersions(options.cnpg);
  nodeVersion(options.nodeImage);
  const versions = {
    kind: checkVersion('kind-version', options.versions.kind),
    kubectl: checkVersion('kubectl-version', options.versions.kubectl),
    chainsaw: checkVersion('chainsaw-version', options.versions.chainsaw),
  };
  const extraArgs = splitArgs(options.extraArgs);
  if (options.credentials && (!options.credentials.username || !options.credentials.password))
    throw new UserError('inputs "registry-username" and "registry-password": give both or neither');
  const env = options.env ?? DEFAULT_ENVIRONMENT;
  const { values } = await resolveValues({
    root: options.root,
    extension: options.extension,
    image: options.image,
    registry: options.registry,
    environment: options.environment,
    builtImages: options.builtImages,
    inspect: inspect ?? registryInspect(options.image, options.credentials),
    clusterReference: (r) => clusterReference(env, r),
  });
  return { values, cnpg, extraArgs, versions, env };
}

export async function e2e(
  exec: Exec,
  log: Log,
  options: E2eOptions,
  inspect?: Inspect,
): Promise<RunResult & { valuesYaml: string }> {
  const prepared = await log.group('Test values', async () => {
    const p = await prepare(options, inspect);
    log.info(renderValues(p.values));
    return p;
  });
  const { tools } = await log.group('Tools', () => installE2eTools(prepared.versions));
  await options.onTools?.(tools);
  const result = await runE2e(exec, log, {
    tools,
    env: prepared.env,
    nodeImage: options.nodeImage.trim(),
    cnpg: prepared.cnpg,
    values: prepared.values,
    extensionDir: path.join(options.root, options.extension),
    genericSuite: genericSuiteDir(),
    workDir: options.workDir,
    diagnosticsDir: path.join(options.workDir, 'diagnostics'),
    reportDir: options.report,
    extraArgs: prepared.extraArgs,
    keep: options.keep,
    image: options.image,
    credentials: options.credentials,
    onCreated: options.onCreated,
  });
  return { ...result, valuesYaml: renderValues(prepared.values) };
}
