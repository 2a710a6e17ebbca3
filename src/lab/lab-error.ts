/**
 * The one error the lab layer throws for problems a user can fix: a bad file, a flag that does not fit
 * the data, a spec the command cannot use. `kind` tells the CLI which documented exit code to use.
 */
export type LabErrorKind = 'usage' | 'input' | 'spec' | 'judge_unreachable';

export class LabError extends Error {
  readonly marker = 'rewardkit.LabError';

  constructor(
    readonly kind: LabErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LabError';
  }

  static isInstance(error: unknown): error is LabError {
    return error instanceof Error && (error as { marker?: unknown }).marker === 'rewardkit.LabError';
  }
}
