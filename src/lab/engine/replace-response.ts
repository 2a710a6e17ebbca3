/**
 * A copy of a row with a different response — for reward-hacking probes and for regression cases that
 * edit a rollout. Nova rows get the new text as the last assistant message; plain rows in the field the
 * spec's `input.response` names. The original row is never modified.
 */
import { isAssistantRole } from '../../input/row-view.js';
import { parseSelector } from '../../input/selector.js';
import type { InputSpec } from '../../spec/schema.js';
import { LabError } from '../lab-error.js';

export function replaceResponse(row: Record<string, unknown>, input: InputSpec, response: string): Record<string, unknown> {
  const copy = structuredClone(row);
  const useNova = input.format === 'nova' || (input.format === 'auto' && 'messages' in copy);
  if (useNova) {
    const messages = copy.messages;
    const last = Array.isArray(messages) ? (messages[messages.length - 1] as Record<string, unknown> | undefined) : undefined;
    if (!last || typeof last !== 'object' || !isAssistantRole(last.role)) {
      throw new LabError('input', 'cannot replace the response: the row has no assistant message last');
    }
    last.content = response;
    return copy;
  }
  const steps = parseSelector(input.response);
  if (!steps || steps.some((step) => !('key' in step) && !('index' in step)))
    throw new LabError('input', `cannot write a response at "${input.response}"`);
  let target: unknown = copy;
  for (let index = 0; index < steps.length - 1; index += 1) {
    const step = steps[index]!;
    const next: unknown =
      'key' in step ? (target as Record<string, unknown>)[step.key] : (target as unknown[])[(step as { index: number }).index];
    if (next === null || typeof next !== 'object')
      throw new LabError('input', `cannot replace the response: "${input.response}" does not lead to an object in this row`);
    target = next;
  }
  const last = steps[steps.length - 1]!;
  if ('key' in last) (target as Record<string, unknown>)[last.key] = response;
  else (target as unknown[])[(last as { index: number }).index] = response;
  return copy;
}
