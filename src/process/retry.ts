/**
 * The one retry loop: calls `fn` until it succeeds, the error is not transient, or the attempts run
 * out (then the last error is thrown). Used for cosign runs (Fulcio/Rekor 5xx), registry requests
 * (429/5xx, dropped connections; the client turns a retryable status into an error and computes the
 * delay from `Retry-After`), tool downloads and layer reads cut short.
 */

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /**
   * The wait after attempt `attempt` (1-based) failed with `err`. A number is the first delay,
   * doubled each time; a function computes the delay itself (jitter, caps, `Retry-After`).
   */
  delayMs: number | ((attempt: number, err: unknown) => number);
  /** True when the error is worth retrying; every error is when this is left out. */
  transient?: (err: unknown) => boolean;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= o.attempts || (o.transient && !o.transient(err))) throw err;
      const delay = typeof o.delayMs === 'number' ? o.delayMs * 2 ** (attempt - 1) : o.delayMs(attempt, err);
      o.onRetry?.(err, attempt, delay);
      if (delay > 0) await sleep(delay);
    }
  }
}
