/**
 * `lab agree`: two or more raters (judges, judge models, people) on the same items. Every coefficient the
 * issue names is always present under its stable name — defined with a bootstrap 95% CI, or null with the
 * reason it does not apply (Cohen's kappa and the correlations compare two raters; Fleiss' kappa needs
 * three or more; order-based statistics need more than nominal data).
 */
import { round6 } from '../../round6.js';
import {
  cohenKappa,
  fleissKappa,
  inferCategories,
  kendallTauB,
  krippendorffAlpha,
  pearson,
  percentAgreement,
  spearman,
  type KappaWeighting,
  type Rating,
  type RatingMatrix,
  type Statistic,
} from '../statistics/index.js';
import {
  estimate,
  estimatePaired,
  LAB_RESULT_VERSION,
  notApplicable,
  type BootstrapSettings,
  type LabSettings,
  type LabSource,
  type ReportedStatistic,
} from '../lab-result.js';
import { allNumeric, inferLevel, numericValue, type MeasurementLevel } from '../rating-values.js';
import { verbosityBias, type VerbosityBias } from '../verbosity-bias.js';

export const AGREEMENT_STATISTICS = [
  'percent_agreement',
  'cohen_kappa_unweighted',
  'cohen_kappa_linear',
  'cohen_kappa_quadratic',
  'fleiss_kappa',
  'krippendorff_alpha_nominal',
  'krippendorff_alpha_ordinal',
  'krippendorff_alpha_interval',
  'spearman',
  'kendall_tau_b',
  'pearson',
] as const;

export type AgreementStatisticName = (typeof AGREEMENT_STATISTICS)[number];
export type AgreementStatistics = Record<AgreementStatisticName, ReportedStatistic>;

export const PAIRWISE_STATISTICS = [
  'percent_agreement',
  'cohen_kappa_unweighted',
  'cohen_kappa_linear',
  'cohen_kappa_quadratic',
  'spearman',
  'kendall_tau_b',
  'pearson',
] as const;
export type PairwiseStatistics = Record<(typeof PAIRWISE_STATISTICS)[number], ReportedStatistic>;

export interface Disagreement {
  id: string;
  ratings: Record<string, Rating>;
  /** max − min on the numeric scale; for nominal data 1 − the largest agreeing share. */
  spread: number;
}

export interface AgreementResult {
  rewardkit_lab: typeof LAB_RESULT_VERSION;
  command: 'agree';
  source: LabSource;
  settings: LabSettings;
  raters: string[];
  /** What each rater's number is (e.g. "judge score (…)", or the file's field). */
  rating: string;
  level: MeasurementLevel;
  level_source: 'flag' | 'inferred';
  categories: Rating[] | null;
  /** The statistic to read first: Krippendorff's alpha at the data's level. */
  headline: AgreementStatisticName;
  items: { total: number; rated_by_two_or_more: number };
  statistics: AgreementStatistics;
  pairwise: Array<{ raters: [string, string]; n: number; statistics: PairwiseStatistics }>;
  disagreements: Disagreement[];
  per_item: Array<{ id: string; ratings: Record<string, Rating>; length: number | null }>;
  verbosity_bias: VerbosityBias;
}

export interface AgreementInput {
  source: LabSource;
  settings: LabSettings;
  raters: readonly string[];
  rating: string;
  ids: readonly string[];
  /** items × raters */
  ratings: readonly (readonly Rating[])[];
  lengths: readonly (number | null)[] | null;
  lengthReason: string;
  level?: MeasurementLevel;
  /** Order of label categories (makes labels ordinal). */
  categories?: readonly Rating[];
  /** How many of the most disagreed items to list (default 10). */
  top?: number;
}

export function analyseAgreement(input: AgreementInput): AgreementResult {
  const { raters, settings } = input;
  const matrix: RatingMatrix = input.ratings;
  const all = matrix.flat();
  const level = input.level ?? inferLevel(all, input.categories);
  const categories = input.categories ? [...input.categories] : null;
  const statistics = agreementStatistics(matrix, raters.length, level, categories, settings);
  const pairwise: AgreementResult['pairwise'] = [];
  for (let i = 0; i < raters.length; i += 1) {
    for (let j = i + 1; j < raters.length; j += 1) {
      const a = matrix.map((row) => row[i] ?? null);
      const b = matrix.map((row) => row[j] ?? null);
      pairwise.push({
        raters: [raters[i]!, raters[j]!],
        n: a.filter((rating, index) => rating !== null && b[index] !== null).length,
        statistics: pairStatistics(a, b, level, categories, settings),
      });
    }
  }
  const numericSeries = raters.map((name, j) => ({
    name,
    scores: matrix.map((row) => numericValue(row[j] ?? null, categories ?? undefined)),
  }));
  return {
    rewardkit_lab: LAB_RESULT_VERSION,
    command: 'agree',
    source: input.source,
    settings,
    raters: [...raters],
    rating: input.rating,
    level,
    level_source: input.level ? 'flag' : 'inferred',
    categories,
    headline: `krippendorff_alpha_${level}`,
    items: {
      total: matrix.length,
      rated_by_two_or_more: matrix.filter((row) => row.filter((rating) => rating !== null).length >= 2).length,
    },
    statistics,
    pairwise,
    disagreements: disagreements(input.ids, raters, matrix, level, categories, input.top ?? 10),
    per_item: input.ids.map((id, index) => ({ id, ratings: ratingRecord(raters, matrix[index]!), length: input.lengths?.[index] ?? null })),
    verbosity_bias: verbosityBias(numericSeries, input.lengths, input.lengthReason, settings),
  };
}

