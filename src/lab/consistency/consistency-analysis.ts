/**
 * `lab consistency`: the same rows judged k times. Does the judge give the same answer twice? Per row: the
 * spread of the reward; per pass/fail criterion (and per scale dimension, per preference winner): how often
 * the verdict flips between repeats; overall: Krippendorff's alpha (interval) and ICC(1) over rows × repeats.
 *
 * Only rows a judge actually saw count: gated, empty and unreadable rows get the same reward every time and
 * would inflate the reliability. A repeat in which a judge failed after retries is a missing rating, not a
 * score (its reward is the neutral fallback).
 */
import type { RewardResult } from '../../result.js';
import { icc, krippendorffAlpha, mean, type Rating, type Statistic } from '../statistics/index.js';
import {
  estimate,
  LAB_RESULT_VERSION,
  type BootstrapSettings,
  type LabSettings,
  type LabSource,
  type ReportedStatistic,
} from '../lab-result.js';
import { judgeLines, rowStatus, type LineKind, type LineValue, type RowStatus } from '../engine/row-signals.js';
import { verbosityBias, type VerbosityBias } from '../verbosity-bias.js';
import { round6OrNull, sampleStd, share, spread } from '../item-statistics.js';

export interface ConsistencyRow {
  id: string;
  status: RowStatus;
  length: number | null;
  /** The reward of each repeat; null where the row was missing or a judge failed. */
  rewards: (number | null)[];
  mean: number | null;
  std: number | null;
  range: number | null;
}

export interface CriterionConsistency {
  judge: string;
  line: string;
  kind: LineKind;
  /** Judged units (row × item) with at least two verdicts. */
  units: number;
  /** Units whose verdict was not the same in every repeat. */
  changed_units: number;
  statistics: {
    flip_rate: ReportedStatistic;
    /** nominal for pass/fail and preference winners, ordinal for scale dimensions. */
    krippendorff_alpha: ReportedStatistic;
  };
  alpha_level: 'nominal' | 'ordinal';
}

export interface ConsistencyResult {
  rewardkit_lab: typeof LAB_RESULT_VERSION;
  command: 'consistency';
  source: LabSource;
  settings: LabSettings;
  repeats: number;
  rows: {
    total: number;
    judged: number;
    excluded: { gated: number; empty: number; row_error: number; unjudged: number };
    /** Row × repeat pairs where a judge failed after retries (treated as missing). */
    judge_errors: number;
  };
  statistics: {
    krippendorff_alpha_interval: ReportedStatistic;
    icc1: ReportedStatistic;
    mean_row_std: ReportedStatistic;
    share_rows_changed: ReportedStatistic;
  };
  components: Array<{ name: string; statistics: { krippendorff_alpha_interval: ReportedStatistic; mean_row_std: ReportedStatistic } }>;
  criteria: CriterionConsistency[];
  per_row: ConsistencyRow[];
  verbosity_bias: VerbosityBias;
}

export interface ConsistencyInput {
  source: LabSource;
  settings: LabSettings;
  ids: readonly string[];
  /** Response lengths per row (null when unknown), or null with `lengthReason`. */
  lengths: readonly (number | null)[] | null;
  lengthReason: string;
  /** repeats[r][i]: row i in repeat r; undefined when a repeat file lacks the row. */
  repeats: ReadonlyArray<ReadonlyArray<RewardResult | undefined>>;
}

export function analyseConsistency(input: ConsistencyInput): ConsistencyResult {
  const { ids, repeats, settings } = input;
  const k = repeats.length;
  const excluded = { gated: 0, empty: 0, row_error: 0, unjudged: 0 };
  let judgeErrors = 0;
  const perRow: ConsistencyRow[] = [];
  const judgedRows: number[] = [];

  ids.forEach((id, i) => {
    const results = repeats.map((repeat) => repeat[i]);
    const statuses = results.map((result) => (result ? rowStatus(result) : null));
    judgeErrors += statuses.filter((status) => status === 'judge_error').length;
    const judged = statuses.some((status) => status === 'judged' || status === 'judge_error');
    const status: RowStatus = judged ? 'judged' : (statuses.find((candidate) => candidate !== null) ?? 'row_error');
    if (!judged) excluded[status as keyof typeof excluded] += 1;
    else judgedRows.push(i);
    const rewards = results.map((result, r) =>
      result && statuses[r] !== 'judge_error' && statuses[r] !== 'row_error' ? result.reward : null,
    );
    perRow.push({
      id,
      status,
      length: input.lengths?.[i] ?? null,
      rewards,
      mean: round6OrNull(mean(rewards).value),
      std: round6OrNull(sampleStd(rewards)),
      range: round6OrNull(spread(rewards)),
    });
  });

  const matrix: Rating[][] = judgedRows.map((i) => perRow[i]!.rewards);
  const rowStds = judgedRows.map((i) => sampleStd(perRow[i]!.rewards));
  const changed = judgedRows.map((i) => {
    const range = spread(perRow[i]!.rewards);
    return range === null ? null : range > 1e-9;
  });

  return {
    rewardkit_lab: LAB_RESULT_VERSION,
    command: 'consistency',
    source: input.source,
    settings,
    repeats: k,
    rows: { total: ids.length, judged: judgedRows.length, excluded, judge_errors: judgeErrors },
    statistics: {
      krippendorff_alpha_interval: estimate(matrix, (sample) => krippendorffAlpha(sample, 'interval'), settings),
      icc1: estimate(matrix, (sample) => icc(sample, 'ICC1'), settings),
      mean_row_std: estimate(rowStds, (sample) => meanStd(sample), settings),
      share_rows_changed: estimate(changed, (sample) => share(sample, 'rows judged at least twice'), settings),
    },
    components: componentReliability(judgedRows, repeats, settings),
    criteria: criterionConsistency(judgedRows, repeats, settings),
    per_row: perRow,
    verbosity_bias: verbosityBias(
      [{ name: 'reward (mean over repeats)', scores: judgedRows.map((i) => perRow[i]!.mean) }],
      input.lengths === null ? null : judgedRows.map((i) => perRow[i]!.length),
      input.lengthReason,
      settings,
    ),
  };
}

