/**
 * The side-by-side view of `rewardkit view BEFORE AFTER`: the two scored files paired prompt by prompt exactly as
 * `rewardkit compare` pairs them (src/lab/compare: the same key — the prompt text with both inputs, else the row id —
 * the same exclusions and the same per-prompt means), with each prompt's rows on each side for opening side by side.
 */
import { readComparedSide, type ComparedSide, type PairBy } from '../lab/compare/compare-inputs.js';
import { pairPrompts } from '../lab/compare/compare-pairing.js';
import { LabError } from '../lab/lab-error.js';
import type { InputSpec } from '../spec/schema.js';
import { ViewError } from './view-error.js';
import type { ViewSide } from './view-side.js';

export type PairStatus = 'paired' | 'only_before' | 'only_after' | 'no_reward';
export const PAIR_STATUSES: readonly PairStatus[] = ['paired', 'only_before', 'only_after', 'no_reward'];

export interface PromptPair {
  /** 0-based position: the pair's number in the API (in the order the before file first names the prompts, then the after file's). */
  k: number;
  /** The first row's id (the before side's when both have it). */
  id: string;
  status: PairStatus;
  /** Row numbers (`n`) of the prompt's rows on each side. */
  before_rows: number[];
  after_rows: number[];
  /** Mean compared reward of the prompt on each side (null when none), and after − before for paired prompts. */
  before_mean: number | null;
  after_mean: number | null;
  delta: number | null;
}

export interface ViewPairs {
  pairBy: PairBy;
  pairs: PromptPair[];
  counts: Record<PairStatus, number>;
}

export interface PairOptions {
  beforeInput?: string;
  afterInput?: string;
  inputSpec?: InputSpec;
  includeNeutral?: boolean;
}

/** Pairs the two opened sides (the scored files are read once more, through compare's own reader). */
export async function pairSides(before: ViewSide, after: ViewSide, options: PairOptions): Promise<ViewPairs> {
  const pairBy: PairBy = options.beforeInput && options.afterInput ? 'prompt' : 'id';
  const read = (side: 'before' | 'after', scored: string, input: string | undefined) =>
    readComparedSide({
      side,
      scored,
      ...(input && pairBy !== 'id' ? { input } : {}),
      pairBy,
      includeNeutral: options.includeNeutral ?? false,
      ...(options.inputSpec ? { inputSpec: options.inputSpec } : {}),
    });
  let sides: [ComparedSide, ComparedSide];
  try {
    sides = await Promise.all([
      read('before', before.index.path, options.beforeInput),
      read('after', after.index.path, options.afterInput),
    ]);
  } catch (error) {
    if (LabError.isInstance(error)) throw new ViewError(error.kind === 'usage' ? 'usage' : 'input', error.message);
    throw error;
  }
  const pairing = pairPrompts(sides[0], sides[1]);
  const rowsByKey = (compared: ComparedSide, side: ViewSide) => {
    const nOfLine = new Map(side.index.rows.map((row) => [row.line, row.n]));
    const byKey = new Map<string, { rows: number[]; sum: number; count: number }>();
    for (const row of compared.rows) {
      if (row.key === null) continue;
      const entry = byKey.get(row.key) ?? { rows: [], sum: 0, count: 0 };
      const n = nOfLine.get(row.line);
      if (n !== undefined) entry.rows.push(n);
      if (row.reward !== null) {
        entry.sum += row.reward;
        entry.count += 1;
      }
      byKey.set(row.key, entry);
    }
    return byKey;
  };
  const beforeKeys = rowsByKey(sides[0], before);
  const afterKeys = rowsByKey(sides[1], after);
  const statusOf = new Map<string, { status: PairStatus; id: string; delta: number | null }>();
  for (const prompt of pairing.paired)
    statusOf.set(prompt.key, { status: 'paired', id: prompt.id, delta: prompt.after.reward - prompt.before.reward });
  for (const prompt of pairing.onlyBefore) statusOf.set(prompt.key, { status: 'only_before', id: prompt.id, delta: null });
  for (const prompt of pairing.onlyAfter) statusOf.set(prompt.key, { status: 'only_after', id: prompt.id, delta: null });
  for (const prompt of pairing.noReward) statusOf.set(prompt.key, { status: 'no_reward', id: prompt.id, delta: null });
  const mean = (entry: { sum: number; count: number } | undefined) => (entry && entry.count > 0 ? entry.sum / entry.count : null);
  const pairs: PromptPair[] = [];
  const counts: Record<PairStatus, number> = { paired: 0, only_before: 0, only_after: 0, no_reward: 0 };
  for (const key of new Set([...beforeKeys.keys(), ...afterKeys.keys()])) {
    const known = statusOf.get(key)!;
    counts[known.status] += 1;
    pairs.push({
      k: pairs.length,
      id: known.id,
      status: known.status,
      before_rows: beforeKeys.get(key)?.rows ?? [],
      after_rows: afterKeys.get(key)?.rows ?? [],
      before_mean: mean(beforeKeys.get(key)),
      after_mean: mean(afterKeys.get(key)),
      delta: known.delta,
    });
  }
  return { pairBy, pairs, counts };
}
