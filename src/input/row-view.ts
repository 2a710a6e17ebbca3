/**
 * Turns one input row — a Nova RFT sample or a plain {prompt, response, reference} row — into the
 * RowView every check and judge reads. Owns the input contracts (Nova RFT rows as AWS's reward-function
 * guide and aws/nova-forge-sdk's validator define them); nothing downstream looks at raw rows.
 *
 * Chat roles are read as AWS's reward-function validator reads them: system, user, assistant, tool, bot,
 * developer in any case (developer → system, bot → assistant), plus Nova's nova_assistant. A rollout that
 * used tools (assistant with tool_calls → tool → … → assistant, as TRL sends it) is judged by its final
 * assistant turn; the turns between the last user turn and it become `context`, labelled, for judges only.
 */
import type { InputSpec } from './input-spec.js';
import { parseResponseJson, type ResponseJson } from './response-json.js';
import { RowError } from './row-error.js';
import { selectAll, selectOne } from './selector.js';

export interface ChatMessage {
  /** The canonical role: system | user | assistant | nova_assistant | tool. */
  role: string;
  content: string;
  /** The tool calls of an assistant turn (OpenAI / TRL shape), as `name` and argument text. */
  toolCalls: ToolCall[];
  /** A tool turn's tool name (`name`, else the name of the call its `tool_call_id` answers). */
  toolName?: string;
  toolCallId?: string;
}

export interface ToolCall {
  id?: string;
  name: string;
  arguments: string;
}

export interface RowView {
  id: string;
  /** The conversation before the rollout: the user turn(s), as text. */
  prompt: string;
  /** The system prompt the policy saw ('' when none). */
  system: string;
  /** The rollout being scored: its final assistant turn. */
  response: string;
  /**
   * The rollout's turns before its final answer when it used tools — "[tool call NAME] ARGS",
   * "[tool result NAME] OUTPUT", "[assistant] TEXT", one per paragraph — for judges only ('' when none).
   */
  context: string;
  /** The reference answer: a string, an object, or undefined. */
  reference: unknown;
  /** Every other field of the row (Nova extras at the root and under `metadata`). */
  metadata: Record<string, unknown>;
  /** The GRPO group id (`input.group_id`, default field "group_id"), as text; absent when the row has none. */
  groupId?: string;
}

const NOVA_KNOWN = new Set(['id', 'messages', 'reference_answer', 'metadata']);
const ASSISTANT_ROLES = new Set(['assistant', 'nova_assistant']);
/** Accepted roles (compared in lower case) → the role used downstream. */
const MESSAGE_ROLES: ReadonlyMap<string, string> = new Map([
  ['system', 'system'],
  ['developer', 'system'],
  ['user', 'user'],
  ['assistant', 'assistant'],
  ['bot', 'assistant'],
  ['nova_assistant', 'nova_assistant'],
  ['tool', 'tool'],
]);
const EXPECTED_ROLES = 'one of system | user | assistant | tool | bot | developer | nova_assistant (any case)';

/** The role a message's `role` field stands for downstream (`Bot` → assistant, `developer` → system), or undefined. */
export function canonicalRole(role: unknown): string | undefined {
  return typeof role === 'string' ? MESSAGE_ROLES.get(role.trim().toLowerCase()) : undefined;
}

/** True when a message's role makes it the policy's rollout (assistant, bot, nova_assistant, any case). */
export function isAssistantRole(role: unknown): boolean {
  return ASSISTANT_ROLES.has(canonicalRole(role) ?? '');
}

/** Reads one row. `fallbackId` is used when the row has no id (e.g. "line-7"). Throws RowError. */
export function toRowView(row: unknown, input: InputSpec, fallbackId: string): RowView {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new RowError('row', `expected a JSON object, got ${describe(row)}`);
  }
  const record = row as Record<string, unknown>;
  const useNova = input.format === 'nova' || (input.format === 'auto' && 'messages' in record);
  const view = useNova ? novaRow(record, fallbackId) : plainRow(record, input, fallbackId);
  const groupId = readGroupId(record, input.group_id ?? 'group_id', useNova, input.group_id !== undefined);
  return groupId === undefined ? view : { ...view, groupId };
}

