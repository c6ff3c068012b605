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
