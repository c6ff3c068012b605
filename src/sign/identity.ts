/**
 * Who signs: the certificate identity cosign's keyless signatures carry on GitHub is the URL of the
 * workflow file that ran, `https://github.com/<owner>/<repo>/<path>@<ref>`. For a reusable workflow that
 * is the reusable workflow's own file, which only the OIDC token's `job_workflow_ref` claim tells (the
 * `github` context and GITHUB_WORKFLOW_REF are the caller's). The default verification regexp accepts
 * that workflow file at any ref.
 */
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