/**
 * The row's group id: the field at the root, or (Nova rows) under `metadata`; text or a finite number (as text). A
 * field the spec names (`input.group_id`) must hold one; the default field "group_id" is only read when it does, so a
 * spec that never mentions groups scores the same rows as before (and pays two own-property lookups per row).
 */
function readGroupId(record: Record<string, unknown>, field: string, useNova: boolean, named: boolean): string | undefined {
  const read = named ? selectOne : ownField;
  const atRoot = read(record, field);
  const [where, value] = atRoot === undefined && useNova ? [`metadata.${field}`, read(record.metadata, field)] : [field, atRoot];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (!named) return undefined;
  throw new RowError(where, `expected a group id (a string or a number), got ${describe(value)}`);
}

/** `value[field]` when `value` is an object that has it as its own property (a plain field name, no selector). */
function ownField(value: unknown, field: string): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, field) ? (value as Record<string, unknown>)[field] : undefined;
}

function novaRow(record: Record<string, unknown>, fallbackId: string): RowView {
  const messages = readMessages(record.messages);
  const last = messages[messages.length - 1];
  if (!last || !ASSISTANT_ROLES.has(last.role)) {
    throw new RowError('messages', `expected the rollout as the last message with role "assistant", got role "${last?.role ?? 'none'}"`);
  }
  const before = messages.slice(0, -1);
  const system = before
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const rolloutStart = toolRolloutStart(before);
  const turns = before.slice(0, rolloutStart).filter((message) => message.role !== 'system');
  const prompt = turns.length === 1 ? turns[0]!.content : turns.map((message) => `${message.role}: ${message.content}`).join('\n\n');
  const context = toolContext(before.slice(rolloutStart).filter((message) => message.role !== 'system'));

  const nested = record.metadata;
  if (nested !== undefined && nested !== null && (typeof nested !== 'object' || Array.isArray(nested))) {
    throw new RowError('metadata', `expected an object, got ${describe(nested)}`);
  }
  const metadata: Record<string, unknown> = { ...((nested as Record<string, unknown> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(record)) {
    if (!NOVA_KNOWN.has(key)) metadata[key] = value;
  }
  const reference = record.reference_answer ?? (nested as Record<string, unknown> | undefined)?.reference_answer;
  return { id: readId(record.id, fallbackId), prompt, system, response: last.content, context, reference, metadata };
}

/**
 * Where the rollout's own earlier turns start: after the last user turn, when the turns from there on used a
 * tool (a tool turn, or an assistant turn with tool_calls). Otherwise `before.length`: no tool turns, and the
 * whole conversation is the prompt, as it always was.
 */
function toolRolloutStart(before: readonly ChatMessage[]): number {
  let lastUser = -1;
  before.forEach((message, index) => {
    if (message.role === 'user') lastUser = index;
  });
  const rollout = before.slice(lastUser + 1);
  return rollout.some((message) => message.role === 'tool' || message.toolCalls.length > 0) ? lastUser + 1 : before.length;
}

/** The rollout's turns before its answer, labelled for the judge; tool results are named after their call. */
function toolContext(turns: readonly ChatMessage[]): string {
  const callNames = new Map<string, string>();
  const parts: string[] = [];
  for (const turn of turns) {
    if (turn.role === 'tool') {
      const name = turn.toolName ?? (turn.toolCallId !== undefined ? callNames.get(turn.toolCallId) : undefined) ?? 'tool';
      parts.push(`[tool result ${name}] ${turn.content}`);
      continue;
    }
    if (turn.content.trim() !== '') parts.push(`[${turn.role}] ${turn.content}`);
    for (const call of turn.toolCalls) {
      if (call.id !== undefined) callNames.set(call.id, call.name);
      parts.push(`[tool call ${call.name}] ${call.arguments}`);
    }
  }
  return parts.join('\n\n');
}

function plainRow(record: Record<string, unknown>, input: InputSpec, fallbackId: string): RowView {
  const response = selectOne(record, input.response);
  if (response === undefined || response === null) {
    throw new RowError(input.response, 'expected the response text (a string), but the field is missing');
  }
  if (typeof response !== 'string') throw new RowError(input.response, `expected a string, got ${describe(response)}`);
  const prompt = selectOne(record, input.prompt);
  if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') {
    throw new RowError(input.prompt, `expected a string, got ${describe(prompt)}`);
  }
  const used = new Set([input.id, input.prompt, input.response, input.reference, 'metadata', 'system']);
  const nested = record.metadata;
  const metadata: Record<string, unknown> =
    nested && typeof nested === 'object' && !Array.isArray(nested) ? { ...(nested as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(record)) {
    if (!used.has(key)) metadata[key] = value;
  }
  const system = typeof record.system === 'string' ? record.system : '';
  return {
    id: readId(selectOne(record, input.id), fallbackId),
    prompt: prompt ?? '',
    system,
    response,
    context: '',
    reference: selectOne(record, input.reference),
    metadata,
  };
}

function readMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RowError('messages', `expected a non-empty array of chat messages, got ${describe(value)}`);
  }
  return value.map((message, index) => {
    if (message === null || typeof message !== 'object') {
      throw new RowError(`messages[${index}]`, `expected {role, content}, got ${describe(message)}`);
    }
    const { role, content, name, tool_call_id: toolCallId } = message as Record<string, unknown>;
    const canonical = canonicalRole(role);
    if (canonical === undefined) throw new RowError(`messages[${index}].role`, `expected ${EXPECTED_ROLES}, got ${describe(role)}`);
    return {
      role: canonical,
      content: contentText(content, index),
      toolCalls: readToolCalls((message as Record<string, unknown>).tool_calls, index),
      ...(canonical === 'tool' && typeof name === 'string' && name !== '' ? { toolName: name } : {}),
      ...(typeof toolCallId === 'string' ? { toolCallId } : {}),
    };
  });
}

