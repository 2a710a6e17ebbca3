/**
 * Bootstrap resamples shared by two threads (compare-bootstrap.ts hands them out): the plan, cut into blocks; a
 * counter in shared memory that each thread advances atomically to take the next block nobody has taken; and every
 * resample's means in shared arrays, each block written at its place. A block's means do not depend on which thread
 * computes it (statistics/bootstrap-means.ts jumps the generator to the block's first draw).
 */
// the module itself, not the toolkit's index: the helper thread starts faster without the rest of statistics/
import { resampleMeans, type MeansBootstrapPlan } from '../statistics/bootstrap-means.js';

export interface SharedResamples {
  plan: MeansBootstrapPlan;
  /** Resamples per block (the last block may be shorter). */
  block: number;
  /** One cell in shared memory: the index of the next block to take. */
  next: Int32Array;
  /** Per active column, in shared memory: resample b's mean at b (NaN when it drew none of the column's values). */
  means: Float64Array[];
}

/** The plan's resamples as shared blocks, about `blocks` of them. */
export function shareResamples(plan: MeansBootstrapPlan, blocks: number): SharedResamples {
  return {
    plan,
    block: Math.max(1, Math.ceil(plan.resamples / blocks)),
    next: new Int32Array(new SharedArrayBuffer(4)),
    means: plan.active.map(() => new Float64Array(new SharedArrayBuffer(8 * plan.resamples))),
  };
}

/** Computes blocks not yet taken, until none is left; returns how many this thread computed. */
export function takeBlocks(shared: SharedResamples): number {
  const { plan, block, next, means } = shared;
  const blocks = Math.ceil(plan.resamples / block);
  let taken = 0;
  for (let k = Atomics.add(next, 0, 1); k < blocks; k = Atomics.add(next, 0, 1)) {
    resampleMeans(plan, k * block, Math.min(plan.resamples, (k + 1) * block), means);
    taken += 1;
  }
  return taken;
}
