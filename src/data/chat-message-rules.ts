/**
 * The checks every chat-format dataset row shares (Nova RFT, OpenAI RFT, verl's `prompt`): a non-empty list of
 * messages, each with a role rewardkit reads (the role table is src/input/row-view.ts's, so a dataset and the
 * scored rows built from it accept the same roles) and content. Returns the canonical roles in order, for the
 * format's own ordering rules and the summary's role counts.
 *
 * A dataset row holds the prompt only: unlike a scored row (row-view.ts), it has no rollout yet, so no rule here
 * asks for an assistant turn at the end.
 */
import { canonicalRole } from '../input/row-view.js';
import type { ProblemList } from './dataset-problem.js';

const EXPECTED_ROLE = 'one of system | developer | user | assistant | bot | nova_assistant | tool (any case)';

export interface CheckedMessages {
  /** Each message's canonical role (undefined where the role was not readable). */
  roles: (string | undefined)[];
  /** Each message's role as written, lower case (for the summary). */
  written: (string | undefined)[];
}

export function checkMessages(value: unknown, field: string, problems: ProblemList): CheckedMessages | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.add('messages', field, value, 'a non-empty list of chat messages ({role, content})');
    return undefined;
  }
  const roles: (string | undefined)[] = [];
  const written: (string | undefined)[] = [];
  value.forEach((message: unknown, index) => {
    const at = `${field}[${index}]`;
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      problems.add('message', at, message, 'a message object {role, content}');
      roles.push(undefined);
      written.push(undefined);
      return;
    }
    const record = message as Record<string, unknown>;
    const role = canonicalRole(record.role);
    roles.push(role);
    written.push(typeof record.role === 'string' ? record.role.trim().toLowerCase() : undefined);
    if (role === undefined) problems.add('role', `${at}.role`, record.role, EXPECTED_ROLE);
    checkContent(record, role, at, problems);
  });
  return { roles, written };
}

/**
 * Content: a non-empty string, or a non-empty list of parts. An assistant turn that calls tools may have no text
 * (null, absent or ""), as the OpenAI chat format allows.
 */
function checkContent(record: Record<string, unknown>, role: string | undefined, at: string, problems: ProblemList): void {
  const content = record.content;
  const callsTools = Array.isArray(record.tool_calls) && record.tool_calls.length > 0;
  if (callsTools && (content === undefined || content === null || content === '')) return;
  if (typeof content === 'string' ? content.trim() !== '' : Array.isArray(content) && content.length > 0) return;
  const expected =
    role === 'assistant' || role === 'nova_assistant'
      ? 'a non-empty string or list of content parts (or tool_calls with no content)'
      : 'a non-empty string or list of content parts';
  problems.add('content', `${at}.content`, content, expected);
}
