/**
 * A dataset row in no particular format: the prompt's chat messages, the reference answer, the id, the tools, and
 * every other field (extras), each kept exactly as the source had it. Every reader maps its format into this and
 * every writer maps it out, so a conversion is one reader and one writer.
 */
export interface DatasetRow {
  /** The source row's id, as it was (a string, usually); undefined when it had none. */
  id?: unknown;
  /** The prompt: chat messages ({role, content, …}) as the source had them. */
  messages: Record<string, unknown>[];
  /** The reference answer (text or an object); undefined when the row has none. */
  reference?: unknown;
  tools?: unknown;
  /** Every other field, in the source's order. */
  extras: Record<string, unknown>;
}

/** How a source's fields map onto a DatasetRow (the `data convert` field-mapping flags). */
export interface FieldMapping {
  /** The field holding the prompt (text, or a list of messages) in hf-jsonl, csv and plain parquet records. */
  promptField: string;
  /** The field holding the reference answer; default: `reference_answer`, and for records the first of REFERENCE_FIELDS. */
  referenceField?: string;
  idField: string;
  /** A system prompt to put first in every row that has no system message. */
  system?: string;
}

/** Where a record's reference answer is looked for when no --reference-field is given (TRL and HF datasets' usual names). */
export const REFERENCE_FIELDS = ['reference_answer', 'ground_truth', 'solution', 'answer'] as const;

export const DEFAULT_MAPPING: FieldMapping = { promptField: 'prompt', idField: 'id' };
