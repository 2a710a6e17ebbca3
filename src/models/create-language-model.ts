/**
 * Maps a model spec to an AI SDK language model. No provider code of our own: the official
 * @ai-sdk/* packages speak each API. API keys come from the usual environment variables
 * (or the one named by `api_key_env`).
 */
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelSpec, Provider } from '../spec/schema.js';
import { nodeHttpFetch } from './node-http-fetch.js';

/** The environment variable each provider reads its API key from by default. */
export const DEFAULT_API_KEY_ENV: Record<Provider, string | null> = {
  'openai-compatible': 'OPENAI_COMPATIBLE_API_KEY',
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  bedrock: null, // AWS credentials chain: AWS_ACCESS_KEY_ID / AWS_PROFILE / role, or AWS_BEARER_TOKEN_BEDROCK
};

export function apiKeyEnv(spec: ModelSpec): string | null {
  return spec.api_key_env ?? DEFAULT_API_KEY_ENV[spec.provider];
}

export function createLanguageModel(spec: ModelSpec, env: NodeJS.ProcessEnv = process.env): LanguageModelV3 {
  const keyEnv = apiKeyEnv(spec);
  const apiKey = keyEnv ? env[keyEnv] : undefined;
  switch (spec.provider) {
    case 'openai-compatible': {
      if (!spec.base_url) throw new Error('provider openai-compatible needs base_url (e.g. http://127.0.0.1:8000/v1)');
      const provider = createOpenAICompatible({
        name: 'judge',
        baseURL: spec.base_url,
        ...(apiKey ? { apiKey } : {}),
        supportsStructuredOutputs: spec.structured_output === 'json_schema',
        includeUsage: true,
        fetch: nodeHttpFetch,
      });
      return provider.chatModel(spec.model);
    }
    case 'openai':
      return createOpenAI({ ...(apiKey ? { apiKey } : {}), ...(spec.base_url ? { baseURL: spec.base_url } : {}), fetch: nodeHttpFetch }).chat(spec.model);
    case 'anthropic':
      return createAnthropic({ ...(apiKey ? { apiKey } : {}), ...(spec.base_url ? { baseURL: spec.base_url } : {}), fetch: nodeHttpFetch })(spec.model);
    case 'bedrock':
      return createAmazonBedrock({ ...(spec.region ? { region: spec.region } : {}), ...(spec.base_url ? { baseURL: spec.base_url } : {}) })(spec.model);
  }
}
