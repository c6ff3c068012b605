/** Runs the os-libs jobs (one container per target x platform) and compares or writes the files. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { RunResult } from '../process/exec.js';
import { osLibLines, printUrisCommand, type OsLibsJob } from './oslibs.js';

export type Exec = (file: string, args: readonly string[]) => Promise<RunResult>;

export interface OsLibsResult {
  job: OsLibsJob;
  lines: string[];
  /** The file's text as it would be written. */
  text: string;
  /** What the file holds now (undefined when it does not exist). */
  current: string | undefined;
  changed: boolean;
}

export async function runOsLibs(
  jobs: readonly OsLibsJob[],
  o: { exec: Exec; docker?: string; log(message: string): void },
): Promise<OsLibsResult[]> {
  const results: OsLibsResult[] = [];
  for (const job of jobs) {
    const cmd = printUrisCommand(o.docker ?? 'docker', job.target.baseImage, job.platform, job.packages);
    o.log(
      `${job.extension.metadata.name} ${job.target.pgMajor}-${job.target.distro} ${job.platform}: ${job.packages.join(' ')} in ${job.target.baseImage}`,
    );
    const r = await o.exec(cmd.file, cmd.args);
    if (r.exitCode !== 0)
      throw new UserError(
        `${job.extension.metadata.name} (${job.target.pgMajor}-${job.target.distro}, ${job.platform}): apt-get install --print-uris failed in ${job.target.baseImage} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}`,
      );
    const lines = osLibLines(r.stdout);
    const text = lines.length ? `${lines.join('\n')}\n` : '';
    const current = await readFile(job.file, 'utf8').catch(() => undefined);
    results.push({ job, lines, text, current, changed: current !== text });
  }
  return results;
}

/** Writes the changed files (after every job ran, so a failure writes nothing). */
export async function writeOsLibs(results: readonly OsLibsResult[]): Promise<string[]> {
  const written: string[] = [];
  for (const r of results.filter((x) => x.changed)) {
    await mkdir(path.dirname(r.job.file), { recursive: true });
    await writeFile(r.job.file, r.text);
    written.push(r.job.file);
  }
  return written;
}
