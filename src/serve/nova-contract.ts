/**
 * The Amazon Nova RFT reward-Lambda wire contract (AWS's "Implementing reward functions" guide;
 * aws/nova-forge-sdk's validator) as zod schemas: what a sample looks like going in, and the exact shape of each result coming out. Types come from these schemas.
 */
import { z } from 'zod';

/**
 * One chat message of a sample; the policy's rollout is the last one (role `assistant`, `bot` or `nova_assistant`).
 * Roles are those AWS's RFT validator accepts, in any case — system, user, assistant, tool, bot, developer (=
 * system) — plus `nova_assistant`; the row reader (src/input/row-view.ts) checks them per sample.
 */
export const NovaMessageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(z.unknown()), z.null()]),
});

/**
 * One sample. Both documented variants are accepted: extras (`reference_answer`, dataset fields) at the
 * root (SageMaker training jobs) or under `metadata` (HyperPod, Bedrock). Unknown fields pass through.
 */
export const NovaSampleSchema = z.looseObject({
  id: z.union([z.string(), z.number()]),
  messages: z.array(NovaMessageSchema).min(1),
  reference_answer: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The invocation payload: a bare array. Samples are read one by one (not validated as a whole), so one
 * malformed sample gets its own flagged result instead of failing the batch.
 */
export const NovaEventSchema = z.array(z.unknown());

export const NOVA_METRIC_TYPES = ['Reward', 'Metric'] as const;

/** `Reward`: a component of the aggregate reward. `Metric`: a diagnostic (judge errors, tokens, latency, …). */
export const NovaMetricSchema = z.strictObject({
  name: z.string().min(1),
  value: z.number(),
  type: z.enum(NOVA_METRIC_TYPES),
});

/** One result, matched to its sample by `id`. Never wrapped in `{statusCode, body}`. */
export const NovaResultSchema = z.strictObject({
  id: z.union([z.string(), z.number()]),
  aggregate_reward_score: z.number(),
  metrics_list: z.array(NovaMetricSchema),
});

/** The invocation result: a bare array, one result per sample, in sample order. */
export const NovaResponseSchema = z.array(NovaResultSchema);

export type NovaSample = z.infer<typeof NovaSampleSchema>;
export type NovaMetric = z.infer<typeof NovaMetricSchema>;
export type NovaResult = z.infer<typeof NovaResultSchema>;
