/**
 * Starts Debian's `docker-registry` (distribution 2.8) on a free 127.0.0.1 port with storage in a temp
 * dir, for integration tests. Usage:
 *
 *   const registry = await startRegistry();   // { host: '127.0.0.1:PORT', url, stop() }
 *   afterAll(() => registry.stop());
 *
 * Fails (never skips) when `docker-registry` is not installed: `apt-get install docker-registry`
 * (CI installs it through `.ci/run`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRegistry {
  /** `127.0.0.1:PORT`, usable as an image reference's registry part. */
  host: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function findRegistryBinary(): string {
  const which = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  throw new Error(
    'docker-registry is not installed: these integration tests need it. Install it with ' +
      '`apt-get install -y docker-registry` (Debian package; CI installs it via .ci/run).',
  );
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`);
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer on ${url} within 15s: ${log()}`);
}

export async function startRegistry(): Promise<TestRegistry> {
  const binary = findRegistryBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ext-actions-registry-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'config.yml'), config);
    const child = spawn(binary, ['serve', path.join(dir, 'config.yml')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const url = `http://${host}`;
    try {
      await waitReady(url, child, () => stderr);
    } catch (err) {
      if (child.exitCode === null) child.kill('SIGKILL');
      if (attempt < 3 && /address already in use/.test(stderr)) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const pid = child.pid!;
    return {
      host,
      url,
      pid,
      async stop() {
        const running = () => child.exitCode === null && child.signalCode === null;
        if (running()) {
          const exited = new Promise((r) => child.once('exit', r));
          process.kill(pid, 'SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
          if (running()) process.kill(pid, 'SIGKILL');
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
