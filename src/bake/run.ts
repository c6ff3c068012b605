/**
 * The bake action's steps: validate inputs and metadata -> plan -> QEMU (only when needed) -> a
 * `docker-container` builder -> bake JSON -> `docker buildx bake` -> parse metadata -> outputs. In
 * `mode: merge`, per-platform digests are joined into tagged indexes instead. Every check happens
 * before the first command runs; commands get argv arrays through `deps.exec`.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import semver from 'semver';
import { UserError, showValue } from '../errors.js';
import { runCommand } from '../process/exec.js';
import {
  DEFAULT_SHARED_GLOBS,
  affectedExtensions,
  buildPlan,
  gitChangedFiles,
  gitTopLevel,
  isNullRef,
  loadExtensions,
  noExtensionsMessage,
  scanExtensions,
  planTable,
  resolveTimestamp,
  toBakeDefinition,
  toMatrix,
  type BakeDefinition,
  type Environment,
  type Extension,
  type MatrixEntry,
  type Plan,
} from '../matrix/index.js';
import {
  bakeCommand,
  binfmtInstallCommand,
  builderBootstrapCommand,
  builderCreateCommand,
  builderInspectCommand,
  buildxVersionCommand,
  imagetoolsCreateCommand,
  imagetoolsInspectRawCommand,
  showCommand,
  type Command,
} from './argv.js';
import { byDigestDefinition } from './definition.js';
import { failedTargets, lastLines, type TargetFailure } from './failure.js';
import { createdOf, parseImagesInput, planMerge, type MergeJob } from './merge.js';
import {
  imageOf,
  imagesFromMetadata,
  parseBakeMetadata,
  parseCreateMetadata,
  refsOf,
  type BakeImage,
} from './metadata.js';
import { decideQemu, nativeArchitectures, type QemuDecision, type QemuMode } from './qemu.js';
import { renderSummary, type BakeMode } from './summary.js';

export interface BakeSettings {
  mode: BakeMode;
  /** Where bake runs; build contexts are written relative to it. */
  cwd: string;
  /** Folder holding the extension folders (relative to cwd, or absolute). */
  root: string;
  /** `[]`/`['all']`: every extension; `['changed']`: those `base..head` affects; else names. */
  extensions: readonly string[];
  /**
   * A subset of the planned targets: names or globs (`pgvector-*-trixie`); each must match one. Empty:
   * every target.
   */
  targets?: readonly string[];
  base: string;
  head: string;
  registry: string;
  environment: Environment;
  push: boolean;
  platforms?: readonly string[];
  /** Raw `timestamp` input (RFC 3339 or epoch seconds); "" for SOURCE_DATE_EPOCH or now. */
  timestamp: string;
  revision: string;
  baseImage?: string;
  url?: string;
  source?: string;
  /** `org.opencontainers.image.documentation` / `.vendor` / `.authors` (plan defaults when undefined). */
  documentation?: string;
  vendor?: string;
  authors?: string;
  /** `docker buildx bake --load`, `--no-cache`, `--pull`, `--provenance`, `--sbom`. */
  load?: boolean;
  noCache?: boolean;
  pull?: boolean;
  provenance?: string;
  sbom?: string;
  /** An existing builder to use; "" creates (and later removes) `builderName`. */
  builder: string;
  builderName: string;
  /** `--driver-opt` entries for the builder it creates (e.g. `network=host` for a loopback registry). */
  builderDriverOpts?: readonly string[];
  setupQemu: QemuMode;
  /**
   * `setup-qemu: auto` may not install QEMU by itself (a developer's machine rather than a CI runner):
   * when emulation is needed, refuse (a dry run warns) and name the flags that decide.
   */
  qemuNeedsConsent?: boolean;
  binfmtImage: string;
  cache: boolean;
  set: readonly string[];
  /** Extra bake files (relative to cwd), merged after the plan: `-f FILE` each. */
  files?: readonly string[];
  /** Entitlements passed as `--allow` (`network.host`, `security.insecure`, `fs.read=PATH`...). */
  allow?: readonly string[];
  dryRun: boolean;
  /** `mode: merge`: the per-platform `images` outputs. */
  images: string;
  /** Read every pushed image back from the registry and check the extension layout. */
  verifyLayout?: boolean;
  /** Names an input in messages (default `input "<name>"`; the CLI names its flags). */
  label?: (input: string) => string;
  /** Folder for plan.json and metadata files (created). */
  workDir: string;
  hostArch: string;
  env: NodeJS.ProcessEnv;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * `BakeDeps.exec` on @actions/exec, for the action and the CLI: the argv as given (no shell), output
 * captured (and shown live with `stream`), `cmd.env` over `env`, a non-zero exit returned, not thrown.
 */
