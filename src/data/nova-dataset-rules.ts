/**
 * Amazon Nova RFT dataset rows (SageMaker training jobs, HyperPod, Bedrock): the rules AWS documents for one JSONL
 * row of the training set, before any rollout exists.
 *   - `messages`: required; roles system, user, optionally assistant; at least one user message; a system message,
 *     if any, first. (https://docs.aws.amazon.com/nova/latest/nova2-userguide/nova-data-prep-rft-2.html;
 *     https://docs.aws.amazon.com/sagemaker/latest/dg/nova-hp-rft-nova2.html; the same checks in AWS's validator,
 *     aws/nova-forge-sdk rft_dataset_validator.py)
 *   - `reference_answer`: optional here (the SDK's validator treats it so), but when present a non-empty string or
 *     object; `id`: optional, a non-empty string; `tools`: optional, a non-empty list of function tools
 *     {type: "function", function: {name, description, parameters: {type: "object", properties}}} with unique names.
 *   - every other field is passed through to the reward Lambda: never a problem.
 * The whole-file limits (row counts) are in dataset-limits.ts.
 */
import { checkMessages } from './chat-message-rules.js';
import type { ProblemList } from './dataset-problem.js';
import { referenceKind, type RowFacts } from './row-facts.js';

export function checkNovaRow(record: Record<string, unknown>, problems: ProblemList): RowFacts {
  const checked = checkMessages(record.messages, 'messages', problems);
  if (checked) {
    const { roles } = checked;
    if (!roles.includes('user')) {
      problems.addFound('no-user-message', 'messages', `roles ${roles.map((role) => role ?? '?').join(', ')}`, 'at least one user message');
    }
    roles.forEach((role, index) => {
      if (role === 'system' && index !== 0) {
        problems.addFound(
          'system-not-first',
          `messages[${index}].role`,
          `a system message at position ${index + 1}`,
          'a system message only as the first message',
        );
      }
    });
  }
  const id = checkId(record, problems);
  checkReference(record, problems);
  const tools = checkTools(record.tools, problems);
  return {
    roles: (checked?.written ?? []).filter((role): role is string => role !== undefined),
    ...(id === undefined ? {} : { id }),
    reference: referenceKind(record.reference_answer),
    tools,
  };
}

/** `id`: absent, or a non-empty string. Returns the id for duplicate detection. */
export function checkId(record: Record<string, unknown>, problems: ProblemList): string | undefined {
  if (!('id' in record) || record.id === null) return undefined;
  if (typeof record.id === 'string' && record.id.trim() !== '') return record.id;
  problems.add('id', 'id', record.id, 'a non-empty string (or no id)');
  return undefined;
}

function checkReference(record: Record<string, unknown>, problems: ProblemList): void {
  if (!('reference_answer' in record)) return;
  const value = record.reference_answer;
  const ok =
    (typeof value === 'string' && value.trim() !== '') ||
    (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0);
  if (!ok) problems.add('reference-answer', 'reference_answer', value, 'a non-empty string or a non-empty object');
}

/** `tools`: absent, or a non-empty list of function tools with unique names. */
function checkTools(value: unknown, problems: ProblemList): boolean {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value) || value.length === 0) {
    problems.add('tools', 'tools', value, 'a non-empty list of tools (or no tools field)');
    return false;
  }
  const seen = new Set<string>();
  value.forEach((tool: unknown, index) => {
    const at = `tools[${index}]`;
    const record = tool !== null && typeof tool === 'object' ? (tool as Record<string, unknown>) : undefined;
    if (record?.type !== 'function') {
      problems.add('tools', `${at}.type`, record ? record.type : tool, 'the string "function"');
    }
    const fn = record?.function !== null && typeof record?.function === 'object' ? (record.function as Record<string, unknown>) : undefined;
    if (!fn) {
      problems.add('tools', `${at}.function`, record?.function, 'an object {name, description, parameters}');
      return;
    }
    for (const key of ['name', 'description'] as const) {
      if (typeof fn[key] !== 'string' || fn[key].trim() === '')
        problems.add('tools', `${at}.function.${key}`, fn[key], 'a non-empty string');
    }
    const parameters = fn.parameters as Record<string, unknown> | undefined;
    if (
      parameters === null ||
      typeof parameters !== 'object' ||
      parameters.type !== 'object' ||
      parameters.properties === null ||
      typeof parameters.properties !== 'object'
    ) {
      problems.add('tools', `${at}.function.parameters`, parameters, 'a JSON schema {type: "object", properties: {…}}');
    }
    if (typeof fn.name === 'string') {
      if (seen.has(fn.name)) problems.add('tools', `${at}.function.name`, fn.name, 'a tool name not used by another tool of the row');
      seen.add(fn.name);
    }
  });
  return true;
}
