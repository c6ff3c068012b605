/**
 * Reads the file `docker buildx bake --metadata-file` writes: one object per target name, holding
 * `containerimage.digest`, `containerimage.descriptor` ({mediaType, digest, size, annotations?}),
 * `image.name` (comma list of the names pushed), `buildx.build.ref`, and optionally
 * `containerimage.config.digest` and `buildx.build.provenance`; plus a top-level
 * `buildx.build.warnings` list when BUILDX_METADATA_WARNINGS is set. Turns it into the `images` output.
 */
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { Plan, PlanTarget } from '../matrix/index.js';
import { DIGEST_PATTERN, splitReference } from '../registry/reference.js';

const descriptorSchema = z
  .object({
    mediaType: z.string(),
    digest: z.string().regex(DIGEST_PATTERN),
    size: z.number().int().nonnegative(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();

const targetSchema = z
  .object({
    'containerimage.digest': z.string().regex(DIGEST_PATTERN),
    'containerimage.descriptor': descriptorSchema.optional(),
    'containerimage.config.digest': z.string().optional(),
    'image.name': z.string().optional(),
    'buildx.build.ref': z.string().optional(),
  })
  .loose();

export type TargetMetadata = z.infer<typeof targetSchema>;

export interface BuildxMetadata {
  targets: Record<string, TargetMetadata>;
  warnings: unknown[];
}

/** Keys buildx writes at the top level that are not target names. */
const TOP_LEVEL_KEYS = ['buildx.build.warnings'];

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what}: not valid JSON (${(err as Error).message})`);
  }
}

/** The value checked by `schema`, or a UserError naming the first problem's field. */
function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${what}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** `containerimage.digest`, when written, must name what `containerimage.descriptor` describes. */
function checkSameDigest(
  what: string,
  digest: string | undefined,
  descriptorDigest: string | undefined,
): void {
  if (digest !== undefined && descriptorDigest !== undefined && digest !== descriptorDigest) {
    throw new UserError(
      `${what}: containerimage.digest ${digest} differs from containerimage.descriptor.digest ${descriptorDigest}`,
    );
  }
}

/** Parses and checks a bake (or imagetools create) metadata file; `what` names it in messages. */
export function parseBakeMetadata(text: string, what: string): BuildxMetadata {
  const json = parseJson(text, what);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UserError(`${what}: expected a JSON object keyed by target name`);
  }
  const targets: Record<string, TargetMetadata> = {};
  const record = json as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (TOP_LEVEL_KEYS.includes(key)) continue;
    targets[key] = parseTargetMetadata(value, `${what}: target "${key}"`);
  }
  const warnings = record['buildx.build.warnings'];
  return { targets, warnings: Array.isArray(warnings) ? warnings : [] };
}

/** One target's entry of a bake metadata file. */
export function parseTargetMetadata(value: unknown, what: string): TargetMetadata {
  const m = checked(targetSchema, value, what);
  checkSameDigest(what, m['containerimage.digest'], m['containerimage.descriptor']?.digest);
  return m;
}

/**
 * The file `docker buildx imagetools create --metadata-file` writes (buildx 0.32.0 and later): only
 * `containerimage.descriptor` (of the new index) and `image.name` (the tags' repositories, comma
 * separated); there is no `containerimage.digest` key, so the digest is the descriptor's.
 */
const createSchema = z
  .object({
    'containerimage.descriptor': descriptorSchema,
    'containerimage.digest': z.string().regex(DIGEST_PATTERN).optional(),
    'image.name': z.string().optional(),
  })
  .loose();

export interface CreateResult {
  digest: string;
  mediaType: string;
  /** The repositories the new index was pushed to. */
  names: string[];
}

/** Parses and checks an `imagetools create` metadata file's text; `what` names it in messages. */
export function parseCreateMetadata(text: string, what: string): CreateResult {
  const m = checked(createSchema, parseJson(text, what), what);
  const digest = m['containerimage.descriptor'].digest;
  checkSameDigest(what, m['containerimage.digest'], digest);
  return { digest, mediaType: m['containerimage.descriptor'].mediaType, names: imageNames(m) };
}

/** `image.name` is a comma-separated list. */
export function imageNames(m: { 'image.name'?: string | undefined }): string[] {
  return (m['image.name'] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

/** One built image, as the `images` output lists them (and `sign`/`e2e` read them). */
export interface BakeImage {
  target: string;
  extension: string;
  distro: string;
  pgMajor: string;
  repository: string;
  /** The tags the image was pushed with; empty for per-platform images pushed by digest. */
  tags: string[];
  digest: string;
  /** `<repository>@<digest>`. */
  ref: string;
  platforms: string[];
  /** The media type of what `digest` names (an OCI index for multi-platform or attested builds). */
  mediaType: string;
  pushed: boolean;
  /** Build time of the plan (RFC 3339), so a later merge can use the same tags. */
  created: string;
}

export interface ImagesOptions {
  push: boolean;
  /** Pushed by digest only (native per-platform mode): no tags. */
  byDigest: boolean;
}

/** The `images` entry of a planned target once `digest` (of `mediaType`) is known. */
export function imageOf(
  t: PlanTarget,
  plan: Plan,
  result: { digest: string; mediaType: string; platforms?: readonly string[] },
  options: ImagesOptions,
): BakeImage {
  return {
    target: t.name,
    extension: t.extension,
    distro: t.distro,
    pgMajor: t.pgMajor,
    repository: t.repository,
    tags: options.byDigest ? [] : [...t.tags],
    digest: result.digest,
    ref: `${t.repository}@${result.digest}`,
    platforms: [...(result.platforms ?? t.platforms)],
    mediaType: result.mediaType,
    pushed: options.push,
    created: plan.created,
  };
}

export function imageFor(
  t: PlanTarget,
  m: TargetMetadata,
  plan: Plan,
  options: ImagesOptions,
  what: string,
): BakeImage {
  const names = imageNames(m);
  const foreign = names.filter((n) => splitReference(n).name !== t.repository);
  if (foreign.length) {
    throw new UserError(
      `${what}: target "${t.name}" pushed ${foreign.join(', ')}, outside its repository ${t.repository}`,
    );
  }
  const mediaType = m['containerimage.descriptor']?.mediaType ?? '';
  return imageOf(t, plan, { digest: m['containerimage.digest'], mediaType }, options);
}

/**
 * The `images` output: one entry per planned target, in plan order. Every target must be in the
 * metadata (a target missing from it did not build); extra entries are ignored.
 */
export function imagesFromMetadata(
  plan: Plan,
  metadata: BuildxMetadata,
  options: ImagesOptions,
  what = 'bake metadata file',
): BakeImage[] {
  const missing = plan.targets.filter((t) => !metadata.targets[t.name]).map((t) => t.name);
  if (missing.length) {
    throw new UserError(`${what}: no result for target ${missing.join(', ')} (the build did not finish)`);
  }
  return plan.targets.map((t) => imageFor(t, metadata.targets[t.name]!, plan, options, what));
}

/** The `refs` output: one pushed `<repository>@<digest>` per line, ready for `sign`. */
export function refsOf(images: readonly BakeImage[]): string {
  return images
    .filter((i) => i.pushed)
    .map((i) => i.ref)
    .join('\n');
}
