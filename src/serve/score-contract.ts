/**
 * The native batch contract, `POST /v1/score`: `{"rows": [row, …], "components"?: boolean}` in,
 * `{"results": [RewardResult, …], "spec": {name, spec_hash, rewardkit_version, range, neutral, components}}` out, in row order.
 * Rows are Nova RFT samples or plain `{prompt, response, reference}` rows (as `rewardkit score` reads);
 * a row that cannot be read gets `reward: null` and `error: {field, message}`, not a failed request.
 */
import { z } from 'zod';
import type { RewardResult } from '../result.js';

export const ScoreRequestSchema = z.strictObject({
  rows: z
    .array(z.unknown(), {
      error: (issue) => (issue.input === undefined ? 'missing required field (expected an array of rows)' : 'expected an array of rows'),
    })
    .min(1, { error: 'expected at least one row' }),
  /** false: leave out each result's `components` (judge rationales and raw replies) to keep replies small. */
  components: z.boolean().default(true),
});

/** What every reply carries about the spec, so clients can log a fixed set of keys. */
export interface SpecInfo {
  name: string | null;
  /** SHA-256 of the normalised spec (provenance; also on every result). */
  spec_hash: string;
  /** The rewardkit version that scored. */
  rewardkit_version: string;
  range: [number, number];
  neutral: number;
  /** Every component of the spec, checks then judges, in spec order. */
  components: string[];
}

export interface ScoreResponse {
  results: Array<RewardResult | Omit<RewardResult, 'components'>>;
  spec: SpecInfo;
}

export type ScoreRequest = z.output<typeof ScoreRequestSchema>;
