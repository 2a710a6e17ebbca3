/**
 * Everything about one row, for the detail pane: the full scored record (each component's score, status, rationale,
 * details and judge calls with their raw replies) read from disk by offset, the input row it was scored from (prompt,
 * system prompt, response) and the judge prompts rendered again from the spec — each absent with the reason when the
 * viewer was not given the file it needs.
 */
import type { InputRowView } from './input-rows.js';
import { readInputRow, viewOfInputRow } from './input-rows.js';
import type { RenderedPrompt, RenderedPrompts } from './rendered-prompts.js';
import { readScoredRecord, type IndexedRow } from './scored-index.js';
import type { ViewSide } from './view-side.js';

export interface RowDetail {
  side: string;
  n: number;
  /** Line in the scored file. */
  line: number;
  /** The scored record as score wrote it. */
  record: Record<string, unknown>;
  input: InputRowView | null;
  /** Why `input` is null, or a warning about it; null when all is well. */
  input_reason: string | null;
  prompts: RenderedPrompt[] | null;
  prompts_not_rendered: RenderedPrompts['notRendered'];
  /** Why `prompts` is null. */
  prompts_reason: string | null;
}

export async function rowDetail(side: ViewSide, row: IndexedRow): Promise<RowDetail> {
  const record = await readScoredRecord(side.index, row);
  const detail: RowDetail = {
    side: side.name,
    n: row.n,
    line: row.line,
    record,
    input: null,
    input_reason: null,
    prompts: null,
    prompts_not_rendered: [],
    prompts_reason: null,
  };
  const input = await inputOf(side, row);
  if (typeof input === 'string') {
    detail.input_reason = input;
    detail.prompts_reason = side.renderer ? input : 'start the viewer with --spec SPEC (and --input) to see the rendered judge prompts';
    return detail;
  }
  detail.input = viewOfInputRow(input.row, input.line, side.inputSpec);
  if ('id' in detail.input && detail.input.id !== row.id)
    detail.input_reason = `input line ${input.line} has id ${JSON.stringify(detail.input.id)} but the scored row has id ${JSON.stringify(row.id)}: is it the file that was scored?`;
  if (!side.renderer) detail.prompts_reason = 'start the viewer with --spec SPEC to see the rendered judge prompts';
  else {
    const rendered = await side.renderer.render(input.row, input.line);
    detail.prompts = rendered.prompts;
    detail.prompts_not_rendered = rendered.notRendered;
  }
  return detail;
}

async function inputOf(side: ViewSide, row: IndexedRow): Promise<{ line: number; row: unknown } | string> {
  if (!side.inputs)
    return `score output has no prompt or response: start the viewer with ${side.name === 'scored' ? '--input' : `--${side.name}-input`} ROLLOUTS.jsonl (the file that was scored)`;
  if (row.inputLine === null)
    return 'the scored row has no "line" field (the input line score read it from), so it cannot be joined with its input';
  const input = await readInputRow(side.inputs, row.inputLine);
  if (input === undefined)
    return `the scored row comes from input line ${row.inputLine}, which ${side.inputs.path} does not have: is it the file that was scored?`;
  return { line: row.inputLine, row: input };
}
