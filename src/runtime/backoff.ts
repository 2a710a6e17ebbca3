/**
 * Backoff policy: exponential delays with full jitter, and the server's Retry-After (read by
 * models/provider-headers.ts) when it asks for longer. Pure: the random source is injectable so tests get exact delays.
 */

export interface BackoffPolicy {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Multiplier per attempt (default 2). */
  factor?: number;
}

/**
 * Delay before retry number `retry` (1-based). "Full jitter": uniform in [base/2, base] where
 * base = initial·factor^(retry-1), capped at maxDelayMs. A server-given Retry-After wins when longer
 * (itself capped at maxDelayMs, so one bad header cannot stall a training step).
 */
export function backoffDelay(
  policy: BackoffPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * (policy.factor ?? 2) ** (retry - 1));
  const jittered = base / 2 + (random() * base) / 2;
  const serverAsked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.maxDelayMs);
  return Math.round(Math.max(jittered, serverAsked));
}

/** A sleep that ends early (rejecting) when the signal aborts. */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
