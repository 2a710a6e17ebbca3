/**
 * The judge-model boundary, kept as small as the AI SDK's own provider spec: one `generate` call that
 * takes a system + user prompt (and optionally a JSON schema for the reply) and returns the raw text,
 * finish reason and token usage. Implemented once, over the AI SDK providers (create-language-model.ts).
 */
import type { JSONSchema7, LanguageModelV3, SharedV3ProviderOptions } from '@ai-sdk/provider';
import type { ModelSpec } from '../spec/schema.js';
import type { TokenUsage } from '../result.js';
import { createArrivalReportingModel } from './arrival-reporting-model.js';
import { maxTokensFor } from './max-tokens.js';

export interface JudgeRequest {
  system: string;
  user: string;
  /** JSON Schema of the verdict; sent as structured-output request when the model spec allows. */
  schema?: Record<string, unknown>;
  schemaName?: string;
  /** The verdict is read from plain text (a verdict format other than json): ask for no JSON at all. */
  plainText?: boolean;
  /** The judge template's version: part of the cache key, so editing a template never reuses old verdicts. */
  templateVersion?: string;
  /** Multiplies the model's max_tokens for this request (2: the one retry of a reply cut by max_tokens). */
  maxTokensScale?: number;
}

export interface JudgeReply {
  text: string;
  /** 'stop' | 'length' | 'content-filter' | … as reported by the provider. */
  finishReason: string;
  usage: TokenUsage;
  /** Response headers (rate-limit state), when the provider gives them. */
  headers?: Record<string, string>;
}

/** Per-call options of `generate`. */
export interface GenerateOptions {
  /**
   * Called once the call's whole response has arrived, before it is parsed: the provider's work is done (the runtime
   * frees the call's concurrency slot here). When it returns a promise, the response is handed to the SDK (and parsed)
   * only after it settles — the runtime's way to spread the parsing of many replies over turns of the event loop.
   * Only HTTP providers over our fetch report it.
   */
  onResponseArrived?: () => Promise<void> | void;
}

export interface JudgeModel {
  /** Identifies provider + model + endpoint; used to key limits (and later, caches). */
  readonly key: string;
  readonly spec: ModelSpec;
  generate(request: JudgeRequest, signal: AbortSignal, options?: GenerateOptions): Promise<JudgeReply>;
}

export function modelKey(spec: ModelSpec): string {
  return `${spec.provider}:${spec.model}${spec.base_url ? `@${spec.base_url}` : ''}`;
}

/**
 * A JudgeModel over an AI SDK provider model. It calls the provider spec's `doGenerate` directly — the
 * public boundary every @ai-sdk provider implements — rather than `generateText`, whose prompt validation,
 * step loop and telemetry cost more CPU per call than the whole judge call at thousands of calls a second
 * and add nothing here. JSON is requested with the verdict's schema (`structured_output: json_schema`),
 * plain JSON mode (`json_object`) or not at all (`none`); parsing is ours (judges/parse-judge-json.ts),
 * so a sloppy reply is repaired or reported with its text kept.
 * A call's `onResponseArrived` reaches this model's own fetch keyed by the call's signal (the one per-call value the
 * SDK hands its fetch); a `languageModel` given from outside has its own fetch and does not report arrivals.
 */
export function createJudgeModel(spec: ModelSpec, languageModel?: LanguageModelV3): JudgeModel {
  const { model, onArrival } = createArrivalReportingModel(spec, languageModel);
  return {
    key: modelKey(spec),
    spec,
    async generate(request, signal, options = {}) {
      onArrival(signal, options.onResponseArrived);
      const responseFormat =
        spec.structured_output === 'none' || request.plainText
          ? undefined
          : spec.structured_output === 'json_schema' && request.schema
            ? { type: 'json' as const, schema: request.schema as JSONSchema7, name: request.schemaName ?? 'verdict' }
            : { type: 'json' as const };
      const result = await model.doGenerate({
        prompt: [
          ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
          { role: 'user' as const, content: [{ type: 'text' as const, text: request.user }] },
        ],
        temperature: spec.temperature,
        ...(spec.top_p !== undefined ? { topP: spec.top_p } : {}),
        ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
        ...(spec.reasoning_effort !== undefined ? { providerOptions: reasoningEffortOptions(spec.reasoning_effort) } : {}),
        maxOutputTokens: maxTokensFor(spec, request),
        abortSignal: signal,
        ...(responseFormat ? { responseFormat } : {}),
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

/**
 * `reasoning_effort` as provider options: @ai-sdk/openai reads `openai`, @ai-sdk/openai-compatible (openai-compatible,
 * ollama) reads `openaiCompatible`; each sends the API's `reasoning_effort`. The spec allows it for those providers only.
 */
function reasoningEffortOptions(effort: NonNullable<ModelSpec['reasoning_effort']>): SharedV3ProviderOptions {
  return { openai: { reasoningEffort: effort }, openaiCompatible: { reasoningEffort: effort } };
}
