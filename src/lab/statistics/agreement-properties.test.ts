/**
 * Property tests (fast-check) across the agreement and correlation statistics: identical raters with
 * variance give 1, rater order does not matter, bounded coefficients stay in [−1, 1], and no input —
 * missing ratings, ties, constant columns, tiny or mixed-type data — ever yields NaN or ±Infinity.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';
import { bootstrapCi } from './bootstrap.js';
import { cohenKappa, type KappaWeighting } from './cohen-kappa.js';
import { fleissKappa } from './fleiss-kappa.js';
import { icc, type IccForm } from './icc.js';
import { kendallTauB } from './kendall-tau.js';
import { krippendorffAlpha, type AlphaLevel } from './krippendorff-alpha.js';
import { pearson } from './pearson.js';
import { percentAgreement } from './percent-agreement.js';
import { column } from './ratings.js';
import { spearman } from './spearman.js';
import type { Rating, Statistic } from './types.js';

const WEIGHTS: KappaWeighting[] = ['unweighted', 'linear', 'quadratic'];
const LEVELS: AlphaLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];
const ICC_FORMS: IccForm[] = ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'];

const score = fc.integer({ min: 1, max: 5 });
/** Any rating the core may meet: scores, labels, null, and values that must read as missing. */
const anyRating: fc.Arbitrary<Rating> = fc.oneof(
  { weight: 6, arbitrary: score },
  { weight: 2, arbitrary: fc.constantFrom('a', 'b', 'c') },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, 2.5, 0, -3) },
);
const anyMatrix = fc.array(fc.array(anyRating, { maxLength: 5 }), { maxLength: 12 });
/** One rater's scores 1–5 on 2–30 items, with at least two distinct values so every coefficient is defined. */
const varyingScores = fc.array(score, { minLength: 2, maxLength: 30 }).filter((xs) => new Set(xs).size >= 2);

function wellFormed(statistic: Statistic): boolean {
  if (statistic.value === null) return typeof statistic.reason === 'string' && statistic.reason.length > 0;
  if (!Number.isFinite(statistic.value)) return false;
  return (
    statistic.ci95 === null ||
    (Number.isFinite(statistic.ci95[0]) && Number.isFinite(statistic.ci95[1]) && statistic.ci95[0] <= statistic.ci95[1])
  );
}

function inUnitRange(statistic: Statistic, low = -1): boolean {
  return statistic.value === null || (statistic.value >= low - 1e-12 && statistic.value <= 1 + 1e-12);
}

const close = (a: Statistic, b: Statistic): boolean =>
  a.value === null ? b.value === null : b.value !== null && Math.abs(a.value - b.value) < 1e-12;

describe('identical raters with variance agree perfectly', () => {
  it('kappa (all weights), Fleiss, alpha (all levels), ICC, correlations and percent agreement are 1', () => {
    fc.assert(
      fc.property(varyingScores, fc.integer({ min: 2, max: 5 }), (xs, raters) => {
        const matrix = xs.map((x) => new Array<Rating>(raters).fill(x));
        const all: Statistic[] = [
          ...WEIGHTS.map((weights) => cohenKappa(xs, xs, { weights })),
          fleissKappa(matrix),
          ...LEVELS.map((level) => krippendorffAlpha(matrix, level)),
          ...ICC_FORMS.map((form) => icc(matrix, form)),
          pearson(xs, xs),
          spearman(xs, xs),
          kendallTauB(xs, xs),
          percentAgreement(matrix),
          accuracy(xs, xs),
        ];
        return all.every((s) => s.value !== null && Math.abs(s.value - 1) < 1e-12);
      }),
    );
  });
});