/** `tool_calls`: [{id?, type: "function", function: {name, arguments}}] (arguments a JSON string or, from TRL, an object). */
function readToolCalls(value: unknown, index: number): ToolCall[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RowError(`messages[${index}].tool_calls`, `expected a list of tool calls, got ${describe(value)}`);
  return value.map((call, callIndex) => {
    const field = `messages[${index}].tool_calls[${callIndex}]`;
    if (call === null || typeof call !== 'object' || Array.isArray(call)) {
      throw new RowError(field, `expected {type: "function", function: {name, arguments}}, got ${describe(call)}`);
    }
    const record = call as Record<string, unknown>;
    const target = record.function !== null && typeof record.function === 'object' ? (record.function as Record<string, unknown>) : record;
    const name = typeof target.name === 'string' && target.name !== '' ? target.name : 'unnamed';
    const args = target.arguments ?? target.args ?? target.parameters;
    const text = typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args);
    return { ...(typeof record.id === 'string' ? { id: record.id } : {}), name, arguments: text };
  });
}

/** Message content is a string or an array of parts ({type: "text", text}); other parts are skipped. */
function contentText(content: unknown, index: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .join('');
  }
  throw new RowError(`messages[${index}].content`, `expected a string or a list of text parts, got ${describe(content)}`);
}

function readId(value: unknown, fallbackId: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === undefined || value === null || value === '') return fallbackId;
  throw new RowError('id', `expected a string, got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`;
}

/**
 * The object selectors resolve against: the RowView fields plus `response_json`, the response parsed
 * as JSON (lazily, once; undefined when it is not JSON).
 */
export interface RowContext {
  view: RowView;
  responseJson(): ResponseJson;
  select(selector: string): unknown[];
}

export function createRowContext(view: RowView, allowFenced = true): RowContext {
  let parsed: ResponseJson | undefined;
  const responseJson = () => (parsed ??= parseResponseJson(view.response, allowFenced));
  const root: Record<string, unknown> = { ...view };
  Object.defineProperty(root, 'response_json', {
    enumerable: true,
    get: () => {
      const result = responseJson();
      return result.ok ? result.value : undefined;
    },
  });
  return { view, responseJson, select: (selector) => selectAll(root, selector) };
}
