/**
 * Calibration of a pass threshold: the cut on a judge's numeric scores ("pass iff score ≥ t") that best
 * reproduces binary human labels, by accuracy or Cohen's kappa, with the whole threshold curve for
 * plotting. Ties go to the lowest threshold.
 */
import { isMissing } from './ratings.js';

/** A binary reference label: true / 1 = pass, false / 0 = fail; null = missing. */
export type BinaryLabel = boolean | 0 | 1 | null;

export type ThresholdMetric = 'accuracy' | 'cohen_kappa';

export interface ThresholdPoint {
  /** Predict pass iff score ≥ threshold. */
  threshold: number;
  accuracy: number;
  /** Cohen's kappa of predictions vs labels; null when undefined (one class on both sides). */
  cohenKappa: number | null;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export type BestThreshold =
  | { threshold: number; metric: ThresholdMetric; value: number; best: ThresholdPoint; curve: ThresholdPoint[]; n: number }
  | { threshold: null; metric: ThresholdMetric; reason: string; curve: ThresholdPoint[]; n: number };

export interface BestThresholdOptions {
  /** What to maximise; default 'accuracy'. */
  metric?: ThresholdMetric;
  /**
   * Thresholds to try; default every distinct observed score. Pass the scale's points (e.g. 1..5, or
   * 6 for "nothing passes") to consider cuts no score sits on.
   */
  candidates?: readonly number[];
}

/**
 * Tries each candidate t (ascending), predicting pass iff score ≥ t, over the items with both a finite
 * score and a label, and returns the t with the highest metric; among equal values (within 1e-12) the
 * lowest t wins. Undefined when no item is complete, or (kappa) when kappa is undefined at every t.
 */
export function bestThreshold(
  scores: readonly (number | null)[],
  labels: readonly BinaryLabel[],
  options: BestThresholdOptions = {},
): BestThreshold {
  if (scores.length !== labels.length)
    throw new RangeError(`scores and labels must have the same length (got ${scores.length} and ${labels.length})`);
  const metric = options.metric ?? 'accuracy';
  const items: { score: number; positive: boolean }[] = [];
  for (let i = 0; i < scores.length; i += 1) {
    const score = scores[i];
    const label = labels[i];
    if (isMissing(score) || label === null || label === undefined) continue;
    if (label !== true && label !== false && label !== 0 && label !== 1)
      throw new RangeError(`labels must be booleans or 0/1 (got ${String(label)})`);
    items.push({ score, positive: label === true || label === 1 });
  }
  const n = items.length;
  if (n === 0) return { threshold: null, metric, reason: 'no item has both a score and a label', curve: [], n };

  items.sort((a, b) => a.score - b.score);
  const sortedScores = items.map((item) => item.score);
  // positivesFrom[i] = positive labels among items i..n-1.
  const positivesFrom = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i -= 1) positivesFrom[i] = positivesFrom[i + 1]! + (items[i]!.positive ? 1 : 0);
  const positives = positivesFrom[0]!;

  const candidates = [...new Set(options.candidates ?? sortedScores)].filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  if (candidates.length === 0) throw new RangeError('no finite candidate thresholds');
  const curve: ThresholdPoint[] = candidates.map((threshold) => {
    const firstPass = lowerBound(sortedScores, threshold);
    const predictedPass = n - firstPass;
    const truePositives = positivesFrom[firstPass]!;
    const falsePositives = predictedPass - truePositives;
    const falseNegatives = positives - truePositives;
    const trueNegatives = firstPass - falseNegatives;
    return {
      threshold,
      accuracy: (truePositives + trueNegatives) / n,
      cohenKappa: binaryKappa(truePositives, falsePositives, trueNegatives, falseNegatives),
      truePositives,
      falsePositives,
      trueNegatives,
      falseNegatives,
    };
  });

  let best: ThresholdPoint | null = null;
  let bestValue = -Infinity;
  for (const point of curve) {
    const value = metric === 'accuracy' ? point.accuracy : point.cohenKappa;
    if (value === null) continue;
    if (best === null || value > bestValue + 1e-12) {
      best = point;
      bestValue = value;
    }
  }
  if (best === null) {
    return {
      threshold: null,
      metric,
      reason: "Cohen's kappa is undefined at every threshold (labels and predictions never both vary)",
      curve,
      n,
    };
  }
  return { threshold: best.threshold, metric, value: bestValue, best, curve, n };
}

/** Index of the first element ≥ target in an ascending array (n if none). */
function lowerBound(sorted: readonly number[], target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Unweighted Cohen's kappa of a 2 × 2 table; null when chance agreement is 1. */
function binaryKappa(tp: number, fp: number, tn: number, fn: number): number | null {
  const n = tp + fp + tn + fn;
  const observed = (tp + tn) / n;
  const chance = ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n);
  if (chance >= 1) return null;
  return (observed - chance) / (1 - chance);
}
