/**
 * The statistics of a before/after comparison, from the paired prompts: the mean reward delta with a paired
 * percentile-bootstrap 95% CI (prompts resampled; the per-component and length deltas share the same draws),
 * win/tie/loss by prompt with a sign test, response length drift, and each side's reward–length correlation with
 * the reward-hacking signal. Pure: no I/O, all randomness from the seed.
 */
import type { ReportedStatistic } from '../lab-result.js';
import { notApplicable } from '../lab-result.js';
import {
  binomialTest,
  bootstrapMeansCi,
  averageRanks,
  fisherZInterval,
  histogram,
  pearsonOfNumbers,
  type BootstrapInterval,
  type Statistic,
} from '../statistics/index.js';
import { EXCLUSIONS, type ComparedSide, type Exclusion } from './compared-side.js';
import type { Pairing, PromptMeans, RowSample, UnpairedPrompt } from './compare-pairing.js';
import {
  COMPARE_RESULT_VERSION,
  type CompareResult,
  type CompareSettings,
  type ComponentDelta,
  type Finding,
  type Gate,
  type Histograms,
  type LengthDrift,
  type LengthSummary,
  type PromptRef,
  type RewardLength,
  type RewardSummary,
  type SideSummary,
} from './compare-result.js';

/** How many unpaired prompts of each kind the result names. */
export const EXAMPLES = 10;
/** The reward-hacking signal: the after side's Spearman rho of reward with length is at least this … */
export const SIGNAL_MIN_RHO = 0.3;
/** … and grew by at least this over the before side's. */
export const SIGNAL_MIN_GROWTH = 0.1;
/** Mean length growth (relative to the before side) reported as a drift finding when its CI excludes 0. */
const DRIFT_SHARE = 0.1;
/** Differences below this are rounding, not a change (a prompt's mean reward summed in another order). */
const ROUNDING = 1e-9;
const BINS = 20;

/**
 * The per-prompt deltas one bootstrap resamples together, one column per statistic with a CI: the reward, the length
 * in characters and in words, then each component (`components`, sorted by name). A null is a prompt without the value
 * on both sides.
 */
export interface DeltaColumns {
  reward: number[];
  chars: Array<number | null>;
  words: Array<number | null>;
  components: string[];
  componentColumns: Array<Array<number | null>>;
  /** Every column, in the order the intervals come back: reward, chars, words, then the components. */
  all: ReadonlyArray<ReadonlyArray<number | null>>;
}

export function deltaColumns(pairing: Pairing): DeltaColumns {
  const paired = pairing.paired;
  const reward = paired.map((prompt) => prompt.after.reward - prompt.before.reward);
  const names = new Set<string>();
  for (const prompt of paired)
    for (const means of [prompt.before, prompt.after]) for (const name of means.components.keys()) names.add(name);
  const components = [...names].sort();
  const componentColumns = components.map((name) =>
    paired.map((prompt) => {
      const a = prompt.before.components.get(name);
      const b = prompt.after.components.get(name);
      return a === undefined || b === undefined ? null : b - a;
    }),
  );
  const lengthColumn = (unit: 'chars' | 'words') =>
    paired.map((prompt) => (prompt.before[unit] === null || prompt.after[unit] === null ? null : prompt.after[unit] - prompt.before[unit]));
  const chars = lengthColumn('chars');
  const words = lengthColumn('words');
  return { reward, chars, words, components, componentColumns, all: [reward, chars, words, ...componentColumns] };
}

/**
 * The statistics of the compared rows themselves, which the bootstrap does not touch: each side's length summary and
 * reward–length correlations (ranks of every row), and the histograms — most of the analysis's own work on 100,000
 * rows, so the CLI computes them while the bootstrap runs in the other thread.
 */
export interface RowStatistics {
  length: { before: LengthSummary; after: LengthSummary };
  rewardLength: { before: RewardLength; after: RewardLength };
  histograms: Histograms;
}

export function rowStatistics(pairing: Pairing): RowStatistics {
  const { before, after } = pairing.rows;
  return {
    length: { before: lengthSummary(before), after: lengthSummary(after) },
    rewardLength: { before: rewardLength(before), after: rewardLength(after) },
    histograms: histograms(
      pairing,
      pairing.paired.map((prompt) => prompt.after.reward - prompt.before.reward),
    ),
  };
}

