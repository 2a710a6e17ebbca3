/**
 * Exact two-sided binomial test — e.g. for position bias, "the judge picked the first answer k of n
 * times; is that consistent with p = 0.5?" — with scipy.stats.binomtest's definition of "as or more
 * extreme" (outcomes no more likely than the observed one).
 */

export type BinomialTestResult =
  | { k: number; n: number; p: number; proportion: number; pValue: number }
  | { k: number; n: number; p: number; proportion: null; pValue: null; reason: string };

/** scipy's relative tolerance when comparing outcome probabilities with the observed one. */
const RELATIVE_TOLERANCE = 1 + 1e-7;

/**
 * p-value = Σ P(X = x) over the outcomes x with P(X = x) ≤ P(X = k) (within a relative 1e-7), on the
 * far side of the mean, plus the whole tail on k's side; 1 when k = np. Undefined when n = 0.
 * k and n must be integers with 0 ≤ k ≤ n and 0 ≤ p ≤ 1, otherwise a RangeError is thrown.
 */
export function binomialTest(k: number, n: number, p = 0.5): BinomialTestResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer (got ${n})`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`k must be an integer in [0, n] (got ${k})`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1] (got ${p})`);
  if (n === 0) return { k, n, p, proportion: null, pValue: null, reason: 'no trials' };

  const pmf = binomialPmf(n, p);
  const mean = n * p;
  let pValue: number;
  if (k === mean) pValue = 1;
  else {
    const limit = pmf[k]! * RELATIVE_TOLERANCE;
    pValue = 0;
    if (k < mean) {
      for (let x = 0; x <= k; x += 1) pValue += pmf[x]!;
      for (let x = Math.ceil(mean); x <= n; x += 1) if (pmf[x]! <= limit) pValue += pmf[x]!;
    } else {
      for (let x = k; x <= n; x += 1) pValue += pmf[x]!;
      for (let x = 0; x <= Math.floor(mean); x += 1) if (pmf[x]! <= limit) pValue += pmf[x]!;
    }
    pValue = Math.min(1, pValue);
  }
  return { k, n, p, proportion: k / n, pValue };
}

/**
 * P(X = x) for x = 0..n, X ~ Binomial(n, p). Computed as ratios to the mode by the recurrence
 * P(x + 1)/P(x) = (n − x)/(x + 1) · p/(1 − p), then normalised so the probabilities sum to 1 — no large
 * log-factorials cancel, so the relative error stays near 1e−12 even for n in the hundreds of thousands
 * (probabilities below ~1e−300 of the mode underflow to 0).
 */
export function binomialPmf(n: number, p: number): number[] {
  if (p === 0) return Array.from({ length: n + 1 }, (_, x) => (x === 0 ? 1 : 0));
  if (p === 1) return Array.from({ length: n + 1 }, (_, x) => (x === n ? 1 : 0));
  const q = 1 - p;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const weights = new Array<number>(n + 1).fill(0);
  weights[mode] = 1;
  for (let x = mode; x < n && weights[x]! > 0; x += 1) weights[x + 1] = ((weights[x]! * (n - x)) / (x + 1)) * (p / q);
  for (let x = mode; x > 0 && weights[x]! > 0; x -= 1) weights[x - 1] = ((weights[x]! * x) / (n - x + 1)) * (q / p);
  let total = 0;
  for (const w of weights) total += w;
  return weights.map((w) => w / total);
}
