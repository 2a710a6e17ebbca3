/**
 * A promptfoo grader provider (`options.provider`, an assertion's `provider`) as a rewardkit judge model spec.
 * promptfoo names a provider by id — `openai:gpt-4o-mini`, `openai:chat:MODEL`, `anthropic:messages:MODEL`,
 * `bedrock:MODEL`, `bedrock:converse:MODEL`, `ollama:chat:MODEL` — optionally as `{id, config}`. Ids whose API rewardkit
 * does not speak (embeddings, completions, assistants, Azure, Vertex, …) and config keys it has no field for are
 * problems, not guesses. promptfoo's defaults (temperature 0, max_tokens 1024 for OpenAI and Anthropic) are
 * rewardkit's defaults too, so an absent setting stays absent.
 */
import { z } from 'zod';
import type { ConfigPath, ImportProblems } from './import-problems.js';

const ProviderObjectSchema = z.looseObject({
  id: z.string().min(1),
  config: z.record(z.string(), z.unknown()).optional(),
  label: z.string().optional(),
});

/** promptfoo provider config key → the rewardkit model spec field it sets (with the check its value needs). */
const CONFIG_FIELDS: Record<string, { field: string; valid: (value: unknown) => boolean; expected: string }> = {
  temperature: {
    field: 'temperature',
    valid: (value) => typeof value === 'number' && value >= 0 && value <= 2,
    expected: 'a number in [0, 2]',
  },
  max_tokens: { field: 'max_tokens', valid: (value) => Number.isInteger(value) && (value as number) > 0, expected: 'a positive integer' },
  top_p: { field: 'top_p', valid: (value) => typeof value === 'number' && value >= 0 && value <= 1, expected: 'a number in [0, 1]' },
  seed: { field: 'seed', valid: (value) => Number.isInteger(value), expected: 'an integer' },
  apiBaseUrl: { field: 'base_url', valid: isUrl, expected: 'a URL' },
  apiKeyEnvar: {
    field: 'api_key_env',
    valid: (value) => typeof value === 'string' && value !== '',
    expected: 'an environment variable name',
  },
  region: { field: 'region', valid: (value) => typeof value === 'string' && value !== '', expected: 'an AWS region' },
};

const SUPPORTED_IDS =
  'openai:MODEL, openai:chat:MODEL, openai:responses:MODEL, anthropic:messages:MODEL, bedrock:MODEL, bedrock:converse:MODEL or ollama:chat:MODEL';

/** The judge model spec for `provider` (at `path`), or undefined after recording the problems. */
export function judgeModelOf(provider: unknown, path: ConfigPath, problems: ImportProblems): Record<string, unknown> | undefined {
  let id: string;
  let config: Record<string, unknown> = {};
  let configPath: ConfigPath = path;
  if (typeof provider === 'string') {
    id = provider;
  } else {
    const parsed = ProviderObjectSchema.safeParse(provider);
    if (!parsed.success) {
      problems.add(path, `expected a grader provider: an id such as "openai:gpt-4o-mini" or {id, config}`, provider);
      return undefined;
    }
    id = parsed.data.id;
    config = parsed.data.config ?? {};
    configPath = [...path, 'config'];
    path = [...path, 'id'];
  }
  const base = modelOfId(id);
  if (!base) {
    problems.add(path, `not supported: grader provider "${id}"; expected ${SUPPORTED_IDS}`, id);
    return undefined;
  }
  const model: Record<string, unknown> = { ...base };
  let ok = true;
  for (const [key, value] of Object.entries(config)) {
    const mapping = CONFIG_FIELDS[key];
    if (!mapping) {
      problems.add(
        [...configPath, key],
        `not supported: provider config "${key}" has no rewardkit equivalent; expected only ${Object.keys(CONFIG_FIELDS).join(', ')}`,
        value,
      );
      ok = false;
    } else if (!mapping.valid(value)) {
      problems.add([...configPath, key], `expected ${mapping.expected}`, value);
      ok = false;
    } else model[mapping.field] = value;
  }
  if (model.region !== undefined && model.provider !== 'bedrock') {
    problems.add([...configPath, 'region'], 'expected region only on a bedrock provider', model.region);
    ok = false;
  }
  return ok ? model : undefined;
}

/** provider + model for a promptfoo provider id, or undefined when rewardkit has no exact equivalent. */
function modelOfId(id: string): { provider: string; model: string } | undefined {
  const [family, ...rest] = id.split(':');
  const tail = rest.join(':');
  const typed = (types: readonly string[]) => (rest.length >= 2 && types.includes(rest[0]!) ? rest.slice(1).join(':') : undefined);
  switch (family) {
    case 'openai': {
      if (rest.length === 1 && !OPENAI_API_TYPES.has(rest[0]!)) return nonEmpty('openai', tail);
      return nonEmpty('openai', typed(['chat', 'responses']));
    }
    case 'anthropic':
      return nonEmpty('anthropic', typed(['messages']));
    case 'bedrock':
      // bedrock:converse:MODEL is the Converse API rewardkit uses; bedrock:MODEL (model ids may hold ":0") sends the same
      // conversation through InvokeModel
      return nonEmpty(
        'bedrock',
        rest[0] === 'converse' ? rest.slice(1).join(':') : rest[0] === 'completion' || rest[0] === 'messages' ? undefined : tail,
      );
    case 'ollama':
      return nonEmpty('ollama', typed(['chat']));
    default:
      return undefined;
  }
}

/** promptfoo's OpenAI API kinds (openai:KIND:MODEL); a bare `openai:X` with one of these is not a chat model. */
const OPENAI_API_TYPES = new Set([
  'chat',
  'responses',
  'completion',
  'embedding',
  'embeddings',
  'moderation',
  'realtime',
  'transcription',
  'tts',
  'speech',
  'assistant',
  'agents',
  'chatkit',
  'image',
  'video',
  'codex',
  'codex-sdk',
  'codex-app-server',
  'codex-desktop',
]);

function nonEmpty(provider: string, model: string | undefined): { provider: string; model: string } | undefined {
  return model ? { provider, model } : undefined;
}

function isUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
