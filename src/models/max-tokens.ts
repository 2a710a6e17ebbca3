/**
 * The output-token budget of a judge call. The model spec's `max_tokens` wins; when it is unset, reasoning
 * models — which spend tokens thinking before they write the verdict — get REASONING_MAX_TOKENS and every
 * other model DEFAULT_MAX_TOKENS. A reply cut by the budget is asked again once with twice the budget
 * (JudgeRequest.maxTokensScale, set in one place: judges/judge.ts).
 */
import type { ModelSpec } from '../spec/schema.js';

export const DEFAULT_MAX_TOKENS = 1024;
export const REASONING_MAX_TOKENS = 8192;

/**
 * Model ids of reasoning models, matched case-insensitively anywhere in the id (so "openai/o3", Bedrock's
 * "deepseek.r1-v1:0" and Ollama's "deepseek-r1:8b" all match).
 */
const REASONING_MODEL_IDS: readonly RegExp[] = [
  /(^|[^a-z0-9])o[1-9]([^a-z0-9]|$)/, // OpenAI o1, o3, o3-mini, o4-mini (not gpt-4o)
  /gpt-5/, // gpt-5, gpt-5-mini, gpt-5.1
  /gpt-oss/,
  /deepseek[-._]?r1|deepseek-reasoner/,
  /(^|[^a-z0-9])r1([^a-z0-9]|$)/, // r1-1776 and other R1 fine-tunes
  /thinking/, // Qwen3-…-Thinking-2507, claude-…:thinking, kimi-k2-thinking
  /qwq/,
  /reasoning|magistral/, // phi-4-reasoning, Magistral
];

/** Qwen3 hybrid models (qwen3-8b, Qwen/Qwen3-32B) think by default; the -Instruct-2507 releases do not. */
const QWEN3_HYBRID = /qwen3/;
const QWEN3_NON_THINKING = /instruct/;

export function isReasoningModel(modelId: string): boolean {
  const id = modelId.toLowerCase();
  if (REASONING_MODEL_IDS.some((pattern) => pattern.test(id))) return true;
  return QWEN3_HYBRID.test(id) && !QWEN3_NON_THINKING.test(id);
}

/** The budget of a call to this model when the request does not scale it. */
export function resolveMaxTokens(spec: Pick<ModelSpec, 'model' | 'max_tokens'>): number {
  return spec.max_tokens ?? (isReasoningModel(spec.model) ? REASONING_MAX_TOKENS : DEFAULT_MAX_TOKENS);
}

/** The budget of one request: the model's, times the request's `maxTokensScale` (a retry of a truncated reply). */
export function maxTokensFor(spec: Pick<ModelSpec, 'model' | 'max_tokens'>, request: { maxTokensScale?: number }): number {
  return resolveMaxTokens(spec) * (request.maxTokensScale ?? 1);
}
