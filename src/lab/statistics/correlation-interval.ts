/**
 * Approximate 95% confidence interval of a correlation from Fisher's z-transformation, z = atanh(r), which is close
 * to normal with standard error 1/√(n − 3) for Pearson's r (Fisher 1921) and √(1.06/(n − 3)) for Spearman's rho
 * (Fieller, Hartley & Pearson 1957). Closed form, so it suits large samples where a bootstrap of the ranks is costly.
 */

/** z_{0.975} of the standard normal (scipy.stats.norm.ppf(0.975)). */
export const Z_975 = 1.959963984540054;

/** [tanh(z − 1.96·se), tanh(z + 1.96·se)] for a correlation r of n pairs; null for n ≤ 3 or r outside [−1, 1]. */
export function fisherZInterval(r: number, n: number, kind: 'pearson' | 'spearman'): [number, number] | null {
  if (!Number.isFinite(r) || r < -1 || r > 1 || !(n > 3)) return null;
  const se = Math.sqrt((kind === 'pearson' ? 1 : 1.06) / (n - 3));
  const z = Math.atanh(r);
  return [Math.tanh(z - Z_975 * se), Math.tanh(z + Z_975 * se)];
}
