/**
 * The one error the viewer throws for problems a user can fix: a file that is not score output, an input file that
 * does not match it, a spec that cannot be read. `kind` tells the CLI which documented exit code to use.
 */
import { RewardkitError } from '../rewardkit-error.js';

export type ViewErrorKind = 'usage' | 'input';

const VIEW_ERROR = 'rewardkit.error.ViewError';
const VIEW_ERROR_SYMBOL = Symbol.for(VIEW_ERROR);

export class ViewError extends RewardkitError {
  private readonly [VIEW_ERROR_SYMBOL] = true;

  constructor(
    readonly kind: ViewErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ViewError';
  }

  static override isInstance(error: unknown): error is ViewError {
    return RewardkitError.hasMarker(error, VIEW_ERROR);
  }
}