/** What `analyseComparison` computes itself when not given: the delta columns, their bootstrap intervals, the row statistics. */
export interface Precomputed {
  columns?: DeltaColumns;
  intervals?: readonly BootstrapInterval[];
  rows?: RowStatistics;
}

export function analyseComparison(
  before: ComparedSide,
  after: ComparedSide,
  pairing: Pairing,
  settings: CompareSettings,
  precomputed: Precomputed = {},
): CompareResult {
  const paired = pairing.paired;
  const columns = precomputed.columns ?? deltaColumns(pairing);
  const { reward: deltas, components: componentNames, componentColumns, chars: charsColumn, words: wordsColumn } = columns;
  // One bootstrap over prompts for every mean delta: the same resampled prompts for the reward, each component and the length.
  const [rewardCi, charsCi, wordsCi, ...componentCis] =
    precomputed.intervals ?? bootstrapMeansCi(columns.all, { resamples: settings.resamples, seed: settings.seed });
  const rows = precomputed.rows ?? rowStatistics(pairing);

  let wins = 0;
  let losses = 0;
  for (const delta of deltas) {
    if (delta > settings.tie_tolerance + ROUNDING) wins += 1;
    else if (delta < -(settings.tie_tolerance + ROUNDING)) losses += 1;
  }
  const signTest = binomialTest(wins, wins + losses);
  const rewardDelta = meanDelta(deltas, rewardCi!, 'no prompt is paired');
  const components: ComponentDelta[] = componentNames.map((name, j) => {
    const column = componentColumns[j]!;
    const both = paired.filter((_prompt, i) => column[i] !== null);
    return {
      name,
      prompts: both.length,
      before_mean: meanOrNull(both.map((prompt) => prompt.before.components.get(name)!)),
      after_mean: meanOrNull(both.map((prompt) => prompt.after.components.get(name)!)),
      delta: meanDelta(column, componentCis[j]!, 'the component scored on both sides of no paired prompt'),
    };
  });
  const length = lengthDrift(pairing, rows, before, after, charsColumn, wordsColumn, charsCi!, wordsCi!);
  const gate = settings.min_delta === null ? null : gateOf(settings.min_delta, rewardDelta);
  const result: CompareResult = {
    rewardkit_compare: COMPARE_RESULT_VERSION,
    settings,
    before: sideSummary(before),
    after: sideSummary(after),
    prompts: {
      paired: paired.length,
      only_before: pairing.onlyBefore.length,
      only_after: pairing.onlyAfter.length,
      no_reward: pairing.noReward.length,
      examples: {
        only_before: pairing.onlyBefore.slice(0, EXAMPLES).map(promptRef),
        only_after: pairing.onlyAfter.slice(0, EXAMPLES).map(promptRef),
        no_reward: pairing.noReward.slice(0, EXAMPLES).map(promptRef),
      },
    },
    reward: {
      before: rewardSummary(
        paired.map((prompt) => prompt.before),
        pairing.rows.before,
      ),
      after: rewardSummary(
        paired.map((prompt) => prompt.after),
        pairing.rows.after,
      ),
      delta: rewardDelta,
      wins,
      ties: deltas.length - wins - losses,
      losses,
      sign_test_p: signTest.pValue,
    },
    components,
    length,
    histograms: rows.histograms,
    gate,
    findings: [],
  };
  result.findings = findingsOf(result);
  return result;
}

/** The mean of a column of per-prompt deltas (nulls left out) with its bootstrap interval. */
function meanDelta(
  column: ReadonlyArray<number | null>,
  interval: { ci95: [number, number] | null; reason?: string },
  none: string,
): ReportedStatistic {
  const present = column.filter((value): value is number => value !== null);
  if (present.length === 0) return notApplicable(none);
  const value = present.reduce((sum, x) => sum + x, 0) / present.length;
  if (interval.ci95 === null) return { value, ci95: null, ci95_reason: interval.reason ?? 'no interval' };
  return { value, ci95: interval.ci95 };
}

function meanOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, x) => sum + x, 0) / values.length;
}

