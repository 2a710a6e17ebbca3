/**
 * Maps a model spec to an AI SDK embedding model, as create-language-model.ts does for chat models: the official
 * @ai-sdk/* packages speak each embeddings API (OpenAI and OpenAI-compatible POST /embeddings, Ollama through its
 * OpenAI-compatible /v1/embeddings, Bedrock InvokeModel with Titan / Cohere / Nova bodies). API keys and AWS
 * credentials are found exactly as for a chat judge. Anthropic has no embeddings API and local llama.cpp
 * embeddings are not supported yet: the spec rejects both (spec/schema.ts), and this says so again for a caller
 * that skipped validation.
 */
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import type { ModelSpec } from '../spec/schema.js';
import { apiKeyEnv, bedrockSettings } from './create-language-model.js';
import { ollamaBaseUrl } from './local/ollama.js';
import { nodeHttpFetch, type Fetch } from './node-http-fetch.js';

/** `httpFetch` carries the calls (default: the lean node:http fetch with no observer). */
export function createTextEmbeddingModel(
  spec: ModelSpec,
  env: NodeJS.ProcessEnv = process.env,
  httpFetch: Fetch = nodeHttpFetch,
): EmbeddingModelV3 {
  const keyEnv = apiKeyEnv(spec);
  const apiKey = keyEnv ? env[keyEnv] : undefined;
  switch (spec.provider) {
    case 'openai-compatible': {
      if (!spec.base_url) throw new Error('provider openai-compatible needs base_url (e.g. http://127.0.0.1:8000/v1)');
      return createOpenAICompatible({
        name: 'embedding',
        baseURL: spec.base_url,
        ...(apiKey ? { apiKey } : {}),
        fetch: httpFetch,
      }).embeddingModel(spec.model);
    }
    case 'openai':
      return createOpenAI({
        ...(apiKey ? { apiKey } : {}),
        ...(spec.base_url ? { baseURL: spec.base_url } : {}),
        fetch: httpFetch,
      }).embedding(spec.model);
    case 'ollama':
      return createOpenAICompatible({
        name: 'ollama',
        baseURL: spec.base_url ?? ollamaBaseUrl(env),
        ...(apiKey ? { apiKey } : {}),
        fetch: httpFetch,
      }).embeddingModel(spec.model);
    case 'bedrock':
      return createAmazonBedrock(bedrockSettings(spec, env, apiKey, httpFetch)).embedding(spec.model);
    case 'anthropic':
      throw new Error('provider anthropic has no embeddings API: use openai, openai-compatible, ollama or bedrock for an embedding judge');
    case 'local':
      throw new Error('provider local: llama.cpp embeddings are not supported yet: use ollama, openai-compatible, openai or bedrock');
  }
}
