/**
 * The problems an import finds, collected rather than thrown one at a time: each with the field path in the promptfoo
 * config, the value found and what was expected, and (once the file is known) its line and column.
 */
import { formatPath } from '../../spec/load-spec.js';
import type { SpecProblem } from '../../spec/spec-error.js';
import type { ConfigDocument } from './config-document.js';

export type ConfigPath = readonly PropertyKey[];

export class ImportProblems {
  private readonly list: SpecProblem[] = [];

  constructor(private readonly document: ConfigDocument) {}

  /** Records a problem at `path`; `value` is what the config holds there (omitted when undefined). */
  add(path: ConfigPath, message: string, value?: unknown): void {
    this.list.push({
      file: this.document.file,
      ...this.document.position(path),
      path: formatPath(path),
      message,
      ...(value === undefined ? {} : { value }),
    });
  }

  /** Records a problem in another file the import reads (e.g. --g-eval-steps FILE), at `path` within it. */
  addInFile(file: string, path: string, message: string): void {
    this.list.push({ file, path, message });
  }

  get count(): number {
    return this.list.length;
  }

  get all(): SpecProblem[] {
    return [...this.list];
  }
}
