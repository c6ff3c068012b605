/**
 * A repository of our example extensions (`extensions/`) made buildable here: each metadata.hcl gets a
 * `sid` distro entry with the Debian package version `apt-cache madison` reports today (read at run
 * time, never written in a test), and the base image is the local PostgreSQL 18 index.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DISTRO, PG_MAJOR, type RealEnvironment } from './environment.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');

/** The Debian package each example installs (its Dockerfile's `postgresql-${PG_MAJOR}-<x>`). */
export const PACKAGES: Record<string, string> = {
  pgvector: 'pgvector',
  pgaudit: 'pgaudit',
  wal2json: 'wal2json',
  pgrouting: 'pgrouting',
  postgis: 'postgis-3',
};

/** The version sid carries of `postgresql-18-<x>` (`0.8.1-2`), from apt-cache madison. */
export function sidVersion(pkg: string): string {
  const r = spawnSync('apt-cache', ['madison', `postgresql-${PG_MAJOR}-${pkg}`], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => /\|\s*\S+\s*\|.*\bsid\b/.test(l));
  const version = line?.split('|')[1]?.trim();
  if (!version)
    throw new Error(
      `apt-cache madison postgresql-${PG_MAJOR}-${pkg} lists no sid version: run scripts/real/install.sh (it adds sid)`,
    );
  return version;
}

/** `3.6.1+dfsg-1` -> `3.6.1`; `1:2.3-4` -> `2.3`: the upstream version, as the SQL default_version. */
export function upstreamVersion(debian: string): string {
  return debian
    .replace(/^\d+:/, '')
    .replace(/-[^-]*$/, '')
    .replace(/[+~].*$/, '');
}

/** Replaces the `versions = { ... }` block of a metadata.hcl text (balanced braces). */
export function replaceVersions(text: string, versions: string): string {
  const start = text.search(/^\s*versions\s*=\s*\{/m);
  if (start < 0) throw new Error('metadata.hcl has no versions block');
  let i = text.indexOf('{', start);
  let depth = 0;
  for (; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) break;
  }
  return `${text.slice(0, start)}\n  versions = ${versions}${text.slice(i + 1)}`;
}

export interface ExampleRepo {
  dir: string;
  /** Folder holding the extension folders, relative to `dir`. */
  root: string;
  versions: Record<string, { package: string; sql: string }>;
  cleanup(): void;
}

/**
 * Copies `extensions/<name>` for each name into a new repository, with a sid entry (the Debian
 * version, and `sql` overridden where given: the default_version some packages ship differs from
 * their upstream version).
 */
export function exampleRepo(names: readonly string[], sql: Record<string, string> = {}): ExampleRepo {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-real-repo-'));
  const versions: ExampleRepo['versions'] = {};
  for (const name of names) {
    const target = path.join(dir, 'extensions', name);
    cpSync(path.join(REPO_ROOT, 'extensions', name), target, { recursive: true });
    const pkg = sidVersion(PACKAGES[name]!);
    versions[name] = { package: pkg, sql: sql[name] ?? upstreamVersion(pkg) };
    const file = path.join(target, 'metadata.hcl');
    const block = `{\n    ${DISTRO} = {\n      "${PG_MAJOR}" = {\n        package = "${versions[name].package}"\n        sql     = "${versions[name].sql}"\n      }\n    }\n  }`;
    writeFileSync(file, replaceVersions(readFileSync(file, 'utf8'), block));
  }
  return { dir, root: 'extensions', versions, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A bake file giving every target host networking (there is no bridge on our machines). */
export function hostNetworkFile(dir: string, targets: readonly string[]): string {
  const file = path.join(dir, 'host-network.json');
  writeFileSync(
    file,
    `${JSON.stringify({ target: Object.fromEntries(targets.map((t) => [t, { network: 'host' }])) }, null, 2)}\n`,
  );
  return file;
}

/**
 * The flags of a real `ext-actions bake` here: the local base image, the default (docker) builder, QEMU
 * already set up, host networking through a bake file, and no SBOM (its scanner image comes from Docker
 * Hub, which is out of reach).
 */
export function realBakeFlags(real: RealEnvironment, root: string, hostNetwork: string): string[] {
  return [
    '--root',
    root,
    '--registry',
    real.registry,
    '--base-image',
    real.baseImageTemplate,
    '--builder',
    'default',
    '--setup-qemu',
    'false',
    '--file',
    hostNetwork,
    '--allow',
    'network.host',
    '--set',
    '*.attest=type=sbom,disabled=true',
  ];
}
