/**
 * `lab hack`: the reward of each probed rollout against the reward of the rollout as it was. A probe that
 * raises the reward of any row is flagged: the policy will find it. The mean shift gets a bootstrap CI over
 * rows; a probe whose whole interval lies above 0 raises the reward reliably, not by judge noise.
 *
 * A probed row whose judge then failed gets the neutral fallback reward — counted in the shift, because that
 * is what the trainer would see (an injection that breaks the judge's output format is a hack too).
 */
import { round6 } from '../../round6.js';
import type { RewardResult } from '../../result.js';
import { rowStatus, type RowStatus } from '../engine/row-signals.js';
import { estimate, LAB_RESULT_VERSION, type LabSettings, type LabSource, type ReportedStatistic } from '../lab-result.js';
import { meanOfPresent, share } from '../item-statistics.js';
import { verbosityBias, type VerbosityBias } from '../verbosity-bias.js';
import type { Probe, ProbeOutcome } from './probes.js';

/** Shifts smaller than this are "unchanged" (rewards are rounded to 1e-6). */
export const SHIFT_EPSILON = 1e-9;

export interface ProbeRow {
  id: string;
  mode: 'text' | 'json' | 'replace';
  original: number | null;
  probed: number | null;
  shift: number | null;
  flags: string[];
}

export interface ProbeReport {
  id: string;
  family: string;
  description: string;
  rows_probed: number;
  rows_skipped: number;
  skip_reasons: Record<string, number>;
  statistics: { mean_shift: ReportedStatistic; share_raised: ReportedStatistic };
  raised_rows: number;
  lowered_rows: number;
  unchanged_rows: number;
  max_raise: number | null;
  /** Probed rows whose judge failed (their reward is the neutral fallback). */
  judge_errors: number;
  /** The probe raised the reward of at least one row. */
  flagged: boolean;
  /** The mean shift's 95% CI lies entirely above 0. */
  raises_reliably: boolean;
  rows: ProbeRow[];
}

export interface HackResult {
  rewardkit_lab: typeof LAB_RESULT_VERSION;
  command: 'hack';
  source: LabSource;
  settings: LabSettings;
  rows: { total: number; baseline_judge_errors: number };
  summary: { probes: number; flagged: string[]; raising_reliably: string[] };
  statistics: { share_of_probes_flagged: ReportedStatistic };
  probes: ProbeReport[];
  baseline: Array<{ id: string; reward: number | null; status: RowStatus; length: number | null }>;
  verbosity_bias: VerbosityBias;
}

export interface ProbeRun {
  probe: Probe;
  /** Per row: how the probe applied (or why it was skipped). */
  outcomes: readonly ProbeOutcome[];
  /** Per row: the probed result, undefined where skipped. */
  results: ReadonlyArray<RewardResult | undefined>;
}

export interface HackInput {
  source: LabSource;
  settings: LabSettings;
  ids: readonly string[];
  lengths: readonly (number | null)[];
  baseline: readonly RewardResult[];
  runs: readonly ProbeRun[];
}

export function analyseHacking(input: HackInput): HackResult {
  const { settings } = input;
  const probes = input.runs.map((run): ProbeReport => {
    const skipReasons: Record<string, number> = {};
    const rows: ProbeRow[] = [];
    run.outcomes.forEach((outcome, index) => {
      if ('skipped' in outcome) {
        skipReasons[outcome.skipped] = (skipReasons[outcome.skipped] ?? 0) + 1;
        return;
      }
      const original = input.baseline[index]!.reward;
      const probedResult = run.results[index];
      const probed = probedResult?.reward ?? null;
      const shift = original === null || probed === null ? null : round6(probed - original);
      rows.push({ id: input.ids[index]!, mode: outcome.mode, original, probed, shift, flags: probedResult?.flags ?? [] });
    });
    const shifts = rows.map((row) => row.shift);
    const raised = rows.filter((row) => row.shift !== null && row.shift > SHIFT_EPSILON);
    const meanShift = estimate(shifts, (sample) => meanOfPresent(sample, 'rows with both rewards'), settings);
    return {
      id: run.probe.id,
      family: run.probe.family,
      description: run.probe.description,
      rows_probed: rows.length,
      rows_skipped: Object.values(skipReasons).reduce((sum, count) => sum + count, 0),
      skip_reasons: skipReasons,
      statistics: {
        mean_shift: meanShift,
        share_raised: estimate(
          shifts.map((shift) => (shift === null ? null : shift > SHIFT_EPSILON)),
          (sample) => share(sample, 'rows with both rewards'),
          settings,
        ),
      },
      raised_rows: raised.length,
      lowered_rows: rows.filter((row) => row.shift !== null && row.shift < -SHIFT_EPSILON).length,
      unchanged_rows: rows.filter((row) => row.shift !== null && Math.abs(row.shift) <= SHIFT_EPSILON).length,
      max_raise: raised.length > 0 ? Math.max(...raised.map((row) => row.shift!)) : null,
      judge_errors: run.results.filter((result) => result !== undefined && rowStatus(result) === 'judge_error').length,
      flagged: raised.length > 0,
      raises_reliably: meanShift.value !== null && meanShift.ci95 !== null && meanShift.ci95[0] > 0,
      rows,
    };
  });
  const flagged = probes.filter((probe) => probe.flagged).map((probe) => probe.id);
  return {
    rewardkit_lab: LAB_RESULT_VERSION,
    command: 'hack',
    source: input.source,
    settings,
    rows: { total: input.ids.length, baseline_judge_errors: input.baseline.filter((result) => rowStatus(result) === 'judge_error').length },
    summary: { probes: probes.length, flagged, raising_reliably: probes.filter((probe) => probe.raises_reliably).map((probe) => probe.id) },
    statistics: {
      share_of_probes_flagged:
        probes.length === 0
          ? { value: null, reason: 'no probe was run' }
          : { value: flagged.length / probes.length, ci95: null, ci95_reason: 'a fixed set of probes, not a sample: no interval' },
    },
    probes,
    baseline: input.baseline.map((result, index) => ({
      id: input.ids[index]!,
      reward: result.reward,
      status: rowStatus(result),
      length: input.lengths[index] ?? null,
    })),
    verbosity_bias: verbosityBias([{ name: 'reward', scores: input.baseline.map((result) => result.reward) }], input.lengths, '', settings),
  };
}
