/** Defaults the bake action takes from the GitHub Actions environment (and sane values outside it). */
import { readFileSync } from 'node:fs';

/** `ghcr.io/<owner>` (lower case), or `localhost:5000` outside GitHub Actions. */
export function defaultRegistry(env: NodeJS.ProcessEnv): string {
  const owner = env['GITHUB_REPOSITORY_OWNER']?.trim() || env['GITHUB_REPOSITORY']?.split('/')[0]?.trim();
  return owner ? `ghcr.io/${owner.toLowerCase()}` : 'localhost:5000';
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
