/**
 * Build mode (`build: true` / `ext-actions e2e` without `--image`): the extension and the required
 * extensions whose folders are in the same repository are planned with the plan core against the local
 * e2e registry (host side `localhost:<port>`), built for the runner's native platform only and pushed
 * there with the bake engine (a `docker-container` builder with `--driver-opt network=host`, so BuildKit
 * reaches the registry on the host's loopback), then each built target of the extension is tested by
 * digest. Nothing leaves the machine: no registry credentials are needed, so pull requests from forks
 * can run it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runBake, type BakeDeps, type BakeSettings } from '../bake/run.js';
import type { BakeImage } from '../bake/metadata.js';
import { DEFAULT_BINFMT_IMAGE } from '../bake/argv.js';
import { UserError, showValue } from '../errors.js';
import {
  buildPlan,
  loadExtensions,
  resolveTimestamp,
  type Extension,
  type Plan,
  type PlanTarget,
} from '../matrix/index.js';
import { hostArch } from '../tools/install.js';
import { requirements, resolveValues, type Inspect } from './resolve.js';
import type { Environment, Exec, Log, OnCreated } from './runner.js';
import type { TestingValues } from './values.js';

/** The builder joins the host's network namespace, so `localhost:<port>` is the e2e registry. */
export const BUILDER_DRIVER_OPTS = ['network=host'] as const;

/** The local registry as the host (and a host-network builder) reaches it. */
export function localRegistry(env: Environment): string {
  return `localhost:${env.registryPort}`;
}

/** `linux/<arch>` of this machine (`linux/amd64` on x86-64 runners). */
export function nativePlatform(arch: string = process.arch): string {
  return `linux/${hostArch(arch)}`;
}

/**
 * The extension and, transitively, every required extension whose folder (with a metadata.hcl) is in
 * `root`; the others (`missing`) are taken from the configured registry when the values are resolved.
 */
export async function buildSet(
  root: string,
  extension: string,
): Promise<{ extensions: Extension[]; folders: string[]; missing: string[] }> {
  const extensions: Extension[] = [];
  const folders: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const queue = [extension];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (name !== extension && !existsSync(path.join(root, name, 'metadata.hcl'))) {
      missing.push(name);
      continue;
    }
    const [ext] = await loadExtensions(root, [name]);
    extensions.push(ext!);
    folders.push(name);
    queue.push(...requirements(ext!).folders);
  }
  return { extensions, folders, missing };
}

export interface BuildPlanOptions {
  root: string;
  extension: string;
  env: Environment;
  /** Raw timestamp (RFC 3339 or epoch seconds); "" for SOURCE_DATE_EPOCH or now. */
  timestamp: string;
  revision: string;
  platform: string;
  /** Build and test this distro only (upstream's `DISTRO=trixie`); undefined: every declared one. */
  distro?: string | undefined;
  /** Registry of required extensions that are not in the repository. */
  registry?: string | undefined;
  environment?: 'testing' | 'production' | undefined;
  processEnv?: NodeJS.ProcessEnv;
}

export interface PreparedBuild {
  /** What it was planned from, the timestamp fixed to the plan's (the build plans the same targets). */
  options: BuildPlanOptions;
  plan: Plan;
  /** Folders to build (the extension first). */
  names: string[];
  /** metadata.name of the extension under test. */
  name: string;
  /** Targets of the extension under test (the others are its dependencies). */
  tested: PlanTarget[];
}

/**
 * Plans the build and checks, offline, that every tested target's values resolve (dependencies built
 * in this run or taken from the registry): every error surfaces before a container starts.
 */
