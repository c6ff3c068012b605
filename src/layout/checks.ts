/**
 * The layout rules of a CloudNativePG image volume extension, checked on one platform's merged file
 * tree (pure: no registry access). See verify.ts for reading the tree from a registry.
 */
import type { Extension } from '../matrix/index.js';
import { readElf } from './elf.js';
import { resolveLink, type ImageFiles } from './files.js';

export interface Finding {
  level: 'error' | 'warning';
  /** `linux/amd64`; absent for image-wide findings (annotations). */
  platform?: string;
  /** Path inside the image, when the finding is about one file. */
  file?: string;
  reason: string;
}

/** Top-level folders the operator mounts or points PostgreSQL at. */
export const STANDARD_TOP_LEVEL = ['lib', 'share', 'licenses', 'system', 'bin'] as const;

export interface LayoutContext {
  /** `linux/amd64` */
  platform: string;
  extension?: Extension;
  /** Sum of the compressed layer sizes. */
  sizeBytes?: number;
  maxSizeBytes?: number;
  /** The `io.cloudnativepg.image.sql.version` annotation, when present. */
  sqlVersion?: string;
}

/** Control key/value pairs (`key = 'value'`, `#` comments), as PostgreSQL's parser reads them. */
export function parseControl(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const m = line.match(/^([A-Za-z_][\w]*)\s*=?\s*(?:'((?:[^']|'')*)'|([^\s#]+))/);
    if (m) values[m[1]!] = m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3]!;
  }
  return values;
}

/** First path component of each folder the metadata names (`extension_control_path` etc., and `${image_root}/X` in env). */
export function metadataTopLevel(extension: Extension | undefined): string[] {
  if (!extension) return [];
  const m = extension.metadata;
  const paths = [...m.extension_control_path, ...m.dynamic_library_path, ...m.ld_library_path, ...m.bin_path];
  const names = paths.map((p) => p.replace(/^\.?\/+/, '').split('/')[0]!).filter(Boolean);
  for (const value of Object.values(m.env)) {
    for (const match of value.matchAll(/\$\{image_root\}\/([^/:\s]+)/g)) names.push(match[1]!);
  }
  return names;
}

/** Folders holding control files and extension scripts: `<extension_control_path or share>/extension`. */
export function controlDirs(extension: Extension | undefined): string[] {
  const paths = extension?.metadata.extension_control_path.length
    ? extension.metadata.extension_control_path
    : ['share'];
  return paths.map((p) => `${p.replace(/^\.?\/+/, '').replace(/\/+$/, '')}/extension`);
}

const SCRIPT = /^([^/]+?)--([^/]+?)(?:--([^/]+))?\.sql$/;
const LIBRARY = /\.so(\.\d+)*$/;

