/** Runs a program (argv, no shell) with the real-tools environment and collects its output. */
import { spawn } from 'node:child_process';
import { inject } from 'vitest';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function realEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const real = inject('real');
  return { ...process.env, PATH: real.path, DOCKER_HOST: real.dockerHost, ...extra };
}

export function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? realEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Like run, but a non-zero exit fails with the command and the end of its output. */
export async function must(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<string> {
  const r = await run(file, args, options);
  if (r.code !== 0)
    throw new Error(
      `${file} ${args.join(' ')} exited with ${r.code}:\n${(r.stderr + r.stdout).slice(-4000)}`,
    );
  return r.stdout;
}

/** `skopeo inspect --raw` of a reference on the loopback registry: the exact bytes the registry serves. */
export async function rawManifest(ref: string): Promise<Buffer> {
  const out = await must('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
  return Buffer.from(out);
}
