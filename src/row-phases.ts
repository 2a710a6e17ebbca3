/**
 * The phases of scoring one row, shared by `reward.score` (one row) and the group session (rows whose group
 * judges run once per group): read the row → prepare it (empty response, checks, a failed gate: those rows
 * are done here) → run judges → compose the components into the reward (on_judge_error, weighted mean or
 * aggregate.formula, metrics).
 * `score` is exactly these phases in a row, so a spec without a group judge scores as it always did.
 */
import { createCheck } from './checks/create-check.js';
import type { Check } from './checks/check.js';
import { createRowContext, toRowView, type RowContext } from './input/row-view.js';
import { RowError, rowErrorResult } from './input/row-error.js';
import type { CallerFor, Judge, JudgeCaller } from './judges/judge.js';
import { NO_REFERENCE } from './result.js';
import type { ComponentResult, RewardResult } from './result.js';
import { componentNameOf, type CheckSpec, type RewardSpec } from './spec/schema.js';
import { round6 } from './round6.js';
import { parseAggregateFormula, type AggregateFormula } from './spec/aggregate-formula.js';

/** A row that passed reading, the empty-response test and every gate: its judges come next. */
export interface PendingRow {
  context: RowContext;
  /** Row flags so far (e.g. response_cut_for_judge). */
  flags: string[];
  /** The check components, in spec order. */
  checks: ComponentResult[];
}

/** A row read: done already (unreadable), or its context. */
export type ReadRow = { done: RewardResult } | { context: RowContext };
/** A row prepared: done already (unreadable, empty, gated), or pending its judges. */
export type PreparedRow = { done: RewardResult } | { pending: PendingRow };

export interface CheckedRow {
  components: ComponentResult[];
  gatedBy: string | null;
  floor: number;
}

export interface RowPhases {
  /** Reads the row (sync); an unreadable row is done (`row_error`). Throws only on a bug. */
  readRow(row: unknown, fallbackId: string): ReadRow;
  /** Empty response, checks, gates: a row that stops here is done; gated rows get `skipped` components for every judge. */
  prepareContext(context: RowContext): Promise<PreparedRow>;
  /** The deterministic checks of a row (also used by dry runs). */
  runChecks(context: RowContext): Promise<CheckedRow>;
  /** Runs `judges` on the row in parallel; a judge that throws becomes an `error` component. `callerFor`: a panel's members. */
  judgeRow(
    pending: PendingRow,
    judges: readonly Judge[],
    callerOf: (judge: Judge) => JudgeCaller,
    callerFor?: CallerFor,
  ): Promise<ComponentResult[]>;
  /**
   * The reward from the row's checks and its judge components (in spec order). `aborted`: a deadline signal
   * of the row's judges fired (adds `deadline_exceeded` when a judge failed); `flags`: row flags to add.
   */
  composeRow(pending: PendingRow, judged: ComponentResult[], outcome: { aborted: boolean; flags?: readonly string[] }): RewardResult;
  /** The result of a row whose scoring hit a bug: the neutral reward, flagged `internal_error`. */
  internalError(row: unknown, fallbackId: string, error: unknown): RewardResult;
}

interface CheckRunner {
  spec: CheckSpec;
  name: string;
  run: Check;
}

