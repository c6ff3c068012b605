/**
 * Resolves what the values generator needs: the PostgreSQL image, distro, major and SQL version of the
 * image under test (from its `io.cloudnativepg.image.*` annotations, or given offline), and an image for
 * every `required_extensions` entry on the same distro and PG major: one built in the same run when
 * there is one, else `<registry>/<image_name>[-testing]:<version>-<pg>-<distro>` of the configured
 * registry (never a hard-coded organisation). Registry access goes through an injected `inspect`.
 */
import path from 'node:path';
import { UserError, showValue } from '../errors.js';
import {
  CNPG_ANNOTATIONS,
  DEFAULT_BASE_IMAGE,
  extensionVersion,
  loadExtensions,
  readExtension,
  renderBaseImage,
  type Environment,
  type Extension,
} from '../matrix/index.js';
import { parseReference } from '../registry/reference.js';
import { buildValues, type ResolvedDependency, type TestingValues } from './values.js';

export interface ImageInfo {
  annotations: Record<string, string>;
}

/** Reads an image's index (or manifest) annotations from its registry. */
export type Inspect = (reference: string) => Promise<ImageInfo>;

export interface ResolveOptions {
  /** Folder holding the extension folders. */
  root: string;
  extension: string;
  /** The image under test, as the host reaches it. */
  image: string;
  /** Offline mode: no registry is read; the PG image comes from `baseImage`, versions from metadata. */
  distro?: string | undefined;
  pgMajor?: string | undefined;
  /** Registry and namespace of dependency images (`ghcr.io/my-org`). */
  registry?: string | undefined;
  environment?: Environment | undefined;
  /** Images built in the same run (refs with tags `<ver>-[stamp-]<pg>-<distro>`, or digests). */
  builtImages?: readonly string[] | undefined;
  baseImage?: string | undefined;
  inspect?: Inspect | undefined;
  /** Turns a host reference into the one the cluster pulls (the local registry's in-network name). */
  clusterReference?: ((reference: string) => string) | undefined;
  pullPolicy?: string | undefined;
}

export interface ResolvedValues {
  values: TestingValues;
  distro: string;
  pgMajor: string;
  /** Every image mounted, host references (tested image first). */
  images: string[];
  /** What looks wrong without being certain (an offline image whose tag names another distro). */
  warnings: string[];
}

/**
 * Whether an image is the extension's for (distro, pgMajor): its annotations when read (the title
 * `<name> <version> <pg> <distro>` and the base annotations: a mismatch is certain), else its reference
 * (`<image_name>[-testing]:<version>-[stamp-]<pg>-<distro>`: a hint only). Returns the mismatches.
 */
export function imageMismatches(
  image: string,
  extension: Extension,
  distro: string,
  pgMajor: string,
  annotations?: Record<string, string>,
): string[] {
  const found: string[] = [];
  if (annotations) {
    const [name] = (annotations['org.opencontainers.image.title'] ?? '').split(' ');
    if (name && name !== extension.metadata.name)
      found.push(`its title annotation names extension ${name}, not ${extension.metadata.name}`);
    return found;
  }
  const ref = parseReference(image, 'image');
  const last = ref.repository.split('/').pop()!;
  const names = [extension.metadata.image_name, `${extension.metadata.image_name}-testing`].map((n) =>
    n.toLowerCase(),
  );
  const m = /-(\d+)-([a-z][a-z0-9]*)$/.exec(ref.tag ?? '');
  if (ref.tag !== undefined && m && !names.includes(last))
    found.push(`its repository ${last} is not ${names.join(' or ')}`);
  if (m && m[1] !== pgMajor) found.push(`its tag says PostgreSQL ${m[1]}, not ${pgMajor}`);
  if (m && m[2] !== distro) found.push(`its tag says ${m[2]}, not ${distro}`);
  return found;
}

interface Coordinates {
  pgImage: string;
  distro: string;
  pgMajor: string;
  sqlVersion: string;
}

async function annotationsOf(
  inspect: Inspect,
  reference: string,
  what: string,
): Promise<Record<string, string>> {
  try {
    return (await inspect(reference)).annotations ?? {};
  } catch (err) {
    if (err instanceof UserError) {
      const e = new UserError(`${what}: ${err.message}`);
      e.unreachable = err.unreachable;
      throw e;
    }
    throw err;
  }
}

function coordinatesFrom(annotations: Record<string, string>, reference: string): Coordinates {
  const pgImage = annotations[CNPG_ANNOTATIONS.baseName] ?? '';
  const distro = annotations[CNPG_ANNOTATIONS.os] ?? '';
  const pgMajor = annotations[CNPG_ANNOTATIONS.pgMajor] ?? '';
  const missing = [
    pgImage === '' && CNPG_ANNOTATIONS.baseName,
    distro === '' && CNPG_ANNOTATIONS.os,
    !/^[0-9]+$/.test(pgMajor) && CNPG_ANNOTATIONS.pgMajor,
  ].filter(Boolean);
  if (missing.length) {
    throw new UserError(
      `image ${reference}: missing or invalid annotation ${missing.join(', ')}; expected an image built by ext-actions/bake (or pass --distro and --pg-major)`,
    );
  }
  return { pgImage, distro, pgMajor, sqlVersion: annotations[CNPG_ANNOTATIONS.sqlVersion] ?? '' };
}

function pinFor(ext: Extension, distro: string, pgMajor: string, role: string) {
  const pin = ext.metadata.versions[distro]?.[pgMajor];
  if (!pin) {
    const declared = Object.entries(ext.metadata.versions)
      .flatMap(([d, majors]) => Object.keys(majors).map((m) => `${d}/${m}`))
      .join(', ');
    throw new UserError(
      `${ext.file}: ${role} ${ext.metadata.name} declares no version for ${distro}/PostgreSQL ${pgMajor} (metadata.versions has ${declared || 'nothing'})`,
    );
  }
  return pin;
}

