/**
 * Maps a model spec to an AI SDK language model. No provider code of our own: the official
 * @ai-sdk/* packages speak each API. API keys come from the usual environment variables
 * (or the one named by `api_key_env`); Bedrock uses a Bedrock API key when one is set, else the full
 * AWS credential chain (aws-credentials.ts).
 */
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelSpec, Provider } from '../spec/schema.js';
import { awsCredentialChain, awsRegion } from './aws-credentials.js';
import { createLocalLanguageModel } from './local/local-language-model.js';
import { ollamaBaseUrl } from './local/ollama.js';
import { nodeHttpFetch, type Fetch } from './node-http-fetch.js';

/** The environment variable each provider reads its API key from by default. */
export const DEFAULT_API_KEY_ENV: Record<Provider, string | null> = {
  'openai-compatible': 'OPENAI_COMPATIBLE_API_KEY',
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  bedrock: null, // the AWS credential chain (keys, profile, SSO, web identity, container, instance role), or AWS_BEARER_TOKEN_BEDROCK
  local: null, // llama.cpp in this process: no key
  ollama: null, // Ollama needs no key (api_key_env names one for a proxy that does)
};

export function apiKeyEnv(spec: ModelSpec): string | null {
  return spec.api_key_env ?? DEFAULT_API_KEY_ENV[spec.provider];
}

/**
 * The Bedrock provider's settings for a spec, shared by chat and embedding models: a Bedrock API key (api_key_env,
 * else AWS_BEARER_TOKEN_BEDROCK, which the SDK reads) wins over SigV4 with the AWS credential chain.
 */
export function bedrockSettings(spec: ModelSpec, env: NodeJS.ProcessEnv, apiKey: string | undefined, httpFetch: Fetch) {
  const region = awsRegion(spec.region, env);
  return {
    ...(region ? { region } : {}),
    ...(spec.base_url ? { baseURL: spec.base_url } : {}),
    ...(apiKey ? { apiKey } : { credentialProvider: awsCredentialChain() }),
    fetch: httpFetch,
  };
}

/** `httpFetch` carries every HTTP provider's calls (default: the lean node:http fetch with no observer). */
export function createLanguageModel(
  spec: ModelSpec,
  env: NodeJS.ProcessEnv = process.env,
  httpFetch: Fetch = nodeHttpFetch,
): LanguageModelV3 {
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
        fetch: httpFetch,
      });
      return provider.chatModel(spec.model);
    }
    case 'openai':
      return createOpenAI({ ...(apiKey ? { apiKey } : {}), ...(spec.base_url ? { baseURL: spec.base_url } : {}), fetch: httpFetch }).chat(
        spec.model,
      );
    case 'anthropic':
      return createAnthropic({ ...(apiKey ? { apiKey } : {}), ...(spec.base_url ? { baseURL: spec.base_url } : {}), fetch: httpFetch })(
        spec.model,
      );
    case 'bedrock':
      return createAmazonBedrock(bedrockSettings(spec, env, apiKey, httpFetch))(spec.model);
    case 'local':
      return createLocalLanguageModel(spec.model, { sequences: spec.concurrency, env, ...(spec.threads ? { threads: spec.threads } : {}) });
    case 'ollama':
      return createOpenAICompatible({
        name: 'ollama',
        baseURL: spec.base_url ?? ollamaBaseUrl(env),
        ...(apiKey ? { apiKey } : {}),
        supportsStructuredOutputs: spec.structured_output === 'json_schema',
        includeUsage: true,
        fetch: httpFetch,
      }).chatModel(spec.model);
  }
}
