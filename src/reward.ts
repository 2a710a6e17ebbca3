/**
 * The reward: composes one spec into `score(row)`. The path of a rollout reads top to bottom:
 * read the row → run the deterministic checks → (a failed gate stops here) → run the judges in parallel
 * → compose the weighted mean into the output range → report every component as a metric.
 * No exception escapes `score` or `scoreBatch`: a bad row is a per-row error, a failed judge the neutral reward
 * (or, with `on_judge_error: null`, no reward: `reward: null`, flagged `judge_error`).
 */
import { createCheck } from './checks/create-check.js';
import type { Check } from './checks/check.js';
import { createRowContext, toRowView, type RowContext } from './input/row-view.js';
import { RowError, rowErrorResult } from './input/row-error.js';
import { createJudge } from './judges/create-judge.js';
import type { Judge, JudgeCaller, JudgePrompt } from './judges/judge.js';
import { NO_REFERENCE } from './result.js';
import { createJudgeModel, modelKey, type JudgeModel } from './models/judge-model.js';
import type { ComponentError, ComponentResult, RewardResult } from './result.js';
import type { JudgeCache } from './runtime/judge-cache.js';
import type { JudgeCall } from './runtime/judge-call.js';
import { ModelScheduler } from './runtime/model-scheduler.js';
import { mapWithConcurrency } from './runtime/ordered-map.js';
import { createSchedulerRegistry, type SchedulerRegistry } from './reward-resources.js';
import { componentNameOf, type CheckSpec, type ModelSpec, type RewardSpec } from './spec/schema.js';
import { specHash } from './spec/spec-hash.js';
import { round6 } from './round6.js';

export interface RewardOptions {
  /** Replaces how a model spec becomes a JudgeModel (tests, custom providers). */
  createModel?: (spec: ModelSpec) => JudgeModel;
  /** A persistent judge cache (createJudgeCache); without one, only identical calls in flight are shared. */
  cache?: JudgeCache;
  /** Per-model schedulers to share with other rewards in this process (one set of limits per model): createSchedulerRegistry(). */
  schedulers?: SchedulerRegistry;
  /** The cache namespace of every score call that names none (ScoreOptions.cacheNamespace). */
  cacheNamespace?: string;
  /** Random source for backoff jitter (tests pass a fixed one). */
  random?: () => number;
  /** Called for every judge call attempt that will be retried. */
  onRetry?: (event: { model: string; attempt: number; delayMs: number; error: ComponentError }) => void;
  /** Called once per finished judge call (after its retries), with the runtime's record of it: for metrics such as Prometheus histograms. */
  onJudgeCall?: (call: JudgeCall) => void;
  /** The spec hash results report; a reward built from a derived spec (e.g. a Nova-reading twin) reports its source's. */
  specHash?: string;
}

export interface ScoreOptions {
  /** Id used when the row has none (e.g. "line-7"). */
  fallbackId?: string;
  /** Aborts judge retries/waits (the caller's deadline); unfinished judges count as failed. */
  signal?: AbortSignal;
  /** A per-row deadline in milliseconds from the start of scoring (combined with `signal`). */
  deadlineMs?: number;
  /** Cache namespace: the same request under another namespace is asked again (e.g. "repeat-2"). */
  cacheNamespace?: string;
}

function deadlineSignal(options: ScoreOptions): AbortSignal | undefined {
  const timer = options.deadlineMs === undefined ? undefined : AbortSignal.timeout(options.deadlineMs);
  if (timer && options.signal) return AbortSignal.any([timer, options.signal]);
  return timer ?? options.signal;
}

export interface RowPlan {
  id: string;
  error?: { field: string; message: string };
  checks: ComponentResult[];
  gatedBy: string | null;
  empty: boolean;
  prompts: Array<JudgePrompt & { judge: string }>;
}

