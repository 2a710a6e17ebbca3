/**
 * The cache and dedup key of a judge request: a SHA-256 over everything that determines the reply —
 * provider, model, endpoint, sampling parameters, structured-output mode, the rendered messages, the
 * verdict schema, the template version — and a namespace, so a consistency test can re-ask on purpose.
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
  ]);
}

/** The persistent cache key: a SHA-256 of the request material. */
export function judgeCacheKey(model: ModelSpec, request: JudgeRequest, namespace = ''): string {
  return createHash('sha256')
    .update(judgeRequestMaterial(model, request, namespace))
    .digest('hex');
}
