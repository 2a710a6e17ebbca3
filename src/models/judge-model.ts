/**
 * The judge-model boundary, kept as small as the AI SDK's own provider spec: one `generate` call that
 * takes a system + user prompt (and optionally a JSON schema for the reply) and returns the raw text,
 * finish reason and token usage. Implemented once, over the Vercel AI SDK (see create-language-model.ts).
 */
import { generateText, jsonSchema, type LanguageModel, type OutputInterface } from 'ai';
import type { ModelSpec } from '../spec/schema.js';
import type { TokenUsage } from '../result.js';
import { createLanguageModel } from './create-language-model.js';

export interface JudgeRequest {
  system: string;
  user: string;
  /** JSON Schema of the verdict; sent as structured-output request when the model spec allows. */
  schema?: Record<string, unknown>;
  schemaName?: string;
  /** The judge template's version: part of the cache key, so editing a template never reuses old verdicts. */
  templateVersion?: string;
}

export interface JudgeReply {
  text: string;
  /** 'stop' | 'length' | 'content-filter' | … as reported by the provider. */
  finishReason: string;
  usage: TokenUsage;
  /** Response headers (rate-limit state), when the provider gives them. */
  headers?: Record<string, string>;
}

export interface JudgeModel {
  /** Identifies provider + model + endpoint; used to key limits (and later, caches). */
  readonly key: string;
  readonly spec: ModelSpec;
  generate(request: JudgeRequest, signal: AbortSignal): Promise<JudgeReply>;
}

export function modelKey(spec: ModelSpec): string {
  return `${spec.provider}:${spec.model}${spec.base_url ? `@${spec.base_url}` : ''}`;
}

/**
 * An AI SDK "output" that asks the provider for JSON (with our schema when given) but hands back the
 * raw text: parsing is ours (judges/parse-judge-json.ts), so a sloppy reply is repaired or reported as a
 * parse error with its text kept, instead of an exception that loses the usage.
 */
function rawJsonOutput(schema: Record<string, unknown> | undefined, name: string): OutputInterface<string, string, never> {
  return {
    name: 'json',
    responseFormat: Promise.resolve(schema ? { type: 'json' as const, schema: jsonSchema(schema).jsonSchema as never, name } : { type: 'json' as const }),
    parseCompleteOutput: async ({ text }) => text,
    parsePartialOutput: async ({ text }) => ({ partial: text }),
    createElementStreamTransform: () => undefined,
  };
}

export function createJudgeModel(spec: ModelSpec, languageModel: LanguageModel = createLanguageModel(spec)): JudgeModel {
  return {
    key: modelKey(spec),
    spec,
    async generate(request, signal) {
      const structured = spec.structured_output === 'none' ? undefined : rawJsonOutput(spec.structured_output === 'json_schema' ? request.schema : undefined, request.schemaName ?? 'verdict');
      const result = await generateText({
        model: languageModel,
        system: request.system,
        prompt: request.user,
        temperature: spec.temperature,
        maxOutputTokens: spec.max_tokens,
        maxRetries: 0, // retries happen in exactly one layer: runtime/call-judge.ts
        abortSignal: signal,
        experimental_include: { requestBody: false, responseBody: false }, // keep memory flat over long runs
        ...(structured ? { output: structured } : {}),
      });
      return {
        text: result.text,
        finishReason: result.finishReason,
        usage: { input_tokens: result.usage.inputTokens ?? 0, output_tokens: result.usage.outputTokens ?? 0 },
        ...(result.response.headers ? { headers: result.response.headers } : {}),
      };
    },
  };
}
