/**
 * The output budget by model id: reasoning models (named by their public ids on OpenAI, Anthropic via
 * OpenRouter, Bedrock, Ollama and Hugging Face) get 8192 when the spec sets none; others 1024; a spec value wins.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TOKENS, isReasoningModel, maxTokensFor, REASONING_MAX_TOKENS, resolveMaxTokens } from './max-tokens.js';

const REASONING = [
  'o1',
  'o1-mini',
  'o3-mini',
  'o4-mini-2025-04-16',
  'openai/o3',
  'gpt-5',
  'gpt-5-mini',
  'gpt-5.1',
  'openai/gpt-oss-20b',
  'openai.gpt-oss-120b-1:0',
  'deepseek-r1:8b',
  'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B',
  'deepseek.r1-v1:0',
  'deepseek-reasoner',
  'perplexity/r1-1776',
  'Qwen/Qwen3-8B',
  'qwen3-8b',
  'qwen.qwen3-32b-v1:0',
  'Qwen/Qwen3-235B-A22B-Thinking-2507',
  'Qwen/QwQ-32B',
  'anthropic/claude-3.7-sonnet:thinking',
  'microsoft/Phi-4-reasoning',
  'mistralai/Magistral-Small-2506',
];

const PLAIN = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'claude-3-5-haiku-20241022',
  'us.anthropic.claude-sonnet-4-20250514-v1:0',
  'Qwen/Qwen3-30B-A3B-Instruct-2507',
  'Qwen/Qwen2.5-7B-Instruct',
  'meta-llama/Llama-3.1-8B-Instruct',
  'mistral-large-latest',
  'amazon.nova-pro-v1:0',
  'fake-judge',
];

describe('isReasoningModel', () => {
  it.each(REASONING)('%s is a reasoning model', (id) => {
    expect(isReasoningModel(id)).toBe(true);
  });

  it.each(PLAIN)('%s is not', (id) => {
    expect(isReasoningModel(id)).toBe(false);
  });
});

describe('resolveMaxTokens / maxTokensFor', () => {
  it('defaults to 1024, or 8192 for a reasoning model, and a spec value always wins', () => {
    expect([DEFAULT_MAX_TOKENS, REASONING_MAX_TOKENS]).toEqual([1024, 8192]);
    expect(resolveMaxTokens({ model: 'gpt-4o' })).toBe(1024);
    expect(resolveMaxTokens({ model: 'o3-mini' })).toBe(8192);
    expect(resolveMaxTokens({ model: 'o3-mini', max_tokens: 2000 })).toBe(2000);
    expect(resolveMaxTokens({ model: 'gpt-4o', max_tokens: 64 })).toBe(64);
  });

  it('scales the budget by the request (the truncation retry asks twice the budget)', () => {
    expect(maxTokensFor({ model: 'gpt-4o' }, {})).toBe(1024);
    expect(maxTokensFor({ model: 'gpt-4o' }, { maxTokensScale: 2 })).toBe(2048);
    expect(maxTokensFor({ model: 'gpt-5-mini' }, { maxTokensScale: 2 })).toBe(16_384);
  });
});
