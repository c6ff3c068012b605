/** Retries with exponential backoff for transient failures (registry hiccups, Fulcio/Rekor 5xx). */

export interface RetryOptions {
  attempts: number;
  /** Delay before the 2nd attempt; doubled each time. */
  delayMs: number;
  /** True when the error is worth retrying. */
  transient: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= o.attempts || !o.transient(err)) throw err;
      const delay = o.delayMs * 2 ** (attempt - 1);
      o.onRetry?.(err, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

// cosign exits 1 for everything; these messages mean retrying cannot help.
const PERMANENT =
  /unknown flag|unknown command|UNAUTHORIZED|DENIED|NAME_UNKNOWN|MANIFEST_UNKNOWN|no matching signatures|none of the expected identities|not supported with|invalid reference|no such file|permission denied|decrypt|declined the prompt|unable to parse|invalid argument|no matching CertificateIdentity|failed to verify certificate identity|invalid signature/i;

/** A cosign failure is transient unless its output names a permanent cause. */
export function isTransientCosignError(output: string): boolean {
  return !PERMANENT.test(output);
}
