/** Which cosign failures are worth retrying (the loop itself is `withRetries` in `src/process/retry.ts`). */

// cosign exits 1 for everything; these messages mean retrying cannot help.
const PERMANENT =
  /unknown flag|unknown command|UNAUTHORIZED|DENIED|NAME_UNKNOWN|MANIFEST_UNKNOWN|no matching signatures|none of the expected identities|not supported with|invalid reference|no such file|permission denied|decrypt|declined the prompt|unable to parse|invalid argument|no matching CertificateIdentity|failed to verify certificate identity|invalid signature/i;

/** A cosign failure is transient unless its output names a permanent cause. */
export function isTransientCosignError(output: string): boolean {
  return !PERMANENT.test(output);
}
