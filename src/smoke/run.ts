/**
 * `smoke`: tests an extension image in a real PostgreSQL 18 container, mounted the way CloudNativePG
 * mounts it (read-only at `/extensions/<name>`, the operator's GUCs and environment, see config.ts), in
 * seconds and without Kubernetes. Per platform: start the server (preloads included), create the
 * required extensions then the extension, compare `extversion` with the image's SQL version annotation,
 * `ALTER EXTENSION ... UPDATE`, load modules, run the extension's optional `test/smoke.sql`. On failure:
 * the server log and the libraries `ldd` cannot find. Every command is an argv array through `exec`;
 * SQL reaches psql on stdin with identifiers and literals quoted.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nativeArchitectures } from '../bake/qemu.js';
import { runCommand, type RunResult } from '../process/exec.js';
import { resolveValues } from '../e2e/resolve.js';
import type { TestingValues } from '../e2e/values.js';
import { UserError, showValue } from '../errors.js';
import { loadExtensions, type Extension } from '../matrix/index.js';
import { ClientPool, type ClientOptions } from '../registry/client.js';
import { inspectImage, type InspectResult } from '../registry/inspect.js';
import { parseReference, repositoryName } from '../registry/reference.js';
import { confLine, serverConfiguration, type ServerConfiguration } from './config.js';
import { extractImage } from './extract.js';

/** Runs one command (argv, no shell); default: runCommand with this process's environment. */
export type Exec = (
  file: string,
  args: readonly string[],
  options?: { input?: string },
) => Promise<RunResult>;

export type MountMode = 'auto' | 'image' | 'bind';

export interface SmokeOptions extends ClientOptions {
  image: string;
  /** Folder holding the extension folders. */
  root: string;
  extension?: string | undefined;
  platforms?: readonly string[] | undefined;
  pgImage?: string | undefined;
  keep?: boolean | undefined;
  /** `auto`: an image mount on Docker 28 or later, else layers extracted to a bind-mounted folder. */
  mount?: MountMode | undefined;
  /** Where required extensions not given in `builtImages` come from (as e2e values resolve them). */
  registry?: string | undefined;
  environment?: 'testing' | 'production' | undefined;
  builtImages?: readonly string[] | undefined;
  /** The container engine CLI (`docker`). */
  docker?: string | undefined;
  exec?: Exec | undefined;
  log(message: string): void;
  warn(message: string): void;
  /** `process.arch` of this machine. */
  hostArch?: string | undefined;
  /** Whether binfmt_misc runs this architecture (QEMU); default reads /proc/sys/fs/binfmt_misc. */
  canEmulate?: ((arch: string) => boolean) | undefined;
  /** Temporary folder for extracted layers (bind mounts). */
  tmpDir?: string | undefined;
}

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface PlatformReport {
  platform: string;
  /** `<repository>@<platform manifest digest>` mounted. */
  manifest: string;
  ok: boolean;
  checks: Check[];
  /** `extversion` after CREATE EXTENSION. */
  sqlVersion?: string;
  /** The first failed check, with what to do about it. */
  reason?: string;
  serverLog?: string;
  /** `ldd` lines `=> not found`, per library of the mounted images. */
  missingLibraries?: string[];
  seconds: number;
}

