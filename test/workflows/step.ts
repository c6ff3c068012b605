/**
 * Runs a `run:` script of a workflow step as the runner does (`bash --noprofile --norc -eo pipefail`,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) and reads its outputs the way the runner reads them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A temporary workspace, removed after each test. */
export function workspace(prefix = 'ext-step-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** GITHUB_OUTPUT lines as the runner reads them: `name=value`, or `name<<DELIM` ... `DELIM`. */
export function parseOutputs(text: string): Record<string, string> {
  const lines = text.split('\n');
  const o: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(l);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      o[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (l.includes('=')) o[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  }
  return o;
}

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The raw GITHUB_OUTPUT file. */
  output: string;
  outputs: Record<string, string>;
  summary: string;
}

const BASH = ['--noprofile', '--norc', '-eo', 'pipefail', '-c'];

/** Empty GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files in `cwd`, and the environment naming them. */
function stepFiles(cwd: string, env: Record<string, string | undefined>) {
  const out = path.join(cwd, 'output');
  const summary = path.join(cwd, 'summary');
  writeFileSync(out, '');
  writeFileSync(summary, '');
  const stepEnv = { PATH: process.env.PATH, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary, ...env };
  const result = (code: number | null, stdout: string, stderr: string): StepResult => {
    const output = readFileSync(out, 'utf8');
    return {
      code,
      stdout,
      stderr,
      output,
      outputs: parseOutputs(output),
      summary: readFileSync(summary, 'utf8'),
    };
  };
  return { env: stepEnv, result };
}

export function runStep(script: string, cwd: string, env: Record<string, string | undefined>): StepResult {
  const step = stepFiles(cwd, env);
  const r = spawnSync('bash', [...BASH, script], { cwd, encoding: 'utf8', env: step.env });
  return step.result(r.status, r.stdout, r.stderr);
}

/** runStep without blocking the event loop (for steps that talk to a server in this process). */
export async function runStepAsync(
  script: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<StepResult> {
  const step = stepFiles(cwd, env);
  const child = spawn('bash', [...BASH, script], { cwd, env: step.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return step.result(code, stdout, stderr);
}
