/**
 * verl RL dataset rows (parquet), as verl's data preparation guide describes them (docs/preparation/prepare_data.rst
 * in volcengine/verl): `data_source` (names the reward function), `prompt` (chat messages in the HF chat-template
 * format), `ability`, `reward_model` {style, ground_truth} (the ground truth the reward compares against) and
 * `extra_info`. The prompt's messages use the shared chat rules, plus the Nova ordering (a system message first),
 * since rewardkit's Nova-style rows are built from them.
 */
import { checkMessages } from './chat-message-rules.js';
import type { ProblemList } from './dataset-problem.js';
import { referenceKind, type RowFacts } from './row-facts.js';

export function checkVerlRow(record: Record<string, unknown>, problems: ProblemList): RowFacts {
  if (typeof record.data_source !== 'string' || record.data_source === '') {
    problems.add('verl-field', 'data_source', record.data_source, 'a non-empty string naming the reward function');
  }
  const checked = checkMessages(record.prompt, 'prompt', problems);
  if (checked && !checked.roles.includes('user')) {
    problems.addFound(
      'no-user-message',
      'prompt',
      `roles ${checked.roles.map((role) => role ?? '?').join(', ')}`,
      'at least one user message',
    );
  }
  checked?.roles.forEach((role, index) => {
    if (role === 'system' && index !== 0) {
      problems.addFound(
        'system-not-first',
        `prompt[${index}].role`,
        `a system message at position ${index + 1}`,
        'a system message only as the first message',
      );
    }
  });
  const rewardModel = record.reward_model;
  let groundTruth: unknown;
  if (rewardModel === null || typeof rewardModel !== 'object' || Array.isArray(rewardModel)) {
    problems.add('verl-field', 'reward_model', rewardModel, 'an object {style, ground_truth}');
  } else {
    groundTruth = (rewardModel as Record<string, unknown>).ground_truth;
    if (groundTruth === undefined || groundTruth === null || groundTruth === '') {
      problems.add('verl-field', 'reward_model.ground_truth', groundTruth, 'the ground truth the reward function compares against');
    }
  }
  if (record.ability !== undefined && record.ability !== null && typeof record.ability !== 'string') {
    problems.add('verl-field', 'ability', record.ability, 'a string (the task category)');
  }
  const extra = record.extra_info;
  if (extra !== undefined && extra !== null && (typeof extra !== 'object' || Array.isArray(extra))) {
    problems.add('verl-field', 'extra_info', extra, 'an object');
  }
  const id = extra && typeof extra === 'object' ? (extra as Record<string, unknown>).id : undefined;
  return {
    roles: (checked?.written ?? []).filter((role): role is string => role !== undefined),
    ...(typeof id === 'string' && id !== '' ? { id } : {}),
    reference: referenceKind(groundTruth),
    tools: false,
  };
}
