/**
 * The spec's `input` section: which row format to read and where a row keeps its id, prompt, response and reference.
 * Owned here, beside the row reader that uses it; the reward spec schema (spec/schema.ts) embeds it.
 */
import { z } from 'zod';

export const InputSpecSchema = z.strictObject({
  format: z
    .enum(['auto', 'nova', 'plain'])
    .default('auto')
    .describe(
      'nova: Nova RFT rows (messages + reference_answer); plain: {prompt, response, reference}; auto: nova when the row has messages.',
    ),
  id: z.string().min(1).default('id'),
  prompt: z.string().min(1).default('prompt'),
  response: z.string().min(1).default('response'),
  reference: z.string().min(1).default('reference'),
  // optional with no default: a default would change the spec_hash of every existing spec
  group_id: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Field holding the GRPO group id (default "group_id"; Nova rows: root or metadata). Rows without it group by identical prompt.',
    ),
});

export type InputSpec = z.output<typeof InputSpecSchema>;
