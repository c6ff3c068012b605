/**
 * OS-library drift: for every extension that opts in (`auto_update_os_libs = true`) and every distro x
 * PostgreSQL major x platform of its plan, the Debian library packages that installing the extension
 * pulls into the base image, as `apt-get install --print-uris` lists them there. Written to
 * `<ext>/system-libs/<major>-<distro>-os-libs.txt` in the upstream format (`<file.deb>[ MD5Sum:<hex>]`,
 * one per line, apt's order), so existing files diff cleanly; other platforms than amd64 (which
 * upstream never covered) get `<major>-<distro>-<arch>-os-libs.txt`. A change in these files is a change
 * of the extension's folder, so `changed` rebuilds it with the patched libraries.
 *
 * The packages are the extension Dockerfile's own `apt-get install` arguments with the plan's build
 * arguments substituted (the real names and pinned versions, never a guess from the folder name).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError, showValue } from '../errors.js';
import type { Extension, PlanTarget } from '../matrix/index.js';

/** Upstream's line pattern (dagger/maintenance `update-oslibs`). */
const DEB_LINE = /^\S+\s+(lib\S+\.deb)\s+\d+\s*(MD5Sum:\S+)?\s*$/;

/** `<file.deb>[ MD5Sum:<hex>]` lines of an `apt-get install --print-uris` output, in apt's order. */
export function osLibLines(printUris: string): string[] {
  const lines: string[] = [];
  for (const line of printUris.split('\n')) {
    const m = DEB_LINE.exec(line.trim());
    if (m) lines.push(m[2] ? `${m[1]} ${m[2]}` : m[1]!);
  }
  return lines;
}

/**
 * The packages a Dockerfile's `apt-get install` instructions name (quoted or bare arguments, flags
 * left out), with `${ARG}` / `$ARG` replaced from `args`. An argument left unresolved is an error.
 */
export function dockerfilePackages(
  text: string,
  args: Readonly<Record<string, string>>,
  file: string,
): string[] {
  // Comment lines go first (they may end in a backslash), then continuation lines are joined.
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\r?\n/g, ' ');
  const packages: string[] = [];
  for (const m of joined.matchAll(/apt-get\s+((?:-o\s+\S+\s+|-\S+\s+)*)install\b([^;&|<>\n]*)/g)) {
    const words = m[2]!.trim().split(/\s+/);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!.replace(/^["']|["']$/g, '');
      if (word === '-o' || word === '--option') {
        i++; // its value (Dpkg::Options::=--force-confold) is no package
        continue;
      }
      if (word === '' || word.startsWith('-') || /^\d*>/.test(word)) continue;
      const value = word.replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (_m, a?: string, b?: string) => {
          const name = (a ?? b)!;
          if (!(name in args))
            throw new UserError(
              `${file}: apt-get install uses the build argument ${name}, which the plan does not give (it has ${Object.keys(args).sort().join(', ')})`,
            );
          return args[name]!;
        },
      );
      packages.push(value);
    }
  }
  if (packages.length === 0)
    throw new UserError(
      `${file}: no apt-get install in this Dockerfile: os-libs reads the packages to install from it`,
    );
  return [...new Set(packages)];
}

/** `18-trixie-os-libs.txt` for amd64 (upstream's name), `18-trixie-arm64-os-libs.txt` (`-arm-v7-`) otherwise. */
export function osLibsFile(pgMajor: string, distro: string, platform: string): string {
  const arch = platform.split('/').slice(1).join('-') || platform;
  return arch === 'amd64' ? `${pgMajor}-${distro}-os-libs.txt` : `${pgMajor}-${distro}-${arch}-os-libs.txt`;
}

export interface OsLibsJob {
  extension: Extension;
  target: PlanTarget;
  platform: string;
  packages: string[];
  /** Absolute path of the file. */
  file: string;
}

/** One job per opted-in target x platform; names the Dockerfile when its packages cannot be read. */
export async function osLibsJobs(
  extensions: readonly Extension[],
  targets: readonly PlanTarget[],
): Promise<OsLibsJob[]> {
  const jobs: OsLibsJob[] = [];
  for (const ext of extensions) {
    const dir = path.dirname(ext.file);
    const dockerfile = path.join(dir, 'Dockerfile');
    const text = await readFile(dockerfile, 'utf8').catch(() => {
      throw new UserError(`${dockerfile}: cannot be read (os-libs reads the packages to install from it)`);
    });
    for (const target of targets.filter((t) => t.extension === ext.metadata.name)) {
      const packages = dockerfilePackages(text, target.args, dockerfile);
      for (const platform of target.platforms)
        jobs.push({
          extension: ext,
          target,
          platform,
          packages,
          file: path.join(dir, 'system-libs', osLibsFile(target.pgMajor, target.distro, platform)),
        });
    }
  }
  return jobs;
}

/** The extensions os-libs works on: the opted-in ones, or the named ones (which must have opted in). */
export function optedIn(extensions: readonly Extension[], named: readonly string[]): Extension[] {
  if (named.length) {
    const out = extensions.filter((e) => named.includes(e.metadata.name));
    const not = out.filter((e) => !e.metadata.auto_update_os_libs);
    if (not.length)
      throw new UserError(
        `--extension: ${not.map((e) => showValue(e.metadata.name)).join(', ')} ${not.length > 1 ? 'do' : 'does'} not set auto_update_os_libs = true in metadata.hcl`,
      );
    return out;
  }
  return extensions.filter((e) => e.metadata.auto_update_os_libs);
}

/**
 * The argv of the container that lists the URIs: root, the platform, host networking (apt reaches the
 * archive), a fixed script whose packages come as positional arguments (never a shell string).
 */
export function printUrisCommand(
  docker: string,
  image: string,
  platform: string,
  packages: readonly string[],
) {
  return {
    file: docker,
    args: [
      'run',
      '--rm',
      '--platform',
      platform,
      '--network',
      'host',
      '--user',
      '0',
      '--entrypoint',
      'sh',
      image,
      '-c',
      'apt-get update -qq >/dev/null && apt-get install -qq --print-uris --no-install-recommends "$@"',
      'os-libs',
      ...packages,
    ],
  };
}
