/**
 * `lab noise`: is the judge's noise smaller than the spread of the group a GRPO trainer learns from? The same rows
 * judged k times (fresh samples, or the group judges' rollouts in other slot orders). Per row: σ_i, the sample
 * standard deviation of its score over the repeats. Per group of rollouts (the rows of one prompt):
 *
 *   noise_sd_g = sqrt(mean_{i∈g} σ_i²)                  the judge's noise on the group's rows
 *   group_sd_g = mean_r sd_{i∈g}(x_{i,r})               the within-group spread a trainer sees in one pass
 *   snr        = mean_g group_sd_g ÷ sqrt(mean_g noise_sd_g²)
 *
 * and the share of groups whose spread is within the noise (group_sd_g ≤ noise_sd_g: GRPO's advantages there are
 * mostly the judge's noise; a group with no spread at all counts too, since GRPO learns nothing from it). Every
 * standard deviation is the sample one (ddof 1), as GRPO trainers normalise with. For the reward and for each
 * judge component; for group judges also the rank agreement between orders and the mean score by slot, read from
 * their details. Pure: results in, JSON result out.
 *
 * Rows no judge saw (gated, empty, unreadable) are left out, and a repeat in which a judge failed is a missing
 * value, as in `lab consistency`. Only groups with at least two judged rows have a spread.
 */
import type { ComponentResult, RewardResult } from '../../result.js';
import { mean, std, undefinedStatistic, defined, type Statistic } from '../statistics/index.js';
import { estimate, LAB_RESULT_VERSION, notApplicable, type LabSettings, type LabSource, type ReportedStatistic } from '../lab-result.js';
import { rowStatus, type RowStatus } from '../engine/row-signals.js';
import { round6OrNull, sampleStd, share } from '../item-statistics.js';
import { verbosityBias, type VerbosityBias } from '../verbosity-bias.js';

/** sample: each repeat asks the judge afresh (its temperature); permute: each repeat also shows every group in another order. */
export type NoiseSource = 'sample' | 'permute';

/** The statistics `--min NAME=VALUE` may require a minimum of. */
export const NOISE_STATISTICS: readonly string[] = [
  'reward_snr',
  'share_groups_within_noise',
  'share_groups_above_noise',
  'reward_noise_sd',
  'reward_group_sd',
];

/** A group's spread within `NOISE_TOLERANCE` of its noise counts as within the noise (float rounding). */
const NOISE_TOLERANCE = 1e-9;

export interface NoiseStatistics {
  snr: ReportedStatistic;
  share_groups_within_noise: ReportedStatistic;
  noise_sd: ReportedStatistic;
  group_sd: ReportedStatistic;
  /** Group judges: mean Kendall τ between the orders of one group call (from the component details). */
  mean_kendall_tau?: ReportedStatistic;
}

export interface NoiseJudge {
  name: string;
  type: string;
  statistics: NoiseStatistics;
  /** Group judges: mean normalised score at each slot (A, B, …) over every judged group and repeat. */
  mean_by_slot?: (number | null)[];
}

export interface NoiseGroup {
  /** The group key (src/input/group-key.ts, shortened). */
  key: string;
  /** Its judged rows. */
  ids: string[];
  noise_sd: number | null;
  group_sd: number | null;
  /** group_sd ÷ noise_sd; null when either is undefined or the noise is 0. */
  snr: number | null;
  /** group_sd ≤ noise_sd; null when either is undefined. */
  within_noise: boolean | null;
}

export interface NoiseRow {
  id: string;
  group: string | null;
  status: RowStatus;
  /** Response length in characters (null when unknown). */
  length: number | null;
  /** The reward of each repeat; null where the row was missing or a judge failed. */
  scores: (number | null)[];
  /** σ_i: sample standard deviation over the repeats (null with fewer than two). */
  sd: number | null;
}

