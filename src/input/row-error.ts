/**
 * RowError: a row that cannot be scored as given. It names the field and what was expected,
 * and becomes a per-row error in the output instead of stopping a batch: `rowErrorResult`, the one
 * constructor of that result (the reward, the OpenRLHF reader and `score`'s unreadable lines all use it).
 */
import type { RewardResult } from '../result.js';
import { RewardkitError } from '../rewardkit-error.js';

const ROW_ERROR = 'rewardkit.error.RowError';
const ROW_ERROR_SYMBOL = Symbol.for(ROW_ERROR);

export class RowError extends RewardkitError {
  private readonly [ROW_ERROR_SYMBOL] = true;
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'RowError';
    this.field = field;
  }

  static override isInstance(error: unknown): error is RowError {
    return RewardkitError.hasMarker(error, ROW_ERROR);
  }
}

/** The result of a row that could not be read: no reward, flagged `row_error`, with the field and what was wrong. */
export function rowErrorResult(id: string, error: { field: string; message: string }, specHash?: string): RewardResult {
  return {
    id,
    ...(specHash === undefined ? {} : { spec_hash: specHash }),
    reward: null,
    neutral: false,
    gated_by: null,
    flags: ['row_error'],
    metrics: {},
    components: [],
    error: { field: error.field, message: error.message },
  };
}
