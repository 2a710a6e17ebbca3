/**
 * OpenAI reinforcement fine-tuning rows (o-series RFT; the same JSONL Bedrock's OpenAI-compatible RFT takes):
 *   - `messages` and `tools` are the only reserved keys; every other field reaches the graders as `{{item.FIELD}}`
 *     (OpenAI API reference, FineTuneReinforcementRequestInput: https://platform.openai.com/docs/api-reference/fine-tuning/reinforcement-input)
 *   - the final message must be from the user, since the model writes the answer
 *     (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/reinforcement-fine-tuning, "Training & evaluation
 *     file formation requirements")
 * Message roles and content use the shared chat rules; `id`, when present, must be a non-empty string as for Nova.
 */
import { checkMessages } from './chat-message-rules.js';
import type { ProblemList } from './dataset-problem.js';
import { checkId } from './nova-dataset-rules.js';
import { referenceKind, type RowFacts } from './row-facts.js';

export function checkOpenAiRow(record: Record<string, unknown>, problems: ProblemList): RowFacts {
  const checked = checkMessages(record.messages, 'messages', problems);
  if (checked) {
    const last = checked.roles.length - 1;
    if (checked.roles[last] !== 'user' && checked.roles[last] !== undefined) {
      problems.addFound(
        'last-not-user',
        `messages[${last}].role`,
        `the role "${checked.written[last]}"`,
        'the last message from the user (the model writes the answer)',
      );
    }
    if (!checked.roles.includes('user')) {
      problems.addFound(
        'no-user-message',
        'messages',
        `roles ${checked.roles.map((role) => role ?? '?').join(', ')}`,
        'at least one user message',
      );
    }
  }
  if (record.tools !== undefined && !Array.isArray(record.tools)) problems.add('tools', 'tools', record.tools, 'a list of tools');
  const id = checkId(record, problems);
  return {
    roles: (checked?.written ?? []).filter((role): role is string => role !== undefined),
    ...(id === undefined ? {} : { id }),
    reference: referenceKind(record.reference_answer),
    tools: Array.isArray(record.tools) && record.tools.length > 0,
  };
}
