/**
 * The reward: composes one spec into `score(row)`. The path of a rollout reads top to bottom (row-phases.ts):
 * read the row → run the deterministic checks → (a failed gate stops here) → run the judges in parallel
 * → compose the weighted mean into the output range → report every component as a metric.
 * With a group judge (`type: group`), `scoreBatch` and group sessions (group-session.ts) judge the rows of one
 * group in one go; `score(row)` judges a row as a group of one.
 * No exception escapes `score` or `scoreBatch`: a bad row is a per-row error, a failed judge the neutral reward
 * (or, with `on_judge_error: null`, no reward: `reward: null`, flagged `judge_error`).
 */
import { deadlineSignal } from './runtime/deadline-signal.js';
import { createJudge, modelsCalledBy } from './judges/create-judge.js';
import { isGroupJudge, type CallerFor, type Judge, type JudgeCaller } from './judges/judge.js';
import { createJudgeModel, modelKey, type JudgeModel } from './models/judge-model.js';
import type { ComponentError, RewardResult } from './result.js';
import type { JudgeCache } from './runtime/judge-cache.js';
import type { JudgeCall } from './runtime/judge-call.js';
import { ModelScheduler } from './runtime/model-scheduler.js';
import { mapWithConcurrency } from './runtime/ordered-map.js';
import { createSchedulerRegistry, type SchedulerRegistry } from './reward-resources.js';
import type { ModelSpec, RewardSpec } from './spec/schema.js';
import { specHash } from './spec/spec-hash.js';
import { createGroupSession, type GroupSession, type GroupSessionOptions } from './group-session.js';
import { createRowPhases } from './row-phases.js';
import { planGroups, planRow, type BatchPlan, type RowPlan } from './score-plan.js';

export { metricsOf } from './row-phases.js';
export { DEFAULT_GROUP_WINDOW, type GroupSession, type GroupSessionOptions, type GroupSessionStats } from './group-session.js';
export type { BatchPlan, GroupPlan, RowPlan } from './score-plan.js';

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

export interface BatchOptions extends Omit<ScoreOptions, 'fallbackId'> {
  /** Id of the row at `index` when it has none (default "row-<index>"). */
  fallbackId?: (index: number) => string;
  /** Seeds the canonical slot order of group calls (lab noise --source permute); ignored without a group judge. */
  groupOrderSeed?: string;
}

export interface Reward {
  readonly spec: RewardSpec;
  /** SHA-256 of the normalised spec (src/spec/spec-hash.ts), carried by every result as `spec_hash`. */
  readonly specHash: string;
  readonly judges: readonly Judge[];
  /** True when the spec has a group judge: `scoreBatch` and group sessions judge each group in one go. */
  readonly groupsJudged: boolean;
  score(row: unknown, options?: ScoreOptions): Promise<RewardResult>;
  /** Scores rows, results in input order; with a group judge, each group of the batch is judged together. */
  scoreBatch(rows: readonly unknown[], options?: BatchOptions): Promise<RewardResult[]>;
  /** A stream of rows whose groups are judged together (group-session.ts); for specs with a group judge. */
  openGroupSession(options?: GroupSessionOptions): GroupSession;
  /** What a real run would do for the row, without calling any judge (for --dry-run). */
  plan(row: unknown, fallbackId?: string): Promise<RowPlan>;
  /** What a real run would do for rows scored together: per-row plans (without group judges) and each group's prompts. */
  planGroups(rows: ReadonlyArray<{ row: unknown; fallbackId: string }>): Promise<BatchPlan>;
  /** How many rows to keep in flight to keep every judge model busy. */
  readonly suggestedRowConcurrency: number;
  /** The per-model schedulers (each keeps its model's call counters). */
  readonly schedulers: ReadonlyMap<string, ModelScheduler>;
}

