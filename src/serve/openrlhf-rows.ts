/**
 * Maps OpenRLHF's remote-reward request to rows and the results back. OpenRLHF sends each query as the
 * prompt and the response decoded together with the chat template and special tokens, so the response is
 * the query minus its prompt (query-split.ts: exact, ignoring whitespace next to special tokens, a
 * left-truncated prompt, or after the last assistant-turn marker), with trailing end-of-sequence tokens
 * removed. The label becomes the reference. How each query was split is the row's `prompt_match` and, in
 * extra_logs, `prompt_match_whitespace` / `_truncated` / `_assistant_marker` (0/1). A query that cannot be
 * split gets the neutral reward, flagged `row_error`, and the problem is logged — the training step itself
 * never fails on it.
 */
import { rowErrorResult } from '../input/row-error.js';
import type { RewardResult } from '../result.js';
import { round6 } from '../round6.js';
import type { OpenRlhfRequest, OpenRlhfResponse } from './openrlhf-contract.js';
import { splitQuery, type PromptMatch } from './query-split.js';
import { componentScoresOf, DIAGNOSTIC_NAMES, diagnosticsOf, trainerRewardOf } from './reward-diagnostics.js';

/** End-of-turn / end-of-sequence tokens of common chat templates, removed from the end of a response. */
export const DEFAULT_END_TOKENS = [
  '<|im_end|>',
  '<|endoftext|>',
  '<|eot_id|>',
  '<|end_of_text|>',
  '<|end|>',
  '<end_of_turn>',
  '</s>',
  '<｜end▁of▁sentence｜>',
  '<|return|>',
];

export type OpenRlhfRow = { row: Record<string, unknown>; promptMatch: PromptMatch } | { error: RewardResult };

/** The extra_logs keys that say how queries were split (an exact split is all three 0). */
export const PROMPT_MATCH_LOGS: ReadonlyArray<readonly [string, PromptMatch]> = [
  ['prompt_match_whitespace', 'whitespace'],
  ['prompt_match_truncated', 'truncated'],
  ['prompt_match_assistant_marker', 'assistant_marker'],
];

export function openRlhfRows(request: OpenRlhfRequest, endTokens: readonly string[] = DEFAULT_END_TOKENS): OpenRlhfRow[] {
  return request.query.map((query, index) => {
    const id = `query-${index}`;
    const prompt = request.prompts?.[index] ?? '';
    const split = splitQuery(query, prompt);
    if (!split) {
      return {
        error: unreadable(
          id,
          `query[${index}]`,
          `expected the query to start with prompts[${index}] (the prompt text, chat template included; whitespace next to special tokens ` +
            'ignored, a left-truncated prompt accepted) or to hold an assistant-turn marker ([/INST], <|start_header_id|>assistant<|end_header_id|>, ' +
            '<|im_start|>assistant, <start_of_turn>model, …), but it has neither; cannot tell the response apart',
        ),
      };
    }
    const response = stripEndTokens(split.response, endTokens);
    const label = request.labels?.[index];
    const row: Record<string, unknown> = {
      id,
      messages: [
        { role: 'user', content: prompt },
        { role: 'assistant', content: response },
      ],
      ...(label === undefined || label === null ? {} : { reference_answer: label }),
      prompt_match: split.match,
    };
    return { row, promptMatch: split.match };
  });
}

/** Removes trailing end tokens (and the whitespace around them), repeatedly: "answer<|im_end|>\n</s>" → "answer". */
export function stripEndTokens(text: string, endTokens: readonly string[]): string {
  let current = text;
  let stripped = false;
  for (;;) {
    const trimmed = current.trimEnd();
    const token = endTokens.find((candidate) => candidate !== '' && trimmed.endsWith(candidate));
    if (!token) return stripped ? trimmed : text;
    current = trimmed.slice(0, -token.length);
    stripped = true;
  }
}

/** `promptMatches` (one per query, undefined for an unreadable one): adds the PROMPT_MATCH_LOGS keys. */
export function openRlhfResponse(
  results: readonly RewardResult[],
  components: readonly string[],
  range: readonly [number, number],
  neutral: number,
  promptMatches?: ReadonlyArray<PromptMatch | undefined>,
): OpenRlhfResponse {
  const [low, high] = range;
  const rewards = results.map((result) => trainerRewardOf(result, neutral));
  const scores = rewards.map((reward) => round6(Math.min(1, Math.max(0, (reward - low) / (high - low)))));
  const extraLogs: Record<string, number[]> = {};
  // fixed keys, one number per query: a component that did not score for a row logs 0 (the flags say why)
  for (const name of components)
    extraLogs[name] = results.map((result) => componentScoresOf(result).find((component) => component.name === name)?.score ?? 0);
  for (const name of DIAGNOSTIC_NAMES) {
    const key = name in extraLogs ? `rewardkit_${name}` : name;
    extraLogs[key] = results.map((result) => diagnosticsOf(result)[name]!);
  }
  if (promptMatches) {
    for (const [name, match] of PROMPT_MATCH_LOGS)
      extraLogs[name in extraLogs ? `rewardkit_${name}` : name] = results.map((_result, index) => (promptMatches[index] === match ? 1 : 0));
  }
  return { rewards, scores, extra_logs: extraLogs };
}

function unreadable(id: string, field: string, message: string): RewardResult {
  return rowErrorResult(id, { field, message: `${field}: ${message}` });
}
