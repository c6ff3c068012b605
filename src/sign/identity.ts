/**
 * Who signs: the certificate identity cosign's keyless signatures carry on GitHub is the URL of the
 * workflow file that ran, `https://github.com/<owner>/<repo>/<path>@<ref>`. For a reusable workflow that
 * is the reusable workflow's own file, which only the OIDC token's `job_workflow_ref` claim tells (the
 * `github` context and GITHUB_WORKFLOW_REF are the caller's). The default verification regexp accepts
 * that workflow file at any ref, so it alone would accept a signature made by ANY repository calling the
 * workflow: verification also pins the certificate's GitHub extensions (`signerClaims`), the repository
 * the run belonged to (the caller) and its ref.
 */
import { UserError, showValue } from '../errors.js';

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** Decodes a JWT's claims without verifying it (cosign and Fulcio verify the token; this only reads it). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `owner/repo/.github/workflows/x.yml@refs/...` -> `^https://github\.com/owner/repo/\.github/workflows/x\.yml@`. */
export function identityRegexp(workflowRef: string, serverUrl = 'https://github.com'): string | undefined {
  const at = workflowRef.lastIndexOf('@');
  const file = at > 0 ? workflowRef.slice(0, at) : workflowRef;
  if (!/^[^/\s]+\/[^/\s]+\/\S+$/.test(file)) return undefined;
  return `^${escapeRegExp(serverUrl.replace(/\/+$/, ''))}/${escapeRegExp(file)}@`;
}

/** The workflow reference of the signer: `job_workflow_ref` from the token, else GITHUB_WORKFLOW_REF. */
export function signerWorkflowRef(
  token: string | undefined,
  env: NodeJS.ProcessEnv,
): { ref: string; source: string } | undefined {
  const claim = token ? jwtClaims(token)?.['job_workflow_ref'] : undefined;
  if (typeof claim === 'string' && claim) return { ref: claim, source: 'the OIDC token (job_workflow_ref)' };
  const fromEnv = env['GITHUB_WORKFLOW_REF'];
  if (fromEnv) return { ref: fromEnv, source: 'GITHUB_WORKFLOW_REF' };
  return undefined;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const GIT_REF = /^refs\/[A-Za-z0-9_./+-]+$/;
const TRIGGER = /^[a-z_]+$/;

/**
 * What the signing certificate's GitHub extensions carry (Fulcio copies them from the token): the
 * repository the run belongs to (`repository` claim: the caller of a reusable workflow), its ref and event.
 * From the token when it was read, else from the runner's environment (which holds the same values).
 */
export function signerClaims(
  token: string | undefined,
  env: NodeJS.ProcessEnv,
): { repository?: string; ref?: string; trigger?: string } {
  const claims = token ? jwtClaims(token) : undefined;
  const pick = (claim: string, variable: string, pattern: RegExp) => {
    const fromToken = claims?.[claim];
    const value = typeof fromToken === 'string' && fromToken ? fromToken : env[variable];
    return value && pattern.test(value) ? value : undefined;
  };
  return {
    repository: pick('repository', 'GITHUB_REPOSITORY', REPOSITORY),
    ref: pick('ref', 'GITHUB_REF', GIT_REF),
    trigger: pick('event_name', 'GITHUB_EVENT_NAME', TRIGGER),
  };
}

/** Checks a user-given pin: `repository` is owner/name, `ref` a full git ref, `trigger` an event name. */
export function checkGithubPin(input: string, kind: 'repository' | 'ref' | 'trigger', value: string): void {
  const pattern = kind === 'repository' ? REPOSITORY : kind === 'ref' ? GIT_REF : TRIGGER;
  const expected =
    kind === 'repository'
      ? 'owner/name'
      : kind === 'ref'
        ? 'a full git ref such as refs/heads/main or refs/tags/v1.0.0'
        : 'an event name such as push';
  if (!pattern.test(value))
    throw new UserError(
      `input "${input}": expected ${expected}, got ${showValue(value)}; nothing was signed`,
    );
}