export interface NoiseResult {
  rewardkit_lab: typeof LAB_RESULT_VERSION;
  command: 'noise';
  source: LabSource;
  settings: LabSettings;
  repeats: number;
  noise_source: NoiseSource;
  rows: {
    total: number;
    judged: number;
    excluded: { gated: number; empty: number; row_error: number; unjudged: number };
    /** Row × repeat pairs where a judge failed after retries (treated as missing). */
    judge_errors: number;
  };
  groups: {
    total: number;
    /** Groups with at least two judged rows: the ones with a spread. */
    judged: number;
    /** Groups with one judged row. */
    singletons: number;
  };
  calls: {
    /** Judge calls sent to a model over every repeat (cache hits not counted). */
    sent: number;
    /** sent ÷ rows ÷ repeats. */
    per_rollout: number | null;
  };
  statistics: {
    reward_snr: ReportedStatistic;
    share_groups_within_noise: ReportedStatistic;
    share_groups_above_noise: ReportedStatistic;
    reward_noise_sd: ReportedStatistic;
    reward_group_sd: ReportedStatistic;
  };
  judges: NoiseJudge[];
  per_group: NoiseGroup[];
  per_row: NoiseRow[];
  verbosity_bias: VerbosityBias;
}

export interface NoiseInput {
  source: LabSource;
  settings: LabSettings;
  ids: readonly string[];
  /** Each row's group key (groupKeyOf its row view); null for a row that cannot be read. */
  groups: readonly (string | null)[];
  /** Response lengths per row (null when unknown). */
  lengths: readonly (number | null)[];
  /** repeats[r][i]: row i in repeat r. */
  repeats: ReadonlyArray<ReadonlyArray<RewardResult>>;
  noiseSource: NoiseSource;
  /** Judge calls sent to a model over all repeats. */
  callsSent: number;
}

export function analyseNoise(input: NoiseInput): NoiseResult {
  const { ids, repeats, settings } = input;
  const k = repeats.length;
  const excluded = { gated: 0, empty: 0, row_error: 0, unjudged: 0 };
  let judgeErrors = 0;
  const statuses: RowStatus[] = [];
  const judgedRows: number[] = [];
  ids.forEach((_id, i) => {
    const perRepeat = repeats.map((repeat) => rowStatus(repeat[i]!));
    judgeErrors += perRepeat.filter((status) => status === 'judge_error').length;
    const judged = perRepeat.some((status) => status === 'judged' || status === 'judge_error');
    const status: RowStatus = judged ? 'judged' : (perRepeat[0] ?? 'row_error');
    if (judged) judgedRows.push(i);
    else excluded[status as keyof typeof excluded] += 1;
    statuses.push(status);
  });

  const rewards: (number | null)[][] = ids.map((_id, i) =>
    repeats.map((repeat) => {
      const status = rowStatus(repeat[i]!);
      return status === 'judged' ? repeat[i]!.reward : null;
    }),
  );
  const reward = seriesNoise(rewards, judgedRows, input.groups);
  const rewardStatistics = noiseStatistics(reward, input.noiseSource, settings);

  const keys = new Set(input.groups.filter((key): key is string => key !== null));
  const judgedPerGroup = new Map<string, number>();
  for (const i of judgedRows) {
    const key = input.groups[i];
    if (key !== null && key !== undefined) judgedPerGroup.set(key, (judgedPerGroup.get(key) ?? 0) + 1);
  }
  const sent = input.callsSent;
  return {
    rewardkit_lab: LAB_RESULT_VERSION,
    command: 'noise',
    source: input.source,
    settings,
    repeats: k,
    noise_source: input.noiseSource,
    rows: { total: ids.length, judged: judgedRows.length, excluded, judge_errors: judgeErrors },
    groups: {
      total: keys.size,
      judged: [...judgedPerGroup.values()].filter((count) => count >= 2).length,
      singletons: [...judgedPerGroup.values()].filter((count) => count === 1).length,
    },
    calls: { sent, per_rollout: ids.length > 0 && k > 0 ? round6OrNull(sent / ids.length / k) : null },
    statistics: {
      reward_snr: rewardStatistics.snr,
      share_groups_within_noise: rewardStatistics.share_groups_within_noise,
      share_groups_above_noise: rewardStatistics.share_groups_above_noise,
      reward_noise_sd: rewardStatistics.noise_sd,
      reward_group_sd: rewardStatistics.group_sd,
    },
    judges: judgeNoise(input, judgedRows),
    per_group: reward.groups.map((group) => ({
      key: group.key,
      ids: group.members.map((i) => ids[i]!),
      noise_sd: round6OrNull(group.noiseSd),
      group_sd: round6OrNull(group.groupSd),
      snr: group.noiseSd !== null && group.groupSd !== null && group.noiseSd > 0 ? round6OrNull(group.groupSd / group.noiseSd) : null,
      within_noise: withinNoise(group),
    })),
    per_row: ids.map((id, i) => ({
      id,
      group: input.groups[i] ?? null,
      status: statuses[i]!,
      length: input.lengths[i] ?? null,
      scores: rewards[i]!,
      sd: round6OrNull(reward.rowSd[i] ?? null),
    })),
    verbosity_bias: verbosityBias(
      [{ name: 'reward (mean over repeats)', scores: judgedRows.map((i) => mean(rewards[i]!).value) }],
      judgedRows.map((i) => input.lengths[i] ?? null),
      '',
      settings,
    ),
  };
}

