/**
 * The real-tools environment: Debian sid's containerd + dockerd (containerd image store, the
 * `network-host` entitlement, no bridge), QEMU binfmt for arm64, Debian's registry on 127.0.0.1, and a
 * PostgreSQL 18 base image index (amd64 + arm64) made with mmdebstrap, standing in for
 * `ghcr.io/cloudnative-pg/postgresql:18-minimal-<distro>`.
 *
 * Idempotent: a daemon already answering on our socket is used as is (and left running); what this
 * module starts, it stops by PID. The packages come from `scripts/real/install.sh` (root, Debian):
 * a missing tool is an error naming it, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

/** Where the daemons keep their sockets and state (outside the repository, shared by local runs). */
export const RUN_DIR = process.env.EXT_ACTIONS_REAL_RUN ?? '/run/ext-actions-real';
export const DATA_DIR = process.env.EXT_ACTIONS_REAL_DATA ?? '/var/lib/ext-actions-real';
/** The mmdebstrap tarballs, kept between local runs (delete the folder to rebuild them). */
export const CACHE_DIR = process.env.EXT_ACTIONS_REAL_CACHE ?? '/var/cache/ext-actions-real';
export const DOCKER_HOST = `unix://${RUN_DIR}/docker.sock`;

/** The architectures of the base image index. */
export const BASE_ARCHES = ['amd64', 'arm64'] as const;
/** The distro entry our tests write into metadata.hcl: the base image is Debian sid. */
export const DISTRO = 'sid';
export const PG_MAJOR = '18';

export interface RealEnvironment {
  dockerHost: string;
  /** `127.0.0.1:PORT` */
  registry: string;
  /** `<registry>/postgresql:{pgMajor}-minimal-{distro}`: the bake `base-image` template. */
  baseImageTemplate: string;
  /** The base image index, by tag. */
  baseImage: string;
  /** The PATH the tests give the programs: Debian's /usr/bin first (docker 28.5 rather than /usr/local/bin's 28.2 client). */
  path: string;
}

const TOOLS: [string, string][] = [
  ['/usr/bin/docker', 'docker-cli'],
  ['/usr/sbin/dockerd', 'docker.io'],
  ['/usr/bin/containerd', 'containerd'],
  ['/usr/libexec/docker/cli-plugins/docker-buildx', 'docker-buildx'],
  ['/usr/bin/cosign', 'cosign'],
  ['/usr/bin/mmdebstrap', 'mmdebstrap'],
  ['/usr/bin/skopeo', 'skopeo'],
  ['/usr/bin/docker-registry', 'docker-registry'],
  ['/usr/bin/qemu-aarch64-static', 'qemu-user-static'],
  ['/usr/sbin/update-binfmts', 'binfmt-support'],
];

export function missingTools(): string[] {
  return TOOLS.filter(([file]) => !existsSync(file)).map(([file, pkg]) => `${file} (package ${pkg})`);
}

export function toolPath(): string {
  const rest = (process.env.PATH ?? '').split(':').filter((p) => p && p !== '/usr/bin');
  return ['/usr/bin', ...rest].join(':');
}

