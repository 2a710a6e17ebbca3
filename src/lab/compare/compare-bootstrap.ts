/**
 * The bootstrap behind compare's CIs (statistics/bootstrap-means.ts), shared with compare's helper thread when there
 * is one (shared-resamples.ts): the resamples are cut into blocks and each thread takes the next block nobody has
 * taken until none is left. Whichever thread computes a block, its means are those one pass computes, so the
 * intervals are exactly one thread's — and a thread slowed by other work on the machine just takes fewer blocks. The
 * calling thread first does its own other work (`meanwhile`: the row statistics), then joins in.
 */
import { meansIntervals, planMeansBootstrap, resampleMeans, type BootstrapInterval, type BootstrapOptions } from '../statistics/index.js';
import type { CompareThread } from './compare-thread.js';
import { shareResamples, takeBlocks } from './shared-resamples.js';

/** About this many blocks per bootstrap: small enough to share the work evenly, large enough to cost nothing. */
const BLOCKS = 64;

export async function compareIntervals<T>(
  columns: ReadonlyArray<ReadonlyArray<number | null>>,
  options: BootstrapOptions,
  thread: CompareThread | null,
  meanwhile: () => T,
): Promise<{ intervals: BootstrapInterval[]; meanwhile: T }> {
  const plan = planMeansBootstrap(columns, options);
  if (plan.active.length === 0 || plan.resamples < 2 || !thread || !(await thread.started())) {
    const means = plan.active.map(() => new Float64Array(plan.resamples));
    resampleMeans(plan, 0, plan.resamples, means);
    return { intervals: meansIntervals(plan, means), meanwhile: meanwhile() };
  }
  const shared = shareResamples(plan, BLOCKS);
  // the helper thread starts taking blocks now; this thread joins once its own work is done
  const theirs = thread.takeBlocks(shared);
  const done = meanwhile();
  takeBlocks(shared);
  await theirs;
  return { intervals: meansIntervals(plan, shared.means), meanwhile: done };
}
