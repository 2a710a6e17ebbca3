/**
 * What the lab reads from one RewardResult: whether a judge actually judged the row, the score to analyse
 * (the reward, the judges' part of it, or one component), and each judge's verdict lines — per item for
 * rubric criteria and dimensions, the winner for preference judges.
 */
import type { ComponentResult, RewardResult } from '../../result.js';

/**
 * judged: at least one judge scored the row; judge_error: a judge failed after retries (the reward is a
 * fallback, not a verdict); gated / empty / row_error: no judge saw the row; unjudged: the spec has no
 * judge that ran.
 */
export type RowStatus = 'judged' | 'judge_error' | 'gated' | 'empty' | 'row_error' | 'unjudged';

export function rowStatus(result: RewardResult): RowStatus {
  if (result.reward === null || result.flags.includes('row_error')) return 'row_error';
  if (result.flags.includes('empty_response')) return 'empty';
  if (result.gated_by !== null) return 'gated';
  const judges = result.components.filter((component) => component.kind === 'judge');
  if (judges.some((component) => component.status === 'error')) return 'judge_error';
  if (judges.some((component) => component.status === 'scored')) return 'judged';
  return 'unjudged';
}

/** Which number of a result to analyse. */
export type ScoreSelector = 'reward' | 'judges' | { component: string };

export function parseScoreSelector(value: string | undefined, fallback: ScoreSelector): ScoreSelector {
  if (value === undefined) return fallback;
  if (value === 'reward' || value === 'judges') return value;
  return { component: value };
}

export function describeSelector(selector: ScoreSelector): string {
  if (selector === 'reward') return 'reward';
  if (selector === 'judges') return 'judge score (weighted mean of the judge components, 0–1)';
  return `component ${selector.component} (0–1)`;
}

/**
 * The selected score, or null when the row was not judged as it should be: a row error, a judge error (the
 * reward is then a fallback, not a verdict), or — for `judges` and components — nothing scored.
 */
export function scoreOf(result: RewardResult, selector: ScoreSelector): number | null {
  const status = rowStatus(result);
  if (status === 'row_error' || status === 'judge_error') return null;
  if (selector === 'reward') return result.reward;
  if (selector === 'judges') return judgeScore(result.components);
  const component = result.components.find((candidate) => candidate.name === selector.component);
  return component?.score ?? null;
}

/** Weighted mean of the judge components that scored (plain mean when their weights are all 0). */
export function judgeScore(components: readonly ComponentResult[]): number | null {
  const scored = components.filter((component) => component.kind === 'judge' && component.score !== null);
  if (scored.length === 0) return null;
  const total = scored.reduce((sum, component) => sum + component.weight, 0);
  if (total === 0) return scored.reduce((sum, component) => sum + component.score!, 0) / scored.length;
  return scored.reduce((sum, component) => sum + component.weight * component.score!, 0) / total;
}

export type LineKind = 'pass_fail' | 'scale' | 'preference';
export type LineValue = boolean | number | string | null;

export interface JudgeLine {
  judge: string;
  /** Criterion or dimension id; "winner" for a preference judge. */
  line: string;
  kind: LineKind;
  /** One value per judged item (one item without `foreach`). */
  items: LineValue[];
}

/** Every verdict line of every judge that scored the row, keyed "judge.line". */
export function judgeLines(result: RewardResult): Map<string, JudgeLine> {
  const lines = new Map<string, JudgeLine>();
  for (const component of result.components) {
    if (component.kind !== 'judge' || component.status !== 'scored' || !component.details) continue;
    const details = component.details;
    if (component.type === 'preference' && typeof details.winner === 'string') {
      lines.set(`${component.name}.winner`, { judge: component.name, line: 'winner', kind: 'preference', items: [details.winner] });
      continue;
    }
    if (!Array.isArray(details.items)) continue;
    const items = details.items as Array<{ lines?: Record<string, { pass?: unknown; score?: unknown }> }>;
    items.forEach((item, index) => {
      for (const [id, value] of Object.entries(item.lines ?? {})) {
        const key = `${component.name}.${id}`;
        const kind: LineKind = typeof value.pass === 'boolean' ? 'pass_fail' : 'scale';
        const entry = lines.get(key) ?? { judge: component.name, line: id, kind, items: new Array<LineValue>(items.length).fill(null) };
        entry.items[index] = typeof value.pass === 'boolean' ? value.pass : typeof value.score === 'number' ? value.score : null;
        lines.set(key, entry);
      }
    });
  }
  return lines;
}

/**
 * A line's value for the whole row: the share of items passing (pass/fail), the mean item score (scale),
 * or the winner (preference). Null when no item has a value.
 */
export function rowLineValue(line: JudgeLine): number | string | null {
  const present = line.items.filter((value): value is boolean | number | string => value !== null);
  if (present.length === 0) return null;
  if (line.kind === 'preference') return present[0] as string;
  const numbers = present.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : (value as number)));
  return numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
}
