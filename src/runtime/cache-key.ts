/**
 * The cache and dedup key of a judge request: a SHA-256 over everything that determines the reply —
 * provider, model, endpoint, sampling parameters (temperature; top_p, seed, reasoning_effort when set), structured-output mode, the rendered messages, the
 * verdict schema, the template version — and a namespace, so a consistency test can re-ask on purpose; and the key
 * of one text's embedding (an embedding judge).
 */
import { createHash } from 'node:crypto';
import type { JudgeRequest } from '../models/judge-model.js';
import { resolveMaxTokens } from '../models/max-tokens.js';
import type { ModelSpec } from '../spec/schema.js';

/** Everything that determines the reply, as one string (the in-flight dedup key when there is no cache). */
export function judgeRequestMaterial(model: ModelSpec, request: JudgeRequest, namespace = ''): string {
  return JSON.stringify([
    'rewardkit-judge-cache/1',
    model.provider,
    model.model,
    model.base_url ?? '',
    model.temperature,
    resolveMaxTokens(model),
    model.structured_output,
    request.system,
    request.user,
    request.schema ?? null,
    request.templateVersion ?? '',
    namespace,
    ...(request.plainText ? ['plain-text'] : []), // absent for JSON verdicts: their keys are unchanged
    ...samplingExtras(model), // absent unless top_p, seed or reasoning_effort is set: keys without them are unchanged
  ]);
}

/** The sampling parameters beyond temperature that the spec sets, as one trailing element (none when none is set). */
function samplingExtras(model: ModelSpec): Array<Record<string, number | string>> {
  const extras: Record<string, number | string> = {};
  if (model.top_p !== undefined) extras.top_p = model.top_p;
  if (model.seed !== undefined) extras.seed = model.seed;
  if (model.reasoning_effort !== undefined) extras.reasoning_effort = model.reasoning_effort;
  return Object.keys(extras).length > 0 ? [extras] : [];
}

/** The persistent cache key: a SHA-256 of the request material. */
export function judgeCacheKey(model: ModelSpec, request: JudgeRequest, namespace = ''): string {
  return createHash('sha256')
    .update(judgeRequestMaterial(model, request, namespace))
    .digest('hex');
}

/**
 * The cache and dedup key of one text's embedding: provider, model, endpoint (base URL, and region for Bedrock) and
 * the text, with the namespace — per text, so a reference shared by the rollouts of a group is embedded once.
 */
export function embeddingCacheKey(model: ModelSpec, text: string, namespace = ''): string {
  const material = JSON.stringify([
    'rewardkit-embedding-cache/1',
    model.provider,
    model.model,
    model.base_url ?? '',
    model.region ?? '',
    namespace,
    text,
  ]);
  return createHash('sha256').update(material).digest('hex');
}
