/**
 * `lab calibrate`: a judge against human labels. Does it agree with our reviewers, and where should the
 * pass line sit?
 *
 * Two ways to compare, chosen from the data unless a threshold flag forces pass/fail:
 * - **same scale** (both sides labels or whole numbers, e.g. 1–5 vs 1–5): accuracy is exact agreement, the
 *   confusion matrix is over the scale's values, weighted kappa uses the values;
 * - **pass/fail** (otherwise, e.g. a 0–1 reward vs a 0–1 human score): each side is cut at its threshold
 *   (0.5 for values within [0, 1], else the midpoint of that side's observed range, or --threshold /
 *   --human-threshold / --human-pass) and accuracy, the 2 × 2 confusion matrix and kappa compare pass/fail.
 * Correlations, alpha (ordinal/interval) and the mean errors always use the raw numbers. The best threshold
 * is the cut on the judge's scores that best reproduces the humans' pass/fail (in-sample: optimistic).
 */
import {
  accuracy,
  bestThreshold,
  cohenKappa,
  confusionMatrix,
  defined,
  inferCategories,
  kendallTauB,
  krippendorffAlpha,
  pearson,
  percentAgreement,
  spearman,
  toMatrix,
  undefinedStatistic,
  type BinaryLabel,
  type Rating,
  type Statistic,
  type ThresholdMetric,
} from '../statistics/index.js';
import {
  estimatePaired,
  LAB_RESULT_VERSION,
  notApplicable,
  type BootstrapSettings,
  type LabSettings,
  type LabSource,
  type ReportedStatistic,
} from '../lab-result.js';
import { allDiscrete, allNumeric, numericValue } from '../rating-values.js';
import { verbosityBias, type VerbosityBias } from '../verbosity-bias.js';

export const CALIBRATION_STATISTICS = [
  'accuracy',
  'percent_agreement',
  'cohen_kappa_unweighted',
  'cohen_kappa_linear',
  'cohen_kappa_quadratic',
  'krippendorff_alpha_nominal',
  'krippendorff_alpha_ordinal',
  'krippendorff_alpha_interval',
  'spearman',
  'kendall_tau_b',
  'pearson',
  'mean_absolute_error',
  'mean_signed_error',
] as const;

export type CalibrationStatistics = Record<(typeof CALIBRATION_STATISTICS)[number], ReportedStatistic>;

export interface CalibrationOptions {
  /** Judge passes iff score ≥ this (forces pass/fail). */
  threshold?: number;
  /** Human passes iff score ≥ this (forces pass/fail). */
  humanThreshold?: number;
  /** Human labels that count as pass (forces pass/fail). */
  humanPass?: readonly Rating[];
  /** Order of label categories, for ordinal statistics on labels. */
  categories?: readonly Rating[];
  thresholdMetric?: ThresholdMetric;
}

export interface ThresholdChoice {
  value: number | null;
  source: 'flag' | 'unit_interval' | 'observed_midpoint' | 'labels' | 'none';
}

export interface CalibrationCore {
  mode: 'same_scale' | 'pass_fail';
  n: number;
  thresholds: { judge: ThresholdChoice; human: ThresholdChoice };
  statistics: CalibrationStatistics;
  /** Rows: human label; columns: judge label. */
  confusion_matrix: { labels: Rating[]; matrix: number[][]; total: number; missing: number };
  best_threshold:
    | {
        threshold: number;
        metric: ThresholdMetric;
        value: number;
        accuracy: number;
        cohen_kappa: number | null;
        n: number;
        curve: Array<{ threshold: number; accuracy: number; cohen_kappa: number | null }>;
      }
    | {
        threshold: null;
        metric: ThresholdMetric;
        reason: string;
        n: number;
        curve: Array<{ threshold: number; accuracy: number; cohen_kappa: number | null }>;
      };
  /** The compared label of each item (pass/fail, or the value itself). */
  judgeLabels: Rating[];
  humanLabels: Rating[];
}

export interface CalibrationResult extends Omit<CalibrationCore, 'judgeLabels' | 'humanLabels'> {
  rewardkit_lab: typeof LAB_RESULT_VERSION;
  command: 'calibrate';
  source: LabSource;
  settings: LabSettings;
  /** What the judge's number is (reward, a component, a file field). */
  judge: string;
  human: string;
  items: { total: number; with_both: number };
  per_criterion: Array<
    { criterion: string; judge_line: string; kind: string } & Omit<CalibrationCore, 'judgeLabels' | 'humanLabels' | 'best_threshold'>
  >;
  per_item: Array<{ id: string; judge: Rating; human: Rating; judge_label: Rating; human_label: Rating; length: number | null }>;
  verbosity_bias: VerbosityBias;
}

