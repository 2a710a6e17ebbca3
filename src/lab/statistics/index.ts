/**
 * Public surface of the judge-lab statistics core: pure, dependency-free agreement, correlation,
 * calibration and bootstrap functions that the `rewardkit lab` commands call. See README.md.
 */
export { defined, isDefined, undefinedStatistic } from './types.js';
export type { DefinedStatistic, Rating, RatingMatrix, Statistic, UndefinedStatistic } from './types.js';
export { mulberry32, randomIndex, type Random } from './prng.js';
export {
  column,
  compareRatings,
  completePairs,
  inferCategories,
  isMissing,
  raterCount,
  toMatrix,
  type Pairs,
  type PresentRating,
} from './ratings.js';
export { finiteValues, histogram, mean, median, std, type Histogram, type HistogramOptions } from './descriptive.js';
export { averageRanks } from './ranks.js';
export { percentAgreement } from './percent-agreement.js';
export { cohenKappa, cohenKappaFromTable, type CohenKappaOptions, type KappaWeighting } from './cohen-kappa.js';
export { fleissKappa, fleissKappaFromCounts, type FleissKappaOptions } from './fleiss-kappa.js';
export { krippendorffAlpha, type AlphaLevel, type KrippendorffAlphaOptions } from './krippendorff-alpha.js';
export { pearson, pearsonOfNumbers, type CorrelationOptions } from './pearson.js';
export { spearman } from './spearman.js';
export { kendallTauB, kendallTauBOfNumbers } from './kendall-tau.js';
export { icc, type IccForm, type IccOptions } from './icc.js';
export { accuracy } from './accuracy.js';
export { confusionMatrix, type ConfusionMatrix } from './confusion-matrix.js';
export { binomialPmf, binomialTest, type BinomialTestResult } from './binomial-test.js';
export {
  bestThreshold,
  type BestThreshold,
  type BestThresholdOptions,
  type BinaryLabel,
  type ThresholdMetric,
  type ThresholdPoint,
} from './best-threshold.js';
export {
  bootstrapCi,
  DEFAULT_MAX_UNDEFINED_SHARE,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  quantile,
  withBootstrapCi,
  withBootstrapCiPaired,
  type BootstrapInterval,
  type BootstrapOptions,
} from './bootstrap.js';
export { bootstrapMeansCi, meansIntervals, planMeansBootstrap, resampleMeans, type MeansBootstrapPlan } from './bootstrap-means.js';
export { fisherZInterval, Z_975 } from './correlation-interval.js';
