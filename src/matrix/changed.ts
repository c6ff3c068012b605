/**
 * Which extensions a change affects: a change under an extension folder selects it, a change to a shared
 * path selects all, and an extension that requires a selected one is selected too. Paths of deleted
 * extensions are reported, not errors.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { UserError, showValue } from '../errors.js';
import { runCommand } from '../process/exec.js';
import { UNSAFE_TEXT } from './fields.js';
import { compareKeys } from './version.js';

/** Shared paths whose change rebuilds every extension (globs relative to the repository root). */
export const DEFAULT_SHARED_GLOBS: readonly string[] = [
  '{root}/test/**',
  'docker-bake.hcl',
  '.github/workflows/**',
];

export interface ChangedInput {
  /** Extension folder, relative to the repository root (`.` or `extensions`). */
  root: string;
  /** Changed file paths relative to the repository root. */
  paths: readonly string[];
  /** Every extension present now, with the names it requires (`required_extensions`). */
  extensions: ReadonlyMap<string, readonly string[]>;
  /** Globs of shared paths; `{root}` is replaced by the root folder. */
  shared?: readonly string[];
}

export interface ChangedResult {
  /** Affected extensions, sorted. */
  extensions: string[];
  /** Why each one was selected. */
  reasons: Record<string, string>;
  /** Folders with changes that no longer hold an extension (deleted or renamed away). */
  removed: string[];
  /** True when a shared path changed. */
  all: boolean;
}

function normalize(p: string): string {
  return path.posix.normalize(p.replaceAll('\\', '/')).replace(/^\.\//, '').replace(/\/$/, '');
}

export function affectedExtensions(input: ChangedInput): ChangedResult {
  const root = normalize(input.root);
  const prefix = root === '.' || root === '' ? '' : `${root}/`;
  const shared = (input.shared ?? DEFAULT_SHARED_GLOBS).map((g) =>
    normalize(g.replaceAll('{root}', root === '' ? '.' : root)),
  );
  const isShared = picomatch(shared, { dot: true });
  const known = [...input.extensions.keys()];
  const reasons: Record<string, string> = {};
  const removed = new Set<string>();
  let all = false;

  for (const raw of input.paths) {
    const file = normalize(raw.trim());
    if (file === '' || file === '.') continue;
    // Reasons are logged and shown in the job summary: a file name with a line break (git allows it)
    // must not start a line of its own (a workflow command in the log), so such names are quoted.
    const shown = UNSAFE_TEXT.test(file) ? showValue(file) : file;
    if (isShared(file)) {
      if (!all) for (const name of known) reasons[name] ??= `shared path ${shown} changed`;
      all = true;
      continue;
    }
    if (prefix && !file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length).split('/');
    if (rest.length < 2) continue; // a file directly in the root is not an extension's
    const folder = rest[0]!;
    if (input.extensions.has(folder)) reasons[folder] ??= `${shown} changed`;
    else if (!folder.startsWith('.')) removed.add(folder);
  }

  // Extensions requiring a selected one are selected too (transitively).
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, requires] of input.extensions) {
      if (reasons[name]) continue;
      const dep = requires.find((r) => reasons[r] !== undefined);
      if (dep) {
        reasons[name] = `requires ${dep}`;
        grew = true;
      }
    }
  }
  return {
    extensions: Object.keys(reasons).sort(compareKeys),
    reasons,
    removed: [...removed].sort(compareKeys),
    all,
  };
}

const ZERO_SHA = /^0+$/;

/** True when `base` cannot be compared against (missing, or the all-zero `before` of a first push). */
export function isNullRef(base: string | undefined): boolean {
  return base === undefined || base.trim() === '' || ZERO_SHA.test(base.trim());
}

/** The top folder of the git checkout holding `cwd`, or undefined when `cwd` is not inside one. */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  const run = await runCommand('git', ['rev-parse', '--show-toplevel'], { cwd });
  return run.exitCode === 0 ? run.stdout.trim() : undefined;
}

/**
 * Files changed between `base` and `head` (the merge base of the two, as a pull request shows them),
 * with renames split into their old and new paths so a moved-away extension is seen.
 */
export async function gitChangedFiles(base: string, head: string, cwd: string): Promise<string[]> {
  for (const [name, ref] of [
    ['base', base],
    ['head', head],
  ] as const) {
    if (ref.startsWith('-') || /\s/.test(ref) || ref === '') {
      throw new UserError(`${name}: expected a git commit or ref, got ${showValue(ref)}`);
    }
  }
  const run = await runCommand(
    'git',
    ['diff', '--name-only', '--no-renames', '-z', `${base}...${head}`, '--'],
    {
      cwd,
    },
  );
  if (run.exitCode !== 0) {
    const reason = run.stderr.trim().split('\n').pop() ?? `exit code ${run.exitCode}`;
    throw new UserError(
      `git diff ${base}...${head} failed in ${cwd}: ${reason} (fetch enough history, e.g. actions/checkout with fetch-depth: 0)`,
    );
  }
  return run.stdout.split('\0').filter((p) => p !== '');
}