export interface CalibrationInput {
  source: LabSource;
  settings: LabSettings;
  judgeName: string;
  humanName: string;
  ids: readonly string[];
  judge: readonly Rating[];
  human: readonly Rating[];
  lengths: readonly (number | null)[] | null;
  lengthReason: string;
  options: CalibrationOptions;
  criteria?: ReadonlyArray<{ criterion: string; judgeLine: string; kind: string; judge: readonly Rating[]; human: readonly Rating[] }>;
}

export function analyseCalibration(input: CalibrationInput): CalibrationResult {
  const { settings } = input;
  const core = calibrationCore(input.judge, input.human, input.options, settings);
  const { judgeLabels, humanLabels, ...reported } = core;
  const perCriterion = (input.criteria ?? []).map((criterion) => {
    // Per criterion only the categories/thresholds that make sense on that line's own scale apply.
    const {
      judgeLabels: _j,
      humanLabels: _h,
      best_threshold: _b,
      ...rest
    } = calibrationCore(criterion.judge, criterion.human, { thresholdMetric: input.options.thresholdMetric }, settings);
    return { criterion: criterion.criterion, judge_line: criterion.judgeLine, kind: criterion.kind, ...rest };
  });
  return {
    rewardkit_lab: LAB_RESULT_VERSION,
    command: 'calibrate',
    source: input.source,
    settings,
    judge: input.judgeName,
    human: input.humanName,
    items: { total: input.ids.length, with_both: core.n },
    ...reported,
    per_criterion: perCriterion,
    per_item: input.ids.map((id, index) => ({
      id,
      judge: input.judge[index] ?? null,
      human: input.human[index] ?? null,
      judge_label: judgeLabels[index] ?? null,
      human_label: humanLabels[index] ?? null,
      length: input.lengths?.[index] ?? null,
    })),
    verbosity_bias: verbosityBias(
      [
        { name: `judge: ${input.judgeName}`, scores: input.judge.map((rating) => numericValue(rating, input.options.categories)) },
        { name: `human: ${input.humanName}`, scores: input.human.map((rating) => numericValue(rating, input.options.categories)) },
      ],
      input.lengths,
      input.lengthReason,
      settings,
    ),
  };
}

export function calibrationCore(
  judge: readonly Rating[],
  human: readonly Rating[],
  options: CalibrationOptions,
  settings: BootstrapSettings,
): CalibrationCore {
  const present = (ratings: readonly Rating[]) => ratings.filter((rating) => rating !== null);
  const forced = options.threshold !== undefined || options.humanThreshold !== undefined || options.humanPass !== undefined;
  const mode = !forced && allDiscrete(present(judge)) && allDiscrete(present(human)) ? 'same_scale' : 'pass_fail';
  const n = judge.filter((rating, index) => rating !== null && (human[index] ?? null) !== null).length;
  const categories = options.categories ? [...options.categories] : undefined;

  let judgeThreshold: ThresholdChoice = { value: null, source: 'none' };
  let humanThreshold: ThresholdChoice = { value: null, source: 'none' };
  let judgeLabels: Rating[];
  let humanLabels: Rating[];
  if (mode === 'pass_fail') {
    judgeThreshold = chooseThreshold(judge, options.threshold);
    humanThreshold = options.humanPass ? { value: null, source: 'labels' } : chooseThreshold(human, options.humanThreshold);
    judgeLabels = judge.map((rating) => passFail(rating, judgeThreshold.value, undefined));
    humanLabels = human.map((rating) => passFail(rating, humanThreshold.value, options.humanPass));
  } else {
    judgeLabels = [...judge];
    humanLabels = [...human];
  }
  const labelScale: Rating[] = mode === 'pass_fail' ? ['fail', 'pass'] : (categories ?? inferCategories([...judgeLabels, ...humanLabels]));
  // Pass/fail labels as 0/1 so weighted kappa is defined (it equals the unweighted kappa for two categories).
  const labelNumbers = (labels: readonly Rating[]) =>
    labels.map((label) => (mode === 'pass_fail' ? (label === null ? null : label === 'pass' ? 1 : 0) : label));
  const kappaScale = mode === 'pass_fail' ? {} : categories ? { categories } : {};
  const numericJudge = judge.map((rating) => numericValue(rating, categories));
  const numericHuman = human.map((rating) => numericValue(rating, categories));
  const numeric = (categories !== undefined || (allNumeric(present(judge)) && allNumeric(present(human)))) && n > 0;
  const onLabels = (statistic: (a: readonly Rating[], b: readonly Rating[]) => Statistic) =>
    estimatePaired(humanLabels, judgeLabels, statistic, settings);
  const onNumbers = (statistic: (a: readonly Rating[], b: readonly Rating[]) => Statistic) =>
    numeric
      ? estimatePaired(numericHuman, numericJudge, statistic, settings)
      : notApplicable('needs numbers on both sides (or --categories to order labels)');
  const weighted = (weights: 'linear' | 'quadratic') =>
    estimatePaired(labelNumbers(humanLabels), labelNumbers(judgeLabels), (a, b) => cohenKappa(a, b, { weights, ...kappaScale }), settings);

  const statistics: CalibrationStatistics = {
    accuracy: onLabels((a, b) => accuracy(a, b)),
    percent_agreement: onLabels((a, b) => percentAgreement(toMatrix(a, b))),
    cohen_kappa_unweighted: onLabels((a, b) => cohenKappa(a, b, { categories: labelScale })),
    cohen_kappa_linear: weighted('linear'),
    cohen_kappa_quadratic: weighted('quadratic'),
    krippendorff_alpha_nominal: onLabels((a, b) => krippendorffAlpha(toMatrix(a, b), 'nominal')),
    krippendorff_alpha_ordinal: onNumbers((a, b) => krippendorffAlpha(toMatrix(a, b), 'ordinal')),
    krippendorff_alpha_interval: onNumbers((a, b) => krippendorffAlpha(toMatrix(a, b), 'interval')),
    spearman: onNumbers((a, b) => spearman(a, b)),
    kendall_tau_b: onNumbers((a, b) => kendallTauB(a, b)),
    pearson: onNumbers((a, b) => pearson(a, b)),
    mean_absolute_error: onNumbers((a, b) => meanError(a, b, true)),
    mean_signed_error: onNumbers((a, b) => meanError(a, b, false)),
  };
  const confusion = confusionMatrix(humanLabels, judgeLabels, { labels: labelScale });
  return {
    mode,
    n,
    thresholds: { judge: judgeThreshold, human: humanThreshold },
    statistics,
    confusion_matrix: { labels: confusion.labels, matrix: confusion.matrix, total: confusion.total, missing: confusion.missing },
    best_threshold: bestCut(numericJudge, human, options, humanThreshold),
    judgeLabels,
    humanLabels,
  };
}