function medianOrNull(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = new Float64Array(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function stdOrNull(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = meanOrNull(values)!;
  let ss = 0;
  for (const x of values) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (values.length - 1));
}

function rewardSummary(prompts: readonly PromptMeans[], rows: RowSample): RewardSummary {
  const means = prompts.map((prompt) => prompt.reward);
  return { mean: meanOrNull(means), median: medianOrNull(means), std: stdOrNull(means), rows: rows.rewards.length };
}

function sideSummary(side: ComparedSide): SideSummary {
  const excluded: Record<Exclusion, number> = { row_error: 0, no_reward: 0, neutral: 0, unreadable_input: 0 };
  for (const code of side.columns.excluded) if (code > 0) excluded[EXCLUSIONS[code - 1]!] += 1;
  return {
    scored: side.scored,
    input: side.input,
    rows: side.rowCount,
    compared_rows: side.rowCount - Object.values(excluded).reduce((sum, count) => sum + count, 0),
    excluded,
    // every key of the side is named by one of its rows
    prompts: side.columns.keys.length,
    spec_hashes: side.specHashes,
  };
}

function promptRef(prompt: UnpairedPrompt): PromptRef {
  return { id: prompt.id, line: prompt.line, missing: prompt.missing };
}

function lengthDrift(
  pairing: Pairing,
  rows: RowStatistics,
  before: ComparedSide,
  after: ComparedSide,
  charsColumn: ReadonlyArray<number | null>,
  wordsColumn: ReadonlyArray<number | null>,
  charsCi: { ci95: [number, number] | null; reason?: string },
  wordsCi: { ci95: [number, number] | null; reason?: string },
): LengthDrift {
  const rule = `signal when the after side's Spearman rho of reward with response length is at least ${SIGNAL_MIN_RHO}, at least ${SIGNAL_MIN_GROWTH} above the before side's, and the before side's rho is below the after side's 95% CI (the growth is not noise)`;
  const missing = [before, after]
    .filter((side) => side.input === null)
    .map((side) => (side === before ? '--before-input' : '--after-input'));
  const known = (sample: RowSample) => sample.chars.some((chars) => !Number.isNaN(chars));
  const reason =
    missing.length > 0
      ? `score output carries no response text: pass ${missing.join(' and ')} (the rollouts that were scored) for lengths`
      : !known(pairing.rows.before) || !known(pairing.rows.after)
        ? 'no compared row of a paired prompt has a readable response'
        : null;
  if (reason !== null)
    return {
      reason,
      before: null,
      after: null,
      delta_chars: notApplicable(reason),
      delta_words: notApplicable(reason),
      reward_length: { before: null, after: null, spearman_change: null, signal: false, rule },
    };
  const { before: rb, after: ra } = rows.rewardLength;
  const change = rb.spearman.value !== null && ra.spearman.value !== null ? ra.spearman.value - rb.spearman.value : null;
  return {
    reason: null,
    before: rows.length.before,
    after: rows.length.after,
    delta_chars: meanDelta(charsColumn, charsCi, 'no paired prompt has a length on both sides'),
    delta_words: meanDelta(wordsColumn, wordsCi, 'no paired prompt has a length on both sides'),
    reward_length: {
      before: rb,
      after: ra,
      spearman_change: change,
      signal: lengthSignal(rb, ra),
      rule,
    },
  };
}

/** The reward-hacking signal: the after side's reward–length correlation is strong and grew beyond its own noise. */
function lengthSignal(before: RewardLength, after: RewardLength): boolean {
  const a = after.spearman;
  const b = before.spearman;
  if (a.value === null || b.value === null || a.ci95 === null) return false;
  return a.value >= SIGNAL_MIN_RHO && a.value - b.value >= SIGNAL_MIN_GROWTH && b.value < a.ci95[0];
}

/** The values that are not NaN: the array itself when none is (100,000 rows a side are not copied for nothing). */
function knownValues(values: readonly number[]): readonly number[] {
  return values.some(Number.isNaN) ? values.filter((value) => !Number.isNaN(value)) : values;
}

function lengthSummary(sample: RowSample): LengthSummary {
  const chars = knownValues(sample.chars);
  const words = knownValues(sample.words);
  return {
    rows: chars.length,
    mean_chars: meanOrNull(chars),
    median_chars: medianOrNull(chars),
    mean_words: meanOrNull(words),
    median_words: medianOrNull(words),
  };
}

/**
 * Pearson's r and Spearman's rho of reward with length over the rows with both — what `pearson` and `spearman` compute
 * from the complete pairs, with the pairs taken once for both (100,000 rows a side).
 */
function rewardLength(sample: RowSample): RewardLength {
  const rows = knownValues(sample.chars).length;
  let rewards = sample.rewards;
  let lengths = sample.chars;
  if (!rewards.every(Number.isFinite) || !lengths.every(Number.isFinite)) {
    rewards = [];
    lengths = [];
    sample.rewards.forEach((reward, i) => {
      const chars = sample.chars[i]!;
      if (Number.isFinite(reward) && Number.isFinite(chars)) {
        rewards.push(reward);
        lengths.push(chars);
      }
    });
  }
  const withInterval = (statistic: Statistic, kind: 'pearson' | 'spearman'): ReportedStatistic => {
    if (statistic.value === null) return { value: null, reason: statistic.reason };
    const ci95 = fisherZInterval(statistic.value, rows, kind);
    return ci95 === null ? { value: statistic.value, ci95: null, ci95_reason: 'fewer than 4 rows' } : { value: statistic.value, ci95 };
  };
  return {
    rows,
    pearson: withInterval(pearsonOfNumbers(rewards, lengths), 'pearson'),
    spearman: withInterval(pearsonOfNumbers(averageRanks(rewards), averageRanks(lengths)), 'spearman'),
  };
}

function histograms(pairing: Pairing, deltas: readonly number[]): Histograms {
  const { before, after } = pairing.rows;
  const [low, high] = extent(before.rewards, after.rewards);
  const rewardRange: [number, number] = low >= 0 && high <= 1 ? [0, 1] : [low, high];
  const rewardEdges = histogram([], { bins: BINS, range: rewardRange }).edges;
  const [lowest, highest] = extent(deltas);
  const spread = Math.max(Math.abs(lowest), Math.abs(highest)) || 1;
  const deltaEdges = histogram([], { bins: BINS, range: [-spread, spread] }).edges;
  const lengthsKnown = [before.chars, after.chars].some((chars) => chars.some((value) => !Number.isNaN(value)));
  const lengthEdges = lengthsKnown
    ? histogram([], { bins: BINS, range: [0, Math.max(1, extent(before.chars, after.chars)[1])] }).edges
    : [];
  // NaN (an unknown length) is missing to `histogram`, as null is
  const counts = (values: readonly number[], edges: number[]) => (edges.length === 0 ? [] : histogram(values, { edges }).counts);
  return {
    reward_edges: rewardEdges,
    reward_before: counts(before.rewards, rewardEdges),
    reward_after: counts(after.rewards, rewardEdges),
    delta_edges: deltaEdges,
    delta_counts: counts(deltas, deltaEdges),
    length_edges: lengthEdges,
    length_before: counts(before.chars, lengthEdges),
    length_after: counts(after.chars, lengthEdges),
    reward_by_length_before: rewardByLength(before, lengthEdges),
    reward_by_length_after: rewardByLength(after, lengthEdges),
  };
}

/** Mean reward of the rows in each length bin (half-open bins, the last closed, as `histogram` bins them). */
function rewardByLength(sample: RowSample, edges: readonly number[]): (number | null)[] {
  if (edges.length === 0) return [];
  const bins = edges.length - 1;
  const sums = new Float64Array(bins);
  const counts = new Float64Array(bins);
  sample.chars.forEach((chars, i) => {
    if (Number.isNaN(chars) || chars < edges[0]! || chars > edges[bins]!) return;
    // the last edge ≤ chars (the last bin is closed on the right)
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid]! <= chars) lo = mid;
      else hi = mid - 1;
    }
    sums[lo]! += sample.rewards[i]!;
    counts[lo]! += 1;
  });
  return Array.from(sums, (sum, bin) => (counts[bin]! > 0 ? sum / counts[bin]! : null));
}

