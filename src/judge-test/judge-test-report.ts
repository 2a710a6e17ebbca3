/**
 * What `rewardkit judge test` concludes, as a pure function of the judged cases: per judge, how many verdicts
 * parsed, the latency of its calls (p50 and max), its scores by expected label, and whether it scored every good
 * case above every bad one. A judge passes when all its verdicts parsed and it ranked good above bad; where the
 * borderline cases land is reported and never decides the pass. The JSON output of the command is this report.
 */
import type { ComponentError, ComponentResult } from '../result.js';
import type { Expectation } from './judge-test-cases.js';

/** One judge call of one case, as the report shows it. */
export interface CallReport {
  label: string;
  latency_ms: number;
  /** The reply read as a verdict (no error of any kind). */
  parsed: boolean;
  output_tokens: number;
  error?: { kind: ComponentError['kind']; message: string };
}

export interface CaseJudgement {
  /** Normalised to [0, 1]; null when the judge could not score the case. */
  score: number | null;
  status: ComponentResult['status'] | 'not_judged';
  calls: CallReport[];
}

export interface JudgedCase {
  id: string;
  expect: Expectation;
  /** By judge name. */
  judges: Record<string, CaseJudgement>;
}

export interface JudgeReport {
  name: string;
  type: string;
  model: string;
  /** Judge calls sent for the cases, and how many of them came back as a verdict. */
  calls: number;
  parsed: number;
  /** Failed calls by error kind (parse_error, out_of_scale, timeout, …). */
  failed: Record<string, number>;
  /** Per call, nearest-rank p50 and the maximum; null without calls. */
  latency_ms: { p50: number; max: number } | null;
  /** The judge's scores by expected label, in case order (null: could not score). */
  scores: Record<Expectation, Array<number | null>>;
  /** The lowest good score and the highest bad score (null when a case of that label has no score). */
  good_min: number | null;
  bad_max: number | null;
  /** Every good case scored strictly above every bad case (false when any of them has no score). */
  ranks_good_above_bad: boolean;
  /** Every borderline score within [bad_max, good_min]; null without scored borderline cases. Reported; never decides the pass. */
  borderline_between: boolean | null;
  passed: boolean;
  /** Why the judge failed, one sentence each (empty when it passed). */
  problems: string[];
}

export interface JudgeTestReport {
  passed: boolean;
  /** Verdicts parsed across all judges, and calls sent. */
  parsed: number;
  calls: number;
  judges: JudgeReport[];
  cases: JudgedCase[];
}

export interface JudgeInfo {
  name: string;
  type: string;
  model: string;
}

export function judgeTestReport(judges: readonly JudgeInfo[], cases: readonly JudgedCase[]): JudgeTestReport {
  const reports = judges.map((judge) => judgeReport(judge, cases));
  return {
    passed: reports.every((report) => report.passed),
    parsed: reports.reduce((sum, report) => sum + report.parsed, 0),
    calls: reports.reduce((sum, report) => sum + report.calls, 0),
    judges: reports,
    cases: [...cases],
  };
}

function judgeReport(judge: JudgeInfo, cases: readonly JudgedCase[]): JudgeReport {
  const judgements = cases.map((entry) => ({
    entry,
    judgement: entry.judges[judge.name] ?? { score: null, status: 'not_judged' as const, calls: [] },
  }));
  const calls = judgements.flatMap(({ judgement }) => judgement.calls);
  const parsed = calls.filter((call) => call.parsed).length;
  const failed: Record<string, number> = {};
  for (const call of calls) if (call.error) failed[call.error.kind] = (failed[call.error.kind] ?? 0) + 1;
  const scores: Record<Expectation, Array<number | null>> = { good: [], bad: [], borderline: [] };
  for (const { entry, judgement } of judgements) scores[entry.expect].push(judgement.score);

  const problems: string[] = [];
  if (parsed < calls.length) {
    const kinds = Object.entries(failed)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ');
    problems.push(`${calls.length - parsed} of ${calls.length} verdicts did not parse or failed (${kinds})`);
  }
  const uncalled = judgements.filter(({ judgement }) => judgement.calls.length === 0).map(({ entry }) => entry.id);
  if (uncalled.length > 0) {
    problems.push(
      `sent no call for ${uncalled.length} of ${judgements.length} cases (${uncalled.join(', ')}): these cases do not exercise this judge ` +
        '(an empty foreach list, an empty response) — pass cases that fit it with --cases FILE',
    );
  }
  const unscored = judgements
    .filter(({ entry, judgement }) => entry.expect !== 'borderline' && judgement.score === null)
    .map(({ entry }) => `${entry.id} (${entry.expect})`);
  if (unscored.length > 0) problems.push(`no score for ${unscored.join(', ')}`);
  const goodMin = lowest(scores.good);
  const badMax = highest(scores.bad);
  const ranks = goodMin !== null && badMax !== null && goodMin > badMax;
  if (!ranks && goodMin !== null && badMax !== null)
    problems.push(`a good case scored ${goodMin} and a bad case ${badMax}: expected every good case above every bad one`);
  const borderline = scores.borderline.filter((score): score is number => score !== null);
  const between =
    borderline.length === 0 || goodMin === null || badMax === null
      ? null
      : borderline.every((score) => score >= badMax && score <= goodMin);
  return {
    ...judge,
    calls: calls.length,
    parsed,
    failed,
    latency_ms: latencyFigures(calls.map((call) => call.latency_ms)),
    scores,
    good_min: goodMin,
    bad_max: badMax,
    ranks_good_above_bad: ranks,
    borderline_between: between,
    passed: problems.length === 0,
    problems,
  };
}

/** Nearest-rank p50 (an observed latency, not an interpolation) and the maximum. */
export function latencyFigures(latencies: readonly number[]): { p50: number; max: number } | null {
  if (latencies.length === 0) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: sorted[Math.ceil(sorted.length / 2) - 1]!, max: sorted.at(-1)! };
}

/** The lowest score, or null when any is missing (an unscored case cannot be shown to rank). */
function lowest(scores: ReadonlyArray<number | null>): number | null {
  return scores.length === 0 || scores.includes(null) ? null : Math.min(...(scores as number[]));
}

function highest(scores: ReadonlyArray<number | null>): number | null {
  return scores.length === 0 || scores.includes(null) ? null : Math.max(...(scores as number[]));
}