/** The same-run image of an extension for (distro, pgMajor), matched by repository name and tag. */
async function builtImageFor(
  ext: Extension,
  distro: string,
  pgMajor: string,
  built: readonly string[],
  inspect: Inspect | undefined,
): Promise<string | undefined> {
  const names = [ext.metadata.image_name, `${ext.metadata.image_name}-testing`].map((n) => n.toLowerCase());
  for (const ref of built) {
    const parsed = parseReference(ref, 'built image');
    const last = parsed.repository.split('/').pop()!;
    if (!names.includes(last)) continue;
    if (parsed.tag !== undefined) {
      if (parsed.tag.endsWith(`-${pgMajor}-${distro}`)) return ref;
      continue;
    }
    if (inspect) {
      const a = await annotationsOf(inspect, ref, `built image ${ref}`);
      if (a[CNPG_ANNOTATIONS.os] === distro && a[CNPG_ANNOTATIONS.pgMajor] === pgMajor) return ref;
    }
  }
  return undefined;
}

/** Splits `required_extensions` into image dependencies (folder names) and SQL-only ones. */
export function requirements(ext: Extension): { folders: string[]; sqlOnly: string[] } {
  const folders: string[] = [];
  const sqlOnly: string[] = [];
  for (const req of ext.metadata.required_extensions) {
    if (req.startsWith('image-sql:') || req.startsWith('base-image:'))
      sqlOnly.push(req.slice(req.indexOf(':') + 1));
    else if (req.startsWith('catalog:')) folders.push(req.split(':')[1]!);
    else folders.push(req);
  }
  return { folders, sqlOnly };
}

export async function resolveValues(options: ResolveOptions): Promise<ResolvedValues> {
  const [ext] = await loadExtensions(options.root, [options.extension]);
  const extension = ext!;
  const offline = options.distro !== undefined || options.pgMajor !== undefined;
  const warnings: string[] = [];
  let coords: Coordinates;
  if (offline) {
    if (!options.distro || !options.pgMajor) {
      throw new UserError(
        'distro and pg-major: give both (offline values) or neither (read the image annotations)',
      );
    }
    const pin = pinFor(extension, options.distro, options.pgMajor, 'extension');
    for (const m of imageMismatches(options.image, extension, options.distro, options.pgMajor))
      warnings.push(
        `image ${options.image} may not be ${extension.metadata.name} for ${options.distro}/PostgreSQL ${options.pgMajor}: ${m}`,
      );
    coords = {
      pgImage: renderBaseImage(options.baseImage ?? DEFAULT_BASE_IMAGE, options.pgMajor, options.distro),
      distro: options.distro,
      pgMajor: options.pgMajor,
      sqlVersion: pin.sql,
    };
  } else {
    if (!options.inspect) throw new UserError('no registry access configured to read the image annotations');
    parseReference(options.image, 'image');
    const annotations = await annotationsOf(options.inspect, options.image, `image ${options.image}`);
    coords = coordinatesFrom(annotations, options.image);
    const wrong = imageMismatches(options.image, extension, coords.distro, coords.pgMajor, annotations);
    if (wrong.length)
      throw new UserError(
        `image ${options.image} is not a ${extension.metadata.name} image: ${wrong.join('; ')}`,
      );
    pinFor(extension, coords.distro, coords.pgMajor, 'extension');
  }

  const { folders, sqlOnly } = requirements(extension);
  const dependencies: ResolvedDependency[] = [];
  const images = [options.image];
  const toCluster = options.clusterReference ?? ((r: string) => r);
  for (const folder of folders) {
    const dep = await readExtension(path.join(options.root, folder)).catch((err: unknown) => {
      if (err instanceof UserError && /not found|ENOENT|cannot be read/.test(err.message))
        throw new UserError(
          `${extension.file}: required extension ${showValue(folder)} has no folder ${path.join(options.root, folder)} with a metadata.hcl`,
        );
      throw err;
    });
    const pin = pinFor(dep, coords.distro, coords.pgMajor, 'required extension');
    let reference = await builtImageFor(
      dep,
      coords.distro,
      coords.pgMajor,
      options.builtImages ?? [],
      offline ? undefined : options.inspect,
    );
    if (!reference) {
      if (!options.registry) {
        throw new UserError(
          `${extension.metadata.name} requires ${dep.metadata.name}, which was not built in this run: set the registry (input "registry" / --registry, e.g. ghcr.io/my-org) to take it from there`,
        );
      }
      const suffix = (options.environment ?? 'production') === 'testing' ? '-testing' : '';
      const repo = `${options.registry}/${dep.metadata.image_name}${suffix}`.toLowerCase();
      reference = `${repo}:${extensionVersion(pin.package)}-${coords.pgMajor}-${coords.distro}`;
    }
    let sqlVersion = pin.sql;
    if (!offline && options.inspect) {
      const a = await annotationsOf(
        options.inspect,
        reference,
        `required extension ${dep.metadata.name} (${reference})`,
      );
      sqlVersion = a[CNPG_ANNOTATIONS.sqlVersion] || pin.sql;
    }
    images.push(reference);
    dependencies.push({ extension: dep, reference: toCluster(reference), sqlVersion });
  }

  const values = buildValues({
    extension,
    reference: toCluster(options.image),
    pgImage: coords.pgImage,
    sqlVersion: coords.sqlVersion,
    pgMajor: coords.pgMajor,
    dependencies,
    sqlOnly,
    ...(options.pullPolicy ? { pullPolicy: options.pullPolicy } : {}),
  });
  return { values, distro: coords.distro, pgMajor: coords.pgMajor, images, warnings };
}