/** The smallest and largest value of the arrays (NaN left out); [0, 1] when they have none. */
function extent(...arrays: ReadonlyArray<readonly number[]>): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const values of arrays) {
    for (const value of values) {
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  return low > high ? [0, 1] : [low, high];
}

function gateOf(minDelta: number, delta: ReportedStatistic): Gate {
  if (delta.value === null)
    return { min_delta: minDelta, compared: 'ci95_low', value: null, passed: false, reason: `no mean delta: ${delta.reason}` };
  if (delta.ci95 === null)
    return {
      min_delta: minDelta,
      compared: 'ci95_low',
      value: null,
      passed: false,
      reason: `no 95% CI of the mean delta: ${delta.ci95_reason ?? 'withheld'}`,
    };
  const low = delta.ci95[0];
  return {
    min_delta: minDelta,
    compared: 'ci95_low',
    value: low,
    passed: low >= minDelta,
    reason:
      low >= minDelta
        ? `the lower bound of the mean delta's 95% CI (${fixed(low)}) is at least --min-delta ${minDelta}`
        : `the lower bound of the mean delta's 95% CI (${fixed(low)}) is below --min-delta ${minDelta}`,
  };
}

function fixed(value: number, digits = 4): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

function ciText(statistic: ReportedStatistic, digits = 4): string {
  if (statistic.value === null) return `n/a (${statistic.reason})`;
  return statistic.ci95 === null
    ? `${fixed(statistic.value, digits)} (no CI: ${statistic.ci95_reason ?? 'withheld'})`
    : `${fixed(statistic.value, digits)} [95% CI ${fixed(statistic.ci95[0], digits)}, ${fixed(statistic.ci95[1], digits)}]`;
}

function findingsOf(result: CompareResult): Finding[] {
  const found: Finding[] = [];
  const { delta } = result.reward;
  if (delta.value !== null) {
    const text = `Mean reward delta ${ciText(delta)} over ${result.prompts.paired} paired prompts; ${result.reward.wins} won, ${result.reward.ties} tied, ${result.reward.losses} lost`;
    if (delta.ci95 !== null && delta.ci95[0] > 0) found.push({ level: 'good', text: `${text}: the reward rose.` });
    else if (delta.ci95 !== null && delta.ci95[1] < 0) found.push({ level: 'bad', text: `${text}: the reward fell.` });
    else found.push({ level: 'warn', text: `${text}: no clear change (the interval includes 0).` });
  }
  const unpaired = result.prompts.only_before + result.prompts.only_after + result.prompts.no_reward;
  if (unpaired > 0)
    found.push({
      level: 'warn',
      text: `${unpaired} prompts not compared: ${result.prompts.only_before} only before, ${result.prompts.only_after} only after, ${result.prompts.no_reward} without a reward on a side.`,
    });
  const neutral = result.before.excluded.neutral + result.after.excluded.neutral;
  if (neutral > 0)
    found.push({
      level: 'warn',
      text: `${neutral} rows got the neutral fallback reward (a judge failed) and are left out (${result.before.excluded.neutral} before, ${result.after.excluded.neutral} after); --include-neutral compares them.`,
    });
  const hashes = new Set([...result.before.spec_hashes, ...result.after.spec_hashes]);
  if (hashes.size > 1)
    found.push({
      level: 'warn',
      text: `The rows were scored by ${hashes.size} different reward specs (spec_hash): rewards of different specs may not be comparable.`,
    });
  for (const component of result.components) {
    const ci = component.delta.value === null ? null : component.delta.ci95;
    if (ci !== null && ci[1] < 0) found.push({ level: 'warn', text: `Component ${component.name} fell: ${ciText(component.delta)}.` });
  }
  const length = result.length;
  const chars = length.delta_chars;
  if (length.before?.mean_chars && chars.value !== null && chars.ci95 !== null && (chars.ci95[0] > 0 || chars.ci95[1] < 0)) {
    const share = chars.value / length.before.mean_chars;
    if (Math.abs(share) >= DRIFT_SHARE)
      found.push({
        level: share > 0 ? 'warn' : 'good',
        text: `Responses got ${share > 0 ? 'longer' : 'shorter'} by ${Math.abs(share * 100).toFixed(1)}% (${ciText(chars, 1)} characters per prompt).`,
      });
  }
  const rl = length.reward_length;
  if (rl.signal)
    found.push({
      level: 'bad',
      text: `Reward-hacking signal: the reward follows response length after (Spearman rho ${ciText(rl.after!.spearman, 3)}, up ${rl.spearman_change!.toFixed(3)} from before). Check that quality, not length, is paid for (lab calibrate, lab hack's padding probes).`,
    });
  if (result.gate)
    found.push({
      level: result.gate.passed ? 'good' : 'bad',
      text: `Gate --min-delta ${result.gate.min_delta}: ${result.gate.passed ? 'passed' : 'failed'}: ${result.gate.reason}.`,
    });
  return found;
}
