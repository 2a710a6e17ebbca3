/**
 * Reads one source record as a DatasetRow, per source format and the field-mapping flags. A record that cannot be a
 * dataset row (no prompt, not an object) gives a problem instead, naming the field, the value and what was expected.
 *   nova / openai  {messages, reference_answer?, tools?, id?, …}: the reference from --reference-field (default
 *                  reference_answer), every other field an extra
 *   chat           the same; when the row has no reference and its last message is the assistant's, that answer
 *                  becomes the reference answer (SFT data → RFT prompts)
 *   hf-jsonl, csv, parquet records: the prompt from --prompt-field (text → one user message, or a list of messages;
 *                  in CSV also a list written as JSON), the reference from --reference-field or the first of
 *                  REFERENCE_FIELDS present; a record with `messages` and no prompt field is read as chat
 *   parquet in verl's layout (prompt list + reward_model): see fromVerl
 */
import { canonicalRole, isAssistantRole } from '../input/row-view.js';
import { count, type ConvertReport } from './convert-report.js';
import type { SourceFormat } from './dataset-formats.js';
import { ProblemList } from './dataset-problem.js';
import { REFERENCE_FIELDS, type DatasetRow, type FieldMapping } from './dataset-row.js';
import { VERL_ROW_FIELD } from './verl-parquet.js';

export type SourceRowResult = { row: DatasetRow } | { problems: ProblemList };

export function toDatasetRow(
  value: unknown,
  line: number,
  format: SourceFormat,
  mapping: FieldMapping,
  report: ConvertReport,
): SourceRowResult {
  const problems = new ProblemList(line);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.add('not-object', 'row', value, 'a JSON object');
    return { problems };
  }
  const record = value as Record<string, unknown>;
  let row: DatasetRow | undefined;
  if (format === 'nova' || format === 'openai' || format === 'chat') row = fromChat(record, format === 'chat', mapping, report, problems);
  else if (format === 'parquet' && isVerlRecord(record)) row = fromVerl(record, report);
  else if (record[mapping.promptField] === undefined && Array.isArray(record.messages))
    row = fromChat(record, true, mapping, report, problems);
  else row = fromRecord(record, format === 'csv', mapping, report, problems);
  if (!row) return { problems };
  return { row: withSystem(row, mapping.system, report) };
}

function fromChat(
  record: Record<string, unknown>,
  answerIsReference: boolean,
  mapping: FieldMapping,
  report: ConvertReport,
  problems: ProblemList,
): DatasetRow | undefined {
  const messages = record.messages;
  if (!isMessageList(messages)) {
    problems.add('messages', 'messages', messages, 'a non-empty list of chat messages ({role, content})');
    return undefined;
  }
  const referenceField = mapping.referenceField ?? 'reference_answer';
  const used = new Set([mapping.idField, 'messages', referenceField, 'tools']);
  let reference = record[referenceField];
  let prompt = messages;
  if (reference !== undefined) count(report.referenceFrom, referenceField);
  const last = messages[messages.length - 1];
  if (answerIsReference && reference === undefined && messages.length > 1 && isAssistantRole(last?.role)) {
    reference = last?.content;
    prompt = messages.slice(0, -1);
    count(report.changed, 'last assistant message → reference answer');
    count(report.referenceFrom, 'messages[last] (assistant)');
  }
  return {
    ...(record[mapping.idField] === undefined ? {} : { id: record[mapping.idField] }),
    messages: prompt,
    ...(reference === undefined ? {} : { reference }),
    ...(record.tools === undefined ? {} : { tools: record.tools }),
    extras: rest(record, used),
  };
}

