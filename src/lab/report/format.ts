/**
 * How numbers read in reports and terminal summaries: a statistic as "0.815 [0.612, 0.953]" or
 * "n/a (reason)", and the conventional reading of reliability and agreement coefficients — Krippendorff's
 * (2004) bands for alpha (≥ 0.800 reliable, ≥ 0.667 tentative) and Landis & Koch (1977) for kappa.
 */
import { round6 } from '../../round6.js';
import type { ReportedStatistic } from '../lab-result.js';

/** A number with `digits` decimals, or "n/a" when there is none. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return value.toFixed(digits);
}

export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${(value * 100).toFixed(digits)}%`;
}

/** "0.815 [0.612, 0.953]", "0.815 (no CI: …)" or "n/a — reason". */
export function statisticText(statistic: ReportedStatistic | undefined, digits = 3): string {
  if (!statistic) return 'n/a';
  if (statistic.value === null) return `n/a — ${statistic.reason}`;
  if (statistic.ci95 === null)
    return `${formatNumber(statistic.value, digits)}${statistic.ci95_reason ? ` (no CI: ${statistic.ci95_reason})` : ''}`;
  return `${formatNumber(statistic.value, digits)} [${formatNumber(statistic.ci95[0], digits)}, ${formatNumber(statistic.ci95[1], digits)}]`;
}

export type Verdict = 'good' | 'warn' | 'bad';

/** Krippendorff's reading of alpha (and, by the same bar, ICC): reliable, tentative, or not. */
export function reliabilityVerdict(value: number | null): { verdict: Verdict; words: string } | null {
  if (value === null) return null;
  if (value >= 0.8) return { verdict: 'good', words: 'reliable (≥ 0.800)' };
  if (value >= 0.667) return { verdict: 'warn', words: 'tentative (0.667–0.800): usable with care' };
  return { verdict: 'bad', words: 'unreliable (< 0.667)' };
}

/** Landis & Koch (1977) for kappa; the same words read correlations loosely. */
export function kappaWords(value: number | null): string {
  if (value === null) return 'undefined';
  if (value < 0) return 'worse than chance';
  if (value <= 0.2) return 'slight';
  if (value <= 0.4) return 'fair';
  if (value <= 0.6) return 'moderate';
  if (value <= 0.8) return 'substantial';
  return 'almost perfect';
}

/**
 * |rho| reading for the verbosity line. A correlation is not yet a bias (better answers are often longer),
 * so even a strong one is a "check", pointing at the evidence that separates the two.
 */
export function verbosityVerdict(value: number | null): { verdict: Verdict; words: string } | null {
  if (value === null) return null;
  const size = Math.abs(value);
  if (size < 0.1) return { verdict: 'good', words: 'no length effect' };
  if (size < 0.3)
    return {
      verdict: value > 0 ? 'warn' : 'good',
      words: value > 0 ? 'a weak preference for longer responses' : 'a weak preference for shorter responses',
    };
  return {
    verdict: 'warn',
    words:
      value > 0
        ? 'scores rise with length — check it is quality, not length, that is paid for (humans in lab calibrate, the padding probes of lab hack)'
        : 'scores fall with length',
  };
}

/** What a regression expectation found, in words. */
export function formatActual(actual: unknown): string {
  if (actual === null || actual === undefined) return 'nothing';
  if (typeof actual === 'number') return String(round6(actual));
  if (Array.isArray(actual)) return actual.length === 0 ? 'no flags' : actual.join(', ');
  return typeof actual === 'string' ? actual : (JSON.stringify(actual) ?? typeof actual);
}