export function createRowPhases(spec: RewardSpec, judges: readonly Judge[], hash: string): RowPhases {
  const [low, high] = spec.aggregate.range;
  const neutralReward = spec.aggregate.neutral ?? (low + high) / 2;
  const emptyReward = spec.aggregate.empty_response ?? low;
  const maxResponseChars = spec.aggregate.max_response_chars;
  const checks: CheckRunner[] = spec.checks.map((check) => ({ spec: check, name: componentNameOf(check), run: createCheck(check) }));
  const passThresholds = passThresholdsOf(spec);
  const formula =
    spec.aggregate.formula === undefined
      ? undefined
      : parseAggregateFormula(spec.aggregate.formula, [...spec.checks, ...spec.judges].map(componentNameOf));

  async function runChecks(context: RowContext): Promise<CheckedRow> {
    const components: ComponentResult[] = [];
    let gatedBy: string | null = null;
    let floor = low;
    for (const check of checks) {
      const gate =
        check.spec.gate === undefined || check.spec.gate === false
          ? undefined
          : check.spec.gate === true
            ? { min_score: 1 }
            : check.spec.gate;
      let component: ComponentResult;
      try {
        const outcome = await check.run(context);
        component = {
          name: check.name,
          kind: 'check',
          type: check.spec.type,
          score: outcome.score,
          weight: check.spec.weight,
          status: outcome.score === null ? 'undetermined' : 'scored',
          rationale: outcome.message,
          ...(outcome.details ? { details: outcome.details } : {}),
        };
      } catch (error) {
        component = {
          name: check.name,
          kind: 'check',
          type: check.spec.type,
          score: null,
          weight: check.spec.weight,
          status: 'error',
          error: { kind: 'unknown', message: (error as Error).message },
        };
      }
      if (gate) {
        const passed = component.score === null ? component.status !== 'error' : component.score >= gate.min_score;
        component.gate = { min_score: gate.min_score, passed };
        if (!passed && gatedBy === null) {
          gatedBy = check.name;
          floor = 'floor' in gate && gate.floor !== undefined ? gate.floor : low;
        }
      }
      components.push(component);
    }
    return { components, gatedBy, floor };
  }

  function readRow(row: unknown, fallbackId: string): ReadRow {
    try {
      return { context: createRowContext(toRowView(row, spec.input, fallbackId)) };
    } catch (error) {
      if (!RowError.isInstance(error)) throw error;
      return { done: rowError(row, fallbackId, error, hash) };
    }
  }

  async function prepareContext(context: RowContext): Promise<PreparedRow> {
    const { view } = context;
    if (view.response.trim() === '') {
      return { done: finish(view.id, emptyReward, { flags: ['empty_response'], components: [] }) };
    }
    const flags: string[] = [];
    if (judges.length > 0 && view.response.length > maxResponseChars) flags.push('response_cut_for_judge');

    const checked = await runChecks(context);
    if (checked.gatedBy !== null) {
      const skipped = judges.map((judge) => skippedJudge(judge, `not judged: gate "${checked.gatedBy}" failed`));
      const done = finish(view.id, checked.floor, {
        flags: [...flags, 'gated'],
        components: [...checked.components, ...skipped],
        gatedBy: checked.gatedBy,
      });
      return { done };
    }
    return { pending: { context, flags, checks: checked.components } };
  }

  function judgeRow(
    pending: PendingRow,
    rowJudges: readonly Judge[],
    callerOf: (judge: Judge) => JudgeCaller,
    callerFor?: CallerFor,
  ): Promise<ComponentResult[]> {
    return Promise.all(
      rowJudges.map(async (judge) => {
        try {
          return await judge.run(pending.context, callerOf(judge), callerFor);
        } catch (error) {
          return failedJudge(judge, error);
        }
      }),
    );
  }

  function composeRow(
    pending: PendingRow,
    judged: ComponentResult[],
    outcome: { aborted: boolean; flags?: readonly string[] },
  ): RewardResult {
    const { id } = pending.context.view;
    const flags = [...pending.flags, ...(outcome.flags ?? [])];
    const components = [...pending.checks, ...judged];
    const failedJudges = judged.filter((component) => component.status === 'error');
    if (failedJudges.length > 0) {
      flags.push('judge_error');
      if (outcome.aborted) flags.push('deadline_exceeded');
      if (spec.aggregate.on_judge_error === 'neutral') return finish(id, neutralReward, { flags, components, neutral: true });
      if (spec.aggregate.on_judge_error === 'null') return finish(id, null, { flags, components });
    }
    if (formula) return composeByFormula(id, formula, flags, components);
    const scored = components.filter((component) => component.score !== null && component.weight > 0);
    const totalWeight = scored.reduce((sum, component) => sum + component.weight, 0);
    if (totalWeight === 0) return finish(id, neutralReward, { flags: [...flags, 'nothing_scored'], components, neutral: true });
    const mean = scored.reduce((sum, component) => sum + component.weight * component.score!, 0) / totalWeight;
    return finish(id, low + (high - low) * mean, { flags, components });
  }

  /**
   * The reward from `aggregate.formula` (weights ignored). A component it names without a score (undetermined, or a judge
   * that failed under on_judge_error drop: a formula cannot leave a term out) gives the neutral reward, flagged
   * formula_missing_score, as the weighted mean does when nothing scored; NaN or ±Infinity (a division by zero: clamping
   * x/0 to the top reward would be a reward hack) the neutral reward, flagged formula_not_finite; a finite value outside
   * [0, 1] is clamped, flagged formula_out_of_range.
   */
  function composeByFormula(id: string, formula: AggregateFormula, flags: string[], components: ComponentResult[]): RewardResult {
    const scores = new Map<string, number>();
    for (const component of components) if (component.score !== null) scores.set(component.name, component.score);
    if (formula.names.some((name) => !scores.has(name))) {
      return finish(id, neutralReward, { flags: [...flags, 'formula_missing_score'], components, neutral: true });
    }
    const value = formula.evaluate(scores);
    if (!Number.isFinite(value)) return finish(id, neutralReward, { flags: [...flags, 'formula_not_finite'], components, neutral: true });
    const inRange = Math.min(1, Math.max(0, value));
    return finish(id, low + (high - low) * inRange, { flags: inRange === value ? flags : [...flags, 'formula_out_of_range'], components });
  }

  function internalError(row: unknown, fallbackId: string, error: unknown): RewardResult {
    // A bug, not an input problem: still never let it fail a training step.
    const id = typeof (row as { id?: unknown } | null)?.id === 'string' ? (row as { id: string }).id : fallbackId;
    return finish(id, neutralReward, { flags: ['internal_error'], components: [], neutral: true, internal: (error as Error).message });
  }

  function finish(
    id: string,
    reward: number | null,
    parts: { flags: string[]; components: ComponentResult[]; gatedBy?: string; neutral?: boolean; internal?: string },
  ): RewardResult {
    const components = withPass(parts.components, passThresholds);
    return {
      id,
      spec_hash: hash,
      // null: "no reward" (on_judge_error: null), for trainers that can skip a row
      reward: reward === null ? null : round6(Math.min(high, Math.max(low, reward))),
      neutral: parts.neutral ?? false,
      gated_by: parts.gatedBy ?? null,
      flags: withNoReferenceFlag(parts.flags, components),
      metrics: metricsOf(components, parts.flags),
      components,
      ...(parts.internal ? { error: { field: '(internal)', message: parts.internal } } : {}),
    };
  }

  return { readRow, prepareContext, runChecks, judgeRow, composeRow, internalError };
}