export async function prepareBuild(o: BuildPlanOptions): Promise<PreparedBuild> {
  const { extensions, folders } = await buildSet(o.root, o.extension);
  const name = extensions[0]!.metadata.name;
  const plan = buildPlan(extensions, {
    registry: localRegistry(o.env),
    environment: 'testing',
    timestamp: resolveTimestamp(o.timestamp, 'input "timestamp"', o.processEnv ?? process.env),
    revision: o.revision,
    platforms: [o.platform],
  });
  if (o.distro !== undefined) {
    const declared = [...new Set(plan.targets.filter((t) => t.extension === name).map((t) => t.distro))];
    if (!declared.includes(o.distro))
      throw new UserError(
        `input "distro": extension ${showValue(o.extension)} declares no ${showValue(o.distro)} versions (it has ${declared.join(', ') || 'none'})`,
      );
    plan.targets = plan.targets.filter((t) => t.distro === o.distro);
  }
  const tested = plan.targets.filter((t) => t.extension === name);
  if (tested.length === 0) {
    const why = plan.skipped
      .filter((s) => s.target.startsWith(`${name}-`))
      .map((s) => s.reason)
      .join('; ');
    throw new UserError(
      `extension ${showValue(o.extension)}: nothing to build on this runner's platform ${o.platform}${why ? ` (${why})` : ''}`,
    );
  }
  const planned = plan.targets.map((t) => t.tags[0]!).filter(Boolean);
  for (const t of tested) {
    await resolveValues({
      root: o.root,
      extension: o.extension,
      image: t.tags[0]!,
      distro: t.distro,
      pgMajor: t.pgMajor,
      registry: o.registry,
      environment: o.environment,
      builtImages: planned,
    });
  }
  return { options: { ...o, timestamp: plan.created }, plan, names: folders, name, tested };
}

export interface BuildRunOptions extends BuildPlanOptions {
  workDir: string;
  builderName: string;
  onCreated?: OnCreated | undefined;
  verify?: BakeDeps['verify'];
}

/** Adapts the e2e `Exec`/`Log` to the bake engine's dependencies. */
function bakeDeps(exec: Exec, log: Log, o: BuildRunOptions): BakeDeps {
  return {
    exec: async (cmd, options) => {
      const r = await exec(cmd.file, cmd.args, {
        ...(cmd.env ? { env: cmd.env } : {}),
        echo: options?.stream ?? false,
      });
      return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr };
    },
    info: (m) => log.info(m),
    warning: (m) => (log.warning ? log.warning(m) : log.info(`warning: ${m}`)),
    group: (name, fn) => log.group(name, fn),
    builderCreated: (name) => void o.onCreated?.({ kind: 'builder', name }),
    ...(o.verify ? { verify: o.verify } : {}),
  };
}

/** Builds and pushes the planned extensions into the local registry; returns the images by digest. */
export async function buildImages(exec: Exec, log: Log, o: BuildRunOptions): Promise<BakeImage[]> {
  const { names } = await prepareBuild(o);
  log.info(`building ${names.join(', ')} for ${o.platform} into ${localRegistry(o.env)}`);
  const settings: BakeSettings = {
    mode: 'build',
    // Commands run in this process's folder: bake resolves the plan's contexts from there.
    cwd: process.cwd(),
    root: o.root,
    extensions: names,
    targets: o.distro !== undefined ? [`*-${o.distro}`] : [],
    base: '',
    head: '',
    registry: localRegistry(o.env),
    environment: 'testing',
    push: true,
    platforms: [o.platform],
    timestamp: o.timestamp,
    revision: o.revision,
    builder: '',
    builderName: o.builderName,
    builderDriverOpts: BUILDER_DRIVER_OPTS,
    setupQemu: 'false',
    binfmtImage: DEFAULT_BINFMT_IMAGE,
    cache: false,
    set: [],
    dryRun: false,
    images: '',
    verifyLayout: o.verify !== undefined,
    workDir: o.workDir,
    hostArch: process.arch,
    env: o.processEnv ?? process.env,
  };
  const result = await runBake(settings, bakeDeps(exec, log, o));
  return result.images ?? [];
}

/**
 * Values for each built image of the extension, read back from the local registry by digest (its
 * annotations give the PostgreSQL image and SQL version); required extensions built in the same run
 * resolve to their digests.
 */
export async function builtCases(
  images: readonly BakeImage[],
  o: {
    root: string;
    /** Folder of the extension under test. */
    extension: string;
    /** Its metadata.name (the `extension` of its built images). */
    name: string;
    registry?: string | undefined;
    environment?: 'testing' | 'production' | undefined;
    inspect: Inspect;
    clusterReference: (reference: string) => string;
  },
): Promise<{ name: string; image: string; values: TestingValues }[]> {
  const refs = images.map((i) => i.ref);
  const cases = [];
  for (const image of images.filter((i) => i.extension === o.name)) {
    const { values } = await resolveValues({
      root: o.root,
      extension: o.extension,
      image: image.ref,
      registry: o.registry,
      environment: o.environment,
      builtImages: refs,
      inspect: o.inspect,
      clusterReference: o.clusterReference,
    });
    cases.push({ name: image.target, image: image.ref, values });
  }
  if (cases.length === 0) throw new UserError(`the build produced no image of ${o.extension}`);
  return cases;
}
