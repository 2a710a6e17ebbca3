/**
 * SpecError: every problem found in a reward spec, each with file, line, field path, the value found
 * and what was expected — printed as one readable list, never as a stack trace.
 */
import { RewardkitError } from '../rewardkit-error.js';

export interface SpecProblem {
  file: string;
  line?: number;
  column?: number;
  /** Field path in the spec, e.g. "checks[1].max" ('' for the whole file). */
  path: string;
  value?: unknown;
  message: string;
}

const SPEC_ERROR = 'rewardkit.error.SpecError';
const SPEC_ERROR_SYMBOL = Symbol.for(SPEC_ERROR);

export class SpecError extends RewardkitError {
  private readonly [SPEC_ERROR_SYMBOL] = true;
  readonly problems: SpecProblem[];

  constructor(problems: SpecProblem[]) {
    super(`invalid reward spec:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'SpecError';
    this.problems = problems;
  }

  static override isInstance(error: unknown): error is SpecError {
    return RewardkitError.hasMarker(error, SPEC_ERROR);
  }
}

export function formatProblem(problem: SpecProblem): string {
  const where = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  const value = problem.value === undefined ? '' : ` (got ${truncate(JSON.stringify(problem.value) ?? typeof problem.value)})`;
  return `  ${where}  ${problem.path || '(spec)'}: ${problem.message}${value}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
