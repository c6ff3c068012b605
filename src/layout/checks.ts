/**
 * The layout rules of a CloudNativePG image volume extension, checked on one platform's merged file
 * tree (pure: no registry access). See verify.ts for reading the tree from a registry.
 */
import type { Extension } from '../matrix/index.js';
import { readElf } from './elf.js';
import { resolveLink, type ImageFiles, type LinkResolution } from './files.js';

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

/** Folders PostgreSQL searches for the extension's libraries: `dynamic_library_path`, default `lib`. */
export function libraryDirs(extension: Extension | undefined): string[] {
  const paths = extension?.metadata.dynamic_library_path.length
    ? extension.metadata.dynamic_library_path
    : ['lib'];
  return paths.map((p) => p.replace(/^\.?\/+/, '').replace(/\/+$/, ''));
}

/**
 * How PostgreSQL 18 reads a library name written in a control file or a function's `AS 'lib'`:
 * `load_external_function` (src/backend/utils/fmgr/dfmgr.c, REL_18) strips a leading `$libdir/`, then
 * a name without `/` is searched in dynamic_library_path. `LOAD` (`load_file`) strips nothing, so
 * `$libdir` there means the base image's own lib folder; a nested `$libdir/a/b` keeps a `/` and is
 * never searched in the path.
 */
export function libraryName(value: string): { name: string; kind: 'bare' | 'libdir' | 'nested' | 'path' } {
  if (value.startsWith('$libdir/')) {
    const rest = value.slice('$libdir/'.length);
    return rest.includes('/') ? { name: rest, kind: 'nested' } : { name: rest, kind: 'libdir' };
  }
  return value.includes('/') ? { name: value, kind: 'path' } : { name: value, kind: 'bare' };
}