function fromRecord(
  record: Record<string, unknown>,
  fromCsv: boolean,
  mapping: FieldMapping,
  report: ConvertReport,
  problems: ProblemList,
): DatasetRow | undefined {
  const field = mapping.promptField;
  let prompt = record[field];
  if (fromCsv && typeof prompt === 'string' && prompt.trimStart().startsWith('[')) {
    const parsed = tryJson(prompt);
    if (isMessageList(parsed)) {
      prompt = parsed;
      count(report.changed, `${field}: JSON text → messages`);
    }
  }
  let messages: Record<string, unknown>[];
  if (typeof prompt === 'string' && prompt.trim() !== '') messages = [{ role: 'user', content: prompt }];
  else if (isMessageList(prompt)) messages = prompt;
  else {
    problems.add('messages', field, prompt, `the prompt: text, or a list of chat messages (set the field with --prompt-field)`);
    return undefined;
  }
  const referenceField = mapping.referenceField ?? REFERENCE_FIELDS.find((name) => record[name] !== undefined && record[name] !== null);
  const reference = referenceField === undefined ? undefined : record[referenceField];
  if (referenceField !== undefined && reference !== undefined) count(report.referenceFrom, referenceField);
  const used = new Set([mapping.idField, field, 'tools', ...(referenceField === undefined ? [] : [referenceField])]);
  return {
    ...(record[mapping.idField] === undefined || record[mapping.idField] === '' ? {} : { id: record[mapping.idField] }),
    messages,
    ...(reference === undefined ? {} : { reference }),
    ...(record.tools === undefined ? {} : { tools: record.tools }),
    extras: rest(record, used),
  };
}

/** verl's layout: a prompt list and a reward_model struct. */
function isVerlRecord(record: Record<string, unknown>): boolean {
  return Array.isArray(record.prompt) && record.reward_model !== null && typeof record.reward_model === 'object';
}

/**
 * A verl row. One written by rewardkit carries the source row in `extra_info.rewardkit_row` (JSON), which is read
 * back exactly; any other verl row gives: prompt → messages, reward_model.ground_truth → reference, extra_info.id →
 * id, and data_source, ability, reward_model.style and extra_info (less its prompt copy) as extras.
 */
function fromVerl(record: Record<string, unknown>, report: ConvertReport): DatasetRow {
  const info = (record.extra_info ?? {}) as Record<string, unknown>;
  const saved = typeof info[VERL_ROW_FIELD] === 'string' ? tryJson(info[VERL_ROW_FIELD]) : undefined;
  const rewardModel = record.reward_model as Record<string, unknown>;
  if (saved !== null && typeof saved === 'object' && !Array.isArray(saved)) {
    const row = saved as Partial<DatasetRow>;
    count(report.changed, `verl row restored from extra_info.${VERL_ROW_FIELD}`);
    if (row.reference !== undefined) count(report.referenceFrom, 'reward_model.ground_truth');
    return {
      ...(row.id === undefined ? {} : { id: row.id }),
      messages: row.messages ?? (record.prompt as Record<string, unknown>[]),
      ...(row.reference === undefined ? {} : { reference: row.reference }),
      ...(row.tools === undefined ? {} : { tools: row.tools }),
      extras: row.extras ?? {},
    };
  }
  const { prompt: _prompt, id, ...infoRest } = info;
  const groundTruth = rewardModel.ground_truth;
  if (groundTruth !== undefined && groundTruth !== null) count(report.referenceFrom, 'reward_model.ground_truth');
  const { ground_truth: _truth, ...modelRest } = rewardModel;
  const extras: Record<string, unknown> = {};
  if (record.data_source !== undefined) extras.data_source = record.data_source;
  if (record.ability !== undefined) extras.ability = record.ability;
  if (Object.keys(modelRest).length > 0) extras.reward_model = modelRest;
  if (Object.keys(infoRest).length > 0) extras.extra_info = infoRest;
  Object.assign(extras, rest(record, new Set(['data_source', 'prompt', 'ability', 'reward_model', 'extra_info'])));
  return {
    ...(id === undefined || id === null || id === '' ? {} : { id }),
    messages: record.prompt as Record<string, unknown>[],
    ...(groundTruth === undefined || groundTruth === null ? {} : { reference: groundTruth }),
    extras,
  };
}

function withSystem(row: DatasetRow, system: string | undefined, report: ConvertReport): DatasetRow {
  if (system === undefined || row.messages.some((message) => canonicalRole(message.role) === 'system')) return row;
  count(report.changed, 'system message added (--system)');
  return { ...row, messages: [{ role: 'system', content: system }, ...row.messages] };
}

function rest(record: Record<string, unknown>, used: ReadonlySet<string>): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!used.has(key)) extras[key] = value;
  return extras;
}

function isMessageList(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item) && 'role' in item)
  );
}

function tryJson(text: unknown): unknown {
  try {
    return JSON.parse(text as string) as unknown;
  } catch {
    return undefined;
  }
}
