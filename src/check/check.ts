/**
 * `ext-actions check`, like upstream's `task checks`: every extension folder's metadata.hcl (all of
 * them, every problem listed), its Dockerfile, its required extensions, the plan, and (when Docker Buildx
 * is there) `docker buildx bake --check` on the plan. Builds nothing, pushes nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import {
  buildPlan,
  buildProblems,
  discoverExtensions,
  volumeNameProblems,
  readExtension,
  toBakeDefinition,
  type Extension,
} from '../matrix/index.js';

export interface CheckResult {
  /** Extension folders checked. */
  extensions: string[];
  /** One line per problem (`<file>: <what>`). */
  problems: string[];
  warnings: string[];
  /** What `docker buildx bake --check` said, or why it did not run. */
  buildx: { ran: boolean; output: string };
}

export interface CheckOptions {
  cwd: string;
  root: string;
  /** Runs a program (argv, no shell); undefined skips the buildx lint. */
  exec?: (file: string, args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export async function checkRepository(o: CheckOptions): Promise<CheckResult> {
  const rootDir = path.resolve(o.cwd, o.root);
  const names = await discoverExtensions(rootDir);
  if (names.length === 0)
    throw new UserError(
      `--root: no extension under ${rootDir} (folders holding a metadata.hcl); give the folder that holds them`,
    );
  const problems: string[] = [];
  const warnings: string[] = [];
  const loaded: Extension[] = [];
  for (const name of names) {
    try {
      loaded.push(await readExtension(path.join(rootDir, name)));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(err.message);
    }
  }
  for (const ext of loaded) warnings.push(...ext.warnings);
  // The plan-time checks of plan and bake, and CloudNativePG's volume-name collisions.
  problems.push(...(await buildProblems(loaded, names, rootDir)), ...volumeNameProblems(loaded));
  let buildx: CheckResult['buildx'] = { ran: false, output: 'not run: the metadata has problems' };
  if (problems.length === 0) {
    let definition;
    try {
      definition = toBakeDefinition(
        buildPlan(loaded, {
          cwd: o.cwd,
          registry: 'localhost:5000',
          environment: 'testing',
          timestamp: new Date(0),
        }),
      );
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(err.message);
    }
    if (definition) buildx = await buildxCheck(o, definition);
    if (buildx.ran && buildx.output.startsWith('FAILED'))
      problems.push(`docker buildx bake --check: ${buildx.output.slice('FAILED'.length).trim()}`);
  }
  return { extensions: names, problems, warnings, buildx };
}

/** `docker buildx bake -f plan.json --check`, when Docker Buildx is installed. */
async function buildxCheck(o: CheckOptions, definition: unknown): Promise<CheckResult['buildx']> {
  if (!o.exec) return { ran: false, output: 'not run (--buildx false)' };
  const version = await o.exec('docker', ['buildx', 'version']).catch(() => undefined);
  if (!version || version.exitCode !== 0)
    return { ran: false, output: 'not run: Docker Buildx is not installed (docker buildx version failed)' };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ext-actions-check-'));
  try {
    const plan = path.join(dir, 'plan.json');
    await writeFile(plan, JSON.stringify(definition));
    const r = await o.exec('docker', ['buildx', 'bake', '-f', plan, '--check']);
    const output = `${r.stdout}\n${r.stderr}`.trim();
    if (r.exitCode !== 0 && /Cannot connect to the Docker daemon|error during connect/i.test(output))
      return { ran: false, output: 'not run: the Docker daemon cannot be reached' };
    return { ran: true, output: r.exitCode === 0 ? output || 'ok' : `FAILED ${output}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
