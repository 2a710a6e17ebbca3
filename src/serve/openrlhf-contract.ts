/**
 * OpenRLHF's remote reward-model contract (openrlhf/utils/agent.py, openrlhf/cli/serve_rm.py), `POST /get_reward`:
 * `{"query": [prompt+response text, …], "prompts": [prompt, …], "labels": [label, …]}` in,
 * `{"rewards": [...], "scores": [...], "extra_logs": {"name": [...]}}` out, one number per query in every list.
 */
import { z } from 'zod';

export const OpenRlhfRequestSchema = z
  .looseObject({
    query: z
      .array(z.string(), {
        error: (issue) =>
          issue.input === undefined
            ? 'missing required field (expected an array of strings: prompt + response text)'
            : 'expected an array of strings (prompt + response text)',
      })
      .min(1, { error: 'expected at least one query' }),
    prompts: z.array(z.string(), { error: 'expected an array of strings (one prompt per query)' }).optional(),
    labels: z.array(z.unknown(), { error: 'expected an array (one label per query)' }).optional(),
  })
  .superRefine((request, context) => {
    for (const key of ['prompts', 'labels'] as const) {
      const list = request[key];
      if (list && list.length !== request.query.length) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `expected ${request.query.length} items (one per query), got ${list.length}`,
        });
      }
    }
  });

export const OpenRlhfResponseSchema = z.strictObject({
  /** The reward in the spec's range (the neutral value for a row that could not be read). */
  rewards: z.array(z.number()),
  /** The reward rescaled to 0–1 (OpenRLHF filters on it). */
  scores: z.array(z.number()),
  /** One list per component and diagnostic, one number per query. */
  extra_logs: z.record(z.string(), z.array(z.number())),
});

export type OpenRlhfRequest = z.output<typeof OpenRlhfRequestSchema>;
export type OpenRlhfResponse = z.output<typeof OpenRlhfResponseSchema>;
