/**
 * `rewardkit compare` as a library call: reads both scored files (and the scored rollouts, when given), pairs the
 * prompts and returns the analysis. The CLI (src/cli/compare-command.ts) adds flags, output files and exit codes.
 * Large inputs get a helper thread (compare-thread.ts): the two sides are read at the same time and the bootstrap's
 * resamples are split, with the same result as one thread.
 */
import { stat } from 'node:fs/promises';
import { InputSpecSchema, type InputSpec } from '../../input/input-spec.js';
import { DEFAULT_SEED } from '../statistics/index.js';
import { analyseComparison, deltaColumns, rowStatistics } from './compare-analysis.js';
import { compareIntervals } from './compare-bootstrap.js';
import { readComparedSide, type PairBy, type SideOptions } from './compare-inputs.js';
import { pairPrompts } from './compare-pairing.js';
import type { CompareResult, CompareSettings } from './compare-result.js';
import { CompareThread } from './compare-thread.js';

/** Bootstrap resamples behind every CI of `compare` (more than the lab's 1,000: one interval decides a gate). */
export const COMPARE_RESAMPLES = 10_000;
/** The after side's files (scored + rollouts) from this size on are read in the helper thread (about 8,000 rows). */
const THREAD_MIN_BYTES = 8_000_000;
/** A bootstrap of at least this many draws (prompts × resamples, ≈ 0.5 s) starts the helper thread if none runs. */
const THREAD_MIN_DRAWS = 100_000_000;

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
  /** The helper thread: `auto` (default) for large inputs, `always` or `never` (tests compare the two). */
  helperThread?: 'auto' | 'always' | 'never';
}

export async function runCompare(options: CompareOptions): Promise<CompareResult> {
  const pairBy = options.pairBy ?? (options.beforeInput && options.afterInput ? 'prompt' : 'id');
  const includeNeutral = options.includeNeutral ?? false;
  // resolved here, so the helper thread need not load the schema
  const inputSpec = options.inputSpec ?? InputSpecSchema.parse({});
  const side = (name: 'before' | 'after', scored: string, input: string | undefined): SideOptions => ({
    side: name,
    scored,
    ...(input ? { input } : {}),
    pairBy,
    includeNeutral,
    inputSpec,
  });
  const settings: CompareSettings = {
    pair_by: pairBy,
    resamples: options.resamples ?? COMPARE_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    tie_tolerance: options.tieTolerance ?? 0,
    include_neutral: includeNeutral,
    min_delta: options.minDelta ?? null,
  };
  const mode = options.helperThread ?? 'auto';
  const afterBytes = (await sizeOf(options.after)) + (options.afterInput ? await sizeOf(options.afterInput) : 0);
  let thread = mode === 'always' || (mode === 'auto' && afterBytes >= THREAD_MIN_BYTES) ? new CompareThread() : null;
  try {
    // the after side in the helper thread while this one reads the before side; errors are reported before side first
    const afterRead = thread?.readSide(side('after', options.after, options.afterInput));
    afterRead?.catch(() => undefined);
    const before = await readComparedSide(side('before', options.before, options.beforeInput));
    const after = afterRead ? await afterRead : await readComparedSide(side('after', options.after, options.afterInput));
    const pairing = pairPrompts(before, after);
    if (!thread && mode === 'auto' && pairing.paired.length * settings.resamples >= THREAD_MIN_DRAWS) thread = new CompareThread();
    // the row statistics are computed while the helper thread starts on the bootstrap
    const columns = deltaColumns(pairing);
    const { intervals, meanwhile: rows } = await compareIntervals(
      columns.all,
      { resamples: settings.resamples, seed: settings.seed },
      thread,
      () => rowStatistics(pairing),
    );
    return analyseComparison(before, after, pairing, settings, { columns, intervals, rows });
  } finally {
    await thread?.close();
  }
}

/** The file's size in bytes; 0 when it cannot be read (the reader then reports why). */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
