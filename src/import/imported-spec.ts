/**
 * What an importer (`rewardkit import openai-grader | promptfoo`) hands to the CLI: the reward spec it built, the
 * data files that spec refers to (judge templates), and what the user should know. An importer never guesses: a
 * feature with no exact rewardkit equivalent is an ImportError problem, not a note.
 */
import type { SpecProblem } from '../spec/spec-error.js';
import { RewardkitError } from '../rewardkit-error.js';

export interface ImportedFile {
  /** Path relative to the written spec file, as the spec refers to it (e.g. "templates/accuracy.yaml"). */
  path: string;
  content: string;
}

export interface ImportedSpec {
  /** The reward spec as a plain object (what a spec YAML file holds); it must pass validateSpecObject. */
  spec: Record<string, unknown>;
  /** Files the spec refers to, written beside it. */
  files: ImportedFile[];
  /** Mappings the user should know about (each one a sentence), shown after the import and written as comments. */
  notes: string[];
}

const IMPORT_ERROR = 'rewardkit.error.ImportError';
const IMPORT_ERROR_SYMBOL = Symbol.for(IMPORT_ERROR);

/** Every problem found in the imported file, each with file:line:column, the field, the value found and what was expected. */
export class ImportError extends RewardkitError {
  private readonly [IMPORT_ERROR_SYMBOL] = true;
  readonly problems: SpecProblem[];

  constructor(what: string, problems: SpecProblem[], format: (problem: SpecProblem) => string) {
    super(`cannot import ${what}:\n${problems.map(format).join('\n')}`);
    this.name = 'ImportError';
    this.problems = problems;
  }

  static override isInstance(error: unknown): error is ImportError {
    return RewardkitError.hasMarker(error, IMPORT_ERROR);
  }
}
