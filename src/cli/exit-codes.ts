/** Documented exit codes of the rewardkit CLI (also listed in README and in `rewardkit --help`). */
import { RewardkitError } from '../rewardkit-error.js';

export const EXIT = {
  /** Every row was scored (neutral fallbacks are flagged in the output, not failures). */
  ok: 0,
  /** An unexpected internal error. */
  internal: 1,
  /** Bad command-line usage. */
  usage: 2,
  /** The reward spec (or the grader/config file given to `import`) is invalid: every problem is listed. */
  invalidSpec: 3,
  /** An input file could not be read. */
  inputUnreadable: 4,
  /** A judge model is unreachable or has no credentials (checked before any row is scored). */
  judgeUnreachable: 5,
  /** The run finished, but some input lines were malformed or unreadable rows (each reported with its line). */
  badRows: 6,
  /**
   * `score`: the run finished (every row is written and flagged), but more than --max-judge-error-rate of its judge
   * calls failed: the rewards are mostly fallbacks. Fix the judge, then re-judge with --retry-errors. `rollouts`: some
   * samples failed after their retries and were not written; --resume generates them.
   */
  judgeErrors: 9,
  /** `judge test`: a verdict did not parse (or its call failed), or a judge did not score every good case above every bad one. */
  judgeTestFailed: 10,
  /** `compare --min-delta X`: the lower bound of the mean reward delta's 95% CI is below X (or there is no CI). */
  compareBelowMinDelta: 11,
  /** Interrupted (Ctrl-C): the rows finished so far are written; continue with --resume. */
  interrupted: 130,
} as const;

const CLI_ERROR = 'rewardkit.error.CliError';
const CLI_ERROR_SYMBOL = Symbol.for(CLI_ERROR);

export class CliError extends RewardkitError {
  private readonly [CLI_ERROR_SYMBOL] = true;

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }

  static override isInstance(error: unknown): error is CliError {
    return RewardkitError.hasMarker(error, CLI_ERROR);
  }
}