/** Versions an extension can be created at: install scripts, then any chain of update scripts. */
export function installableVersions(scripts: readonly string[], sqlName: string): Set<string> {
  const installs = new Set<string>();
  const updates: [string, string][] = [];
  for (const base of scripts) {
    const m = base.match(SCRIPT);
    if (!m || m[1] !== sqlName) continue;
    if (m[3] === undefined) installs.add(m[2]!);
    else updates.push([m[2]!, m[3]]);
  }
  const reachable = new Set(installs);
  for (let changed = true; changed;) {
    changed = false;
    for (const [from, to] of updates) {
      if (reachable.has(from) && !reachable.has(to)) {
        reachable.add(to);
        changed = true;
      }
    }
  }
  return reachable;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

export function checkLayout(files: ImageFiles, ctx: LayoutContext): Finding[] {
  const findings: Finding[] = [];
  const add = (level: Finding['level'], reason: string, file?: string) =>
    findings.push({ level, platform: ctx.platform, ...(file !== undefined ? { file } : {}), reason });
  const ext = ctx.extension;
  const meta = ext?.metadata;

  // 1. Only the top-level folders CNPG uses.
  const allowed = new Set<string>([...STANDARD_TOP_LEVEL, ...metadataTopLevel(ext)]);
  const tops = new Set([...files.keys()].map((p) => p.split('/')[0]!));
  for (const top of [...tops].sort()) {
    if (allowed.has(top)) continue;
    const entry = files.get(top);
    add(
      'error',
      `unexpected top-level ${entry?.type === 'directory' || !entry ? 'folder' : 'file'}: an extension image holds only ${[...allowed].join(', ')} (plus folders metadata.hcl paths name)`,
      top,
    );
  }

  // 2. Control files and scripts only where PostgreSQL looks for them.
  const dirs = controlDirs(ext);
  const inControlDir = (p: string) =>
    dirs.some((d) => p.startsWith(`${d}/`) && !p.slice(d.length + 1).includes('/'));
  const controls: string[] = [];
  const scripts: string[] = [];
  for (const [p, f] of files) {
    if (f.type === 'directory') continue;
    const base = p.slice(p.lastIndexOf('/') + 1);
    const isControl = base.endsWith('.control');
    const isScript = SCRIPT.test(base);
    if (!isControl && !isScript) continue;
    if (!inControlDir(p)) {
      add(
        'error',
        `${isControl ? 'control file' : 'extension script'} outside ${dirs.join(', ')}: PostgreSQL never looks for it there`,
        p,
      );
      continue;
    }
    if (isControl) controls.push(p);
    else scripts.push(base);
  }

  // 3. The control file of the extension exists.
  const names = new Set(controls.map((p) => p.slice(p.lastIndexOf('/') + 1, -'.control'.length)));
  if (meta?.create_extension && !names.has(meta.sql_name)) {
    add(
      'error',
      `missing control file: CREATE EXTENSION ${meta.sql_name} needs ${dirs[0]}/${meta.sql_name}.control`,
      `${dirs[0]}/${meta.sql_name}.control`,
    );
  }
  if (!ext && controls.length === 0)
    add('warning', `no control file in ${dirs.join(', ')}: nothing can be created with CREATE EXTENSION`);

  // 4. An install path for default_version (and the sql annotation); module_pathname without $libdir.
  for (const control of controls.sort()) {
    const name = control.slice(control.lastIndexOf('/') + 1, -'.control'.length);
    const values = parseControl(files.get(control)?.text ?? '');
    if (values['directory']) {
      add(
        'warning',
        `control file sets directory = '${values['directory']}': its scripts are not checked`,
        control,
      );
      continue;
    }
    const versions = installableVersions(scripts, name);
    const wanted: [string, string][] = [];
    if (values['default_version']) wanted.push([values['default_version'], 'default_version']);
    else
      add(
        'warning',
        'control file has no default_version: CREATE EXTENSION needs an explicit VERSION',
        control,
      );
    const isMain = meta ? meta.sql_name === name : controls.length === 1;
    if (ctx.sqlVersion && isMain && ctx.sqlVersion !== values['default_version'])
      wanted.push([ctx.sqlVersion, 'the io.cloudnativepg.image.sql.version annotation']);
    for (const [version, source] of wanted) {
      if (!versions.has(version))
        add(
          'error',
          `no install script for version ${version} (${source}): expected ${control.slice(0, control.lastIndexOf('/'))}/${name}--${version}.sql or an update path to it`,
          control,
        );
    }
    const mp = values['module_pathname'];
    if (mp?.startsWith('$libdir/'))
      add(
        'error',
        `module_pathname = '${mp}' hard-codes $libdir, which image volumes do not use: write '${mp.slice(8)}'`,
        control,
      );
  }

  // 5. SQL never hard-codes $libdir/ (PostgreSQL resolves it to its own lib folder, not the volume).
  for (const [p, f] of files) {
    if (!p.endsWith('.sql') || f.text === undefined) continue;
    const i = f.text.indexOf('$libdir/');
    if (i >= 0)
      add(
        'error',
        `hard-codes '$libdir/' (line ${lineOf(f.text, i)}): the library is not found with image volumes; use the bare library name or MODULE_PATHNAME`,
        p,
      );
  }

  // 6. Shared libraries are ELF for this platform's architecture.
  const arch = ctx.platform.split('/')[1];
  for (const [p, f] of files) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    if (!LIBRARY.test(base)) continue;
    if (f.type === 'symlink') {
      const target = resolveLink(p, f.linkname ?? '');
      if (!files.has(target)) add('error', `symbolic link to ${f.linkname} which is not in the image`, p);
      continue;
    }
    if (f.type !== 'file') continue;
    const elf = readElf(f.head ?? Buffer.alloc(0));
    if (!elf) {
      add('error', 'not an ELF shared object', p);
      continue;
    }
    if (!arch || arch === 'unknown') continue;
    if (elf.architecture === undefined)
      add('warning', `ELF machine ${elf.machine} is not one this check knows`, p);
    else if (elf.architecture !== arch)
      add(
        'error',
        `built for ${elf.architecture} (ELF machine ${elf.machine}) in the ${ctx.platform} image`,
        p,
      );
  }

  // 7. Size budget.
  if (ctx.maxSizeBytes !== undefined && ctx.sizeBytes !== undefined && ctx.sizeBytes > ctx.maxSizeBytes)
    add(
      'error',
      `compressed layers take ${(ctx.sizeBytes / 1048576).toFixed(1)} MiB, over the ${(ctx.maxSizeBytes / 1048576).toFixed(1)} MiB budget`,
    );
  return findings;
}

const KEYS = {
  pgMajor: 'io.cloudnativepg.image.base.pgmajor',
  os: 'io.cloudnativepg.image.base.os',
  sqlVersion: 'io.cloudnativepg.image.sql.version',
} as const;

/** The `io.cloudnativepg.image.*` annotations agree with metadata.hcl (image-wide findings). */
export function checkAnnotations(
  annotations: Record<string, string>,
  extension: Extension | undefined,
): Finding[] {
  const findings: Finding[] = [];
  const missing = Object.values(KEYS).filter((k) => !annotations[k]);
  if (missing.length)
    findings.push({
      level: 'warning',
      reason: `missing annotations ${missing.join(', ')} (CloudNativePG catalogs read them)`,
    });
  if (!extension) return findings;
  const { versions, name } = extension.metadata;
  const file = extension.file;
  const os = annotations[KEYS.os];
  const pg = annotations[KEYS.pgMajor];
  const sql = annotations[KEYS.sqlVersion];
  if (os && !versions[os]) {
    findings.push({
      level: 'error',
      file,
      reason: `annotation ${KEYS.os}=${os} is not a distribution in ${name}'s versions (${Object.keys(versions).join(', ')})`,
    });
    return findings;
  }
  if (os && pg && !versions[os]![pg]) {
    findings.push({
      level: 'error',
      file,
      reason: `annotation ${KEYS.pgMajor}=${pg} has no versions.${os}["${pg}"] entry in metadata.hcl`,
    });
    return findings;
  }
  const pin = os && pg ? versions[os]![pg] : undefined;
  if (pin && sql && pin.sql !== sql)
    findings.push({
      level: 'error',
      file,
      reason: `annotation ${KEYS.sqlVersion}=${sql} differs from metadata.hcl versions.${os}["${pg}"].sql = ${pin.sql}`,
    });
  return findings;
}