export function execCommand(
  env: NodeJS.ProcessEnv,
  cwd?: string,
  echoTo?: NodeJS.WritableStream,
): BakeDeps['exec'] {
  return (cmd, options) =>
    runCommand(cmd.file, cmd.args, {
      ...(cwd !== undefined ? { cwd } : {}),
      ...(echoTo ? { echoTo } : {}),
      echo: options?.stream === true,
      env: { ...env, ...cmd.env },
    });
}

export interface BakeDeps {
  /** Runs one command (argv array); `stream` shows its output live. Throws when the program is missing. */
  exec(cmd: Command, options?: { stream?: boolean }): Promise<ExecResult>;
  info(message: string): void;
  warning(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Called as soon as a builder exists, so the post step removes it even when a later step fails. */
  builderCreated?(name: string): void;
  /** Checks a pushed image's layout (src/layout verifyLayout); needed for `verifyLayout`. */
  verify?(ref: string, extension: Extension): Promise<LayoutVerdict>;
}

export interface LayoutVerdict {
  ok: boolean;
  findings: { level: 'error' | 'warning'; platform?: string; file?: string; reason: string }[];
}

export interface BakeResult {
  mode: BakeMode;
  plan: Plan;
  planFile: string;
  definition: BakeDefinition;
  /** Raw metadata JSON (bake's file, or one object per target from imagetools create). */
  metadata?: string;
  images?: BakeImage[];
  refs: string;
  matrix: (MatrixEntry & { digest?: string; ref?: string })[];
  commands: string[];
  qemu?: QemuDecision;
  selection?: string;
  summary: string;
}

/** The message of one failed target: its name and the end of its log. */
export function targetFailureMessage(f: TargetFailure): string {
  return `target ${f.target} failed to build:\n${f.log.join('\n')}`;
}

/**
 * Targets that failed to build (`target`/`log`: the first one; `failures`: all of them, in plan
 * order): one error annotation each, naming the target and showing the end of its log.
 */
export class TargetBuildError extends UserError {
  readonly target: string;
  readonly log: readonly string[];
  readonly failures: readonly TargetFailure[];
  constructor(target: string, log: readonly string[], more: readonly TargetFailure[] = []) {
    super(targetFailureMessage({ target, log: [...log] }));
    this.target = target;
    this.log = log;
    this.failures = [{ target, log: [...log] }, ...more];
  }
}

/** The entitlements `docker buildx bake --allow` accepts. */
const ALLOW = /^(?:network\.host|security\.insecure|ssh|device(?:=\S+)?|fs(?:\.read|\.write)?=\S+)$/;
const SET = /^[A-Za-z0-9_*?[\]{},.-]+\.[A-Za-z0-9_.-]+=.*$/s;
/** `--provenance`/`--sbom`: a boolean or `key=value[,key=value]` attestation options. */
const ATTESTATION = /^(?:true|false|[a-z-]+=[^,\s]+(?:,[a-z-]+=[^,\s]+)*)$/;
/** `os/arch[/variant]`, as buildx and binfmt name platforms. */
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
/** What `docker buildx create --name` accepts. */
const BUILDER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** How a message names an input: the action's `input "name"` by default, the CLI's `--flag`. */
function labelOf(s: BakeSettings, input: string): string {
  return s.label ? s.label(input) : `input "${input}"`;
}

function checkSettings(s: BakeSettings): void {
  for (const p of s.platforms ?? []) {
    if (!PLATFORM.test(p)) {
      throw new UserError(
        `${labelOf(s, 'platforms')}: expected os/arch[/variant] such as linux/amd64 or linux/arm64, got ${showValue(p)}`,
      );
    }
  }
  if (s.baseImage !== undefined && /\s/.test(s.baseImage)) {
    throw new UserError(
      `${labelOf(s, 'base-image')}: expected an image reference such as ghcr.io/cloudnative-pg/postgresql:{pgMajor}-minimal-{distro}, got ${showValue(s.baseImage)}`,
    );
  }
  if (s.builder !== '' && !BUILDER.test(s.builder)) {
    throw new UserError(
      `${labelOf(s, 'builder')}: expected the name of an existing buildx builder (letters, digits, _ . -), got ${showValue(s.builder)}`,
    );
  }
  for (const entry of s.set) {
    if (!SET.test(entry)) {
      throw new UserError(
        `${labelOf(s, 'set')}: expected "<target>.<key>=<value>" such as "*.args.FOO=bar" or "pgvector-*.no-cache=true", got ${showValue(entry)}`,
      );
    }
  }
  for (const entry of s.allow ?? []) {
    if (!ALLOW.test(entry)) {
      throw new UserError(
        `${labelOf(s, 'allow')}: expected a buildx entitlement (network.host, security.insecure, ssh, device[=NAME], fs=PATH, fs.read=PATH or fs.write=PATH), got ${showValue(entry)}`,
      );
    }
  }
  if (s.extensions.includes('changed') && s.extensions.length > 1) {
    throw new UserError(
      `${labelOf(s, 'extensions')}: "changed" cannot be combined with names, got ${showValue(s.extensions.join(', '))}`,
    );
  }
  if (s.extensions.includes('all') && s.extensions.length > 1) {
    throw new UserError(
      `${labelOf(s, 'extensions')}: "all" cannot be combined with names, got ${showValue(s.extensions.join(', '))}`,
    );
  }
  if (s.mode === 'merge' && ((s.files ?? []).length || (s.allow ?? []).length)) {
    throw new UserError(
      `${labelOf(s, (s.files ?? []).length ? 'files' : 'allow')}: mode: merge builds nothing (it joins pushed images); give it to the build jobs`,
    );
  }
  for (const key of ['provenance', 'sbom'] as const) {
    const v = s[key];
    if (v !== undefined && !ATTESTATION.test(v))
      throw new UserError(
        `${labelOf(s, key)}: expected true, false or buildx attestation options such as mode=max, got ${showValue(v)}`,
      );
  }
  if (s.load && s.mode !== 'build') {
    throw new UserError(
      `${labelOf(s, 'load')}: only with mode: build (mode ${s.mode} pushes by digest or merges pushed images)`,
    );
  }
  if (s.mode !== 'merge' && s.images.trim() !== '') {
    throw new UserError(`${labelOf(s, 'images')}: only used with mode: merge`);
  }
  if (s.mode === 'merge' && s.dryRun === false && !s.push) {
    throw new UserError(
      `${labelOf(s, 'push')}: needed with ${labelOf(s, 'mode')} merge (it pushes the tagged indexes)`,
    );
  }
}

async function gitTop(s: BakeSettings): Promise<string> {
  const cwd = s.cwd;
  const top = await gitTopLevel(cwd);
  if (top === undefined) {
    throw new UserError(
      `${labelOf(s, 'extensions')}: "changed" needs a git checkout, but ${cwd} is not inside one (use actions/checkout with fetch-depth: 0)`,
    );
  }
  return top;
}

/** The extension names to plan, and a sentence saying why. */
async function selectExtensions(
  s: BakeSettings,
  rootDir: string,
): Promise<{ names: string[] | 'all'; why?: string }> {
  if (s.extensions.length === 0 || s.extensions[0] === 'all') return { names: 'all' };
  if (s.extensions[0] !== 'changed') return { names: [...s.extensions] };
  if (isNullRef(s.base)) {
    return {
      names: 'all',
      why: 'No base commit to compare with (first push or no event): every extension is built.',
    };
  }
  const top = await gitTop(s);
  const paths = await gitChangedFiles(s.base, s.head, top);
  const all = await loadExtensions(rootDir);
  const result = affectedExtensions({
    root: path.relative(top, rootDir) || '.',
    paths,
    extensions: new Map(all.map((e) => [e.metadata.name, e.metadata.required_extensions])),
    shared: DEFAULT_SHARED_GLOBS,
  });
  const reasons = result.extensions.map((n) => `\`${n}\` (${result.reasons[n]})`);
  return {
    names: result.extensions,
    why: result.extensions.length
      ? `Changed between \`${s.base.slice(0, 12)}\` and \`${s.head.slice(0, 12)}\`: ${reasons.join(', ')}.`
      : `No extension changed between \`${s.base.slice(0, 12)}\` and \`${s.head.slice(0, 12)}\`.`,
  };
}

/** The `Plan` group: plans, then logs the warnings, why these extensions, and the plan table. */
async function planGroup(s: BakeSettings, deps: BakeDeps, timestamp: string, timestampSource: string) {
  return deps.group('Plan', async () => {
    const made = await makePlan(s, timestamp, timestampSource);
    for (const w of made.plan.warnings) deps.warning(w);
    if (made.selection) deps.info(made.selection);
    deps.info(planTable(made.plan));
    return made;
  });
}

/** A missing or unreadable root folder, named as the `root` input (or the CLI's `--root`). */
function inputRoot(s: BakeSettings): (err: unknown) => never {
  return (err) => {
    if (err instanceof UserError && err.message.startsWith('root folder '))
      throw new UserError(`${labelOf(s, 'root')}: ${err.message}`);
    throw err;
  };
}

async function makePlan(s: BakeSettings, timestamp: string, timestampSource: string) {
  const rootDir = path.resolve(s.cwd, s.root);
  // The discovery names the folder (`root folder X: not found`); the action names the input too.
  const onRoot = inputRoot(s);
  const selection = await selectExtensions(s, rootDir).catch(onRoot);
  const names = selection.names;
  // Plan-time checks for a build (each Dockerfile is there); misplaced metadata files are warned about.
  const discoveryWarnings: string[] = [];
  const load = {
    build: true,
    rootLabel: labelOf(s, 'root'),
    warn: (w: string) => discoveryWarnings.push(w),
  };
  const loaded =
    names === 'all'
      ? await loadExtensions(rootDir, [], load).catch(onRoot)
      : names.length
        ? await loadExtensions(rootDir, names, load).catch(onRoot)
        : [];
  if (names === 'all' && loaded.length === 0) {
    throw new UserError(
      `${labelOf(s, 'root')}: ${noExtensionsMessage(await scanExtensions(rootDir), labelOf(s, 'root'))}`,
    );
  }
  const plan = buildPlan(loaded, {
    cwd: s.cwd,
    label: (option) => labelOf(s, option),
    registry: s.registry,
    environment: s.environment,
    timestamp: resolveTimestamp(timestamp, timestampSource, s.env),
    revision: s.revision,
    baseImage: s.baseImage,
    platforms: s.platforms?.length ? s.platforms : undefined,
    url: s.url,
    source: s.source,
    documentation: s.documentation,
    vendor: s.vendor,
    authors: s.authors,
  });
  const warnings = [...discoveryWarnings, ...loaded.flatMap((e) => e.warnings), ...plan.warnings];
  const targets = selectTargets(s, plan);
  return { plan: { ...plan, targets, warnings }, selection: selection.why, extensions: loaded };
}

/** The planned targets `targets` names (globs allowed); a pattern matching none is an error. */
function selectTargets(s: BakeSettings, plan: Plan): Plan['targets'] {
  const patterns = s.targets ?? [];
  if (patterns.length === 0 || plan.targets.length === 0) return plan.targets;
  const unmatched = patterns.filter((p) => !plan.targets.some((t) => picomatch.isMatch(t.name, p)));
  if (unmatched.length) {
    throw new UserError(
      `${labelOf(s, 'targets')}: ${unmatched.map((p) => showValue(p)).join(', ')} matches no planned target; the plan has ${plan.targets.map((t) => t.name).join(', ')}`,
    );
  }
  return plan.targets.filter((t) => picomatch.isMatch(t.name, [...patterns]));
}

function matrixOf(plan: Plan, images?: readonly BakeImage[]): BakeResult['matrix'] {
  const byTarget = new Map((images ?? []).map((i) => [i.target, i]));
  return toMatrix(plan).map((m) => {
    const image = byTarget.get(m.target);
    return image ? { ...m, digest: image.digest, ref: image.ref } : m;
  });
}

/** `imagetools create --metadata-file` (what `mode: merge` reads the new index digest from). */
export const MERGE_MIN_BUILDX = '0.32.0';

/** Checks docker and buildx are there; returns buildx's version (`0.36.1`), or undefined if unreadable. */
async function checkTools(deps: BakeDeps): Promise<string | undefined> {
  let run: ExecResult;
  try {
    run = await deps.exec(buildxVersionCommand());
  } catch {
    throw new UserError(
      'Docker is missing: the docker CLI is not on PATH. Run on a GitHub-hosted Ubuntu runner, or install Docker Engine (https://docs.docker.com/engine/install/).',
    );
  }
  if (run.exitCode !== 0) {
    throw new UserError(
      `Docker Buildx is missing (docker buildx version: ${lastLines(run.stderr || run.stdout, 1)[0] ?? `exit code ${run.exitCode}`}). Add docker/setup-buildx-action before this step, or install the docker-buildx-plugin package.`,
    );
  }
  deps.info(run.stdout.trim());
  return buildxVersion(run.stdout);
}

/** `github.com/docker/buildx v0.36.1 <commit>` -> `0.36.1`. */
export function buildxVersion(output: string): string | undefined {
  const m = /\bv?(\d+\.\d+\.\d+)\b/.exec(output);
  return m?.[1];
}

/**
 * `mode: digest` pushes by digest, which buildx's `docker` driver refuses ("push-by-digest is currently
 * not implemented for docker driver") only once the build has run: refuse it up front, naming the way out.
 */
async function checkDigestDriver(s: BakeSettings, deps: BakeDeps): Promise<void> {
  const run = await mustRun(deps, builderInspectCommand(s.builder), `inspecting builder ${s.builder}`);
  const driver = /^Driver:\s*(\S+)/m.exec(run.stdout)?.[1];
  if (driver === 'docker')
    throw new UserError(
      `${labelOf(s, 'builder')}: ${s.builder} uses the docker driver, which cannot push by digest (mode: digest); leave builder empty so a docker-container builder is created, or use mode: build`,
    );
}

async function mustRun(deps: BakeDeps, cmd: Command, what: string, stream = false): Promise<ExecResult> {
  deps.info(`[command]${showCommand(cmd)}`);
  const run = await deps.exec(cmd, { stream });
  if (run.exitCode !== 0) {
    const tail = lastLines(`${run.stdout}\n${run.stderr}`, 10);
    throw new UserError(`${what} failed (exit code ${run.exitCode}):\n${tail.join('\n')}`);
  }
  return run;
}

/** The user's bake files, resolved against cwd; each must be a readable file (checked before anything runs). */
async function bakeFiles(s: BakeSettings): Promise<string[]> {
  const files: string[] = [];
  for (const f of s.files ?? []) {
    const file = path.resolve(s.cwd, f);
    const ok = await stat(file).then(
      (st) => st.isFile(),
      () => false,
    );
    if (
      !ok ||
      !(await access(file, constants.R_OK).then(
        () => true,
        () => false,
      ))
    )
      throw new UserError(
        `${labelOf(s, 'files')}: ${showValue(f)} is not a readable file (resolved to ${file})`,
      );
    files.push(file);
  }
  return files;
}

export async function runBake(s: BakeSettings, deps: BakeDeps): Promise<BakeResult> {
  checkSettings(s);
  if (s.mode === 'merge') return runMerge(s, deps);

  // 1. Validate and plan (nothing has run yet).
  const files = await bakeFiles(s);
  const { plan, selection, extensions } = await planGroup(s, deps, s.timestamp, labelOf(s, 'timestamp'));
  let definition = toBakeDefinition(plan, { ghaCache: s.cache });
  if (s.mode === 'digest') definition = byDigestDefinition(definition, plan);
  await mkdir(s.workDir, { recursive: true });
  const planFile = path.join(s.workDir, 'plan.json');
  const metadataFile = path.join(s.workDir, 'metadata.json');
  const platforms = [...new Set(plan.targets.flatMap((t) => t.platforms))];
  const qemu = decideQemu(s.setupQemu, platforms, s.hostArch);
  if (qemu.install && s.setupQemu === 'auto' && s.qemuNeedsConsent) {
    const message = `${labelOf(s, 'setup-qemu')}: building ${qemu.architectures.join(', ')} on this ${s.hostArch} machine needs QEMU, installed by \`${showCommand(binfmtInstallCommand(s.binfmtImage, qemu.architectures))}\` (a privileged container that registers kernel binfmt handlers until reboot); allow it with ${labelOf(s, 'setup-qemu')} true, skip it with ${labelOf(s, 'setup-qemu')} false if emulation is already installed, or build native platforms only (${labelOf(s, 'platforms')} linux/${nativeArchitectures(s.hostArch)[0]})`;
    if (!s.dryRun) throw new UserError(message);
    deps.warning(message);
  }
  const builder = s.builder || s.builderName;
  const commands: Command[] = [];
  if (plan.targets.length) {
    if (qemu.install) commands.push(binfmtInstallCommand(s.binfmtImage, qemu.architectures));
    if (!s.builder)
      commands.push(builderCreateCommand(builder, s.builderDriverOpts), builderBootstrapCommand(builder));
    commands.push(
      bakeCommand({
        builder,
        planFile,
        metadataFile,
        push: s.push,
        set: s.set,
        files,
        allow: s.allow,
        load: s.load,
        noCache: s.noCache,
        pull: s.pull,
        provenance: s.provenance,
        sbom: s.sbom,
      }),
    );
  }
  await writeFile(planFile, `${JSON.stringify(definition, null, 2)}\n`);
  const shown = commands.map(showCommand);
  const base = { mode: s.mode, plan, planFile, definition, commands: shown, qemu, selection };
  const withSummary = (result: Omit<BakeResult, 'summary'>, dryRun: boolean): BakeResult => ({
    ...result,
    summary: renderSummary({
      ...result,
      qemu: qemu.install ? qemu.reason : undefined,
      push: s.push,
      dryRun,
    }),
  });

  if (s.dryRun || plan.targets.length === 0) {
    if (s.dryRun) {
      deps.info(`Dry run: the plan is ${planFile}; these commands would run:`);
      for (const c of shown) deps.info(`  ${c}`);
    } else deps.info(selection ?? 'No targets to build.');
    return withSummary({ ...base, refs: '', matrix: matrixOf(plan) }, s.dryRun);
  }

  // 2. Tools, QEMU, builder.
  await deps.group('Docker Buildx', async () => {
    await checkTools(deps);
    deps.info(`QEMU: ${qemu.reason}`);
    if (qemu.install) await mustRun(deps, commands[0]!, `installing QEMU (${s.binfmtImage})`);
    if (s.builder && s.mode === 'digest') await checkDigestDriver(s, deps);
    if (!s.builder) {
      await mustRun(deps, builderCreateCommand(builder, s.builderDriverOpts), `creating builder ${builder}`);
      deps.builderCreated?.(builder);
      await mustRun(deps, builderBootstrapCommand(builder), `starting builder ${builder}`);
    }
  });

  // 3. Bake.
  const bake = commands.at(-1)!;
  const run = await deps.group(
    `Bake ${plan.targets.length} targets${s.push ? ' and push' : ''}`,
    async () => {
      deps.info(`[command]${showCommand(bake)}`);
      return deps.exec(bake, { stream: true });
    },
  );
  if (run.exitCode !== 0) {
    const output = `${run.stdout}\n${run.stderr}`;
    const failures = failedTargets(
      output,
      plan.targets.map((t) => t.name),
    );
    const [first, ...more] = failures;
    if (first) throw new TargetBuildError(first.target, first.log, more);
    throw new UserError(
      `docker buildx bake failed (exit code ${run.exitCode}):\n${lastLines(output).join('\n')}`,
    );
  }

  // 4. Outputs.
  let raw: string;
  try {
    raw = await readFile(metadataFile, 'utf8');
  } catch {
    throw new UserError(`docker buildx bake succeeded but wrote no metadata file at ${metadataFile}`);
  }
  const parsed = parseBakeMetadata(raw, metadataFile);
  const metadata = JSON.stringify(JSON.parse(raw)); // one line: a smaller output
  const images = imagesFromMetadata(plan, parsed, { push: s.push, byDigest: s.mode === 'digest' });
  await verifyImages(s, deps, images, extensions);
  return withSummary(
    { ...base, metadata, images, refs: refsOf(images), matrix: matrixOf(plan, images) },
    false,
  );
}

/**
 * `verify-layout`: reads each pushed image back and checks the CNPG extension layout. A failure means no
 * `images` output, so nothing downstream signs or promotes the image.
 */
async function verifyImages(
  s: BakeSettings,
  deps: BakeDeps,
  images: readonly BakeImage[],
  extensions: readonly Extension[],
): Promise<void> {
  if (!s.verifyLayout) return;
  if (!s.push) {
    deps.info('verify-layout: skipped, nothing was pushed (push: false)');
    return;
  }
  if (!deps.verify) throw new Error('verify-layout: no verifier wired in');
  const byName = new Map(extensions.map((e) => [e.metadata.name, e]));
  const problems: string[] = [];
  await deps.group(`Verify the layout of ${images.length} images`, () =>
    pool(images, 4, async (image) => {
      const verdict = await deps.verify!(image.ref, byName.get(image.extension)!);
      for (const f of verdict.findings) {
        const where = [f.platform, f.file].filter(Boolean).join(' ');
        const line = `${image.target}${where ? ` (${where})` : ''}: ${f.reason}`;
        if (f.level === 'error') problems.push(line);
        else deps.warning(`verify-layout: ${line}`);
      }
      if (!verdict.ok && !verdict.findings.some((f) => f.level === 'error')) {
        problems.push(`${image.target}: the layout check failed`);
      }
    }),
  );
  if (problems.length) {
    throw new UserError(`verify-layout: ${problems.length} problem(s) in the pushed images`, problems);
  }
}

async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * For buildx before 0.32 (no `--metadata-file` on imagetools create): reads the index just pushed back
 * from its first tag (`imagetools inspect --raw`, the registry's exact bytes), hashes them, and checks
 * it is ours: an index carrying the annotations this job just wrote.
 */
async function readBackIndex(
  deps: BakeDeps,
  job: MergeJob,
  builder: string | undefined,
): Promise<ReturnType<typeof parseCreateMetadata>> {
  const tag = job.tags[0]!;
  const run = await mustRun(deps, imagetoolsInspectRawCommand(tag, builder), `reading back ${tag}`);
  let index: { mediaType?: string; annotations?: Record<string, string> };
  try {
    index = JSON.parse(run.stdout) as typeof index;
  } catch {
    throw new UserError(
      `imagetools inspect --raw ${tag} did not print a manifest: ${lastLines(run.stdout, 3).join(' ')}`,
    );
  }
  const mediaType = index.mediaType ?? '';
  if (!/image\.index|manifest\.list/.test(mediaType))
    throw new UserError(
      `${tag} is a ${mediaType || 'manifest without mediaType'}, not the index just created`,
    );
  for (const a of job.annotations) {
    const [key, ...value] = a.replace(/^index:/, '').split('=');
    if (index.annotations?.[key!] !== value.join('='))
      throw new UserError(
        `${tag} does not carry the annotation ${key}=${value.join('=')} just written: another run moved the tag; its digest cannot be told`,
      );
  }
  const digest = `sha256:${createHash('sha256').update(run.stdout, 'utf8').digest('hex')}`;
  return { digest, mediaType, names: [...job.tags] };
}

async function runMerge(s: BakeSettings, deps: BakeDeps): Promise<BakeResult> {
  const perPlatform = parseImagesInput(s.images);
  const timestamp = s.timestamp || createdOf(perPlatform) || '';
  const { plan, selection, extensions } = await planGroup(
    s,
    deps,
    timestamp,
    s.timestamp ? labelOf(s, 'timestamp') : `${labelOf(s, 'images')} (created)`,
  );
  const jobs = planMerge(plan, perPlatform);
  const definition = toBakeDefinition(plan, { ghaCache: s.cache });
  await mkdir(s.workDir, { recursive: true });
  const planFile = path.join(s.workDir, 'plan.json');
  await writeFile(planFile, `${JSON.stringify(definition, null, 2)}\n`);
  const metadataFile = (job: MergeJob) => path.join(s.workDir, `merge-${job.target.name}.json`);
  const createCommands = (withMetadata: boolean) =>
    jobs.map((job) =>
      imagetoolsCreateCommand({
        builder: s.builder || undefined,
        tags: job.tags,
        annotations: job.annotations,
        sources: job.sources,
        ...(withMetadata ? { metadataFile: metadataFile(job) } : {}),
      }),
    );
  let commands = createCommands(true);
  const shown = commands.map(showCommand);
  const base = { mode: s.mode, plan, planFile, definition, commands: shown, selection };
  if (s.dryRun || jobs.length === 0) {
    if (s.dryRun) for (const c of shown) deps.info(`  ${c}`);
    const result = { ...base, refs: '', matrix: matrixOf(plan) };
    return { ...result, summary: renderSummary({ ...result, push: s.push, dryRun: s.dryRun }) };
  }
  const withMetadata = await deps.group('Docker Buildx', async () => {
    const version = await checkTools(deps);
    if (version && semver.valid(version) && semver.lt(version, MERGE_MIN_BUILDX)) {
      deps.info(
        `buildx ${version} has no imagetools create --metadata-file (${MERGE_MIN_BUILDX} and later): each new index is read back with imagetools inspect --raw and its digest computed from those bytes`,
      );
      return false;
    }
    return true;
  });
  if (!withMetadata) commands = createCommands(false);
  const raw: Record<string, unknown> = {};
  const images = await deps.group(`Merge ${jobs.length} indexes`, () =>
    pool(jobs, 4, async (job, i) => {
      await mustRun(deps, commands[i]!, `merging ${job.target.name}`);
      let created: ReturnType<typeof parseCreateMetadata>;
      if (withMetadata) {
        let text: string;
        try {
          text = await readFile(metadataFile(job), 'utf8');
        } catch {
          throw new UserError(
            `docker buildx imagetools create wrote no metadata file for ${job.target.name}`,
          );
        }
        created = parseCreateMetadata(text, `imagetools metadata of ${job.target.name}`);
        raw[job.target.name] = JSON.parse(text);
      } else {
        created = await readBackIndex(deps, job, s.builder || undefined);
        raw[job.target.name] = {
          'containerimage.descriptor': { mediaType: created.mediaType, digest: created.digest },
          'containerimage.digest': created.digest,
          'image.name': job.tags.join(','),
        };
      }
      return imageOf(
        job.target,
        plan,
        { ...created, platforms: job.platforms },
        { push: true, byDigest: false },
      );
    }),
  );
  await verifyImages(s, deps, images, extensions);
  const metadata = JSON.stringify(Object.fromEntries(jobs.map((j) => [j.target.name, raw[j.target.name]])));
  const result = { ...base, metadata, images, refs: refsOf(images), matrix: matrixOf(plan, images) };
  return { ...result, summary: renderSummary({ ...result, push: true, dryRun: false }) };
}
