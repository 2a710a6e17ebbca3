/**
 * Preflight: before a run scores any row, make sure each judge model can be reached — its API key is
 * set and its host accepts a TCP connection — so an unreachable judge fails fast with a message naming
 * the judge options, instead of thousands of neutral rewards after minutes of retries.
 */
import { connect } from 'node:net';
import type { ModelSpec, RewardSpec } from '../spec/schema.js';
import { apiKeyEnv } from './create-language-model.js';
import { modelKey } from './judge-model.js';

const DEFAULT_BASE_URL: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

export function endpointOf(spec: ModelSpec, env: NodeJS.ProcessEnv = process.env): string | null {
  if (spec.base_url) return spec.base_url;
  if (spec.provider === 'bedrock') {
    const region = spec.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    return region ? `https://bedrock-runtime.${region}.amazonaws.com` : null;
  }
  return DEFAULT_BASE_URL[spec.provider] ?? null;
}

/** Returns the problems found (empty when every model looks reachable). */
export async function preflight(models: readonly ModelSpec[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 3000): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const spec of models) {
    const key = modelKey(spec);
    if (seen.has(key)) continue;
    seen.add(key);
    const keyEnv = apiKeyEnv(spec);
    if (keyEnv && spec.provider !== 'openai-compatible' && !env[keyEnv]) {
      problems.push(`judge ${key}: no API key — set ${keyEnv}${spec.api_key_env ? '' : ' (or name another variable with api_key_env)'}`);
      continue;
    }
    const endpoint = endpointOf(spec, env);
    if (!endpoint) {
      problems.push(`judge ${key}: no endpoint — set base_url${spec.provider === 'bedrock' ? ', region or AWS_REGION' : ''}`);
      continue;
    }
    const reason = await tcpProbe(endpoint, timeoutMs);
    if (reason) problems.push(`judge ${key} at ${endpoint} is not reachable (${reason})`);
  }
  return problems;
}

function tcpProbe(endpoint: string, timeoutMs: number): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(`invalid URL ${JSON.stringify(endpoint)}`);
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | null) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/** The models a spec's judges call (each judge's own model, else judge_model). */
export function judgeModelsOf(spec: RewardSpec): ModelSpec[] {
  return spec.judges.map((judge) => judge.model ?? spec.judge_model!);
}

/**
 * Preflight for every judge of a spec: null when all look reachable (or the spec has no judge), else the
 * problems as an indented list, ready to put under a command's own explanation.
 */
export async function preflightSpec(spec: RewardSpec): Promise<string | null> {
  const models = judgeModelsOf(spec);
  if (models.length === 0) return null;
  const problems = await preflight(models);
  return problems.length === 0 ? null : problems.map((problem) => `  - ${problem}`).join('\n');
}
