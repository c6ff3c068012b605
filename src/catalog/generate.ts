/**
 * Image catalogs that carry the extension images (CloudNativePG 1.29+): for every base catalog (an
 * operand catalog of cloudnative-pg/artifacts, a file, a folder or a URL), the same catalog plus, for
 * each PostgreSQL major an extension builds for the catalog's os, an `extensions` entry per extension.
 * Each entry pins the newest timestamped **production** tag of the extension's current version by
 * digest, read from the registry (not from a run's outputs, so a catalog always lists every published
 * extension), with the non-empty paths and env of metadata.hcl, as upstream's `generate-catalogs`
 * writes them. Never `shared_preload_libraries`, `postgresql_parameters` or the SQL version.
 * Everything is read and validated before the caller writes a file.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { extensionConfiguration, type ExtensionConfiguration } from '../e2e/values.js';
import { UserError, showValue } from '../errors.js';
import { compareKeys, extensionVersion, type Extension } from '../matrix/index.js';
import { ClientPool, type ClientOptions } from '../registry/client.js';
import { isSafeUrl } from '../registry/origin.js';
import { catalogProblems, CATALOG_KINDS } from './validate.js';

export const TYPE_LABEL = 'images.cnpg.io/type';
export const OS_LABEL = 'images.cnpg.io/os';
/** A Kubernetes label value (the type and os labels name the output files). */
const LABEL_VALUE = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export interface BaseCatalog {
  /** Where it came from (file path or URL), for messages. */
  source: string;
  doc: CatalogDoc;
  type: string;
  os: string;
}

export interface CatalogDoc {
  apiVersion?: string;
  kind: string;
  metadata: { name?: string; labels?: Record<string, string>; [k: string]: unknown };
  spec: {
    images: { major: number; image: string; extensions?: ExtensionConfiguration[] }[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

async function fetchText(url: string): Promise<string> {
  const u = new URL(url);
  if (!isSafeUrl(u))
    throw new UserError(`--base-catalog ${url}: expected an https:// URL (plain http only on the loopback)`);
  let res: Response;
  try {
    // Redirects are not followed: one could lead from https to plain http or off the loopback.
    res = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'manual' });
  } catch (err) {
    throw new UserError(`--base-catalog ${url}: cannot be fetched (${(err as Error).message})`);
  }
  if (res.status >= 300 && res.status < 400)
    throw new UserError(
      `--base-catalog ${url}: redirects to ${res.headers.get('location') ?? '(nowhere)'}; give that URL instead (redirects are not followed)`,
    );
  if (!res.ok) throw new UserError(`--base-catalog ${url}: HTTP ${res.status} ${res.statusText}`);
  return res.text();
}

/** Parses one source's YAML documents; `fromFolder` skips files that are no catalog (kustomization.yaml). */
function catalogsOf(
  source: string,
  text: string,
  fromFolder: boolean,
  warn: (m: string) => void,
): BaseCatalog[] {
  const docs = parseAllDocuments(text);
  const out: BaseCatalog[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length) throw new UserError(`${source}: not valid YAML: ${d.errors[0]!.message}`);
    const doc = d.toJS() as CatalogDoc | null;
    if (doc === null) continue;
    const kind = (doc as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !(CATALOG_KINDS as readonly string[]).includes(kind)) {
      if (fromFolder) {
        warn(`${source}: kind ${showValue(kind)} is not a catalog (skipped)`);
        continue;
      }
      throw new UserError(
        `${source}: kind: expected ClusterImageCatalog or ImageCatalog, got ${showValue(kind)}`,
      );
    }
    const labels = doc.metadata?.labels ?? {};
    for (const label of [TYPE_LABEL, OS_LABEL])
      if (typeof labels[label] !== 'string' || labels[label] === '')
        throw new UserError(
          `${source}: metadata.labels["${label}"] is missing: a base catalog names its ${label === OS_LABEL ? 'os (trixie, bookworm)' : 'type (minimal, standard)'} with it`,
        );
    for (const label of [TYPE_LABEL, OS_LABEL])
      if (!LABEL_VALUE.test(labels[label]!))
        throw new UserError(
          `${source}: metadata.labels["${label}"] = ${showValue(labels[label])} is not a Kubernetes label value (at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric); it names the output file`,
        );
    const problems = catalogProblems(doc);
    if (problems.length) throw new UserError(`${source}: not a valid ${kind}`, problems);
    out.push({ source, doc, type: labels[TYPE_LABEL]!, os: labels[OS_LABEL]! });
  }
  return out;
}

