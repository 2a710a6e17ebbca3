/**
 * A DatasetRow in a JSONL target format (verl's parquet is verl-parquet.ts):
 *   nova    {id?, messages, reference_answer?, tools?, …extras}: the Amazon Nova RFT dataset row
 *   openai  {id?, messages, tools?, reference_answer?, …extras}: OpenAI RFT; graders read the extras as {{item.FIELD}}
 *   trl     {prompt: messages, reference_answer?, id?, tools?, …extras}: TRL's prompt-only conversational row;
 *           every column reaches the reward functions (reference_answer is the first column rewardkit's TRL client
 *           reads the reference from)
 * Nothing is dropped: an extra named like one of the row's own fields is the only loss, and it is counted.
 */
import { isAssistantRole } from '../input/row-view.js';
import { count, type ConvertReport } from './convert-report.js';
import type { TargetFormat } from './dataset-formats.js';
import type { DatasetRow } from './dataset-row.js';

export function toTargetRow(row: DatasetRow, format: Exclude<TargetFormat, 'verl'>, report: ConvertReport): Record<string, unknown> {
  const id = row.id === undefined ? {} : { id: row.id };
  const reference = row.reference === undefined ? {} : { reference_answer: row.reference };
  const tools = row.tools === undefined ? {} : { tools: row.tools };
  const own =
    format === 'trl'
      ? { prompt: row.messages, ...reference, ...id, ...tools }
      : format === 'openai'
        ? { ...id, messages: row.messages, ...tools, ...reference }
        : { ...id, messages: row.messages, ...reference, ...tools };
  if (format === 'openai') {
    const last = row.messages[row.messages.length - 1];
    if (last && String(last.role).toLowerCase() !== 'user') {
      count(
        report.warnings,
        `last message is not the user's (OpenAI RFT needs one${isAssistantRole(last.role) ? '; it is an assistant turn' : ''})`,
      );
    }
  }
  const out: Record<string, unknown> = { ...own };
  for (const [key, value] of Object.entries(row.extras)) {
    if (key in own) count(report.dropped, `${key} (an extra field named like the row's own ${key})`);
    else out[key] = value;
  }
  return out;
}
