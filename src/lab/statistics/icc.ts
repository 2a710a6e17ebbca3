/**
 * Intraclass correlation coefficients in Shrout & Fleiss's (1979) six forms — one-way random,
 * two-way random and two-way mixed, for single and averaged ratings — from the ANOVA mean squares of
 * the complete items of an items × raters matrix of numeric scores.
 */
import { presentRatings, raterCount, toNumbers } from './ratings.js';
import { defined, undefinedStatistic, type Rating, type RatingMatrix, type Statistic } from './types.js';

/**
 * psych::ICC's names: ICC1 = ICC(1,1) one-way random, single rater; ICC2 = ICC(2,1) two-way random,
 * absolute agreement; ICC3 = ICC(3,1) two-way mixed, consistency; the `k` forms are the reliability of
 * the mean of the k raters.
 */
export type IccForm = 'ICC1' | 'ICC2' | 'ICC3' | 'ICC1k' | 'ICC2k' | 'ICC3k';

export interface IccOptions {
  /** Order for label ratings: a rating's value becomes its position in this list. */
  categories?: readonly Rating[];
}

/**
 * With n complete items, k raters, and BMS / JMS / EMS / WMS the between-items, between-raters,
 * residual and within-items mean squares:
 * ICC1 = (BMS − WMS)/(BMS + (k−1)WMS); ICC2 = (BMS − EMS)/(BMS + (k−1)EMS + k(JMS − EMS)/n);
 * ICC3 = (BMS − EMS)/(BMS + (k−1)EMS); ICC1k = (BMS − WMS)/BMS; ICC2k = (BMS − EMS)/(BMS + (JMS − EMS)/n);
 * ICC3k = (BMS − EMS)/BMS. Items with any missing rating are dropped (listwise deletion). Undefined for
 * fewer than 2 complete items or 2 raters, or when a denominator is 0 (e.g. all scores equal).
 */
export function icc(ratings: RatingMatrix, form: IccForm = 'ICC2', options: IccOptions = {}): Statistic {
  const k = raterCount(ratings);
  if (k < 2) return undefinedStatistic('fewer than 2 raters');
  const rows: number[][] = [];
  for (const row of ratings) {
    const present = presentRatings(row);
    if (present.length < k) continue;
    const numbers = toNumbers(present, options.categories);
    if (!numbers.ok) return undefinedStatistic(`ICC needs numeric scores: ${numbers.reason}`);
    rows.push(numbers.values);
  }
  const n = rows.length;
  if (n < 2) return undefinedStatistic(`fewer than 2 items rated by all ${k} raters (${n})`);

  let grand = 0;
  for (const row of rows) for (const x of row) grand += x;
  grand /= n * k;
  const rowMeans = rows.map((row) => row.reduce((s, x) => s + x, 0) / k);
  const colMeans = Array.from({ length: k }, (_, j) => rows.reduce((s, row) => s + row[j]!, 0) / n);
  let ssTotal = 0;
  for (const row of rows) for (const x of row) ssTotal += (x - grand) ** 2;
  const ssRows = k * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssCols = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssError = Math.max(0, ssTotal - ssRows - ssCols);
  const ssWithin = Math.max(0, ssTotal - ssRows);

  const bms = ssRows / (n - 1);
  const jms = ssCols / (k - 1);
  const ems = ssError / ((n - 1) * (k - 1));
  const wms = ssWithin / (n * (k - 1));

  // A denominator that is zero up to rounding (e.g. 1e-16 where exact arithmetic gives 0) must not turn into
  // a huge ratio: compare it with the size of the mean squares it is made of.
  const scale = Math.max(bms, jms, ems, wms);
  const ratio = (numerator: number, denominator: number): Statistic => {
    if (scale > 0 && denominator > scale * 1e-9) return defined(numerator / denominator);
    return undefinedStatistic(
      scale > 0
        ? 'the denominator of this ICC form is zero for these scores: ICC is undefined'
        : 'no variance between items (all scores equal): ICC is undefined',
    );
  };
  switch (form) {
    case 'ICC1':
      return ratio(bms - wms, bms + (k - 1) * wms);
    case 'ICC2':
      return ratio(bms - ems, bms + (k - 1) * ems + (k * (jms - ems)) / n);
    case 'ICC3':
      return ratio(bms - ems, bms + (k - 1) * ems);
    case 'ICC1k':
      return ratio(bms - wms, bms);
    case 'ICC2k':
      return ratio(bms - ems, bms + (jms - ems) / n);
    case 'ICC3k':
      return ratio(bms - ems, bms);
  }
}