function meanStd(stds: readonly (number | null)[]): Statistic {
  const result = mean(stds);
  return result.value === null ? { value: null, reason: 'no row was judged at least twice' } : result;
}

/** Alpha and mean spread of each judge component's own score. */
function componentReliability(
  rows: readonly number[],
  repeats: ConsistencyInput['repeats'],
  settings: BootstrapSettings,
): ConsistencyResult['components'] {
  const names: string[] = [];
  for (const repeat of repeats) {
    for (const i of rows) {
      for (const component of repeat[i]?.components ?? [])
        if (component.kind === 'judge' && !names.includes(component.name)) names.push(component.name);
    }
  }
  return names.map((name) => {
    const matrix: Rating[][] = rows.map((i) =>
      repeats.map((repeat) => {
        const component = repeat[i]?.components.find((candidate) => candidate.name === name);
        return component && component.status === 'scored' ? component.score : null;
      }),
    );
    return {
      name,
      statistics: {
        krippendorff_alpha_interval: estimate(matrix, (sample) => krippendorffAlpha(sample, 'interval'), settings),
        mean_row_std: estimate(
          matrix.map((row) => sampleStd(row as (number | null)[])),
          (sample) => meanStd(sample),
          settings,
        ),
      },
    };
  });
}

/** Flip rate and alpha per verdict line; units are (row, item), resampled by row (a cluster bootstrap). */
function criterionConsistency(
  rows: readonly number[],
  repeats: ConsistencyInput['repeats'],
  settings: BootstrapSettings,
): CriterionConsistency[] {
  const lines = new Map<string, { judge: string; line: string; kind: LineKind; perRow: Map<number, LineValue[][]> }>();
  repeats.forEach((repeat, r) => {
    for (const i of rows) {
      const result = repeat[i];
      if (!result) continue;
      for (const [key, line] of judgeLines(result)) {
        const entry = lines.get(key) ?? { judge: line.judge, line: line.line, kind: line.kind, perRow: new Map<number, LineValue[][]>() };
        lines.set(key, entry);
        const units = entry.perRow.get(i) ?? [];
        entry.perRow.set(i, units);
        line.items.forEach((value, item) => {
          units[item] ??= new Array<LineValue>(repeats.length).fill(null);
          units[item][r] = value;
        });
      }
    }
  });
  return [...lines.values()].map((entry) => {
    const level = entry.kind === 'scale' ? 'ordinal' : 'nominal';
    // Each bootstrap item is one row's units (rows × items × repeats).
    const clusters: Rating[][][] = [...entry.perRow.values()].map((units) => units.filter(Boolean).map((unit) => unit.map(toRating)));
    const flips = (sample: readonly Rating[][][]) => sample.flat().map(changedUnit);
    const allUnits = flips(clusters);
    return {
      judge: entry.judge,
      line: entry.line,
      kind: entry.kind,
      units: allUnits.filter((flag) => flag !== null).length,
      changed_units: allUnits.filter((flag) => flag === true).length,
      statistics: {
        flip_rate: estimate(clusters, (sample) => share(flips(sample), 'units judged at least twice'), settings),
        krippendorff_alpha: estimate(clusters, (sample) => krippendorffAlpha(sample.flat(), level), settings),
      },
      alpha_level: level,
    };
  });
}

function toRating(value: LineValue): Rating {
  if (typeof value === 'boolean') return value ? 'pass' : 'fail';
  return value;
}

/** Whether a unit's verdicts differ between repeats; null with fewer than two verdicts. */
function changedUnit(unit: readonly Rating[]): boolean | null {
  const present = unit.filter((value) => value !== null);
  if (present.length < 2) return null;
  return present.some((value) => value !== present[0]);
}
