/**
 * One generation request: a dataset row's prompt — its chat messages, with the --system override in place — sent to
 * the policy model for ONE sample. Each of a row's n samples is its own request (its own call, retried on its own);
 * with a --seed, sample k asks with seed + k so the samples still differ on providers that honour a seed.
 * A prompt the policy cannot be sent (a tool turn, an image part, no user message) is a problem naming the field.
 */
import { canonicalRole, describe } from '../input/row-view.js';

/** A prompt message as the policy model receives it: one of three roles, plain text. */
export interface PolicyMessage {
  role: 'system' | 'user' | 'assistant';
  text: string;
}

export interface GenerationRequest {
  /** The dataset row's id (or `line-N`): the group id of its rollouts. */
  rowId: string;
  /** 0-based sample index within the row. */
  sample: number;
  /** The prompt as sent. */
  prompt: PolicyMessage[];
  /** The provider seed of this sample (--seed + sample), when --seed is given. */
  seed?: number;
}

/** The row's messages as they go out (system override applied), or the first field that cannot be sent. */
export type PromptResult = { messages: Record<string, unknown>[]; prompt: PolicyMessage[] } | { problem: string };

/**
 * The prompt of a row: `system` (--system) replaces the row's system messages (or is put first when it has none).
 * `messages` is what the output row carries (the row's own message objects, the override as {role, content}).
 */
export function promptOf(rowMessages: readonly Record<string, unknown>[], system?: string): PromptResult {
  const messages =
    system === undefined
      ? [...rowMessages]
      : [{ role: 'system', content: system }, ...rowMessages.filter((message) => canonicalRole(message.role) !== 'system')];
  const prompt: PolicyMessage[] = [];
  for (const [index, message] of messages.entries()) {
    const field = `messages[${index}]`;
    const role = canonicalRole(message.role);
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      return {
        problem: `${field}.role: expected system, user or assistant (a tool turn cannot be sent for a rollout), got ${describe(message.role)}`,
      };
    }
    if (message.tool_calls !== undefined) return { problem: `${field}.tool_calls: a tool call cannot be sent for a rollout` };
    const text = textOf(message.content);
    if (typeof text !== 'string') return { problem: `${field}.content: ${text.problem}` };
    prompt.push({ role, text });
  }
  if (!prompt.some((message) => message.role === 'user')) return { problem: 'messages: expected at least one user message, found none' };
  const last = prompt[prompt.length - 1]!;
  if (last.role === 'assistant') {
    return {
      problem: `messages[${prompt.length - 1}]: the prompt ends with an assistant turn; expected the conversation to end with the user's`,
    };
  }
  return { messages, prompt };
}

/** A message's content as text: a string, or a list of text parts ({type: "text", text}) joined. */
function textOf(content: unknown): string | { problem: string } {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts: string[] = [];
    for (const [index, part] of content.entries()) {
      const item = part as { type?: unknown; text?: unknown } | null;
      if (item === null || typeof item !== 'object' || item.type !== 'text' || typeof item.text !== 'string') {
        return { problem: `part ${index}: expected a text part {type: "text", text}, got ${describe(part)}` };
      }
      texts.push(item.text);
    }
    return texts.join('');
  }
  return { problem: `expected text or a list of text parts, got ${describe(content)}` };
}

/** The n requests of one row; those already written (`done`, by sample index) are left out. */
export function generationRequests(
  rowId: string,
  prompt: PolicyMessage[],
  n: number,
  seed: number | undefined,
  isDone: (sample: number) => boolean,
): GenerationRequest[] {
  const requests: GenerationRequest[] = [];
  for (let sample = 0; sample < n; sample++) {
    if (isDone(sample)) continue;
    requests.push({ rowId, sample, prompt, ...(seed === undefined ? {} : { seed: seed + sample }) });
  }
  return requests;
}
