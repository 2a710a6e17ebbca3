/**
 * RowError: a row that cannot be scored as given. It names the field and what was expected,
 * and becomes a per-row error in the output instead of stopping a batch.
 */
import { RewardkitError } from '../rewardkit-error.js';

export class RowError extends RewardkitError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'RowError';
    this.field = field;
  }

  static override isInstance(error: unknown): error is RowError {
    return error instanceof Error && error.name === 'RowError' && 'field' in error;
  }
}
