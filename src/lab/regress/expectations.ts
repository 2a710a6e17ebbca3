/**
 * Checks one judged case against its expectations. Pure: a RewardResult and the case's `expect` in, one
 * outcome per expectation out — what was expected, what came back, and whether it held. A missing value
 * (a judge that did not score, a verdict line that is absent) never satisfies an expectation.
 */
import type { RewardResult } from '../../result.js';
import { judgeLines, rowLineValue, type JudgeLine } from '../engine/row-signals.js';
import type { ComponentExpectation, Expectations, Range, VerdictExpectation } from './judge-suite.js';

export interface ExpectationOutcome {
  /** What was checked: "reward", "components.format", "verdicts.review_quality.grounding", … */
  what: string;
  expected: string;
  actual: number | string | boolean | null | string[];
  ok: boolean;
}

export function evaluateExpectations(result: RewardResult, expect: Expectations, tolerance: number): ExpectationOutcome[] {
  const outcomes: ExpectationOutcome[] = [];
  if (expect.reward !== undefined) outcomes.push(rangeOutcome('reward', expect.reward, result.reward, tolerance));
  if (expect.neutral !== undefined)
    outcomes.push({ what: 'neutral', expected: String(expect.neutral), actual: result.neutral, ok: result.neutral === expect.neutral });
  if (expect.gated_by !== undefined) {
    outcomes.push({
      what: 'gated_by',
      expected: expect.gated_by === null ? 'no gate failed' : expect.gated_by,
      actual: result.gated_by,
      ok: result.gated_by === expect.gated_by,
    });
  }
  for (const flag of expect.flags ?? [])
    outcomes.push({ what: `flags`, expected: `includes ${flag}`, actual: result.flags, ok: result.flags.includes(flag) });
  for (const flag of expect.not_flags ?? [])
    outcomes.push({ what: `flags`, expected: `excludes ${flag}`, actual: result.flags, ok: !result.flags.includes(flag) });
  for (const [name, expected] of Object.entries(expect.components ?? {}))
    outcomes.push(...componentOutcomes(result, name, expected, tolerance));
  const lines = judgeLines(result);
  for (const [judge, perLine] of Object.entries(expect.verdicts ?? {})) {
    for (const [line, expected] of Object.entries(perLine))
      outcomes.push(verdictOutcome(`verdicts.${judge}.${line}`, lines.get(`${judge}.${line}`), expected, tolerance));
  }
  return outcomes;
}

function componentOutcomes(result: RewardResult, name: string, expected: ComponentExpectation, tolerance: number): ExpectationOutcome[] {
  const component = result.components.find((candidate) => candidate.name === name);
  const what = `components.${name}`;
  if (!component) return [{ what, expected: 'a component of this name', actual: null, ok: false }];
  const outcomes: ExpectationOutcome[] = [];
  if (typeof expected === 'object' && 'status' in expected && expected.status !== undefined) {
    outcomes.push({
      what: `${what}.status`,
      expected: expected.status,
      actual: component.status,
      ok: component.status === expected.status,
    });
  }
  const range =
    typeof expected === 'number'
      ? expected
      : expected.min !== undefined || expected.max !== undefined
        ? { min: expected.min, max: expected.max }
        : undefined;
  if (range !== undefined) outcomes.push(rangeOutcome(what, range, component.score, tolerance));
  return outcomes;
}

function verdictOutcome(what: string, line: JudgeLine | undefined, expected: VerdictExpectation, tolerance: number): ExpectationOutcome {
  if (!line) return { what, expected: describeVerdict(expected), actual: null, ok: false };
  const value = rowLineValue(line);
  if (expected === true || expected === 'pass' || expected === false || expected === 'fail') {
    const wantPass = expected === true || expected === 'pass';
    const passes = line.items.filter((item) => item === true).length;
    const judged = line.items.filter((item) => item !== null).length;
    const ok = line.kind === 'pass_fail' && judged > 0 && (wantPass ? passes === judged : passes === 0);
    return {
      what,
      expected: wantPass ? 'pass (every item)' : 'fail (every item)',
      actual: line.kind === 'pass_fail' ? `${passes}/${judged} pass` : value,
      ok,
    };
  }
  if (expected === 'response' || expected === 'other' || expected === 'tie') {
    return { what, expected: `winner ${expected}`, actual: value, ok: value === expected };
  }
  return rangeOutcome(what, expected, typeof value === 'number' ? value : null, tolerance);
}

function rangeOutcome(
  what: string,
  range: Range | { min?: number; max?: number },
  actual: number | null,
  tolerance: number,
): ExpectationOutcome {
  return { what, expected: describeRange(range), actual, ok: actual !== null && inRange(actual, range, tolerance) };
}

export function inRange(value: number, range: Range | { min?: number; max?: number }, tolerance: number): boolean {
  if (typeof range === 'number') return Math.abs(value - range) <= tolerance;
  if (range.min !== undefined && value < range.min - tolerance) return false;
  if (range.max !== undefined && value > range.max + tolerance) return false;
  return true;
}

export function describeRange(range: Range | { min?: number; max?: number }): string {
  if (typeof range === 'number') return `= ${range}`;
  if (range.min !== undefined && range.max !== undefined) return `in [${range.min}, ${range.max}]`;
  return range.min !== undefined ? `≥ ${range.min}` : `≤ ${range.max}`;
}

function describeVerdict(expected: VerdictExpectation): string {
  if (expected === true || expected === 'pass') return 'pass (every item)';
  if (expected === false || expected === 'fail') return 'fail (every item)';
  if (typeof expected === 'string') return `winner ${expected}`;
  return describeRange(expected);
}
