/** Defaults the bake action takes from the GitHub Actions environment (and sane values outside it). */
import { readFileSync } from 'node:fs';

/** `ghcr.io/<owner>` (lower case), or `localhost:5000` outside GitHub Actions. */
export function defaultRegistry(env: NodeJS.ProcessEnv): string {
  const owner = env['GITHUB_REPOSITORY_OWNER']?.trim() || env['GITHUB_REPOSITORY']?.split('/')[0]?.trim();
  return owner ? `ghcr.io/${owner.toLowerCase()}` : 'localhost:5000';
}

/**
 * The `authors`, `vendor` and `documentation` annotations: the inputs when given, else from the
 * repository, as upstream fills them for its own (vendor and authors: the owner; documentation: the
 * repository URL, the plan's default).
 */
export function imageMetadata(
  inputs: { authors: string; vendor: string; documentation: string },
  env: NodeJS.ProcessEnv,
): { authors?: string; vendor?: string; documentation?: string } {
  const owner =
    env['GITHUB_REPOSITORY_OWNER']?.trim() || env['GITHUB_REPOSITORY']?.split('/')[0]?.trim() || '';
  const pick = (value: string, fallback: string) => value || fallback || undefined;
  const out: { authors?: string; vendor?: string; documentation?: string } = {};
  const authors = pick(inputs.authors, owner);
  const vendor = pick(inputs.vendor, owner);
  const documentation = pick(inputs.documentation, '');
  if (authors) out.authors = authors;
  if (vendor) out.vendor = vendor;
  if (documentation) out.documentation = documentation;
  return out;
}

/** `https://github.com/<owner>/<repo>`, or "". */
export function repositoryUrl(env: NodeJS.ProcessEnv): string {
  const repo = env['GITHUB_REPOSITORY']?.trim();
  if (!repo) return '';
  return `${(env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/$/, '')}/${repo}`;
}

function event(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const file = env['GITHUB_EVENT_PATH'];
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * The commit to compare with for `extensions: changed`: a pull request's base, a push's `before`, a
 * merge group's base; "" when there is none (every extension is then built).
 */
export function defaultBase(env: NodeJS.ProcessEnv): string {
  const e = event(env);
  const pr = e['pull_request'] as { base?: { sha?: string } } | undefined;
  if (pr?.base?.sha) return pr.base.sha;
  const group = e['merge_group'] as { base_sha?: string } | undefined;
  if (group?.base_sha) return group.base_sha;
  if (typeof e['before'] === 'string') return e['before'];
  return '';
}

/** The commit being built (what actions/checkout checked out): GITHUB_SHA, else HEAD. */
export function defaultHead(env: NodeJS.ProcessEnv): string {
  return env['GITHUB_SHA']?.trim() || 'HEAD';
}
