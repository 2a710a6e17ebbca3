/**
 * RowError: a row that cannot be scored as given. It names the field and what was expected,
 * and becomes a per-row error in the output instead of stopping a batch.
 */
export class RowError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'RowError';
    this.field = field;
  }

  static isInstance(error: unknown): error is RowError {
    return error instanceof Error && error.name === 'RowError' && 'field' in error;
  }
}
