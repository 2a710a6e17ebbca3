/**
 * Maps OpenRLHF's remote-reward request to rows and the results back. OpenRLHF sends each query as the
 * prompt and the response decoded together with the chat template and special tokens, so the response is
 * the query minus its prompt prefix, with trailing end-of-sequence tokens removed. The label becomes the
 * reference. A query that does not start with its prompt cannot be split: that row gets the neutral
 * reward, flagged `row_error`, and the problem is logged — the training step itself never fails on it.
 */
import type { RewardResult } from '../result.js';
import type { OpenRlhfRequest, OpenRlhfResponse } from './openrlhf-contract.js';
import { componentScoresOf, DIAGNOSTIC_NAMES, diagnosticsOf, trainerRewardOf } from './reward-diagnostics.js';

/** End-of-turn / end-of-sequence tokens of common chat templates, removed from the end of a response. */
export const DEFAULT_END_TOKENS = ['<|im_end|>', '<|endoftext|>', '<|eot_id|>', '<|end_of_text|>', '<|end|>', '<end_of_turn>', '</s>', '<｜end▁of▁sentence｜>', '<|return|>'];

export type OpenRlhfRow = { row: Record<string, unknown> } | { error: RewardResult };

export function openRlhfRows(request: OpenRlhfRequest, endTokens: readonly string[] = DEFAULT_END_TOKENS): OpenRlhfRow[] {
  return request.query.map((query, index) => {
    const id = `query-${index}`;
    const prompt = request.prompts?.[index] ?? '';
    if (!query.startsWith(prompt)) {
      return { error: unreadable(id, `query[${index}]`, `expected the query to start with prompts[${index}] (the prompt text, chat template included), but it does not; cannot tell the response apart`) };
    }
    const response = stripEndTokens(query.slice(prompt.length), endTokens);
    const label = request.labels?.[index];
    const row: Record<string, unknown> = {
      id,
      messages: [
        { role: 'user', content: prompt },
        { role: 'assistant', content: response },
      ],
      ...(label === undefined || label === null ? {} : { reference_answer: label }),
    };
    return { row };
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

export function openRlhfResponse(results: readonly RewardResult[], components: readonly string[], range: readonly [number, number], neutral: number): OpenRlhfResponse {
  const [low, high] = range;
  const rewards = results.map((result) => trainerRewardOf(result, neutral));
  const scores = rewards.map((reward) => Math.round(Math.min(1, Math.max(0, (reward - low) / (high - low))) * 1e6) / 1e6);
  const extraLogs: Record<string, number[]> = {};
  // fixed keys, one number per query: a component that did not score for a row logs 0 (the flags say why)
  for (const name of components) extraLogs[name] = results.map((result) => componentScoresOf(result).find((component) => component.name === name)?.score ?? 0);
  for (const name of DIAGNOSTIC_NAMES) {
    const key = name in extraLogs ? `rewardkit_${name}` : name;
    extraLogs[key] = results.map((result) => diagnosticsOf(result)[name]!);
  }
  return { rewards, scores, extra_logs: extraLogs };
}

function unreadable(id: string, field: string, message: string): RewardResult {
  return { id, reward: null, neutral: false, gated_by: null, flags: ['row_error'], metrics: {}, components: [], error: { field, message: `${field}: ${message}` } };
}