/** All eleven coefficients for an items × raters matrix at a measurement level. */
export function agreementStatistics(
  matrix: RatingMatrix,
  raterCount: number,
  level: MeasurementLevel,
  categories: Rating[] | null,
  settings: BootstrapSettings,
): AgreementStatistics {
  const withCategories = categories ? { categories } : {};
  const twoRaters = raterCount === 2;
  const pair = twoRaters
    ? pairStatistics(
        matrix.map((row) => row[0] ?? null),
        matrix.map((row) => row[1] ?? null),
        level,
        categories,
        settings,
      )
    : null;
  const forPairs = (name: keyof PairwiseStatistics): ReportedStatistic =>
    pair
      ? pair[name]
      : notApplicable(
          name.startsWith('cohen')
            ? `Cohen's kappa compares two raters; for ${raterCount} raters see fleiss_kappa and "pairwise"`
            : `a correlation compares two raters; for ${raterCount} raters see "pairwise"`,
        );
  const nominalCategories = categories ?? inferCategories(matrix.flat());
  return {
    percent_agreement: estimate(matrix, (sample) => percentAgreement(sample), settings),
    cohen_kappa_unweighted: forPairs('cohen_kappa_unweighted'),
    cohen_kappa_linear: forPairs('cohen_kappa_linear'),
    cohen_kappa_quadratic: forPairs('cohen_kappa_quadratic'),
    fleiss_kappa:
      raterCount >= 3
        ? estimate(matrix, (sample) => fleissKappa(sample, { categories: nominalCategories }), settings)
        : notApplicable("Fleiss' kappa is reported for three or more raters (with two it equals Scott's pi); see cohen_kappa_unweighted"),
    krippendorff_alpha_nominal: estimate(matrix, (sample) => krippendorffAlpha(sample, 'nominal'), settings),
    krippendorff_alpha_ordinal: orderedOnly(level, () =>
      estimate(matrix, (sample) => krippendorffAlpha(sample, 'ordinal', withCategories), settings),
    ),
    krippendorff_alpha_interval: orderedOnly(level, () =>
      estimate(matrix, (sample) => krippendorffAlpha(sample, 'interval', withCategories), settings),
    ),
    spearman: forPairs('spearman'),
    kendall_tau_b: forPairs('kendall_tau_b'),
    pearson: forPairs('pearson'),
  };
}

/** The two-rater coefficients for parallel arrays. */
export function pairStatistics(
  a: readonly Rating[],
  b: readonly Rating[],
  level: MeasurementLevel,
  categories: Rating[] | null,
  settings: BootstrapSettings,
): PairwiseStatistics {
  const withCategories = categories ? { categories } : {};
  const kappa = (weights: KappaWeighting) => (x: readonly Rating[], y: readonly Rating[]) =>
    cohenKappa(x, y, { weights, ...withCategories });
  const paired = (statistic: (x: readonly Rating[], y: readonly Rating[]) => Statistic) => estimatePaired(a, b, statistic, settings);
  return {
    percent_agreement: paired((x, y) => percentAgreement(x.map((rating, index) => [rating, y[index] ?? null]))),
    cohen_kappa_unweighted: paired((x, y) => cohenKappa(x, y, { categories: categories ?? inferCategories([...a, ...b]) })),
    cohen_kappa_linear: orderedOnly(level, () => paired(kappa('linear'))),
    cohen_kappa_quadratic: orderedOnly(level, () => paired(kappa('quadratic'))),
    spearman: orderedOnly(level, () => paired((x, y) => spearman(x, y, withCategories))),
    kendall_tau_b: orderedOnly(level, () => paired((x, y) => kendallTauB(x, y, withCategories))),
    pearson: orderedOnly(level, () => paired((x, y) => pearson(x, y, withCategories))),
  };
}

function orderedOnly(level: MeasurementLevel, compute: () => ReportedStatistic): ReportedStatistic {
  if (level === 'nominal')
    return notApplicable(
      'not meaningful for nominal ratings (categories without an order); pass --level ordinal or --categories to order them',
    );
  return compute();
}

function ratingRecord(raters: readonly string[], row: readonly Rating[]): Record<string, Rating> {
  return Object.fromEntries(raters.map((rater, j) => [rater, row[j] ?? null]));
}

function disagreements(
  ids: readonly string[],
  raters: readonly string[],
  matrix: RatingMatrix,
  level: MeasurementLevel,
  categories: Rating[] | null,
  top: number,
): Disagreement[] {
  const numeric = level !== 'nominal' && (categories !== null || allNumeric(matrix.flat()));
  const scored = matrix.flatMap((row, index): Disagreement[] => {
    const present = row.filter((rating): rating is number | string => rating !== null);
    if (present.length < 2) return [];
    let spread: number;
    if (numeric) {
      const values = present
        .map((rating) => numericValue(rating, categories ?? undefined))
        .filter((value): value is number => value !== null);
      if (values.length < 2) return [];
      spread = Math.max(...values) - Math.min(...values);
    } else {
      const counts = new Map<Rating, number>();
      for (const rating of present) counts.set(rating, (counts.get(rating) ?? 0) + 1);
      spread = 1 - Math.max(...counts.values()) / present.length;
    }
    return spread > 0 ? [{ id: ids[index]!, ratings: ratingRecord(raters, row), spread: round6(spread) }] : [];
  });
  return scored.sort((x, y) => y.spread - x.spread || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).slice(0, top);
}
