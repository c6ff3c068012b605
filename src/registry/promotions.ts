/**
 * What the promote action copies: either one `source` reference to a `destination` repository, or
 * every image of the bake action's `images` output from `<repo><suffix>` to `<repo>` (the testing
 * repository to the production one), keeping their tag names. Everything is validated before any copy.
 */
import { z } from 'zod';
import { mdCode, mdText } from '../action/markdown.js';
import { UserError } from '../errors.js';
import { ClientPool, type ClientOptions } from './client.js';
import { promote, type PromoteResult } from './promote.js';
import { parseReference, parseRepository, repositoryName } from './reference.js';

export interface Promotion {
  source: string;
  destination: string;
  tags: string[];
}

const imagesSchema = z.array(
  z.object({ repository: z.string(), digest: z.string(), tags: z.array(z.string()).default([]) }).loose(),
);

export interface PromotionRequest {
  /** The bake action's `images` output (JSON list). */
  images?: string;
  source?: string;
  destination?: string;
  /** Tag names; for `images`, added to each image's own tag names. */
  tags?: readonly string[];
  /** Suffix removed from each image's repository to get the destination (default `-testing`). */
  suffix?: string;
}

export function planPromotions(req: PromotionRequest): Promotion[] {
  const extra = req.tags ?? [];
  if (req.images && req.source)
    throw new UserError('inputs "images" and "source": give one of them, not both');
  if (req.source) {
    if (!req.destination)
      throw new UserError(
        'input "destination": required with "source" (a repository such as ghcr.io/owner/name)',
      );
    const src = parseReference(req.source, 'input "source"');
    parseRepository(req.destination, 'input "destination"');
    return [
      {
        source: req.source,
        destination: req.destination,
        tags: extra.length ? [...extra] : src.tag ? [src.tag] : [],
      },
    ];
  }
  if (!req.images) throw new UserError('inputs "images" or "source": one is required');
  if (req.destination)
    throw new UserError(
      'input "destination": only used with "source"; images go to their repository without the suffix',
    );
  let raw: unknown;
  try {
    raw = JSON.parse(req.images);
  } catch (err) {
    throw new UserError(
      `input "images": not valid JSON (${(err as Error).message}); expected the bake action's images output`,
    );
  }
  const parsed = imagesSchema.safeParse(raw);
  if (!parsed.success)
    throw new UserError(
      `input "images": expected a JSON list of {repository, digest, tags}: ${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const suffix = req.suffix ?? '-testing';
  return parsed.data.map((image, i) => {
    const repo = parseRepository(image.repository, `input "images"[${i}].repository`);
    if (!suffix || !repo.repository.endsWith(suffix))
      throw new UserError(
        `input "images"[${i}].repository: ${image.repository} does not end with "${suffix}" (input "suffix")`,
      );
    const destination = repositoryName({
      registry: repo.registry,
      repository: repo.repository.slice(0, -suffix.length),
    });
    const own = image.tags.map((t) => {
      const ref = parseReference(t, `input "images"[${i}].tags`);
      if (!ref.tag) throw new UserError(`input "images"[${i}].tags: ${t} has no tag`);
      return ref.tag;
    });
    return {
      source: `${image.repository}@${parseReference(`${image.repository}@${image.digest}`, `input "images"[${i}].digest`).digest}`,
      destination,
      tags: [...new Set([...own, ...extra])],
    };
  });
}

/**
 * Runs the promotions in two passes: first every image's content (no tag moves), then the tags, so
 * a failure in any copy leaves every destination tag where it was.
 */
export async function runPromotions(
  promotions: readonly Promotion[],
  options: ClientOptions & { signatures?: boolean; log?: (m: string) => void },
): Promise<PromoteResult[]> {
  const pool = new ClientPool(options);
  for (const p of promotions)
    await promote(p.source, p.destination, { ...options, pool, tags: [], signatures: options.signatures });
  const results: PromoteResult[] = [];
  for (const p of promotions)
    results.push(
      await promote(p.source, p.destination, {
        ...options,
        pool,
        tags: p.tags,
        signatures: options.signatures,
      }),
    );
  return results;
}

/** Markdown job summary: one row per promoted image. */
export function promotionSummary(results: readonly PromoteResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${mdText(r.source)} | ${mdCode(r.ref)} | ${r.tags.map((t) => mdCode(t.slice(t.lastIndexOf(':') + 1))).join(' ') || '(none)'} | ${
        r.changed
          ? `${r.copied.mounted} mounted, ${r.copied.blobs} uploaded blobs; ${r.copied.manifests} manifests; ${r.copied.tags} tags`
          : 'already promoted'
      } |`,
  );
  const kept = results.flatMap((r) => r.kept);
  return [
    '## Promoted images',
    '',
    '| Source | Promoted | Tags | Copied |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...(kept.length
      ? [
          `Left on a newer build (a later run promoted it first): ${kept.map((t) => mdCode(t)).join(', ')}`,
          '',
        ]
      : []),
  ].join('\n');
}
