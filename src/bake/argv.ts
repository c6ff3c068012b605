/**
 * The docker command lines the bake action runs, as argv arrays (never a shell string). Pure: the same
 * inputs always give the same argv, so tests and `dry-run` show exactly what runs.
 */

/** Pinned binfmt image: QEMU 10 (older QEMU segfaults in arm64 Debian trixie postinst scripts). */
export const DEFAULT_BINFMT_IMAGE = 'docker.io/tonistiigi/binfmt:qemu-v10.2.3-68';

export interface Command {
  /** Program, always `docker`. */
  file: string;
  args: string[];
  /** Extra environment for this command only. */
  env?: Record<string, string>;
}

const docker = (args: string[], env?: Record<string, string>): Command => ({
  file: 'docker',
  args,
  ...(env ? { env } : {}),
});

/** `docker buildx version`: proves the docker CLI and the buildx plugin are both there. */
export function buildxVersionCommand(): Command {
  return docker(['buildx', 'version']);
}

/** Installs QEMU handlers for the given architectures (`arm64`, `riscv64`...), as setup-qemu-action does. */
export function binfmtInstallCommand(image: string, architectures: readonly string[]): Command {
  return docker(['run', '--rm', '--privileged', image, '--install', architectures.join(',')]);
}

/**
 * A `docker-container` builder (multi-platform, OCI exporter, cache export), not made the default.
 * `driverOpts` adds `--driver-opt` entries (e.g. `network=host`, so the builder reaches a registry on
 * the host's loopback, as Docker's "Local registry with GitHub Actions" guide sets it up).
 */
export function builderCreateCommand(name: string, driverOpts: readonly string[] = []): Command {
  const args = ['buildx', 'create', '--name', name, '--driver', 'docker-container'];
  for (const o of driverOpts) args.push('--driver-opt', o);
  return docker(args);
}

export function builderBootstrapCommand(name: string): Command {
  return docker(['buildx', 'inspect', '--bootstrap', '--builder', name]);
}

/** `docker buildx inspect --builder NAME` (no bootstrap): prints `Driver: <driver>` among others. */
export function builderInspectCommand(name: string): Command {
  return docker(['buildx', 'inspect', '--builder', name]);
}

export function builderRemoveCommand(name: string): Command {
  return docker(['buildx', 'rm', name]);
}

export interface BakeCommandOptions {
  builder: string;
  planFile: string;
  metadataFile: string;
  push: boolean;
  /** Extra `--set` overrides (`target.key=value`), in order. */
  set?: readonly string[];
  /** The user's bake files, read after the plan (so they can override any target field). */
  files?: readonly string[];
  /** Entitlements (`network.host`, `fs.read=PATH`...), each passed as `--allow`. */
  allow?: readonly string[];
  /** Also load the images into the local image store (`--load`). */
  load?: boolean;
  /** Build without the layer cache (`--no-cache`). */
  noCache?: boolean;
  /** Pull the base images again (`--pull`). */
  pull?: boolean;
  /** `--provenance` / `--sbom` values (`false`, `true`, `mode=max`...); undefined: the plan's attestations. */
  provenance?: string;
  sbom?: string;
}

/**
 * `docker buildx bake -f <plan.json> [-f <file>]... --metadata-file <file> [--allow E]... [--push]`,
 * plain progress (parsed to find a failing target's log) and small metadata (no provenance blob in
 * it). Bake merges its files in order, so the user's files override the plan's fields.
 */
export function bakeCommand(o: BakeCommandOptions): Command {
  const args = ['buildx', 'bake', '--builder', o.builder, '-f', o.planFile];
  for (const f of o.files ?? []) args.push('-f', f);
  args.push('--metadata-file', o.metadataFile);
  for (const a of o.allow ?? []) args.push('--allow', a);
  args.push('--progress', 'plain');
  if (o.push) args.push('--push');
  if (o.load) args.push('--load');
  if (o.noCache) args.push('--no-cache');
  if (o.pull) args.push('--pull');
  if (o.provenance !== undefined) args.push('--provenance', o.provenance);
  if (o.sbom !== undefined) args.push('--sbom', o.sbom);
  for (const s of o.set ?? []) args.push('--set', s);
  return docker(args, { BUILDX_METADATA_PROVENANCE: 'disabled', BUILDX_METADATA_WARNINGS: 'true' });
}

export interface ImagetoolsCreateOptions {
  builder?: string;
  tags: readonly string[];
  /** `index:<key>=<value>` annotations of the new index. */
  annotations: readonly string[];
  /** `<repository>@<digest>` of each per-platform image. */
  sources: readonly string[];
  /** Where buildx writes the new index's descriptor (buildx 0.32 and later); absent for older buildx. */
  metadataFile?: string;
}

/** Merges per-platform images (pushed by digest) into one index carrying the tags and annotations. */
export function imagetoolsCreateCommand(o: ImagetoolsCreateOptions): Command {
  const args = ['buildx', 'imagetools', 'create'];
  if (o.builder) args.push('--builder', o.builder);
  for (const t of o.tags) args.push('--tag', t);
  for (const a of o.annotations) args.push('--annotation', a);
  if (o.metadataFile) args.push('--metadata-file', o.metadataFile);
  args.push(...o.sources);
  return docker(args);
}

/** `docker buildx imagetools inspect --raw REF`: the exact bytes the registry serves for REF. */
export function imagetoolsInspectRawCommand(ref: string, builder?: string): Command {
  const args = ['buildx', 'imagetools', 'inspect'];
  if (builder) args.push('--builder', builder);
  args.push('--raw', ref);
  return docker(args);
}

/** How a command is shown in logs and in dry-run: each argument quoted when a shell would need it. */
export function showCommand(c: Command): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`);
  return [...env, c.file, ...c.args.map(quote)].join(' ');
}
