/**
 * The `--judge PROVIDER:MODEL` / `--judge-base-url URL` override (CLI, server, Lambda env): replaces the
 * provider, model and endpoint of every judge in a spec, keeping its other settings. An embedding judge keeps its
 * embedding model (a chat judge cannot embed); only the concurrency cap reaches it.
 */
import { PROVIDERS, type ModelSpec, type Provider, type RewardSpec } from './schema.js';
import { ModelSpecSchema } from './schema.js';

/** The model name a bare `--judge local` puts in the spec: the default local model (src/models/local/local-model-ref.ts). */
export const DEFAULT_LOCAL_MODEL_NAME = 'default';

export interface JudgeOverride {
  provider: Provider;
  model: string;
  base_url?: string;
  concurrency?: number;
}

/**
 * Parses "openai-compatible:qwen3-8b" (the model part may itself contain colons, as in "local:hf:OWNER/REPO/FILE.gguf"
 * and "ollama:qwen3:1.7b"); a bare "local" is the default local model.
 */
export function parseJudgeFlag(value: string, baseUrl?: string): JudgeOverride {
  if (value === 'local') value = `local:${DEFAULT_LOCAL_MODEL_NAME}`;
  const colon = value.indexOf(':');
  const provider = value.slice(0, colon);
  const model = value.slice(colon + 1);
  if (colon <= 0 || model === '' || !(PROVIDERS as readonly string[]).includes(provider)) {
    throw new Error(
      `--judge: expected PROVIDER:MODEL with PROVIDER one of ${PROVIDERS.join(' | ')} (or just local), got ${JSON.stringify(value)}`,
    );
  }
  if (baseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    throw new Error(`--judge-base-url: expected an http(s) URL such as http://127.0.0.1:8000/v1, got ${JSON.stringify(baseUrl)}`);
  }
  return { provider: provider as Provider, model, ...(baseUrl ? { base_url: baseUrl } : {}) };
}

export function applyJudgeOverride(spec: RewardSpec, override: JudgeOverride | undefined, concurrency?: number): RewardSpec {
  if (!override && concurrency === undefined) return spec;
  const replace = (model: ModelSpec | undefined): ModelSpec | undefined => {
    if (!model && !override) return undefined;
    const base = model ?? ModelSpecSchema.parse({ provider: override!.provider, model: override!.model });
    const next: ModelSpec = { ...base };
    if (override) {
      next.provider = override.provider;
      next.model = override.model;
      if (override.base_url) next.base_url = override.base_url;
      else if (override.provider !== base.provider) delete next.base_url;
    }
    if (concurrency !== undefined) next.concurrency = concurrency;
    return next;
  };
  return {
    ...spec,
    ...(spec.judge_model || override ? { judge_model: replace(spec.judge_model) } : {}),
    judges: spec.judges.map((judge) => {
      // a panel's members are judge models too: --judge replaces each (the panel then asks one model several times)
      const withMembers =
        judge.type === 'panel' && judge.members
          ? { ...judge, members: judge.members.map((member) => ({ model: replace(member.model)! })) }
          : judge;
      if (!withMembers.model) return withMembers;
      if (withMembers.type === 'embedding') {
        return concurrency === undefined ? withMembers : { ...withMembers, model: { ...withMembers.model, concurrency } };
      }
      return { ...withMembers, model: replace(withMembers.model) };
    }),
  };
}