export function createReward(spec: RewardSpec, options: RewardOptions = {}): Reward {
  const maxResponseChars = spec.aggregate.max_response_chars;
  const hash = options.specHash ?? specHash(spec);

  const modelSpecs = new Map<string, ModelSpec>();
  const judges = spec.judges.map((judgeSpec, index) => {
    const model = judgeSpec.model ?? spec.judge_model;
    for (const used of modelsCalledBy(judgeSpec, model)) modelSpecs.set(modelKey(used), used); // a panel: each member's model
    return createJudge(judgeSpec, index, model, maxResponseChars);
  });
  const phases = createRowPhases(spec, judges, hash);
  const schedulers = options.schedulers ?? createSchedulerRegistry();
  for (const [key, modelSpec] of modelSpecs) {
    if (schedulers.has(key)) continue; // shared with another reward in this process: one set of limits per model
    // The model client is created on first call, so dry runs and offline validation need no credentials.
    schedulers.set(
      key,
      new ModelScheduler(modelSpec, key, options.createModel ?? createJudgeModel, {
        cache: options.cache,
        shared: schedulers.sharedState, // with Redis: the process's one shared state (reward-resources.ts)
        ...(options.random ? { random: options.random } : {}),
        ...(options.onRetry ? { onRetry: (event) => options.onRetry!({ model: key, ...event }) } : {}),
      }),
    );
  }
  const callerFor = (key: string, cacheNamespace: string | undefined, signal: AbortSignal | undefined): JudgeCaller => {
    const scheduler = schedulers.get(key)!;
    const caller: JudgeCaller = async (request) => {
      const call = await scheduler.call(request, { signal, namespace: cacheNamespace ?? options.cacheNamespace });
      options.onJudgeCall?.(call);
      return call;
    };
    // an embedding judge's texts: the same scheduler's embedding path (runtime/embedding-calls.ts)
    caller.embed = async (texts) => {
      const call = await scheduler.embed(texts, { signal, namespace: cacheNamespace ?? options.cacheNamespace });
      options.onJudgeCall?.(call);
      return call;
    };
    return caller;
  };
  /** The callers of a panel judge's members: sample i of a model asks under its own cache namespace. */
  const callersFor =
    (cacheNamespace: string | undefined, signal: AbortSignal | undefined): CallerFor =>
    (key, sample) =>
      callerFor(key, sample === undefined ? cacheNamespace : `${cacheNamespace ?? options.cacheNamespace ?? ''}#sample-${sample}`, signal);
  const suggestedRowConcurrency = Math.max(8, [...modelSpecs.values()].reduce((sum, model) => sum + model.concurrency, 0) * 2);
  const groupsJudged = judges.some(isGroupJudge);

  async function score(row: unknown, scoreOptions: ScoreOptions = {}): Promise<RewardResult> {
    const fallbackId = scoreOptions.fallbackId ?? 'row';
    try {
      const read = phases.readRow(row, fallbackId);
      if ('done' in read) return read.done;
      const prepared = await phases.prepareContext(read.context);
      if ('done' in prepared) return prepared.done;
      const signal = deadlineSignal(scoreOptions.deadlineMs, scoreOptions.signal);
      const judged = await phases.judgeRow(
        prepared.pending,
        judges,
        (judge) => callerFor(judge.modelKey, scoreOptions.cacheNamespace, signal),
        callersFor(scoreOptions.cacheNamespace, signal),
      );
      return phases.composeRow(prepared.pending, judged, { aborted: signal?.aborted ?? false });
    } catch (error) {
      return phases.internalError(row, fallbackId, error);
    }
  }

  const openGroupSession = (sessionOptions: GroupSessionOptions = {}): GroupSession =>
    createGroupSession({ judges, phases, suggestedRowConcurrency, callerFor, callersFor }, sessionOptions);

  async function scoreBatch(rows: readonly unknown[], batchOptions: BatchOptions = {}): Promise<RewardResult[]> {
    const { fallbackId = (index: number) => `row-${index}`, groupOrderSeed, ...scoreOptions } = batchOptions;
    if (!groupsJudged) {
      return mapWithConcurrency(rows, suggestedRowConcurrency, (row, index) =>
        score(row, { ...scoreOptions, fallbackId: fallbackId(index) }),
      );
    }
    const session = openGroupSession({
      ...(scoreOptions.signal ? { signal: scoreOptions.signal } : {}),
      ...(scoreOptions.cacheNamespace !== undefined ? { cacheNamespace: scoreOptions.cacheNamespace } : {}),
      ...(scoreOptions.deadlineMs !== undefined ? { groupDeadlineMs: scoreOptions.deadlineMs } : {}),
      ...(groupOrderSeed !== undefined ? { groupOrderSeed } : {}),
    });
    const results = rows.map((row, index) => session.add(row, { fallbackId: fallbackId(index) }));
    session.end();
    return Promise.all(results);
  }

  return {
    spec,
    specHash: hash,
    judges,
    groupsJudged,
    score,
    scoreBatch,
    openGroupSession,
    plan: (row, fallbackId = 'row') => planRow(row, fallbackId, judges, phases),
    planGroups: (rows) => planGroups(rows, judges, phases),
    suggestedRowConcurrency,
    schedulers,
  };
}
