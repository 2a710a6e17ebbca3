/** What a format's rules learned about one row that the dataset summary counts (roles, reference, id, tools). */
export interface RowFacts {
  /** The row's message roles as written, lower case. */
  roles: string[];
  /** The row's id as text, when it has a usable one (for duplicate detection). */
  id?: string;
  /** A text (or number) reference, an object one, or none. */
  reference: 'string' | 'object' | 'none';
  tools: boolean;
}

export function referenceKind(value: unknown): RowFacts['reference'] {
  if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number' || typeof value === 'boolean') return 'string';
  if (value !== null && typeof value === 'object') return 'object';
  return 'none';
}
