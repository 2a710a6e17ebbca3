/**
 * `lab position`: a preference judge sees each pair in both orders. Does its verdict survive the swap, how
 * often does it call a tie, and does it favour whichever answer comes first (or second)?
 *
 * In content terms each order yields a winner (response / tie / other); a consistent judge names the same
 * winner in both orders. In position terms a row where the judge chose slot A both times (the response
 * when it was first, the other answer when the response was second) favours the first position; B both
 * times favours the second. Position bias is tested with the exact two-sided sign test (binomial, p = 0.5)
 * on those rows — McNemar's exact test — since rows where the judge kept its verdict carry no information
 * about position.
 */
import type { RewardResult } from '../../result.js';
import { binomialTest, cohenKappa, defined, undefinedStatistic, type Rating, type Statistic } from '../statistics/index.js';
import { estimate, estimatePaired, LAB_RESULT_VERSION, type LabSettings, type LabSource, type ReportedStatistic } from '../lab-result.js';
import { rowStatus, type RowStatus } from '../engine/row-signals.js';
import { verbosityBias, type VerbosityBias } from '../verbosity-bias.js';
import { share } from '../item-statistics.js';

export type Winner = 'response' | 'tie' | 'other';
export type Slot = 'A' | 'B' | 'tie';

export const WINNERS: readonly Winner[] = ['response', 'tie', 'other'];

export interface PositionRow {
  id: string;
  length: number | null;
  /** Null when the row was not judged in both orders (see `status`). */
  response_first: Winner | null;
  response_second: Winner | null;
  /** The slot the judge chose in each order (A = shown first). */
  slots: [Slot, Slot] | null;
  consistent: boolean | null;
  score: number | null;
  status: RowStatus | 'one_order';
}

export interface PositionResult {
  rewardkit_lab: typeof LAB_RESULT_VERSION;
  command: 'position';
  source: LabSource;
  settings: LabSettings;
  judge: string;
  rows: { total: number; judged_both_orders: number; excluded: Record<string, number> };
  statistics: {
    swap_agreement: ReportedStatistic;
    cohen_kappa_unweighted: ReportedStatistic;
    tie_rate: ReportedStatistic;
    first_position_rate: ReportedStatistic;
  };
  position_bias_test: {
    test: 'exact two-sided binomial (sign) test, p = 0.5, on rows whose verdict followed the slot';
    first_favoured_rows: number;
    second_favoured_rows: number;
    p_value: number | null;
    reason?: string;
    favoured: 'first' | 'second' | 'neither';
    significant: boolean;
    alpha: 0.05;
  };
  /** Rows: the winner with the response first; columns: with the response second (order of `labels`). */
  swap_matrix: { labels: Winner[]; counts: number[][] };
  slot_counts: { response_first: Record<Slot, number>; response_second: Record<Slot, number> };
  per_row: PositionRow[];
  verbosity_bias: VerbosityBias;
}

export interface PositionInput {
  source: LabSource;
  settings: LabSettings;
  judge: string;
  ids: readonly string[];
  lengths: readonly (number | null)[] | null;
  lengthReason: string;
  results: ReadonlyArray<RewardResult | undefined>;
}

