/**
 * The rollouts file a scored file was scored from (`--input`): where each of its lines is, so a scored row's input
 * row (joined by the `line` score writes) is read from disk only when the row is opened — with the prompt, system
 * prompt and response read as the spec's `input` section says.
 */
import { RowError } from '../input/row-error.js';
import { toRowView } from '../input/row-view.js';
import type { InputSpec } from '../spec/schema.js';
import { forEachLine, readLineAt } from './line-offsets.js';
import { ViewError } from './view-error.js';

export interface InputRows {
  path: string;
  /** Per 1-based line: byte offset and length (-1: no such line). */
  offsets: number[];
  lengths: number[];
}

/** The input row as the viewer shows it. */
export type InputRowView =
  | { line: number; id: string; system: string; prompt: string; response: string; context: string; reference: unknown; row: unknown }
  | { line: number; error: string; text: string };

export async function indexInputRows(path: string, what: string): Promise<InputRows> {
  const offsets: number[] = [-1];
  const lengths: number[] = [-1];
  try {
    await forEachLine(path, (_bytes, span) => {
      offsets[span.line] = span.offset;
      lengths[span.line] = span.length;
    });
  } catch (error) {
    throw new ViewError(
      'input',
      `${what} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return { path, offsets, lengths };
}

/** The parsed input row at `line`, or null when the file has no such line. */
export async function readInputRow(rows: InputRows, line: number): Promise<unknown> {
  const offset = rows.offsets[line];
  if (offset === undefined || offset < 0) return undefined;
  const text = await readLineAt(rows.path, offset, rows.lengths[line]!);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unreadable: text };
  }
}

/** What the row says: prompt, system prompt, response (or why it could not be read). */
export function viewOfInputRow(row: unknown, line: number, input: InputSpec): InputRowView {
  if (row !== null && typeof row === 'object' && 'unreadable' in row && Object.keys(row).length === 1)
    return { line, error: 'not valid JSON', text: String((row as { unreadable: string }).unreadable) };
  try {
    const view = toRowView(row, input, `line-${line}`);
    return {
      line,
      id: view.id,
      system: view.system,
      prompt: view.prompt,
      response: view.response,
      context: view.context,
      reference: view.reference ?? null,
      row,
    };
  } catch (error) {
    if (!RowError.isInstance(error)) throw error;
    return { line, error: error.message, text: JSON.stringify(row) };
  }
}
