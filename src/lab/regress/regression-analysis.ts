/**
 * `lab regress`: a judge test suite run — did the last prompt, template or model change break known cases?
 * A case passes when every expectation holds, fails when one does not, and is an error when the judge could
 * not give a verdict (a judge failure or an unreadable row: the reward is then a fallback, which must never
 * pass a test by luck). Against a baseline (the JSON of an earlier run) a case "moved" when its status
 * changed or its reward shifted by more than the tolerance.
 */
import { round6 } from '../../round6.js';
import { readFileSync } from 'node:fs';
import type { RewardResult } from '../../result.js';
import { rowStatus } from '../engine/row-signals.js';
import { LabError } from '../lab-error.js';
import { LAB_RESULT_VERSION, type LabSettings, type LabSource, type ReportedStatistic } from '../lab-result.js';
import { verbosityBias, type VerbosityBias } from '../verbosity-bias.js';
import { evaluateExpectations, type ExpectationOutcome } from './expectations.js';
import type { SuiteCase } from './judge-suite.js';

export type CaseStatus = 'pass' | 'fail' | 'error';

export interface RegressionCase {
  name: string;
  row_id: string | null;
  status: CaseStatus;
  reward: number | null;
  length: number | null;
  /** Why the case is an error. */
  error?: string;
  expectations: ExpectationOutcome[];
  baseline: { status: CaseStatus; reward: number | null } | null;
  moved: boolean;
  reward_delta: number | null;
}

export interface RegressionResult {
  rewardkit_lab: typeof LAB_RESULT_VERSION;
  command: 'regress';
  source: LabSource;
  settings: LabSettings;
  suite: string;
  baseline: string | null;
  move_tolerance: number;
  summary: { cases: number; passed: number; failed: number; errored: number; moved: number; newly_failing: number };
  statistics: { pass_rate: ReportedStatistic };
  cases: RegressionCase[];
  verbosity_bias: VerbosityBias;
}

export interface Baseline {
  path: string;
  cases: Map<string, { status: CaseStatus; reward: number | null }>;
}

export function readBaseline(path: string): Baseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LabError('input', `--baseline ${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  const result = parsed as Partial<RegressionResult> | null;
  if (!result || result.command !== 'regress' || !Array.isArray(result.cases)) {
    throw new LabError('input', `--baseline ${path}: not the JSON of a "rewardkit lab regress" run (write one with --json)`);
  }
  return { path, cases: new Map(result.cases.map((entry) => [entry.name, { status: entry.status, reward: entry.reward }])) };
}

export interface RegressionInput {
  source: LabSource;
  settings: LabSettings;
  suite: string;
  cases: readonly SuiteCase[];
  results: readonly RewardResult[];
  lengths: readonly (number | null)[];
  tolerance: number;
  baseline?: Baseline;
  /** A reward shift larger than this against the baseline counts as moved (default 0.01). */
  moveTolerance?: number;
}

export function analyseRegression(input: RegressionInput): RegressionResult {
  const moveTolerance = input.moveTolerance ?? 0.01;
  const cases = input.cases.map((entry, index): RegressionCase => {
    const result = input.results[index]!;
    const status = rowStatus(result);
    const expectations = evaluateExpectations(result, entry.expect, input.tolerance);
    const unjudgeable = status === 'row_error' || status === 'judge_error';
    const caseStatus: CaseStatus = unjudgeable ? 'error' : expectations.every((outcome) => outcome.ok) ? 'pass' : 'fail';
    const previous = input.baseline?.cases.get(entry.name) ?? null;
    const delta = previous && previous.reward !== null && result.reward !== null ? round6(result.reward - previous.reward) : null;
    return {
      name: entry.name,
      row_id: entry.row_id ?? null,
      status: caseStatus,
      reward: result.reward,
      length: input.lengths[index] ?? null,
      ...(unjudgeable ? { error: errorOf(result) } : {}),
      expectations,
      baseline: previous,
      moved:
        previous !== null &&
        (previous.status !== caseStatus ||
          (delta !== null && Math.abs(delta) > moveTolerance) ||
          (delta === null && previous.reward !== result.reward)),
      reward_delta: delta,
    };
  });
  const count = (status: CaseStatus) => cases.filter((entry) => entry.status === status).length;
  return {
    rewardkit_lab: LAB_RESULT_VERSION,
    command: 'regress',
    source: input.source,
    settings: input.settings,
    suite: input.suite,
    baseline: input.baseline?.path ?? null,
    move_tolerance: moveTolerance,
    summary: {
      cases: cases.length,
      passed: count('pass'),
      failed: count('fail'),
      errored: count('error'),
      moved: cases.filter((entry) => entry.moved).length,
      newly_failing: cases.filter((entry) => entry.baseline?.status === 'pass' && entry.status !== 'pass').length,
    },
    statistics: {
      pass_rate: { value: count('pass') / cases.length, ci95: null, ci95_reason: 'a fixed test suite, not a sample: no interval' },
    },
    cases,
    verbosity_bias: verbosityBias([{ name: 'reward', scores: cases.map((entry) => entry.reward) }], input.lengths, '', input.settings),
  };
}

function errorOf(result: RewardResult): string {
  if (result.error) return `row error: ${result.error.message}`;
  const failed = result.components.find((component) => component.status === 'error');
  return failed?.error ? `judge ${failed.name}: ${failed.error.kind} — ${failed.error.message}` : 'the judge did not give a verdict';
}
