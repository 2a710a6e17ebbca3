/**
 * Scores one Nova RFT invocation payload — the code path shared by the Lambda handler and `POST /v1/nova`.
 * A bare array of samples in, a bare array of results out, one per sample in sample order, matched by id.
 * Nothing here throws: a malformed sample gets the neutral reward flagged `row_error`.
 */
import type { Reward } from '../reward.js';
import type { RewardResult } from '../result.js';
import type { RewardSpec } from '../spec/schema.js';
import { neutralOf, scoreRows, type Deadline } from './deadline.js';
import { mapYielding } from '../runtime/loop-yield.js';
import { NovaEventSchema, type NovaResult } from './nova-contract.js';
import { toNovaResult } from './nova-result.js';

export interface NovaBatch {
  results: NovaResult[];
  /** The full reward results behind `results` (for logs and metrics). */
  rewardResults: RewardResult[];
  /** Set when the event was not a bare array: what was found and what was done with it. */
  eventProblem?: string;
}

/**
 * Reads the samples of an event. Contract: a bare array. Also accepted, for hand-made test invocations:
 * a JSON string holding the array, and a single sample object (answered with a one-item array).
 * Anything else yields no samples and a problem to log (the reply is then `[]`).
 */
export function samplesOf(event: unknown, depth = 0): { samples: unknown[]; problem?: string } {
  const parsed = NovaEventSchema.safeParse(event);
  if (parsed.success) return { samples: parsed.data };
  if (typeof event === 'string' && depth === 0) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(event);
    } catch {
      return { samples: [], problem: 'event: expected a JSON array of samples [{id, messages, …}], got a string that is not JSON' };
    }
    const inner = samplesOf(decoded, depth + 1);
    return {
      samples: inner.samples,
      problem: inner.problem ?? 'event: expected a JSON array of samples, got it JSON-encoded in a string (decoded and scored)',
    };
  }
  if (event !== null && typeof event === 'object' && 'messages' in event) {
    return {
      samples: [event],
      problem:
        'event: expected a JSON array of samples, got a single sample object (scored as a batch of one; the reply is still an array)',
    };
  }
  const found =
    event === null
      ? 'null'
      : event === undefined
        ? 'nothing'
        : typeof event === 'object'
          ? `an object with keys ${JSON.stringify(Object.keys(event).slice(0, 8))}`
          : typeof event;
  return { samples: [], problem: `event: expected a JSON array of samples [{id, messages, …}], got ${found}; replied with []` };
}

/** The id to echo: the sample's own id exactly as sent (string or number), else the fallback used for scoring. */
export function sampleIdOf(sample: unknown, fallback: string): string | number {
  const id = sample !== null && typeof sample === 'object' ? (sample as { id?: unknown }).id : undefined;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : fallback;
}

export async function scoreNovaEvent(event: unknown, reward: Reward, deadline: Deadline): Promise<NovaBatch> {
  const { samples, problem } = samplesOf(event);
  const rewardResults = await scoreRows(reward, samples, deadline, (index) => `sample-${index}`);
  const neutral = neutralOf(reward);
  const results = await mapYielding(rewardResults, (result, index) => toNovaResult(result, sampleIdOf(samples[index], result.id), neutral));
  return { results, rewardResults, ...(problem ? { eventProblem: problem } : {}) };
}

/**
 * When the reward itself could not be set up (`config_error`: unreadable spec, bad judge override) or an
 * unexpected error escaped (`internal_error`): every sample gets `neutral`, flagged, so the invocation
 * still answers in contract; the cause is logged by the caller.
 */
export function unscoredBatch(event: unknown, neutral: number, flag: 'config_error' | 'internal_error', message: string): NovaBatch {
  const { samples, problem } = samplesOf(event);
  const rewardResults: RewardResult[] = samples.map((sample, index) => ({
    id: String(sampleIdOf(sample, `sample-${index}`)),
    reward: neutral,
    neutral: true,
    gated_by: null,
    flags: [flag],
    metrics: {},
    components: [],
    error: { field: flag === 'config_error' ? '(config)' : '(internal)', message },
  }));
  const results = rewardResults.map((result, index) => toNovaResult(result, sampleIdOf(samples[index], result.id), neutral));
  return { results, rewardResults, ...(problem ? { eventProblem: problem } : {}) };
}

/** Nova samples are chat rows: a spec that reads plain rows is switched to the Nova reader for this path. */
export function novaSpecOf(spec: RewardSpec): RewardSpec {
  return spec.input.format === 'plain' ? { ...spec, input: { ...spec.input, format: 'nova' } } : spec;
}