/** Reads every base catalog: files, folders (their *.yaml / *.yml, sorted) and URLs. */
export async function readBaseCatalogs(
  sources: readonly string[],
  cwd: string,
  warn: (m: string) => void,
): Promise<BaseCatalog[]> {
  if (sources.length === 0) throw new UserError('--base-catalog: expected at least one file, folder or URL');
  const all: BaseCatalog[] = [];
  for (const source of sources) {
    if (/^https?:\/\//.test(source)) {
      all.push(...catalogsOf(source, await fetchText(source), false, warn));
      continue;
    }
    const file = path.resolve(cwd, source);
    const st = await stat(file).catch(() => undefined);
    if (!st) throw new UserError(`--base-catalog ${source}: not found (resolved to ${file})`);
    if (st.isDirectory()) {
      const names = (await readdir(file)).filter((n) => /\.ya?ml$/.test(n)).sort(compareKeys);
      const found = [];
      for (const n of names)
        found.push(...catalogsOf(path.join(file, n), await readFile(path.join(file, n), 'utf8'), true, warn));
      if (found.length === 0) throw new UserError(`--base-catalog ${source}: no catalog in this folder`);
      all.push(...found);
    } else all.push(...catalogsOf(file, await readFile(file, 'utf8'), false, warn));
  }
  const seen = new Map<string, string>();
  for (const c of all) {
    const key = `${c.type}-${c.os}`;
    if (seen.has(key))
      throw new UserError(
        `${c.source}: another base catalog (${seen.get(key)}) has the same type and os (${key})`,
      );
    seen.set(key, c.source);
  }
  return all;
}

/** `<version>-<YYYYMMDDhhmm>-<major>-<os>`: the immutable tags bake pushes. */
export function newestTag(
  tags: readonly string[],
  version: string,
  major: string,
  os: string,
): string | undefined {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${escape(version)}-(\\d{12})-${escape(major)}-${escape(os)}$`);
  let best: [string, string] | undefined;
  for (const t of tags) {
    const m = re.exec(t);
    if (m && (!best || m[1]! > best[0])) best = [m[1]!, t];
  }
  return best?.[1];
}

export interface CatalogOptions extends ClientOptions {
  extensions: readonly Extension[];
  /** `ghcr.io/acme`: the production repositories are `<registry>/<image_name>`. */
  registry: string;
  bases: readonly BaseCatalog[];
  warn(message: string): void;
  pool?: ClientPool;
}

export interface CatalogFile {
  /** `catalog-<type>-<os>.yaml` */
  name: string;
  source: string;
  doc: CatalogDoc;
  text: string;
  /** `name -> reference` per major, for the summary. */
  entries: { major: number; name: string; reference: string }[];
}

export async function generateCatalogs(o: CatalogOptions): Promise<CatalogFile[]> {
  const pool = o.pool ?? new ClientPool(o);
  const tagCache = new Map<string, Promise<string[]>>();
  const listTags = (registry: string, repository: string) => {
    const key = `${registry}/${repository}`;
    if (!tagCache.has(key))
      tagCache.set(
        key,
        // A repository never pushed answers 404: no tags (listTags says so).
        pool.get(registry).listTags(repository),
      );
    return tagCache.get(key)!;
  };
  const [registryHost, ...namespace] = o.registry.split('/');
  const files: CatalogFile[] = [];
  const warned = new Set<string>();
  for (const base of o.bases) {
    const doc = structuredClone(base.doc);
    const entries: CatalogFile['entries'] = [];
    for (const image of doc.spec.images) {
      const major = String(image.major);
      const add: ExtensionConfiguration[] = [];
      for (const ext of o.extensions) {
        const pin = ext.metadata.versions[base.os]?.[major];
        if (!pin) continue;
        const version = extensionVersion(pin.package);
        const repository = [...namespace, ext.metadata.image_name.toLowerCase()].join('/');
        const tag = version
          ? newestTag(await listTags(registryHost!, repository), version, major, base.os)
          : undefined;
        if (!tag) {
          const key = `${ext.metadata.name} ${version} ${major}-${base.os}`;
          if (!warned.has(key))
            o.warn(
              `${ext.metadata.name}: no production image ${registryHost}/${repository}:${version}-<timestamp>-${major}-${base.os} was ever published: left out of the ${base.os} catalogs`,
            );
          warned.add(key);
          continue;
        }
        const head = await pool.get(registryHost!).headManifest(repository, tag);
        if (!head) throw new UserError(`${registryHost}/${repository}:${tag} was listed but cannot be read`);
        const reference = `${registryHost}/${repository}:${tag}@${head.digest}`;
        add.push(extensionConfiguration(ext, reference));
        entries.push({ major: image.major, name: ext.metadata.name, reference });
      }
      if (add.length === 0) continue;
      const kept = (image.extensions ?? []).filter((e) => !add.some((a) => a.name === e.name));
      image.extensions = [...kept, ...add].sort((a, b) => compareKeys(a.name, b.name));
    }
    const problems = catalogProblems(doc);
    if (problems.length)
      throw new UserError(`the catalog made from ${base.source} is not valid for the CRD`, problems);
    files.push({
      name: `catalog-${base.type}-${base.os}.yaml`,
      source: base.source,
      doc,
      text: stringify(doc, { indent: 2, indentSeq: true, lineWidth: 0 }),
      entries,
    });
  }
  return files;
}