export interface Reward {
  readonly spec: RewardSpec;
  /** SHA-256 of the normalised spec (src/spec/spec-hash.ts), carried by every result as `spec_hash`. */
  readonly specHash: string;
  readonly judges: readonly Judge[];
  score(row: unknown, options?: ScoreOptions): Promise<RewardResult>;
  scoreBatch(rows: readonly unknown[], options?: Omit<ScoreOptions, 'fallbackId'>): Promise<RewardResult[]>;
  /** What a real run would do for the row, without calling any judge (for --dry-run). */
  plan(row: unknown, fallbackId?: string): Promise<RowPlan>;
  /** How many rows to keep in flight to keep every judge model busy. */
  readonly suggestedRowConcurrency: number;
  /** The per-model schedulers (each keeps its model's call counters). */
  readonly schedulers: ReadonlyMap<string, ModelScheduler>;
}

interface CheckRunner {
  spec: CheckSpec;
  name: string;
  run: Check;
}

export function createReward(spec: RewardSpec, options: RewardOptions = {}): Reward {
  const [low, high] = spec.aggregate.range;
  const neutralReward = spec.aggregate.neutral ?? (low + high) / 2;
  const emptyReward = spec.aggregate.empty_response ?? low;
  const maxResponseChars = spec.aggregate.max_response_chars;
  const hash = options.specHash ?? specHash(spec);

  const checks: CheckRunner[] = spec.checks.map((check) => ({ spec: check, name: componentNameOf(check), run: createCheck(check) }));
  const modelSpecs = new Map<string, ModelSpec>();
  const judges = spec.judges.map((judgeSpec, index) => {
    const model = (judgeSpec.model ?? spec.judge_model)!;
    modelSpecs.set(modelKey(model), model);
    return createJudge(judgeSpec, index, model, maxResponseChars);
  });
  const schedulers = options.schedulers ?? createSchedulerRegistry();
  for (const [key, modelSpec] of modelSpecs) {
    if (schedulers.has(key)) continue; // shared with another reward in this process: one set of limits per model
    // The model client is created on first call, so dry runs and offline validation need no credentials.
    schedulers.set(
      key,
      new ModelScheduler(modelSpec, key, options.createModel ?? createJudgeModel, {
        cache: options.cache,
        ...(options.random ? { random: options.random } : {}),
        ...(options.onRetry ? { onRetry: (event) => options.onRetry!({ model: key, ...event }) } : {}),
      }),
    );
  }
  const callerFor = (key: string, scoreOptions: ScoreOptions, signal: AbortSignal | undefined): JudgeCaller => {
    const scheduler = schedulers.get(key)!;
    return async (request) => {
      const call = await scheduler.call(request, { signal, namespace: scoreOptions.cacheNamespace ?? options.cacheNamespace });
      options.onJudgeCall?.(call);
      return call;
    };
  };
  const suggestedRowConcurrency = Math.max(8, [...modelSpecs.values()].reduce((sum, model) => sum + model.concurrency, 0) * 2);

  async function runChecks(context: RowContext): Promise<{ components: ComponentResult[]; gatedBy: string | null; floor: number }> {
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

  async function score(row: unknown, scoreOptions: ScoreOptions = {}): Promise<RewardResult> {
    const fallbackId = scoreOptions.fallbackId ?? 'row';
    try {
      let context: RowContext;
      try {
        context = createRowContext(toRowView(row, spec.input, fallbackId));
      } catch (error) {
        if (!RowError.isInstance(error)) throw error;
        return rowError(row, fallbackId, error, hash);
      }
      const { view } = context;
      if (view.response.trim() === '') {
        return finish(view.id, emptyReward, { flags: ['empty_response'], components: [] });
      }
      const flags: string[] = [];
      if (judges.length > 0 && view.response.length > maxResponseChars) flags.push('response_cut_for_judge');

      const checked = await runChecks(context);
      if (checked.gatedBy !== null) {
        const skipped = judges.map((judge) => skippedJudge(judge, `not judged: gate "${checked.gatedBy}" failed`));
        return finish(view.id, checked.floor, {
          flags: [...flags, 'gated'],
          components: [...checked.components, ...skipped],
          gatedBy: checked.gatedBy,
        });
      }
      const signal = deadlineSignal(scoreOptions);
      const judged = await Promise.all(
        judges.map(async (judge) => {
          try {
            return await judge.run(context, callerFor(judge.modelKey, scoreOptions, signal));
          } catch (error) {
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
        }),
      );
      const components = [...checked.components, ...judged];
      const failedJudges = judged.filter((component) => component.status === 'error');
      if (failedJudges.length > 0) {
        flags.push('judge_error');
        if (signal?.aborted) flags.push('deadline_exceeded');
        if (spec.aggregate.on_judge_error === 'neutral') return finish(view.id, neutralReward, { flags, components, neutral: true });
        if (spec.aggregate.on_judge_error === 'null') return finish(view.id, null, { flags, components });
      }
      const scored = components.filter((component) => component.score !== null && component.weight > 0);
      const totalWeight = scored.reduce((sum, component) => sum + component.weight, 0);
      if (totalWeight === 0) return finish(view.id, neutralReward, { flags: [...flags, 'nothing_scored'], components, neutral: true });
      const mean = scored.reduce((sum, component) => sum + component.weight * component.score!, 0) / totalWeight;
      return finish(view.id, low + (high - low) * mean, { flags, components });
    } catch (error) {
      // A bug, not an input problem: still never let it fail a training step.
      const id = typeof (row as { id?: unknown } | null)?.id === 'string' ? (row as { id: string }).id : fallbackId;
      return finish(id, neutralReward, { flags: ['internal_error'], components: [], neutral: true, internal: (error as Error).message });
    }
  }

  function finish(
    id: string,
    reward: number | null,
    parts: { flags: string[]; components: ComponentResult[]; gatedBy?: string; neutral?: boolean; internal?: string },
  ): RewardResult {
    return {
      id,
      spec_hash: hash,
      // null: "no reward" (on_judge_error: null), for trainers that can skip a row
      reward: reward === null ? null : round6(Math.min(high, Math.max(low, reward))),
      neutral: parts.neutral ?? false,
      gated_by: parts.gatedBy ?? null,
      flags: withNoReferenceFlag(parts.flags, parts.components),
      metrics: metricsOf(parts.components, parts.flags),
      components: parts.components,
      ...(parts.internal ? { error: { field: '(internal)', message: parts.internal } } : {}),
    };
  }

  async function plan(row: unknown, fallbackId = 'row'): Promise<RowPlan> {
    let context: RowContext;
    try {
      context = createRowContext(toRowView(row, spec.input, fallbackId));
    } catch (error) {
      if (!RowError.isInstance(error)) throw error;
      return {
        id: fallbackId,
        error: { field: error.field, message: error.message },
        checks: [],
        gatedBy: null,
        empty: false,
        prompts: [],
      };
    }
    const empty = context.view.response.trim() === '';
    const checked = empty ? { components: [], gatedBy: null } : await runChecks(context);
    const prompts = judges.flatMap((judge) => judge.prompts(context).map((prompt) => ({ ...prompt, judge: judge.name })));
    return { id: context.view.id, checks: checked.components, gatedBy: checked.gatedBy, empty, prompts };
  }

  return {
    spec,
    specHash: hash,
    judges,
    score,
    scoreBatch: (rows, batchOptions = {}) =>
      mapWithConcurrency(rows, suggestedRowConcurrency, (row, index) => score(row, { ...batchOptions, fallbackId: `row-${index}` })),
    plan,
    suggestedRowConcurrency,
    schedulers,
  };
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

/** Adds the row flag `no_reference` when a component could not score for want of a reference (judges/no-reference.ts). */
function withNoReferenceFlag(flags: string[], components: readonly ComponentResult[]): string[] {
  const missing = components.some((component) => component.details?.[NO_REFERENCE] === true);
  return missing && !flags.includes(NO_REFERENCE) ? [...flags, NO_REFERENCE] : flags;
}

/** Flat metrics: each component's score, plus judge usage and outcome counters. */
export function metricsOf(components: readonly ComponentResult[], flags: readonly string[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const component of components) if (component.score !== null) metrics[component.name] = round6(component.score);
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
