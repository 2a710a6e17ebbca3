/**
 * `rewardkit compare` as a library call: reads both scored files (and the scored rollouts, when given), pairs the
 * prompts and returns the analysis. The CLI (src/cli/compare-command.ts) adds flags, output files and exit codes.
 */
import type { InputSpec } from '../../spec/schema.js';
import { DEFAULT_SEED } from '../statistics/index.js';
import { analyseComparison } from './compare-analysis.js';
import { readComparedSide, type PairBy } from './compare-inputs.js';
import { pairPrompts } from './compare-pairing.js';
import type { CompareResult } from './compare-result.js';

/** Bootstrap resamples behind every CI of `compare` (more than the lab's 1,000: one interval decides a gate). */
export const COMPARE_RESAMPLES = 10_000;

export interface CompareOptions {
  before: string;
  after: string;
  beforeInput?: string;
  afterInput?: string;
  /** Default: `prompt` when both inputs are given, else `id`. */
  pairBy?: PairBy;
  resamples?: number;
  seed?: number;
  tieTolerance?: number;
  includeNeutral?: boolean;
  minDelta?: number;
  inputSpec?: InputSpec;
}

export async function runCompare(options: CompareOptions): Promise<CompareResult> {
  const pairBy = options.pairBy ?? (options.beforeInput && options.afterInput ? 'prompt' : 'id');
  const includeNeutral = options.includeNeutral ?? false;
  const side = (name: 'before' | 'after', scored: string, input: string | undefined) =>
    readComparedSide({
      side: name,
      scored,
      ...(input ? { input } : {}),
      pairBy,
      includeNeutral,
      ...(options.inputSpec ? { inputSpec: options.inputSpec } : {}),
    });
  const before = await side('before', options.before, options.beforeInput);
  const after = await side('after', options.after, options.afterInput);
  return analyseComparison(before, after, pairPrompts(before, after), {
    pair_by: pairBy,
    resamples: options.resamples ?? COMPARE_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    tie_tolerance: options.tieTolerance ?? 0,
    include_neutral: includeNeutral,
    min_delta: options.minDelta ?? null,
  });
}
