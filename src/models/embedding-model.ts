/**
 * The embedding-model boundary, the sibling of judge-model.ts for an embedding judge: one `embed` call that turns
 * texts into vectors (in order) with the tokens the provider counted. Implemented once, over the AI SDK providers'
 * embedding models (create-text-embedding-model.ts). Like `JudgeModel.generate`, it calls the provider spec's
 * `doEmbed` directly rather than the SDK's `embed`/`embedMany`, whose own retry loop would multiply calls under the
 * runtime's one retry layer; it never retries, waits or limits — that is runtime/.
 */
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import type { ModelSpec } from '../spec/schema.js';
import type { TokenUsage } from '../result.js';
import { createTextEmbeddingModel } from './create-text-embedding-model.js';
import { modelKey, type GenerateOptions } from './judge-model.js';
import { createNodeHttpFetch } from './node-http-fetch.js';

/** What an embedding call asks: the texts, in order (the runtime's admission estimates their tokens). */
export interface EmbeddingRequest {
  texts: string[];
}

export interface EmbeddingReply {
  /** One vector per text, in the order of the texts. */
  vectors: number[][];
  /** Input tokens as the provider counted them (0 when it does not say); embeddings have no output tokens. */
  usage: TokenUsage;
  /** Response headers (rate-limit state), when the provider gives them. */
  headers?: Record<string, string>;
}

export interface EmbeddingModel {
  /** provider:model@endpoint, as a judge model's key. */
  readonly key: string;
  readonly spec: ModelSpec;
  /** The most texts one call may carry (the provider's limit: 1 for Bedrock Titan, 2048 for OpenAI). */
  maxTextsPerCall(): Promise<number>;
  embed(request: EmbeddingRequest, signal: AbortSignal, options?: GenerateOptions): Promise<EmbeddingReply>;
}

/**
 * An EmbeddingModel over an AI SDK embedding model (by default the one for `spec`'s provider). A call's
 * `onResponseArrived` reaches this model's own fetch keyed by the call's signal, as in createJudgeModel.
 */
export function createEmbeddingModel(spec: ModelSpec, sdkModel?: EmbeddingModelV3): EmbeddingModel {
  const arrivalCallbacks = new WeakMap<AbortSignal, () => Promise<void> | void>();
  const httpFetch = createNodeHttpFetch({ onResponseArrived: (signal) => signal && arrivalCallbacks.get(signal)?.() });
  const model = sdkModel ?? createTextEmbeddingModel(spec, process.env, httpFetch);
  return {
    key: modelKey(spec),
    spec,
    async maxTextsPerCall() {
      const max = await model.maxEmbeddingsPerCall;
      return max === undefined || !(max >= 1) ? Number.POSITIVE_INFINITY : max;
    },
    async embed(request, signal, options = {}) {
      if (options.onResponseArrived) arrivalCallbacks.set(signal, options.onResponseArrived);
      const result = await model.doEmbed({ values: request.texts, abortSignal: signal });
      return {
        vectors: checkedVectors(result.embeddings, request.texts.length),
        usage: { input_tokens: result.usage?.tokens ?? 0, output_tokens: 0 },
        ...(result.response?.headers ? { headers: result.response.headers } : {}),
      };
    },
  };
}

/** The provider's vectors when there is one per text, each a non-empty list of finite numbers of one length; else an error saying what came. */
function checkedVectors(vectors: unknown[], expected: number): number[][] {
  if (vectors.length !== expected)
    throw new Error(`the embedding model returned ${vectors.length} vectors for ${expected} texts (expected one per text)`);
  const checked = vectors.map((vector, index) => {
    if (!Array.isArray(vector) || vector.length === 0 || !vector.every((value) => typeof value === 'number' && Number.isFinite(value)))
      throw new Error(`the embedding model returned vector ${index} that is not a non-empty list of finite numbers`);
    return vector as number[];
  });
  const length = checked[0]?.length;
  const other = checked.find((vector) => vector.length !== length);
  if (other) throw new Error(`the embedding model returned vectors of different lengths (${length} and ${other.length})`);
  return checked;
}
