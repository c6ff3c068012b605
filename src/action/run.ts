/**
 * Runs an action's main function: a UserError becomes one error annotation (no stack trace) and a
 * failed step; anything else is reported with its stack as a bug.
 */
import * as core from '@actions/core';
import { isUserError } from '../errors.js';

export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (isUserError(err)) core.setFailed(err.message);
    else
      core.setFailed(
        `internal error (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
  }
}

/** True when running under nektos/act (no OIDC, no cache service, no artifact service). */
export function isAct(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['ACT'] === 'true';
}

/**
 * Why the GitHub Actions cache service (buildx's `type=gha` backend) cannot be used under act:
 * act gives no `ACTIONS_RUNTIME_TOKEN` unless started with `--artifact-server-path`. Undefined
 * when the cache can be tried (on GitHub the runner always gives the token).
 */
export function actCacheUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!isAct(env)) return undefined;
  if (!env['ACTIONS_RUNTIME_TOKEN']) return 'ACTIONS_RUNTIME_TOKEN is not set';
  if (!env['ACTIONS_CACHE_URL'] && !env['ACTIONS_RESULTS_URL'])
    return 'neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL is set';
  return undefined;
}
