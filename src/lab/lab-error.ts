/**
 * The one error the lab layer throws for problems a user can fix: a bad file, a flag that does not fit
 * the data, a spec the command cannot use. `kind` tells the CLI which documented exit code to use.
 */
import { RewardkitError } from '../rewardkit-error.js';

export type LabErrorKind = 'usage' | 'input' | 'spec' | 'judge_unreachable';

const LAB_ERROR = 'rewardkit.error.LabError';
const LAB_ERROR_SYMBOL = Symbol.for(LAB_ERROR);

export class LabError extends RewardkitError {
  private readonly [LAB_ERROR_SYMBOL] = true;

  constructor(
    readonly kind: LabErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LabError';
  }

  static override isInstance(error: unknown): error is LabError {
    return RewardkitError.hasMarker(error, LAB_ERROR);
  }
}