/** The extensions a control file `requires` (comma-separated names). */
function requiresOf(values: Record<string, string>): string[] {
  return (values['requires'] ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
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

  // 1b. Links stay inside the image: it is mounted at /extensions/<name>/, so an absolute link or one
  //     climbing above the image root leads into the PostgreSQL container (its data, its libraries).
  const links = new Map<string, LinkResolution>();
  for (const [p, f] of files) {
    if (f.type !== 'symlink') continue;
    const target = resolveLink(files, p);
    links.set(p, target);
    const through = 'via' in target && target.via ? ` (through ${target.via})` : '';
    if (target.kind === 'absolute' && !through)
      add(
        'error',
        `symbolic link to ${f.linkname}: an absolute link points into the PostgreSQL container, not the image`,
        p,
      );
    else if (target.kind === 'absolute' || target.kind === 'outside')
      add('error', `symbolic link to ${f.linkname} leaves the image${through}`, p);
  }

  // Control files and scripts, wherever they are.
  const dirs = controlDirs(ext);
  const libDirs = libraryDirs(ext);
  const inControlDir = (p: string) =>
    dirs.some((d) => p.startsWith(`${d}/`) && !p.slice(d.length + 1).includes('/'));
  const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const controls: string[] = [];
  const scripts: string[] = [];
  const misplaced: { path: string; name: string; isControl: boolean }[] = [];
  for (const [p, f] of files) {
    if (f.type === 'directory') continue;
    const base = baseOf(p);
    const isControl = base.endsWith('.control');
    const script = base.match(SCRIPT);
    if (!isControl && !script) continue;
    const name = isControl ? base.slice(0, -'.control'.length) : script![1]!;
    if (!inControlDir(p)) misplaced.push({ path: p, name, isControl });
    else if (isControl) controls.push(p);
    else scripts.push(base);
  }
  controls.sort();
  const controlName = (p: string) => baseOf(p).slice(0, -'.control'.length);
  const controlValues = new Map(
    controls.map((c) => [controlName(c), parseControl(files.get(c)?.text ?? '')]),
  );

  // The extensions that matter: creating the one metadata.hcl names needs its control file, its
  // scripts, what it `requires` (when shipped here) and its libraries. Anything else in the image is a
  // packaging quirk (an alias control file without scripts, another package's SQL): a warning. Without
  // metadata, every control file that has scripts of its own is checked as an extension.
  const named = new Set<string>();
  if (meta) {
    if (meta.create_extension) {
      const queue = [meta.sql_name];
      while (queue.length) {
        const n = queue.shift()!;
        if (named.has(n)) continue;
        named.add(n);
        queue.push(...requiresOf(controlValues.get(n) ?? {}).filter((r) => controlValues.has(r)));
      }
    }
  } else {
    for (const n of controlValues.keys())
      if (scripts.some((b) => b.match(SCRIPT)?.[1] === n) || controlValues.size === 1) named.add(n);
  }
  const levelFor = (name: string): Finding['level'] => (named.has(name) ? 'error' : 'warning');
  const hasLibrary = (name: string) =>
    libDirs.some((d) => files.has(`${d}/${name}`) || files.has(`${d}/${name}.so`));

  // 2. Control files and scripts only where PostgreSQL looks for them.
  for (const m of misplaced) {
    add(
      meta ? levelFor(m.name) : 'error',
      `${m.isControl ? 'control file' : 'extension script'} outside ${dirs.join(', ')}: PostgreSQL never looks for it there`,
      m.path,
    );
  }

  // 3. The control file of the extension exists.
  if (meta?.create_extension && !controlValues.has(meta.sql_name)) {
    add(
      'error',
      `missing control file: CREATE EXTENSION ${meta.sql_name} needs ${dirs[0]}/${meta.sql_name}.control`,
      `${dirs[0]}/${meta.sql_name}.control`,
    );
  }
  if (!ext && controls.length === 0)
    add('warning', `no control file in ${dirs.join(', ')}: nothing can be created with CREATE EXTENSION`);

  // 4. An install path for default_version (and the sql annotation); module_pathname resolves.
  for (const control of controls) {
    const name = controlName(control);
    const values = controlValues.get(name)!;
    const level = levelFor(name);
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
          level,
          `no install script for version ${version} (${source}): expected ${control.slice(0, control.lastIndexOf('/'))}/${name}--${version}.sql or an update path to it${level === 'warning' ? ` (${name} is not the extension metadata.hcl creates)` : ''}`,
          control,
        );
    }
    const mp = values['module_pathname'];
    if (mp !== undefined) {
      const lib = libraryName(mp);
      if (lib.kind === 'nested' || lib.kind === 'path')
        add(
          level,
          `module_pathname = '${mp}' is a path, which PostgreSQL 18 never searches in dynamic_library_path: write '${baseOf(lib.name)}'`,
          control,
        );
      else if (!hasLibrary(lib.name))
        add(
          level,
          `module_pathname = '${mp}': no ${lib.name}.so in ${libDirs.join(', ')}: CREATE EXTENSION ${name} fails to load it`,
          control,
        );
    }
  }

  // 5. Libraries named in SQL. `AS '$libdir/x'` loads on PostgreSQL 18 (a warning: older servers and
  //    upstream's PostGIS upgrade scripts still rewrite it); `LOAD '$libdir/...'` and nested
  //    `'$libdir/a/b'` do not (errors in the scripts of the extension metadata.hcl names).
  const ownScript = (p: string) => {
    const m = inControlDir(p) ? baseOf(p).match(SCRIPT) : null;
    return m ? named.has(m[1]!) : false;
  };
  for (const [p, f] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!p.endsWith('.sql') || f.text === undefined) continue;
    const text = f.text;
    const level: Finding['level'] = ownScript(p) ? 'error' : 'warning';
    const load = /\bLOAD\s+'\$libdir\/[^']*'/i.exec(text);
    if (load)
      add(
        level,
        `${load[0]} (line ${lineOf(text, load.index)}): LOAD does not strip $libdir, so it looks in the base image's lib folder, not the volume; use LOAD '${baseOf(load[0].slice(load[0].indexOf("'") + 1, -1))}'`,
        p,
      );
    const nested = /'\$libdir\/[^'/]+\/[^']*'/.exec(text);
    if (nested)
      add(
        level,
        `${nested[0]} (line ${lineOf(text, nested.index)}): a nested $libdir path is never searched in dynamic_library_path`,
        p,
      );
    const plain = /'\$libdir\/[^'/]+'/.exec(text);
    if (plain && !(load && load.index <= plain.index && plain.index < load.index + load[0].length))
      add(
        'warning',
        `hard-codes ${plain[0]} (line ${lineOf(text, plain.index)}): PostgreSQL 18 strips the prefix and searches dynamic_library_path, older servers do not; prefer MODULE_PATHNAME or the bare name`,
        p,
      );
    if (ownScript(p)) {
      for (const m of text.matchAll(/\bAS\s+'([^']+)'\s*,\s*'/gi)) {
        const lib = libraryName(m[1]!);
        if (lib.kind === 'path' || lib.kind === 'nested' || m[1] === 'MODULE_PATHNAME') continue;
        if (!hasLibrary(lib.name)) {
          add(
            'warning',
            `AS '${m[1]}' (line ${lineOf(text, m.index)}): no ${lib.name}.so in ${libDirs.join(', ')}; it must then be in the base image's lib folder`,
            p,
          );
          break;
        }
      }
    }
  }

  // 5b. Preloaded libraries are in the image (the server does not start otherwise).
  for (const lib of meta?.shared_preload_libraries ?? []) {
    const { name, kind } = libraryName(lib);
    if (kind !== 'bare') {
      add(
        'error',
        `shared_preload_libraries names '${lib}': preloading goes through load_file, which never strips $libdir nor searches a path with "/" in dynamic_library_path; write '${name.slice(name.lastIndexOf('/') + 1)}'`,
      );
      continue;
    }
    if (!hasLibrary(name))
      add(
        'error',
        `shared_preload_libraries names ${lib}, but there is no ${name}.so in ${libDirs.join(', ')}: the server does not start`,
      );
  }

  // 6. Shared libraries are ELF for this platform's architecture; a library link leads to one.
  const arch = ctx.platform.split('/')[1];
  for (const [p, f] of files) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    if (!LIBRARY.test(base)) continue;
    if (f.type === 'symlink') {
      const target = links.get(p)!;
      if (target.kind === 'absolute' || target.kind === 'outside') continue; // reported above
      if (target.kind !== 'path' || !files.has(target.path))
        add('error', `symbolic link to ${f.linkname} which is not in the image`, p);
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