/** Mean of |judge − human| (absolute) or judge − human (signed); a = human, b = judge. */
function meanError(human: readonly Rating[], judge: readonly Rating[], absolute: boolean): Statistic {
  let sum = 0;
  let n = 0;
  human.forEach((h, index) => {
    const j = judge[index];
    if (typeof h !== 'number' || typeof j !== 'number') return;
    sum += absolute ? Math.abs(j - h) : j - h;
    n += 1;
  });
  return n === 0 ? undefinedStatistic('no item has both a judge and a human number') : defined(sum / n);
}

function chooseThreshold(ratings: readonly Rating[], flag: number | undefined): ThresholdChoice {
  if (flag !== undefined) return { value: flag, source: 'flag' };
  const numbers = ratings.filter((rating): rating is number => typeof rating === 'number');
  if (numbers.length === 0) return { value: null, source: 'none' };
  const low = Math.min(...numbers);
  const high = Math.max(...numbers);
  if (low >= 0 && high <= 1) return { value: 0.5, source: 'unit_interval' };
  return { value: (low + high) / 2, source: 'observed_midpoint' };
}

const PASS_WORDS = /^(pass|passed|yes|true|good|correct|accept|accepted)$/i;
const FAIL_WORDS = /^(fail|failed|no|false|bad|incorrect|reject|rejected)$/i;

/** pass / fail for a rating: a number against the threshold, a label by `passLabels` or a pass/fail word. */
function passFail(rating: Rating, threshold: number | null, passLabels: readonly Rating[] | undefined): Rating {
  if (rating === null) return null;
  if (passLabels) return passLabels.includes(rating) ? 'pass' : 'fail';
  if (typeof rating === 'number') return threshold === null ? null : rating >= threshold ? 'pass' : 'fail';
  if (PASS_WORDS.test(rating)) return 'pass';
  if (FAIL_WORDS.test(rating)) return 'fail';
  return null;
}

function bestCut(
  judge: readonly (number | null)[],
  human: readonly Rating[],
  options: CalibrationOptions,
  humanThreshold: ThresholdChoice,
): CalibrationCore['best_threshold'] {
  const metric = options.thresholdMetric ?? 'accuracy';
  const threshold = humanThreshold.value ?? chooseThreshold(human, options.humanThreshold).value;
  const labels: BinaryLabel[] = human.map((rating) => {
    const label = passFail(rating, threshold, options.humanPass);
    return label === null ? null : label === 'pass';
  });
  if (judge.every((score) => score === null))
    return { threshold: null, metric, reason: "the judge's ratings are not numbers", n: 0, curve: [] };
  const result = bestThreshold(judge, labels, { metric });
  const curve = result.curve.map((point) => ({ threshold: point.threshold, accuracy: point.accuracy, cohen_kappa: point.cohenKappa }));
  if (result.threshold === null) return { threshold: null, metric, reason: result.reason, n: result.n, curve };
  return {
    threshold: result.threshold,
    metric,
    value: result.value,
    accuracy: result.best.accuracy,
    cohen_kappa: result.best.cohenKappa,
    n: result.n,
    curve,
  };
}
