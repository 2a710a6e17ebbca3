/**
 * The least wall time a step's calls to one judge model can take under its limits (model-admission.ts): calls in
 * flight at most `concurrency`, each taking `latency`; requests per minute; tokens (input + output) per minute. The
 * largest of the three binds. Steady rates: the budgets' ten-second starting burst and retries are left out.
 */
import type { ModelLimits } from './plan-usage.js';

export type BindingLimit = 'concurrency' | 'requests_per_minute' | 'tokens_per_minute';

export interface WallTime {
  /** ⌈calls / concurrency⌉ × latency; null without a latency or a concurrency. */
  concurrency_s: number | null;
  /** calls / RPM × 60 s; null without an RPM budget. */
  requests_per_minute_s: number | null;
  /** tokens / TPM × 60 s; null without a TPM budget. */
  tokens_per_minute_s: number | null;
  /** The largest of the three; null when none is known. */
  least_s: number | null;
  binds: BindingLimit | null;
}

export function leastWallTime(
  work: { calls: number; tokens: number },
  limits: Pick<ModelLimits, 'concurrency' | 'requests_per_minute' | 'tokens_per_minute'>,
  latencyMs: number | null,
): WallTime {
  const concurrency_s =
    latencyMs === null || limits.concurrency === null ? null : (Math.ceil(work.calls / limits.concurrency) * latencyMs) / 1000;
  const requests_per_minute_s = limits.requests_per_minute === null ? null : (work.calls / limits.requests_per_minute) * 60;
  const tokens_per_minute_s = limits.tokens_per_minute === null ? null : (work.tokens / limits.tokens_per_minute) * 60;
  const candidates: Array<[BindingLimit, number | null]> = [
    ['concurrency', concurrency_s],
    ['requests_per_minute', requests_per_minute_s],
    ['tokens_per_minute', tokens_per_minute_s],
  ];
  let binds: BindingLimit | null = null;
  let least_s: number | null = null;
  for (const [limit, seconds] of candidates) {
    if (seconds !== null && (least_s === null || seconds > least_s)) {
      least_s = seconds;
      binds = limit;
    }
  }
  return { concurrency_s, requests_per_minute_s, tokens_per_minute_s, least_s, binds };
}