/** The component of a judge that threw instead of answering (a bug in it, or in its caller). */
export function failedJudge(judge: Judge, error: unknown): ComponentResult {
  return {
    name: judge.name,
    kind: 'judge',
    type: judge.type,
    score: null,
    weight: judge.weight,
    status: 'error',
    error: { kind: 'unknown', message: (error as Error).message },
  } satisfies ComponentResult;
}

function rowError(row: unknown, fallbackId: string, error: RowError, hash: string): RewardResult {
  const rawId = (row as { id?: unknown } | null)?.id;
  return rowErrorResult(typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : fallbackId, error, hash);
}

function skippedJudge(judge: Judge, reason: string): ComponentResult {
  return {
    name: judge.name,
    kind: 'judge',
    type: judge.type,
    score: null,
    weight: judge.weight,
    status: 'skipped',
    rationale: reason,
    calls: [],
  };
}

/** The `pass_threshold` of each component that sets one, by component name. */
function passThresholdsOf(spec: RewardSpec): ReadonlyMap<string, number> {
  const thresholds = new Map<string, number>();
  for (const component of [...spec.checks, ...spec.judges]) {
    if (component.pass_threshold !== undefined) thresholds.set(componentNameOf(component), component.pass_threshold);
  }
  return thresholds;
}

/** Marks each scored component that has a pass_threshold with `pass` (its score rounded as its metric is, >= the threshold). */
function withPass(components: ComponentResult[], thresholds: ReadonlyMap<string, number>): ComponentResult[] {
  if (thresholds.size === 0) return components;
  return components.map((component) => {
    const threshold = thresholds.get(component.name);
    if (threshold === undefined || component.score === null) return component;
    return { ...component, pass: { threshold, passed: round6(component.score) >= threshold } };
  });
}

/** Adds the row flag `no_reference` when a component could not score for want of a reference (judges/no-reference.ts). */
function withNoReferenceFlag(flags: string[], components: readonly ComponentResult[]): string[] {
  const missing = components.some((component) => component.details?.[NO_REFERENCE] === true);
  return missing && !flags.includes(NO_REFERENCE) ? [...flags, NO_REFERENCE] : flags;
}

/** Flat metrics: each component's score (and `<name>_pass` with a pass_threshold), plus judge usage and outcome counters. */
export function metricsOf(components: readonly ComponentResult[], flags: readonly string[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const component of components) {
    if (component.score !== null) metrics[component.name] = round6(component.score);
    if (component.pass) metrics[`${component.name}_pass`] = component.pass.passed ? 1 : 0;
  }
  for (const component of components) {
    const agreement = component.details?.agreement; // a panel judge's (judges/panel-combine.ts)
    if (component.type === 'panel' && typeof agreement === 'number') metrics[`${component.name}_agreement`] = agreement;
  }
  const calls = components.flatMap((component) => component.calls ?? []);
  metrics.judge_calls = calls.length;
  metrics.judge_cached = calls.filter((call) => call.cached).length;
  metrics.judge_attempts = calls.reduce((sum, call) => sum + call.attempts, 0);
  metrics.judge_input_tokens = calls.reduce((sum, call) => sum + call.usage.input_tokens, 0);
  metrics.judge_output_tokens = calls.reduce((sum, call) => sum + call.usage.output_tokens, 0);
  metrics.judge_latency_ms = calls.reduce((max, call) => Math.max(max, call.latency_ms), 0);
  if (calls.some((call) => call.cost_usd !== undefined))
    metrics.judge_cost_usd = calls.reduce((sum, call) => sum + (call.cost_usd ?? 0), 0);
  metrics.judge_error = flags.includes('judge_error') ? 1 : 0;
  metrics.gated = flags.includes('gated') ? 1 : 0;
  return metrics;
}
