/**
 * The images to sign: a newline list of `repository@sha256:<hex>` refs, or the bake action's `images`
 * JSON output (a list of objects whose `ref` is `<repository>@<digest>`; plain strings are accepted too).
 * Every ref must name its digest: signing a tag would sign whatever the tag points at when cosign
 * resolves it, so a tag-only ref is refused before anything is signed.
 */
import { UserError, showValue } from '../errors.js';
import { isDigest, repositoryNameProblem, splitReference } from '../registry/reference.js';

export interface ImageRef {
  /** `<repository>@sha256:<hex>`, as signed. */
  ref: string;
  repository: string;
  digest: string;
}

/** Parses one ref; returns a problem description instead when it is not `<repository>@sha256:<hex>`. */
export function parseImageRef(text: string): ImageRef | string {
  // The repository is signed exactly as written (no Docker Hub normalisation). `repo:tag@sha256:...` is
  // accepted by registries; the tag is dropped, the digest is what is signed.
  const { name: repository, digest } = splitReference(text);
  if (digest === undefined)
    return `${showValue(text)} has no digest: expected <repository>@sha256:<64 hex digits>, not a tag`;
  if (!isDigest(digest)) return `${showValue(text)}: the digest must be sha256:<64 lower-case hex digits>`;
  if (repositoryNameProblem(repository) !== undefined)
    return `${showValue(text)}: ${showValue(repository)} is not a valid repository name`;
  return { ref: `${repository}@${digest}`, repository, digest };
}

interface Items {
  items: string[];
  /** Refs of bake images marked `pushed: false` (built, never pushed: nothing to sign). */
  notPushed: string[];
}

function fromJson(text: string, input: string): Items {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`input "${input}": looks like JSON but does not parse: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) {
    throw new UserError(
      `input "${input}": expected a JSON list (the bake action's "images" output), got ${showValue(data)}`,
    );
  }
  const out: Items = { items: [], notPushed: [] };
  data.forEach((item: unknown, i) => {
    if (typeof item === 'string') {
      out.items.push(item);
      return;
    }
    const obj = item as { ref?: unknown; pushed?: unknown } | null;
    if (obj && typeof obj === 'object' && typeof obj.ref === 'string') {
      (obj.pushed === false ? out.notPushed : out.items).push(obj.ref);
      return;
    }
    throw new UserError(
      `input "${input}": item ${i} must be a "<repository>@<digest>" string or an object with a "ref" field, got ${showValue(item)}`,
    );
  });
  return out;
}

/**
 * Parses the `images` input; every problem is reported at once. Duplicates are signed once. Bake images
 * marked `pushed: false` are not in any registry: they are returned apart in `notPushed`, not signed.
 */
export function parseImageList(text: string, input = 'images'): { refs: ImageRef[]; notPushed: string[] } {
  const trimmed = text.trim();
  if (trimmed === '') return { refs: [], notPushed: [] };
  const { items, notPushed } = trimmed.startsWith('[')
    ? fromJson(trimmed, input)
    : {
        items: trimmed
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#')),
        notPushed: [],
      };
  const refs: ImageRef[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const parsed = parseImageRef(item.trim());
    if (typeof parsed === 'string') problems.push(parsed);
    else if (!refs.some((r) => r.ref === parsed.ref)) refs.push(parsed);
  }
  if (problems.length === 1) throw new UserError(`input "${input}": ${problems[0]}; nothing was signed`);
  if (problems.length)
    throw new UserError(
      `input "${input}": ${problems.length} refs are invalid; nothing was signed`,
      problems,
    );
  return { refs, notPushed };
}

/** The refs to sign from the `images` input (see `parseImageList`). */
export function parseImages(text: string, input = 'images'): ImageRef[] {
  return parseImageList(text, input).refs;
}