export interface SmokeReport {
  extension: string;
  sqlName: string;
  image: string;
  digest: string;
  pgImage: string;
  expectedSqlVersion: string;
  mount: 'image' | 'bind';
  platforms: PlatformReport[];
  ok: boolean;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The extension whose image_name the reference's repository names (`<registry>/<image_name>[-testing]`). */
export function extensionForImage(
  extensions: readonly Extension[],
  repository: string,
): Extension | undefined {
  const last = repository.split('/').pop()!.toLowerCase();
  return extensions.find((e) => {
    const name = e.metadata.image_name.toLowerCase();
    return last === name || last === `${name}-testing`;
  });
}

function defaultCanEmulate(arch: string): boolean {
  const names: Record<string, string> = {
    arm64: 'aarch64',
    amd64: 'x86_64',
    arm: 'arm',
    ppc64le: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
    '386': 'i386',
  };
  const entry = `/proc/sys/fs/binfmt_misc/qemu-${names[arch] ?? arch}`;
  return existsSync(entry);
}

/** The platforms to test: the requested ones (each must be in the index), else every runnable one. */
export function selectPlatforms(
  available: readonly string[],
  requested: readonly string[] | undefined,
  runnable: (platform: string) => boolean,
): { platforms: string[]; skipped: string[] } {
  if (requested?.length) {
    const missing = requested.filter((p) => !available.includes(p));
    if (missing.length)
      throw new UserError(
        `--platform: the image has no ${missing.join(', ')} (it has ${available.join(', ') || 'no platform'})`,
      );
    return { platforms: [...requested], skipped: [] };
  }
  return {
    platforms: available.filter(runnable),
    skipped: available.filter((p) => !runnable(p)),
  };
}

interface Mounted {
  name: string;
  /** `<repository>@<digest>` of this platform. */
  manifest: string;
  target: string;
}

class Docker {
  constructor(
    private readonly o: SmokeOptions,
    private readonly file: string,
  ) {}
  run(args: readonly string[], input?: string): Promise<RunResult> {
    return this.o.exec
      ? this.o.exec(this.file, args, input !== undefined ? { input } : undefined)
      : runCommand(this.file, args, input !== undefined ? { input } : {});
  }
  async must(args: readonly string[], what: string, input?: string): Promise<string> {
    const r = await this.run(args, input);
    if (r.exitCode !== 0)
      throw new SmokeFailure(`${what}: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
    return r.stdout;
  }
  async has(ref: string): Promise<boolean> {
    return (await this.run(['image', 'inspect', '--format', '{{.Id}}', ref])).exitCode === 0;
  }
}

/** A check that failed: the message names what went wrong. */
class SmokeFailure extends Error {}

async function dockerMajor(docker: Docker): Promise<number | undefined> {
  const r = await docker.run(['version', '--format', '{{.Server.Version}}']);
  if (r.exitCode !== 0)
    throw new UserError(
      `the container engine does not answer (docker version: ${(r.stderr || r.stdout).trim().split('\n').pop()}): smoke needs Docker (28 or later mounts images directly) or Podman`,
    );
  const m = /^(\d+)\./.exec(r.stdout.trim());
  return m ? Number(m[1]) : undefined;
}

function platformManifest(image: InspectResult, platform: string): string | undefined {
  const m = image.manifests.find((x) => x.kind === 'image' && x.platform === platform);
  return m ? `${image.repository}@${m.digest}` : undefined;
}

export async function smoke(o: SmokeOptions): Promise<SmokeReport> {
  const parsed = parseReference(o.image, '--image');
  const extensions = await loadExtensions(o.root);
  let extension: Extension | undefined;
  if (o.extension !== undefined) {
    extension = extensions.find((e) => e.metadata.name === o.extension);
    if (!extension)
      throw new UserError(
        `--extension: no extension ${showValue(o.extension)} under ${o.root} (found ${extensions.map((e) => e.metadata.name).join(', ') || 'none'})`,
      );
  } else {
    extension = extensionForImage(extensions, repositoryName(parsed));
    if (!extension)
      throw new UserError(
        `--image: no extension under ${o.root} has the image_name of ${repositoryName(parsed)}; name it with --extension (found ${extensions.map((e) => e.metadata.name).join(', ') || 'none'})`,
      );
  }
  const pool = new ClientPool(o);
  const inspect = async (ref: string) => inspectImage(ref, { ...o, pool });
  const image = await inspect(o.image);
  const resolved = await resolveValues({
    root: o.root,
    extension: extension.metadata.name,
    image: o.image,
    registry: o.registry,
    environment: o.environment,
    builtImages: o.builtImages ?? [],
    inspect: async (ref) => ({ annotations: (await inspect(ref)).annotations }),
  });
  const values = resolved.values;
  const pgImage = o.pgImage ?? values.pg_image;
  parseReference(pgImage, '--pg-image');

  const native = nativeArchitectures(o.hostArch ?? process.arch);
  const canEmulate = o.canEmulate ?? defaultCanEmulate;
  const runnable = (p: string) => {
    const arch = p.split('/')[1] ?? '';
    return p.startsWith('linux/') && (native.includes(arch) || canEmulate(arch));
  };
  const { platforms, skipped } = selectPlatforms(image.platforms, o.platforms, runnable);
  for (const p of skipped) o.warn(`${p}: this machine cannot run it (no QEMU binfmt handler): not tested`);
  if (platforms.length === 0)
    throw new UserError(
      `--image: none of its platforms (${image.platforms.join(', ')}) runs on this machine`,
    );

  const docker = new Docker(o, o.docker ?? 'docker');
  const major = await dockerMajor(docker);
  const mode: 'image' | 'bind' =
    o.mount === 'image' || o.mount === 'bind'
      ? o.mount
      : major !== undefined && major >= 28
        ? 'image'
        : 'bind';
  o.log(
    mode === 'image'
      ? `mount: Docker ${major ?? '?'} image mounts (--mount type=image of each platform's manifest, read-only as CloudNativePG's ImageVolume)`
      : `mount: layers extracted by our registry client into a folder, bind-mounted read-only (${o.mount === 'bind' ? 'asked for' : `Docker ${major ?? 'unknown'} has no image mounts`})`,
  );

  // The PostgreSQL image by each platform's own manifest digest (as for the extensions): a tag of a
  // multi-platform index would be pulled for one platform and moved, and its config read for another.
  const pgIndex = await inspect(pgImage);
  // Each mounted image's index, read once (the tested image first, then required extensions).
  const indexes = new Map<string, InspectResult>([[values.extensions[0]!.image.reference, image]]);
  for (const e of values.extensions.slice(1))
    indexes.set(e.image.reference, await inspect(e.image.reference));

  const reports: PlatformReport[] = [];
  const pulled = new Set<string>();
  const tmpRoot = await mkdtemp(path.join(o.tmpDir ?? os.tmpdir(), 'ext-actions-smoke-'));
  try {
    for (const platform of platforms) {
      reports.push(
        await smokePlatform({
          o,
          docker,
          values,
          extension,
          pgImage: platformManifest(pgIndex, platform) ?? pgImage,
          platform,
          indexes,
          mode,
          pulled,
          tmpRoot,
          pool,
        }),
      );
    }
  } finally {
    if (!o.keep) {
      for (const ref of pulled) await docker.run(['image', 'rm', ref]);
      await rm(tmpRoot, { recursive: true, force: true });
    }
  }
  return {
    extension: extension.metadata.name,
    sqlName: extension.metadata.sql_name,
    image: image.ref,
    digest: image.digest,
    pgImage,
    expectedSqlVersion: values.version,
    mount: mode,
    platforms: reports,
    ok: reports.every((r) => r.ok),
  };
}

interface PlatformContext {
  o: SmokeOptions;
  docker: Docker;
  values: TestingValues;
  extension: Extension;
  pgImage: string;
  platform: string;
  indexes: Map<string, InspectResult>;
  mode: 'image' | 'bind';
  pulled: Set<string>;
  tmpRoot: string;
  pool: ClientPool;
}

async function pull(c: PlatformContext, ref: string): Promise<void> {
  if (await c.docker.has(ref)) return;
  await c.docker.must(['pull', '--quiet', '--platform', c.platform, ref], `pulling ${ref} (${c.platform})`);
  c.pulled.add(ref);
}

async function smokePlatform(c: PlatformContext): Promise<PlatformReport> {
  const started = Date.now();
  const checks: Check[] = [];
  const { o, docker, values, platform } = c;
  const mounts: Mounted[] = [];
  for (const e of values.extensions) {
    const manifest = platformManifest(c.indexes.get(e.image.reference)!, platform);
    if (!manifest)
      return {
        platform,
        manifest: '',
        ok: false,
        checks: [{ name: 'mount', ok: false, detail: `${e.image.reference} has no ${platform} image` }],
        reason: `${e.name}: ${e.image.reference} has no ${platform} image`,
        seconds: (Date.now() - started) / 1000,
      };
    mounts.push({ name: e.name, manifest, target: `/extensions/${e.name}` });
  }
  const name = `ext-actions-smoke-${randomBytes(4).toString('hex')}`;
  let created = false;
  const report: PlatformReport = { platform, manifest: mounts[0]!.manifest, ok: false, checks, seconds: 0 };
  const step = async <T>(check: string, fn: () => Promise<T>): Promise<T> => {
    try {
      const out = await fn();
      checks.push({ name: check, ok: true });
      return out;
    } catch (err) {
      const detail = (err as Error).message;
      checks.push({ name: check, ok: false, detail });
      throw new SmokeFailure(`${check}: ${detail}`);
    }
  };
  try {
    await pull(c, c.pgImage);
    const config = JSON.parse(
      await docker.must(
        ['image', 'inspect', '--format', '{{json .Config}}', c.pgImage],
        `reading ${c.pgImage}`,
      ),
    ) as { Env?: string[]; User?: string };
    const imageEnv = Object.fromEntries(
      (config.Env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    const user = config.User && !['root', '0', '0:0'].includes(config.User) ? config.User : 'postgres';
    const server: ServerConfiguration = serverConfiguration({
      extensions: values.extensions,
      sharedPreloadLibraries: values.shared_preload_libraries,
      parameters: values.postgresql_parameters,
      imagePath: imageEnv['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      imageLdLibraryPath: imageEnv['LD_LIBRARY_PATH'] ?? '',
    });
    for (const w of server.warnings) o.warn(w);

    const mountArgs: string[] = [];
    for (const m of mounts) {
      if (c.mode === 'image') {
        await pull(c, m.manifest);
        mountArgs.push('--mount', `type=image,source=${m.manifest},target=${m.target}`);
      } else {
        const folder = path.join(c.tmpRoot, `${platform.replaceAll('/', '-')}-${m.name}`);
        const ref = parseReference(m.manifest);
        await extractImage(c.pool.get(ref.registry), ref.repository, ref.digest!, folder);
        mountArgs.push('--mount', `type=bind,source=${folder},target=${m.target},readonly`);
      }
    }
    const envArgs = Object.entries(server.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    await docker.must(
      [
        'create',
        '--name',
        name,
        '--platform',
        platform,
        '--network',
        'none',
        '--user',
        user,
        ...envArgs,
        ...mountArgs,
        '--entrypoint',
        'sleep',
        c.pgImage,
        'infinity',
      ],
      'creating the PostgreSQL container',
    );
    created = true;
    await docker.must(['start', name], 'starting the PostgreSQL container');
    const exec = (args: string[], input?: string) =>
      docker.run(['exec', ...(input !== undefined ? ['-i'] : []), name, ...args], input);
    const ok = async (args: string[], input?: string) => {
      const r = await exec(args, input);
      if (r.exitCode !== 0) throw new Error((r.stderr || r.stdout).trim().split('\n').slice(-6).join('\n'));
      return r.stdout;
    };

    await step('initdb', () =>
      ok([
        'initdb',
        '--pgdata',
        '/tmp/pgdata',
        '--username',
        'postgres',
        '--auth',
        'trust',
        '--no-sync',
        '--encoding',
        'UTF8',
      ]),
    );
    const conf = [
      confLine('listen_addresses', ''),
      confLine('unix_socket_directories', '/tmp'),
      ...server.parameters.map(([k, v]) => confLine(k, v)),
      '',
    ].join('\n');
    await step('configure', () => ok(['tee', '-a', '/tmp/pgdata/postgresql.conf'], conf));
    await step('server starts', async () => {
      const r = await exec([
        'pg_ctl',
        '--pgdata',
        '/tmp/pgdata',
        '--log',
        '/tmp/postgresql.log',
        '--wait',
        '--timeout',
        '180',
        'start',
      ]);
      if (r.exitCode !== 0)
        throw new Error(lastLog(await exec(['cat', '/tmp/postgresql.log'])) || r.stderr.trim());
    });
    const psql = (sql: string) =>
      ok(
        [
          'psql',
          '--no-psqlrc',
          '--host',
          '/tmp',
          '--username',
          'postgres',
          '--dbname',
          'postgres',
          '--tuples-only',
          '--no-align',
          '--set',
          'ON_ERROR_STOP=1',
          '--file',
          '-',
        ],
        sql,
      );

    const spec = values.database_config.extensions_spec ?? [];
    const m = c.extension.metadata;
    // Required extensions first (their images are mounted too), then the extension itself.
    for (const dep of spec.filter((s) => s.name !== m.sql_name))
      await step(`CREATE EXTENSION ${dep.name} (required)`, () =>
        psql(`CREATE EXTENSION IF NOT EXISTS ${ident(dep.name)} CASCADE;\n`),
      );
    if (m.create_extension) {
      await step(`CREATE EXTENSION ${m.sql_name}`, () =>
        psql(`CREATE EXTENSION ${ident(m.sql_name)} CASCADE;\n`),
      );
      const found = await step('read extversion', async () =>
        (await psql(`SELECT extversion FROM pg_extension WHERE extname = ${literal(m.sql_name)};\n`)).trim(),
      );
      report.sqlVersion = found;
      o.log(`${platform}: ${m.sql_name} ${found} created`);
      await step('SQL version matches the image', async () => {
        if (values.version && found !== values.version)
          throw new Error(
            `CREATE EXTENSION ${m.sql_name} installed ${found} (the control file's default_version), but the image's io.cloudnativepg.image.sql.version says ${values.version}`,
          );
      });
      await step(`ALTER EXTENSION ${m.sql_name} UPDATE`, () =>
        psql(`ALTER EXTENSION ${ident(m.sql_name)} UPDATE;\n`),
      );
    } else {
      // A module: every library of the image loads (a preloaded one already did at start).
      const dirs = (values.extensions[0]!.dynamic_library_path ?? ['lib']).map((d) =>
        path.posix.join(mounts[0]!.target, d),
      );
      const libs = await step('module libraries', async () => {
        const r = await exec(['find', ...dirs, '-maxdepth', '1', '-name', '*.so']);
        const found = r.stdout.split('\n').filter(Boolean).sort();
        if (found.length === 0) throw new Error(`no .so in ${dirs.join(', ')}`);
        return found;
      });
      for (const lib of libs) {
        const base = path.posix.basename(lib, '.so');
        await step(`LOAD '${base}'`, () => psql(`LOAD ${literal(base)};\n`));
      }
    }
    const smokeSql = path.join(path.dirname(c.extension.file), 'test', 'smoke.sql');
    if (existsSync(smokeSql)) {
      const sql = await readFile(smokeSql, 'utf8');
      await step('test/smoke.sql', () => psql(sql));
    }
    report.ok = true;
  } catch (err) {
    // A check that failed (SmokeFailure), or anything else on the way (a registry read, an extraction,
    // an unreadable image config): this platform failed, with the server log; the others still run.
    const message = err instanceof SmokeFailure ? err.message : `${(err as Error).message}`;
    report.reason = `${c.extension.metadata.name} on ${platform}: ${message}`;
    if (created) {
      report.serverLog = (await docker.run(['exec', name, 'cat', '/tmp/postgresql.log'])).stdout;
      report.missingLibraries = await missingLibraries(docker, name, mounts);
    }
  } finally {
    if (created && !o.keep) await docker.run(['rm', '--force', '--volumes', name]);
    else if (created) o.log(`${platform}: container ${name} kept (--keep)`);
    report.seconds = (Date.now() - started) / 1000;
  }
  return report;
}

function lastLog(r: RunResult): string {
  return r.stdout.trim().split('\n').slice(-15).join('\n');
}

/** `ldd` of every shared object of the mounted images, with the container's LD_LIBRARY_PATH. */
async function missingLibraries(docker: Docker, name: string, mounts: readonly Mounted[]): Promise<string[]> {
  const found = await docker.run([
    'exec',
    name,
    'find',
    ...mounts.map((m) => m.target),
    '-name',
    '*.so*',
    '-type',
    'f',
  ]);
  const missing: string[] = [];
  for (const lib of found.stdout.split('\n').filter(Boolean).sort()) {
    const r = await docker.run(['exec', name, 'ldd', lib]);
    const text = `${r.stdout}\n${r.stderr}`;
    for (const line of text.split('\n'))
      if (/not found|not a dynamic executable|wrong ELF class/.test(line))
        missing.push(`${lib}: ${line.trim()}`);
  }
  return missing;
}
