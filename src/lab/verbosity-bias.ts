/**
 * Verbosity bias, reported by every lab command: how strongly a judge's scores rise with the length of
 * the response (in characters). A judge that pays for length teaches the policy to pad. Spearman's rho is
 * the headline (length effects are rarely linear); Pearson's r is given beside it.
 */
import { estimatePaired, notApplicable, type BootstrapSettings, type ReportedStatistic } from './lab-result.js';
import { pearson, spearman, type Rating } from './statistics/index.js';

export interface VerbositySeries {
  /** Whose scores: "reward", a rater's name, "human", … */
  name: string;
  /** Items with both a score and a length. */
  n: number;
  spearman: ReportedStatistic;
  pearson: ReportedStatistic;
}

export interface VerbosityBias {
  length_unit: 'characters';
  /** Why there is no length to correlate with (e.g. an external file without response text). */
  reason?: string;
  series: VerbositySeries[];
}

/**
 * Correlates each series of scores with the response lengths (parallel arrays). `lengths` null means the
 * lengths are unknown, with `reason` saying why.
 */
export function verbosityBias(
  series: ReadonlyArray<{ name: string; scores: readonly (number | null)[] }>,
  lengths: readonly (number | null)[] | null,
  reason: string,
  settings: BootstrapSettings,
): VerbosityBias {
  if (lengths === null) {
    return {
      length_unit: 'characters',
      reason,
      series: series.map(({ name }) => ({ name, n: 0, spearman: notApplicable(reason), pearson: notApplicable(reason) })),
    };
  }
  return {
    length_unit: 'characters',
    series: series.map(({ name, scores }) => {
      const a: Rating[] = scores.map((score) => score ?? null);
      const b: Rating[] = lengths.map((length) => length ?? null);
      const n = a.filter((score, index) => score !== null && b[index] !== null).length;
      return {
        name,
        n,
        spearman: estimatePaired(a, b, (x, y) => spearman(x, y), settings),
        pearson: estimatePaired(a, b, (x, y) => pearson(x, y), settings),
      };
    }),
  };
}
