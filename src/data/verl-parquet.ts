/**
 * verl's RL dataset as parquet (verl docs/preparation/prepare_data.rst): one row per prompt with
 *   data_source   string, names the reward function (the row's `data_source` extra, else --data-source)
 *   prompt        list<struct<role, content>>: the chat messages, content as text
 *   ability       string, the task category (the row's `ability` extra, else --ability)
 *   reward_model  struct<style, ground_truth>: ground_truth is the reference answer as text (an object as JSON)
 *   extra_info    struct<index, id, prompt, rewardkit_row>: `prompt` again, because rewardkit's Python client
 *                 (integrations/python/rewardkit_client.py) rebuilds the judged chat from extra_info.prompt, and
 *                 `rewardkit_row`, the source row as JSON, so converting back loses nothing verl's columns cannot hold
 * Written with hyparquet-writer, one row group per ROW_GROUP rows: memory stays bounded by a row group.
 */
import { ParquetWriter, fileWriter, type SchemaElement } from 'hyparquet-writer';
import { count, type ConvertReport } from './convert-report.js';
import type { DatasetRow } from './dataset-row.js';

export const VERL_ROW_FIELD = 'rewardkit_row';
const ROW_GROUP = 10_000;

export interface VerlOptions {
  dataSource: string;
  ability: string;
  rewardStyle: string;
}

export interface VerlRow {
  data_source: string;
  prompt: { role: string; content: string }[];
  ability: string;
  reward_model: { style: string; ground_truth: string | null };
  extra_info: { index: bigint; id: string | null; prompt: { role: string; content: string }[]; rewardkit_row: string };
}

const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
const messageList = (name: string): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  text('role'),
  text('content'),
];

export const VERL_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 5 },
  text('data_source'),
  ...messageList('prompt'),
  text('ability'),
  { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 2 },
  text('style'),
  text('ground_truth'),
  { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 4 },
  { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
  text('id'),
  ...messageList('prompt'),
  text(VERL_ROW_FIELD),
];

/** A DatasetRow as a verl row; what verl's columns cannot hold is counted in `report` (and kept in rewardkit_row). */
export function toVerlRow(row: DatasetRow, index: number, options: VerlOptions, report: ConvertReport): VerlRow {
  const dropped = new Set<string>();
  let flattened = false;
  const prompt = row.messages.map((message) => {
    for (const key of Object.keys(message)) if (key !== 'role' && key !== 'content') dropped.add(`prompt[].${key}`);
    if (typeof message.content !== 'string') flattened = true;
    return { role: String(message.role), content: contentText(message.content) };
  });
  for (const key of dropped) count(report.dropped, `${key} (kept in extra_info.${VERL_ROW_FIELD})`);
  if (flattened) count(report.changed, 'prompt[].content: not text (parts, null) → text');
  const changedMessages = flattened || dropped.size > 0;
  if (row.tools !== undefined) count(report.changed, `tools → extra_info.${VERL_ROW_FIELD} (verl takes tools from its tool config)`);
  const reference = row.reference;
  if (reference === undefined || reference === null) count(report.warnings, 'no reference answer: reward_model.ground_truth is null');
  else if (typeof reference === 'object') count(report.changed, 'object reference answer → reward_model.ground_truth as JSON text');
  const saved = {
    ...(row.id === undefined ? {} : { id: row.id }),
    ...(changedMessages ? { messages: row.messages } : {}),
    ...(reference === undefined ? {} : { reference }),
    ...(row.tools === undefined ? {} : { tools: row.tools }),
    extras: row.extras,
  };
  return {
    data_source: typeof row.extras.data_source === 'string' ? row.extras.data_source : options.dataSource,
    prompt,
    ability: typeof row.extras.ability === 'string' ? row.extras.ability : options.ability,
    reward_model: {
      style: options.rewardStyle,
      ground_truth:
        reference === undefined || reference === null ? null : typeof reference === 'string' ? reference : JSON.stringify(reference),
    },
    extra_info: {
      index: BigInt(index),
      id: typeof row.id === 'string' ? row.id : row.id === undefined || row.id === null ? null : JSON.stringify(row.id),
      prompt,
      rewardkit_row: JSON.stringify(saved),
    },
  };
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
          ? (part as { text: string }).text
          : '',
      )
      .join('');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** Writes verl rows to a parquet file, a row group at a time. */
export class VerlParquetWriter {
  private readonly writer: ParquetWriter;
  private buffer: VerlRow[] = [];

  constructor(path: string) {
    this.writer = new ParquetWriter({ writer: fileWriter(path), schema: VERL_SCHEMA, createdBy: 'rewardkit data convert' });
  }

  async add(row: VerlRow): Promise<void> {
    this.buffer.push(row);
    if (this.buffer.length >= ROW_GROUP) await this.flush();
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.writer.finish();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    const column = <K extends keyof VerlRow>(name: K) => ({ name, data: rows.map((row) => row[name]) });
    await this.writer.write({
      columnData: [column('data_source'), column('prompt'), column('ability'), column('reward_model'), column('extra_info')],
      rowGroupSize: ROW_GROUP,
    });
  }
}
