/**
 * The JSON result every `rewardkit lab` command writes: a versioned envelope, and each statistic in one
 * stable shape — `{value, ci95}` when defined (ci95 null, with `ci95_reason`, when the bootstrap withholds
 * it), `{value: null, reason}` when the data cannot support it. Never NaN: `estimate` goes through the
 * statistics core, which never returns a non-finite value, and `toJson` refuses one as a last line of defence.
 */
import { bootstrapCi, type Rating, type Statistic } from './statistics/index.js';

/** Version of the JSON result format; bumped only when a field changes meaning or is removed. */
export const LAB_RESULT_VERSION = 1;

export type ReportedStatistic = { value: number; ci95: [number, number] | null; ci95_reason?: string } | { value: null; reason: string };

export type LabCommandName = 'consistency' | 'position' | 'agree' | 'calibrate' | 'regress' | 'hack' | 'noise';

/** Where the judgements came from. */
export interface LabSource {
  /** engine: a spec run over rollouts now; scored: rewardkit `score` output files; external: a verdict JSONL. */
  kind: 'engine' | 'scored' | 'external';
  spec?: string;
  input?: string;
  files?: string[];
  judge_models?: string[];
  cache?: string | null;
}

export interface LabSettings {
  /** Bootstrap resamples behind every ci95. */
  resamples: number;
  seed: number;
}

export interface BootstrapSettings {
  resamples?: number;
  seed?: number;
}

/** A defined statistic without an interval (counts, shares that need no CI, p-values are reported elsewhere). */
export function pointStatistic(statistic: Statistic): ReportedStatistic {
  if (statistic.value === null) return { value: null, reason: statistic.reason };
  return { value: statistic.value, ci95: statistic.ci95 };
}

/**
 * The statistic on all items with a percentile-bootstrap 95% CI over items (the core's `bootstrapCi`).
 * When the interval is withheld, `ci95` is null and `ci95_reason` says why.
 */
export function estimate<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => Statistic,
  settings: BootstrapSettings = {},
): ReportedStatistic {
  const point = statistic(items);
  if (point.value === null) return { value: null, reason: point.reason };
  const interval = bootstrapCi(items, statistic, { resamples: settings.resamples, seed: settings.seed });
  if (interval.ci95 === null) return { value: point.value, ci95: null, ci95_reason: interval.reason ?? 'no interval' };
  return { value: point.value, ci95: interval.ci95 };
}

/** `estimate` for a two-rater statistic on parallel arrays (pairs are resampled together). */
export function estimatePaired(
  a: readonly Rating[],
  b: readonly Rating[],
  statistic: (a: readonly Rating[], b: readonly Rating[]) => Statistic,
  settings: BootstrapSettings = {},
): ReportedStatistic {
  if (a.length !== b.length) throw new RangeError(`paired ratings must have the same length (got ${a.length} and ${b.length})`);
  const pairs = a.map((rating, index): [Rating, Rating] => [rating, b[index] ?? null]);
  return estimate(
    pairs,
    (sample) =>
      statistic(
        sample.map((pair) => pair[0]),
        sample.map((pair) => pair[1]),
      ),
    settings,
  );
}

/** An undefined statistic with its reason. */
export function notApplicable(reason: string): ReportedStatistic {
  return { value: null, reason };
}

/** Serialises a result; a non-finite number anywhere is a bug and throws instead of being written. */
export function toJson(result: unknown): string {
  return `${JSON.stringify(
    result,
    (key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value))
        throw new Error(`lab result: non-finite number ${String(value)} at "${key}"`);
      return value;
    },
    2,
  )}\n`;
}
