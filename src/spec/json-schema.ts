/** The reward spec's JSON Schema, generated from the zod schema (the single source of truth). */
import { z } from 'zod';
import { RewardSpecSchema } from './schema.js';

export function rewardSpecJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RewardSpecSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://rewardkit.dev/schema/reward-spec.schema.json',
    title: 'rewardkit reward spec',
  };
}
