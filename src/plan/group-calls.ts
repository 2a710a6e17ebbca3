/**
 * How many calls a group judge makes for a group of `size` distinct rollouts: the group judge's own layout (chunks of
 * at most `max_group` sharing `anchors`, each judged in up to `orders` slot orders — judges/group-orders.ts), counted.
 */
import { orderPermutations, splitChunks } from '../judges/group-orders.js';
import type { GroupJudgeSpec } from '../spec/schema.js';

export function groupCallCount(spec: Pick<GroupJudgeSpec, 'orders' | 'max_group' | 'anchors'>, size: number): number {
  if (size < 1) return 0;
  const units = Array.from({ length: size }, (_, index) => index);
  const { chunks } = splitChunks(units, spec.max_group, spec.anchors);
  return chunks.reduce((sum, chunk) => sum + orderPermutations(chunk.length, spec.orders).length, 0);
}