interface GroupNoise {
  key: string;
  /** Row indexes of the group's judged rows, in input order. */
  members: number[];
  noiseSd: number | null;
  groupSd: number | null;
}

interface SeriesNoise {
  /** σ_i per row index (null for rows not judged or judged fewer than twice). */
  rowSd: (number | null)[];
  /** Groups with at least two judged rows, in order of first appearance. */
  groups: GroupNoise[];
  /** Every σ_i that entered a group's noise was 0. */
  noNoise: boolean;
}

/** σ per row, and each group's noise and spread, for one score series (values[i][r]). */
function seriesNoise(
  values: readonly (readonly (number | null)[])[],
  judgedRows: readonly number[],
  groups: NoiseInput['groups'],
): SeriesNoise {
  const rowSd: (number | null)[] = values.map(() => null);
  for (const i of judgedRows) rowSd[i] = sampleStd(values[i]!);
  const members = new Map<string, number[]>();
  for (const i of judgedRows) {
    const key = groups[i];
    if (key === null || key === undefined) continue;
    const list = members.get(key) ?? [];
    list.push(i);
    members.set(key, list);
  }
  const result: GroupNoise[] = [];
  let anyNoise = false;
  for (const [key, rows] of members) {
    if (rows.length < 2) continue;
    const variances = rows.map((i) => rowSd[i]).filter((sd): sd is number => sd !== null);
    if (variances.some((sd) => sd > 0)) anyNoise = true;
    const noise = mean(variances.map((sd) => sd * sd)).value;
    const repeatCount = Math.max(0, ...rows.map((i) => values[i]!.length));
    const spreads = Array.from({ length: repeatCount }, (_unused, r) => std(rows.map((i) => values[i]![r] ?? null)).value);
    result.push({ key, members: rows, noiseSd: noise === null ? null : Math.sqrt(noise), groupSd: mean(spreads).value });
  }
  return { rowSd, groups: result, noNoise: !anyNoise };
}

function withinNoise(group: GroupNoise): boolean | null {
  if (group.noiseSd === null || group.groupSd === null) return null;
  return group.groupSd <= group.noiseSd + NOISE_TOLERANCE;
}

interface GroupItem {
  noiseSd: number;
  groupSd: number;
}

/** The headline statistics of one series over its groups (the bootstrap resamples groups). */
function noiseStatistics(
  series: SeriesNoise,
  source: NoiseSource,
  settings: LabSettings,
): NoiseStatistics & { share_groups_above_noise: ReportedStatistic } {
  const items: GroupItem[] = series.groups
    .filter((group) => group.noiseSd !== null && group.groupSd !== null)
    .map((group) => ({ noiseSd: group.noiseSd!, groupSd: group.groupSd! }));
  const none = 'no group with at least two judged rows, each judged at least twice';
  const noiseSd = (sample: readonly GroupItem[]): Statistic =>
    sample.length === 0 ? undefinedStatistic(none) : defined(Math.sqrt(mean(sample.map((item) => item.noiseSd ** 2)).value!));
  const groupSd = (sample: readonly GroupItem[]): Statistic =>
    sample.length === 0 ? undefinedStatistic(none) : defined(mean(sample.map((item) => item.groupSd)).value!);
  const snr = (sample: readonly GroupItem[]): Statistic => {
    const noise = noiseSd(sample);
    const spread = groupSd(sample);
    if (noise.value === null || spread.value === null) return undefinedStatistic(none);
    if (noise.value === 0) return undefinedStatistic('the judge showed no noise on the resampled groups');
    return defined(spread.value / noise.value);
  };
  const within = (sample: readonly GroupItem[]) =>
    share(
      sample.map((item) => item.groupSd <= item.noiseSd + NOISE_TOLERANCE),
      'groups',
    );
  const above = (sample: readonly GroupItem[]) =>
    share(
      sample.map((item) => item.groupSd > item.noiseSd + NOISE_TOLERANCE),
      'groups',
    );
  const quiet = items.length > 0 && series.noNoise ? notApplicable(noNoiseReason(source)) : null;
  return {
    snr: quiet ?? estimate(items, snr, settings),
    share_groups_within_noise: quiet ?? (items.length === 0 ? notApplicable(none) : estimate(items, within, settings)),
    share_groups_above_noise: quiet ?? (items.length === 0 ? notApplicable(none) : estimate(items, above, settings)),
    noise_sd: estimate(items, noiseSd, settings),
    group_sd: estimate(items, groupSd, settings),
  };
}

