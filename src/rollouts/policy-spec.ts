/**
 * The policy model of a rollouts run as a validated ModelSpec: `--model PROVIDER:MODEL` (parsed like `--judge`), its
 * endpoint, the sampling settings (temperature, top_p, max_tokens) and the runtime's limits (concurrency, timeout,
 * retries), with its price from a --prices table. The same ModelSpec every judge has, so the runtime's admission and
 * retry layer take it as they are.
 */
import { modelKey } from '../models/judge-model.js';
import type { PriceTable } from '../models/cost.js';
import { parseJudgeFlag } from '../spec/judge-override.js';
import { ModelSpecSchema, type ModelSpec } from '../spec/schema.js';

/** A rollout is long-form text, not a short verdict: a call may take minutes on a slow or reasoning model. */
export const DEFAULT_ROLLOUT_TIMEOUT_MS = 300_000;
/** Sampling, not judging: samples of one prompt should differ. */
export const DEFAULT_ROLLOUT_TEMPERATURE = 1;

export interface PolicySettings {
  /** `PROVIDER:MODEL`, as --model. */
  model: string;
  baseUrl?: string | undefined;
  temperature?: number | undefined;
  topP?: number | undefined;
  maxTokens?: number | undefined;
  concurrency?: number | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  prices?: PriceTable | undefined;
}

/** The policy's ModelSpec; a bad flag throws an Error naming the flag, the value and what was expected. */
export function policyModelSpec(settings: PolicySettings): ModelSpec {
  let override;
  try {
    override = parseJudgeFlag(settings.model, settings.baseUrl);
  } catch (error) {
    throw new Error((error as Error).message.replace('--judge-base-url', '--model-base-url').replace('--judge', '--model'));
  }
  const parsed = ModelSpecSchema.safeParse({
    ...override,
    temperature: settings.temperature ?? DEFAULT_ROLLOUT_TEMPERATURE,
    ...(settings.topP === undefined ? {} : { top_p: settings.topP }),
    ...(settings.maxTokens === undefined ? {} : { max_tokens: settings.maxTokens }),
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
    ...(settings.maxRetries === undefined ? {} : { max_retries: settings.maxRetries }),
    timeout_ms: settings.timeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
    // a rollout is free text: never ask the provider for JSON
    structured_output: 'none',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = FLAG_OF[String(issue.path[0])] ?? String(issue.path[0]);
    throw new Error(`${field}: ${issue.message.replace(/^Invalid input: /, '')}`);
  }
  const spec = parsed.data;
  const price = settings.prices?.[modelKey(spec)] ?? settings.prices?.[`${spec.provider}:${spec.model}`] ?? settings.prices?.[spec.model];
  return price ? { ...spec, price } : spec;
}

/** The flag behind each ModelSpec field a user sets here. */
const FLAG_OF: Record<string, string> = {
  temperature: '--temperature',
  top_p: '--top-p',
  max_tokens: '--max-tokens',
  concurrency: '--concurrency',
  max_retries: '--max-retries',
  timeout_ms: '--timeout-ms',
  base_url: '--model-base-url',
};