export function analysePosition(input: PositionInput): PositionResult {
  const { settings } = input;
  const excluded: Record<string, number> = {};
  const rows: PositionRow[] = input.ids.map((id, i) => {
    const result = input.results[i];
    const length = input.lengths?.[i] ?? null;
    const empty = { id, length, response_first: null, response_second: null, slots: null, consistent: null, score: null };
    if (!result) {
      excluded.missing = (excluded.missing ?? 0) + 1;
      return { ...empty, status: 'row_error' as const };
    }
    const component = result.components.find((candidate) => candidate.name === input.judge);
    const perOrder = component?.status === 'scored' ? (component.details?.per_order as Record<string, unknown> | undefined) : undefined;
    const first = asWinner(perOrder?.['response-first']);
    const second = asWinner(perOrder?.['response-second']);
    if (!first || !second) {
      const status = component?.status === 'scored' ? 'one_order' : rowStatus(result) === 'judged' ? 'judge_error' : rowStatus(result);
      excluded[status] = (excluded[status] ?? 0) + 1;
      return { ...empty, status };
    }
    return {
      id,
      length,
      response_first: first,
      response_second: second,
      slots: [slotOf(first, 'first'), slotOf(second, 'second')],
      consistent: first === second,
      score: component!.score,
      status: 'judged',
    };
  });
  const judged = rows.filter((row) => row.slots !== null);
  const firstFavoured = judged.filter((row) => row.slots![0] === 'A' && row.slots![1] === 'A').length;
  const secondFavoured = judged.filter((row) => row.slots![0] === 'B' && row.slots![1] === 'B').length;
  const test = binomialTest(firstFavoured, firstFavoured + secondFavoured);
  const counts = WINNERS.map((first) =>
    WINNERS.map((second) => judged.filter((row) => row.response_first === first && row.response_second === second).length),
  );
  const slotCount = (index: 0 | 1): Record<Slot, number> => ({
    A: judged.filter((row) => row.slots![index] === 'A').length,
    B: judged.filter((row) => row.slots![index] === 'B').length,
    tie: judged.filter((row) => row.slots![index] === 'tie').length,
  });
  const categories: Rating[] = [...WINNERS];

  return {
    rewardkit_lab: LAB_RESULT_VERSION,
    command: 'position',
    source: input.source,
    settings,
    judge: input.judge,
    rows: { total: rows.length, judged_both_orders: judged.length, excluded },
    statistics: {
      swap_agreement: estimate(
        judged,
        (sample) =>
          share(
            sample.map((row) => row.consistent),
            'rows judged in both orders',
          ),
        settings,
      ),
      cohen_kappa_unweighted: estimatePaired(
        judged.map((row) => row.response_first),
        judged.map((row) => row.response_second),
        (a, b) => cohenKappa(a, b, { categories }),
        settings,
      ),
      tie_rate: estimate(
        judged,
        (sample) =>
          share(
            sample.flatMap((row) => row.slots!.map((slot) => slot === 'tie')),
            'verdicts',
          ),
        settings,
      ),
      first_position_rate: estimate(judged, (sample) => firstPositionRate(sample), settings),
    },
    position_bias_test: {
      test: 'exact two-sided binomial (sign) test, p = 0.5, on rows whose verdict followed the slot',
      first_favoured_rows: firstFavoured,
      second_favoured_rows: secondFavoured,
      p_value: test.pValue,
      ...(test.pValue === null ? { reason: 'no row chose the same slot in both orders: nothing points to a position' } : {}),
      favoured: firstFavoured > secondFavoured ? 'first' : secondFavoured > firstFavoured ? 'second' : 'neither',
      significant: test.pValue !== null && test.pValue < 0.05,
      alpha: 0.05,
    },
    swap_matrix: { labels: [...WINNERS], counts },
    slot_counts: { response_first: slotCount(0), response_second: slotCount(1) },
    per_row: rows,
    verbosity_bias: verbosityBias(
      [{ name: `${input.judge} score`, scores: judged.map((row) => row.score) }],
      input.lengths === null ? null : judged.map((row) => row.length),
      input.lengthReason,
      settings,
    ),
  };
}

/** Share of decisive verdicts (A or B, both orders pooled) that picked the answer shown first. */
function firstPositionRate(rows: readonly PositionRow[]): Statistic {
  let first = 0;
  let decisive = 0;
  for (const row of rows) {
    for (const slot of row.slots ?? []) {
      if (slot === 'tie') continue;
      decisive += 1;
      if (slot === 'A') first += 1;
    }
  }
  return decisive === 0 ? undefinedStatistic('every verdict was a tie') : defined(first / decisive);
}

function asWinner(value: unknown): Winner | null {
  return value === 'response' || value === 'tie' || value === 'other' ? value : null;
}

/** The slot the judge picked: with the response first it sits in A, with the response second in B. */
export function slotOf(winner: Winner, responsePosition: 'first' | 'second'): Slot {
  if (winner === 'tie') return 'tie';
  const responseSlot = responsePosition === 'first' ? 'A' : 'B';
  const otherSlot = responsePosition === 'first' ? 'B' : 'A';
  return winner === 'response' ? responseSlot : otherSlot;
}