function noNoiseReason(source: NoiseSource): string {
  return source === 'sample'
    ? 'the judge gave the same scores every repeat (temperature 0?): use --source permute or a temperature > 0'
    : 'the judge gave the same scores in every order and repeat: there is no noise to compare the spread with';
}

/** The same statistics per judge component (its own score), plus the order statistics of group judges. */
function judgeNoise(input: NoiseInput, judgedRows: readonly number[]): NoiseJudge[] {
  const judges: Array<{ name: string; type: string }> = [];
  for (const repeat of input.repeats) {
    for (const i of judgedRows) {
      for (const component of repeat[i]!.components)
        if (component.kind === 'judge' && !judges.some((judge) => judge.name === component.name))
          judges.push({ name: component.name, type: component.type });
    }
  }
  return judges.map(({ name, type }) => {
    const componentOf = (r: number, i: number) => input.repeats[r]![i]!.components.find((component) => component.name === name);
    const values = input.ids.map((_id, i) =>
      input.repeats.map((_repeat, r) => {
        const component = componentOf(r, i);
        return component?.status === 'scored' ? component.score : null;
      }),
    );
    const { share_groups_above_noise: _above, ...statistics } = noiseStatistics(
      seriesNoise(values, judgedRows, input.groups),
      input.noiseSource,
      input.settings,
    );
    if (type !== 'group') return { name, type, statistics };
    const calls = groupCalls(input, judgedRows, componentOf);
    const taus = calls.map((details) => (typeof details.kendall_tau === 'number' ? details.kendall_tau : null));
    const tauReason = calls.map((details) => details.kendall_tau_reason).find((reason): reason is string => typeof reason === 'string');
    const meanTau = (sample: readonly (number | null)[]): Statistic => {
      const result = mean(sample);
      return result.value === null ? undefinedStatistic(tauReason ?? 'no group was judged in two orders or more') : result;
    };
    return {
      name,
      type,
      statistics: { ...statistics, mean_kendall_tau: estimate(taus, meanTau, input.settings) },
      mean_by_slot: meanBySlot(calls),
    };
  });
}

/** The details of each judged group once per repeat (every member carries the same group statistics). */
function groupCalls(
  input: NoiseInput,
  judgedRows: readonly number[],
  componentOf: (r: number, i: number) => ComponentResult | undefined,
): Array<Record<string, unknown>> {
  const seen = new Set<string>();
  const calls: Array<Record<string, unknown>> = [];
  input.repeats.forEach((_repeat, r) => {
    for (const i of judgedRows) {
      const component = componentOf(r, i);
      if (component?.status !== 'scored' || !component.details) continue;
      const group = component.details.group as { key?: unknown } | undefined;
      const key = `${r}\u0000${typeof group?.key === 'string' ? group.key : `row ${i}`}`;
      if (seen.has(key)) continue;
      seen.add(key);
      calls.push(component.details);
    }
  });
  return calls;
}

/** Mean of each slot's mean score over the group calls that had that slot. */
function meanBySlot(calls: ReadonlyArray<Record<string, unknown>>): (number | null)[] {
  const slots: number[][] = [];
  for (const details of calls) {
    const bias = details.position_bias as { mean_by_slot?: unknown } | undefined;
    if (!Array.isArray(bias?.mean_by_slot)) continue;
    (bias.mean_by_slot as unknown[]).forEach((value, slot) => {
      if (typeof value !== 'number') return;
      (slots[slot] ??= []).push(value);
    });
  }
  return Array.from({ length: slots.length }, (_unused, slot) => round6OrNull(mean(slots[slot] ?? []).value));
}