function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = spawnSync(file, args, {
    encoding: 'utf8',
    env: { ...process.env, PATH: toolPath(), DOCKER_HOST, ...options.env },
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${file} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

function must(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): string {
  const r = run(file, args, options);
  if (r.status !== 0)
    throw new Error(
      `${file} ${args.join(' ')} exited with ${r.status}:\n${(r.stderr || r.stdout).slice(-3000)}`,
    );
  return r.stdout;
}

const dockerAnswers = () =>
  run('/usr/bin/docker', ['version', '--format', '{{.Server.Version}}']).status === 0;

/** QEMU for arm64 through binfmt_misc (flags F: works inside build containers). */
function enableQemu(): void {
  if (!existsSync('/proc/sys/fs/binfmt_misc/status'))
    must('mount', ['-t', 'binfmt_misc', 'binfmt_misc', '/proc/sys/fs/binfmt_misc']);
  const entry = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
  if (!existsSync(entry) || !readFileSync(entry, 'utf8').startsWith('enabled'))
    must('/usr/sbin/update-binfmts', ['--enable', 'qemu-aarch64']);
  const flags = readFileSync(entry, 'utf8').match(/^flags: (\w*)/m)?.[1] ?? '';
  if (!flags.includes('F'))
    throw new Error(`binfmt qemu-aarch64 has flags "${flags}", not F: arm64 builds cannot run in containers`);
}

async function waitFor(what: string, ok: () => boolean, child: ChildProcess, log: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (ok()) return;
    if (child.exitCode !== null)
      throw new Error(`${what} exited with ${child.exitCode}:\n${readFileSync(log, 'utf8').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start within ${ms / 1000}s:\n${readFileSync(log, 'utf8').slice(-3000)}`);
}

function daemon(file: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  return spawn(file, args, { stdio: ['ignore', fd, fd], env: { ...process.env, PATH: toolPath() } });
}

/** containerd + dockerd on our own sockets and data folders (never the machine's default daemon). */
async function startDocker(started: ChildProcess[]): Promise<void> {
  if (dockerAnswers()) return;
  mkdirSync(RUN_DIR, { recursive: true });
  mkdirSync(DATA_DIR, { recursive: true });
  const containerdSock = path.join(RUN_DIR, 'containerd.sock');
  const containerdLog = path.join(RUN_DIR, 'containerd.log');
  rmSync(containerdSock, { force: true });
  const containerd = daemon(
    '/usr/bin/containerd',
    [
      '--address',
      containerdSock,
      '--root',
      path.join(DATA_DIR, 'containerd'),
      '--state',
      path.join(RUN_DIR, 'containerd-state'),
    ],
    containerdLog,
  );
  started.push(containerd);
  await waitFor('containerd', () => existsSync(containerdSock), containerd, containerdLog);
  const config = path.join(RUN_DIR, 'daemon.json');
  writeFileSync(
    config,
    JSON.stringify({
      features: { 'containerd-snapshotter': true },
      builder: { entitlements: { 'network-host': true } },
      iptables: false,
      ip6tables: false,
      bridge: 'none',
      'ip-forward': false,
    }),
  );
  const dockerdLog = path.join(RUN_DIR, 'dockerd.log');
  const dockerd = daemon(
    '/usr/sbin/dockerd',
    [
      '--config-file',
      config,
      '--containerd',
      containerdSock,
      '--host',
      DOCKER_HOST,
      '--data-root',
      path.join(DATA_DIR, 'docker'),
      '--exec-root',
      path.join(RUN_DIR, 'docker-exec'),
      '--pidfile',
      path.join(RUN_DIR, 'docker.pid'),
    ],
    dockerdLog,
  );
  started.push(dockerd);
  await waitFor('dockerd', dockerAnswers, dockerd, dockerdLog);
}

const MIRROR = () => {
  try {
    const text = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
    return text.match(/^URIs:\s*(\S+)/m)?.[1] ?? 'http://deb.debian.org/debian';
  } catch {
    return 'http://deb.debian.org/debian';
  }
};

/** A Debian sid root file system with PostgreSQL 18 for one architecture (cached as a tarball). */
function baseTarball(arch: string): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, `postgresql-18-sid-${arch}.tar`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  must('/usr/bin/mmdebstrap', [
    '--quiet',
    '--variant=apt',
    '--include=postgresql-18,ca-certificates',
    `--architectures=${arch}`,
    '--aptopt=Acquire::Check-Valid-Until "false"',
    // No initdb at install time (pg_createcluster under QEMU is the slowest step, and the image needs
    // no cluster: CloudNativePG's images ship none either).
    '--essential-hook=mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/ext-actions.conf"',
    '--format=tar',
    DISTRO,
    partial,
    MIRROR(),
  ]);
  renameSync(partial, file);
  return file;
}

/** Imports both tarballs, pushes them and joins them into `<registry>/postgresql:18-minimal-sid`. */
function pushBaseImage(registry: string): string {
  const perArch: string[] = [];
  for (const arch of BASE_ARCHES) {
    const local = `ext-actions-real/postgresql:18-sid-${arch}`;
    if (run('/usr/bin/docker', ['image', 'inspect', local]).status !== 0)
      must('/usr/bin/docker', [
        'import',
        '--platform',
        `linux/${arch}`,
        '-c',
        'ENV PATH=/usr/lib/postgresql/18/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '-c',
        'ENV LANG=C.UTF-8',
        '-c',
        'USER postgres',
        baseTarball(arch),
        local,
      ]);
    const remote = `${registry}/postgresql:18-sid-${arch}`;
    must('/usr/bin/docker', ['tag', local, remote]);
    must('/usr/bin/docker', ['push', '--quiet', remote]);
    perArch.push(remote);
  }
  const index = `${registry}/postgresql:${PG_MAJOR}-minimal-${DISTRO}`;
  must('/usr/bin/docker', ['buildx', 'imagetools', 'create', '--tag', index, ...perArch]);
  return index;
}

export interface Started {
  environment: RealEnvironment;
  stop(): Promise<void>;
}

export async function startEnvironment(): Promise<Started> {
  if (process.getuid?.() !== 0)
    throw new Error('the real-tools suite runs as root (it starts dockerd and mounts binfmt_misc)');
  const missing = missingTools();
  if (missing.length)
    throw new Error(
      `the real-tools suite needs ${missing.join(', ')}: run \`bash scripts/real/install.sh\` as root (Debian)`,
    );
  const started: ChildProcess[] = [];
  let registry: TestRegistry | undefined;
  const stop = async () => {
    await registry?.stop();
    for (const child of started.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }
  };
  try {
    enableQemu();
    await startDocker(started);
    registry = await startRegistry();
    const baseImage = pushBaseImage(registry.host);
    return {
      environment: {
        dockerHost: DOCKER_HOST,
        registry: registry.host,
        baseImageTemplate: `${registry.host}/postgresql:{pgMajor}-minimal-{distro}`,
        baseImage,
        path: toolPath(),
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
