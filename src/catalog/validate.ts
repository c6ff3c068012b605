/**
 * Validation of a catalog against the operator's CRD (`openAPIV3Schema`, from crd-schema.json, with
 * Ajv), plus what the schema does not carry: its CEL rules (unique majors, unique component keys), its
 * list-map keys (unique extension names per image, unique env names) and CloudNativePG's extension name
 * rule (lowercase alphanumerics, `_` or `-`, starting and ending alphanumeric, at most 59 characters,
 * unique once `_` becomes `-`, as the volume names are).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import crd from './crd-schema.json' with { type: 'json' };
import { extensionNameProblem } from '../matrix/fields.js';

export const CATALOG_KINDS = ['ClusterImageCatalog', 'ImageCatalog'] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

let compiled: Map<string, ValidateFunction> | undefined;
function validators(): Map<string, ValidateFunction> {
  if (!compiled) {
    // Kubernetes keywords (x-kubernetes-*) and formats (int32) are not JSON Schema: not strict, no formats.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    compiled = new Map(
      CATALOG_KINDS.map((kind) => [kind, ajv.compile((crd.schemas as Record<string, object>)[kind]!)]),
    );
  }
  return compiled;
}

interface CatalogImage {
  major?: unknown;
  extensions?: { name?: unknown; env?: { name?: unknown }[] }[];
}

function duplicates(values: readonly unknown[]): unknown[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/** Every problem of one catalog document, as `path: message` lines (empty when valid). */
export function catalogProblems(doc: unknown): string[] {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !(CATALOG_KINDS as readonly string[]).includes(kind))
    return [`kind: expected ${CATALOG_KINDS.join(' or ')}, got ${JSON.stringify(kind)}`];
  const validate = validators().get(kind)!;
  const problems: string[] = [];
  if (!validate(doc))
    for (const e of validate.errors ?? [])
      problems.push(
        `${e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(document)'}: ${e.message ?? 'invalid'}`,
      );
  const spec = (doc as { spec?: { images?: CatalogImage[]; componentImages?: { key?: unknown }[] } }).spec;
  const images = Array.isArray(spec?.images) ? spec.images : [];
  for (const major of duplicates(images.map((i) => i.major)))
    problems.push(
      `spec.images: major ${String(major)} appears more than once (Images must have unique major versions)`,
    );
  const keys = Array.isArray(spec?.componentImages) ? spec.componentImages.map((c) => c.key) : [];
  for (const key of duplicates(keys))
    problems.push(`spec.componentImages: key ${String(key)} appears more than once`);
  images.forEach((image, i) => {
    const extensions = Array.isArray(image.extensions) ? image.extensions : [];
    const names = extensions.map((e) => e.name);
    for (const name of duplicates(names))
      problems.push(`spec.images[${i}].extensions: ${String(name)} appears more than once`);
    for (const name of duplicates(names.map((n) => (typeof n === 'string' ? n.replaceAll('_', '-') : n))))
      problems.push(
        `spec.images[${i}].extensions: two names become ${String(name)} once "_" becomes "-" (CloudNativePG volume names)`,
      );
    extensions.forEach((e, j) => {
      if (typeof e.name === 'string' && extensionNameProblem(e.name))
        problems.push(
          `spec.images[${i}].extensions[${j}].name: "${e.name}" is not a CloudNativePG extension name (lowercase alphanumerics, "_" or "-", starting and ending alphanumeric, at most 59 characters)`,
        );
      const env = Array.isArray(e.env) ? e.env.map((v) => v.name) : [];
      for (const name of duplicates(env))
        problems.push(`spec.images[${i}].extensions[${j}].env: ${String(name)} appears more than once`);
    });
  });
  return problems;
}