describe('rater order does not matter', () => {
  it('pairwise statistics are symmetric', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(score), fc.option(score)), { maxLength: 30 }), (rows) => {
        const a = rows.map((r) => r[0]);
        const b = rows.map((r) => r[1]);
        return (
          WEIGHTS.every((weights) => close(cohenKappa(a, b, { weights }), cohenKappa(b, a, { weights }))) &&
          close(pearson(a, b), pearson(b, a)) &&
          close(spearman(a, b), spearman(b, a)) &&
          close(kendallTauB(a, b), kendallTauB(b, a)) &&
          close(accuracy(a, b), accuracy(b, a))
        );
      }),
    );
  });

  it('multi-rater statistics are invariant to permuting rater columns', () => {
    const matrix = fc.array(fc.array(fc.option(score), { minLength: 3, maxLength: 3 }), { maxLength: 15 });
    fc.assert(
      fc.property(matrix, (rows) => {
        const permuted = rows.map((r) => [r[2]!, r[0]!, r[1]!]);
        return (
          close(fleissKappa(rows), fleissKappa(permuted)) &&
          LEVELS.every((level) => close(krippendorffAlpha(rows, level), krippendorffAlpha(permuted, level))) &&
          close(percentAgreement(rows), percentAgreement(permuted)) &&
          ICC_FORMS.every((form) => close(icc(rows, form), icc(permuted, form)))
        );
      }),
    );
  });
});

describe('bounded coefficients stay in range', () => {
  it('kappa, correlations in [−1, 1]; Fleiss in [−1, 1] when every item has 2+ ratings; alpha ≤ 1; proportions in [0, 1]', () => {
    const complete = fc.array(fc.array(score, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 15 });
    fc.assert(
      fc.property(complete, (rows) => {
        const a = column(rows, 0);
        const b = column(rows, 1);
        return (
          WEIGHTS.every((weights) => inUnitRange(cohenKappa(a, b, { weights }))) &&
          inUnitRange(pearson(a, b)) &&
          inUnitRange(spearman(a, b)) &&
          inUnitRange(kendallTauB(a, b)) &&
          inUnitRange(fleissKappa(rows)) &&
          LEVELS.every((level) => {
            const alpha = krippendorffAlpha(rows, level);
            return alpha.value === null || alpha.value <= 1 + 1e-12;
          }) &&
          inUnitRange(percentAgreement(rows), 0) &&
          inUnitRange(accuracy(a, b), 0)
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('never NaN, never Infinity', () => {
  it('every statistic on arbitrary messy matrices is a finite value or null with a reason (inputs frozen: none is mutated)', () => {
    fc.assert(
      fc.property(anyMatrix, (mutableRows) => {
        const rows = Object.freeze(mutableRows.map((row) => Object.freeze(row)));
        const a = Object.freeze(column(rows, 0));
        const b = Object.freeze(column(rows, 1));
        const all: Statistic[] = [
          ...WEIGHTS.map((weights) => cohenKappa(a, b, { weights })),
          fleissKappa(rows),
          ...LEVELS.map((level) => krippendorffAlpha(rows, level)),
          ...ICC_FORMS.map((form) => icc(rows, form)),
          pearson(a, b),
          spearman(a, b),
          kendallTauB(a, b),
          percentAgreement(rows),
          accuracy(a, b),
        ];
        return all.every(wellFormed);
      }),
      { numRuns: 500 },
    );
  });

  it('bootstrap intervals are finite and ordered, or null with a reason', () => {
    fc.assert(
      fc.property(anyMatrix, fc.integer(), (rows, seed) => {
        const result = bootstrapCi(rows, (sample) => krippendorffAlpha(sample, 'interval'), { resamples: 30, seed });
        return result.ci95 === null
          ? typeof result.reason === 'string'
          : result.ci95.every(Number.isFinite) && result.ci95[0] <= result.ci95[1];
      }),
      { numRuns: 100 },
    );
  });
});

describe('regression guard', () => {
  it('a constant column never produces NaN from any coefficient', () => {
    const rows: Rating[][] = [
      [3, 1],
      [3, 2],
      [3, 5],
    ];
    const a = column(rows, 0);
    const b = column(rows, 1);
    expect(pearson(a, b).value).toBeNull();
    expect(spearman(a, b).value).toBeNull();
    expect(kendallTauB(a, b).value).toBeNull();
    expect(cohenKappa(a, b).value).toBe(0);
    expect(krippendorffAlpha(rows, 'interval').value).not.toBeNaN();
  });
});
