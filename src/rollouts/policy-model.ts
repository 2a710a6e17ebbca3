/**
 * The policy model: the model whose baseline rollouts are made, over the same AI SDK providers as the judges
 * (models/create-language-model.ts). Unlike a judge's system + user prompt it takes a whole conversation, and asks
 * for free text at the spec's sampling settings (temperature, top_p, max_tokens) and the request's seed. One
 * `generate` is one attempt; retries and admission are the runtime's (policy-sampler.ts).
 */
import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { createArrivalReportingModel } from '../models/arrival-reporting-model.js';
import { modelKey, type GenerateOptions, type JudgeReply } from '../models/judge-model.js';
import { resolveMaxTokens } from '../models/max-tokens.js';
import type { ModelSpec } from '../spec/schema.js';
import type { GenerationRequest, PolicyMessage } from './generation-request.js';

/** A reply of the policy: its text (reasoning parts left out), finish reason, token usage and headers — a judge reply's shape. */
export type PolicyReply = JudgeReply;

export interface PolicyModel {
  /** provider:model@endpoint. */
  readonly key: string;
  readonly spec: ModelSpec;
  generate(request: GenerationRequest, signal: AbortSignal, options?: GenerateOptions): Promise<PolicyReply>;
}

/** A PolicyModel over the spec's AI SDK provider (or the given language model, as tests and the local provider may). */
export function createPolicyModel(spec: ModelSpec, languageModel?: LanguageModelV3): PolicyModel {
  const { model, onArrival } = createArrivalReportingModel(spec, languageModel);
  return {
    key: modelKey(spec),
    spec,
    async generate(request, signal, options = {}) {
      onArrival(signal, options.onResponseArrived);
      const result = await model.doGenerate({
        prompt: sdkPrompt(request.prompt),
        temperature: spec.temperature,
        ...(spec.top_p !== undefined ? { topP: spec.top_p } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        maxOutputTokens: resolveMaxTokens(spec),
        abortSignal: signal,
      });
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      return {
        text,
        finishReason: result.finishReason.unified,
        usage: { input_tokens: result.usage.inputTokens.total ?? 0, output_tokens: result.usage.outputTokens.total ?? 0 },
        ...(result.response?.headers ? { headers: result.response.headers } : {}),
      };
    },
  };
}

function sdkPrompt(messages: readonly PolicyMessage[]): LanguageModelV3Prompt {
  return messages.map((message) =>
    message.role === 'system'
      ? { role: 'system', content: message.text }
      : { role: message.role, content: [{ type: 'text', text: message.text }] },
  );
}
