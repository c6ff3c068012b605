/**
 * Native multi-runner mode: each runner builds its own platform and pushes by digest (`mode: digest`);
 * `mode: merge` reads their `images` outputs and makes one index per target with the plan's tags and
 * index annotations (`docker buildx imagetools create`).
 */
import { z } from 'zod';
import { UserError, showValue } from '../errors.js';
import type { Plan, PlanTarget } from '../matrix/index.js';
import { DIGEST_PATTERN } from '../registry/reference.js';
import type { BakeImage } from './metadata.js';

const imageSchema = z.object({
  target: z.string().min(1),
  extension: z.string(),
  distro: z.string(),
  pgMajor: z.string(),
  repository: z.string().min(1),
  tags: z.array(z.string()),
  digest: z.string().regex(DIGEST_PATTERN),
  ref: z.string(),
  platforms: z.array(z.string()).min(1),
  mediaType: z.string().default(''),
  pushed: z.boolean().default(true),
  created: z.string().default(''),
});

/**
 * The `images` input of `mode: merge`: the per-platform `images` outputs, each a JSON list, written
 * one after the other (one per line, or as one list).
 */
export function parseImagesInput(text: string, input = 'images'): BakeImage[] {
  const trimmed = text.trim();
  if (trimmed === '') {
    throw new UserError(
      `input "${input}": expected the "images" outputs of the per-platform bake jobs (JSON lists), got nothing`,
    );
  }
  const chunks: unknown[] = [];
  try {
    chunks.push(JSON.parse(trimmed));
  } catch {
    for (const [i, line] of trimmed.split(/\r?\n/).entries()) {
      if (line.trim() === '') continue;
      try {
        chunks.push(JSON.parse(line));
      } catch {
        throw new UserError(
          `input "${input}": line ${i + 1} is not a JSON list of images, got ${showValue(line.trim())}`,
        );
      }
    }
  }
  const images: BakeImage[] = [];
  for (const chunk of chunks) {
    const list = Array.isArray(chunk) ? chunk : [chunk];
    for (const [i, item] of list.entries()) {
      const parsed = imageSchema.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UserError(
          `input "${input}": image ${i + 1}: ${issue.path.join('.') || '(entry)'}: ${issue.message}, got ${showValue(item)}`,
        );
      }
      images.push(parsed.data);
    }
  }
  return images;
}

/** The build time the per-platform jobs used (the latest one if they differ), or undefined. */
export function createdOf(images: readonly BakeImage[]): string | undefined {
  const times = [...new Set(images.map((i) => i.created).filter((c) => c !== ''))].sort();
  return times.at(-1);
}

export interface MergeJob {
  target: PlanTarget;
  tags: string[];
  /** `index:<key>=<value>`: the plan's index annotations. */
  annotations: string[];
  /** `<repository>@<digest>` per platform, in platform order. */
  sources: string[];
  platforms: string[];
}

/** `index,manifest:k=v` -> `index:k=v` (the new index carries them; manifests keep theirs). */
export function indexAnnotations(t: PlanTarget): string[] {
  return t.annotations.map((a) => a.replace(/^[^:]*:/, 'index:'));
}

/**
 * Pairs every planned target with its per-platform digests. Each of the target's platforms must come
 * from exactly one image; images of targets outside the plan are an error (different inputs).
 */
export function planMerge(plan: Plan, images: readonly BakeImage[], input = 'images'): MergeJob[] {
  const byTarget = new Map<string, BakeImage[]>();
  for (const image of images) byTarget.set(image.target, [...(byTarget.get(image.target) ?? []), image]);
  const planned = new Set(plan.targets.map((t) => t.name));
  const problems: string[] = [];
  const unknown = [...byTarget.keys()].filter((t) => !planned.has(t));
  if (unknown.length) {
    problems.push(
      `target ${unknown.join(', ')} is not in this plan (give merge the same root, extensions, registry and environment as the build jobs)`,
    );
  }
  const jobs: MergeJob[] = [];
  for (const t of plan.targets) {
    const built = byTarget.get(t.name) ?? [];
    const sources: string[] = [];
    const covered: string[] = [];
    for (const platform of t.platforms) {
      const from = built.filter((i) => i.platforms.includes(platform));
      if (from.length === 0) problems.push(`${t.name}: no image for ${platform}`);
      else if (from.length > 1) problems.push(`${t.name}: ${platform} was built by more than one job`);
      else {
        covered.push(platform);
        if (from[0]!.repository !== t.repository) {
          problems.push(`${t.name}: pushed to ${from[0]!.repository}, the plan says ${t.repository}`);
        }
        if (!from[0]!.pushed) problems.push(`${t.name}: the ${platform} image was not pushed (push: true)`);
        const ref = `${t.repository}@${from[0]!.digest}`;
        if (!sources.includes(ref)) sources.push(ref);
      }
    }
    const extra = built.flatMap((i) => i.platforms).filter((p) => !t.platforms.includes(p));
    if (extra.length) problems.push(`${t.name}: ${extra.join(', ')} is not in the plan's platforms`);
    jobs.push({
      target: t,
      tags: [...t.tags],
      annotations: indexAnnotations(t),
      sources,
      platforms: covered,
    });
  }
  if (problems.length === 1) throw new UserError(`input "${input}": ${problems[0]}`);
  if (problems.length)
    throw new UserError(`input "${input}": the per-platform images do not match the plan`, problems);
  return jobs;
}
