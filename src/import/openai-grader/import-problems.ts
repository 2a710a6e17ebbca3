/**
 * What an import collects on its way through a grader: the problems (each at a path of the grader file, located to
 * line and column) and the notes (mappings the user should know about). Every mapper adds to one of these and goes
 * on, so one run reports every problem of the file at once.
 */
import { formatPath } from '../../spec/load-spec.js';
import { formatProblem, type SpecProblem } from '../../spec/spec-error.js';
import { ImportError } from '../imported-spec.js';
import type { GraderDocument } from './grader-document.js';

export type GraderPath = readonly PropertyKey[];

export class ImportProblems {
  readonly list: SpecProblem[] = [];
  private readonly noteSet = new Set<string>();

  constructor(private readonly document: GraderDocument) {}

  /** The grader file, as the user named it. */
  get file(): string {
    return this.document.file;
  }

  /** A problem at `path`: `message` says what was expected; `value` is what was found (omitted when undefined). */
  add(path: GraderPath, message: string, value?: unknown): void {
    this.list.push({
      file: this.document.file,
      ...this.document.position(path),
      path: formatPath(path),
      message,
      ...(value === undefined ? {} : { value }),
    });
  }

  /** A mapping the user should know about; the same sentence is kept once. */
  note(sentence: string): void {
    this.noteSet.add(sentence);
  }

  get notes(): string[] {
    return [...this.noteSet];
  }

  /** Throws an ImportError listing every problem, when there is any. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ImportError(`OpenAI grader ${this.document.file}`, this.list, formatProblem);
  }
}
