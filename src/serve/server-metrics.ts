/**
 * The reward server's Prometheus metrics (prom-client), in a registry of their own per server: request
 * latency by route, judge-call latency by model, retries, judge errors by kind, cache hits, tokens,
 * neutral fallbacks and row outcomes, judge calls sent per rollout and groups judged, each batch's neutral share,
 * requests in flight and turned away, the bytes and rows they hold of the shared budget, and the default Node process metrics;
 * with --redis, the shared state's health and what it saved (rewardkit_redis_*).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RewardOptions } from '../reward.js';
import type { RewardResult } from '../result.js';
import type { JudgeCall } from '../runtime/judge-call.js';
import { SHARED_OPERATIONS } from '../runtime/shared/shared-operations.js';
import type { SharedStateStats } from '../runtime/shared/shared-state.js';

export interface ServerMetrics {
  registry: Registry;
  requestDuration: Histogram<'route' | 'method' | 'status_code'>;
  inFlight: Gauge<'route'>;
  /** Requests turned away before scoring, by route and reason (too_many_rows | busy | body_timeout | body_too_large | draining). */
  rejected: Counter<'route' | 'reason'>;
  /** Per request: the share of its rewards that are the neutral fallback (or missing). */
  neutralShare: Histogram<'route'>;
  /** Reports what the requests in flight hold of the shared budget (read at each scrape). */
  watchBudget(read: () => { bytes: number; rows: number }): void;
  /** Adds the rewardkit_redis_* metrics, read from the shared state's counters at each scrape (serve --redis). */
  watchSharedState(state: { stats(): SharedStateStats }): void;
  /** Hooks for createReward: judge-call latency, errors, cache hits, tokens, retries. */
  rewardHooks: Required<Pick<RewardOptions, 'onJudgeCall' | 'onRetry'>>;
  /** Counts a request's rows by outcome and its neutral fallbacks by reason. */
  observeResults(route: string, results: readonly RewardResult[]): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'rewardkit_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route, method and status code.',
    labelNames: ['route', 'method', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'rewardkit_http_requests_in_flight',
    help: 'HTTP requests being answered now.',
    labelNames: ['route'],
    registers: [registry],
  });
  const judgeDuration = new Histogram({
    name: 'rewardkit_judge_call_duration_seconds',
    help: 'Time of one judge call including its retries, by judge model and outcome (ok | error | cached).',
    labelNames: ['model', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const judgeErrors = new Counter({
    name: 'rewardkit_judge_errors_total',
    help: 'Judge calls that failed after their retries, by model and error kind.',
    labelNames: ['model', 'kind'],
    registers: [registry],
  });
  const judgeRetries = new Counter({
    name: 'rewardkit_judge_retries_total',
    help: 'Judge call attempts that were retried, by model and error kind.',
    labelNames: ['model', 'kind'],
    registers: [registry],
  });
  const cacheHits = new Counter({
    name: 'rewardkit_judge_cache_hits_total',
    help: 'Judge calls answered from the cache or an identical call in flight.',
    labelNames: ['model'],
    registers: [registry],
  });
  const judgeTokens = new Counter({
    name: 'rewardkit_judge_tokens_total',
    help: 'Judge tokens, by model and direction (input | output).',
    labelNames: ['model', 'direction'],
    registers: [registry],
  });
  const rows = new Counter({
    name: 'rewardkit_rows_total',
    help: 'Rows scored, by route and outcome (scored | gated | empty_response | neutral | no_reward | row_error).',
    labelNames: ['route', 'outcome'],
    registers: [registry],
  });
  const neutral = new Counter({
    name: 'rewardkit_neutral_rewards_total',
    help: 'Rows answered with the neutral reward, by route and reason (judge_error | deadline_exceeded | nothing_scored | row_error | internal_error).',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });

  const rejected = new Counter({
    name: 'rewardkit_requests_rejected_total',
    help: 'Requests turned away before scoring, by route and reason (too_many_rows | busy | body_timeout | body_too_large | draining).',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
  const neutralShare = new Histogram({
    name: 'rewardkit_batch_neutral_share',
    help: 'Per request: the share of its rewards that are the neutral fallback or missing (a trainer learns nothing from those).',
    labelNames: ['route'],
    buckets: [0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1],
    registers: [registry],
  });
  const groupsJudged = new Counter({
    name: 'rewardkit_groups_judged_total',
    help: 'Groups judged by a group judge (type: group), by route: each group once per judge, also when its verdicts came from the cache.',
    labelNames: ['route'],
    registers: [registry],
  });
  // calls sent to a model (not from the cache or shared in flight) and rows answered, since the server started
  const sent = { calls: 0, rows: 0 };
  new Gauge({
    name: 'rewardkit_judge_calls_per_rollout',
    help: 'Judge calls sent to a model (not from the cache or shared in flight) per row answered, since start (0 before the first row).',
    registers: [registry],
    collect() {
      this.set(sent.rows === 0 ? 0 : sent.calls / sent.rows);
    },
  });
  let readBudget: () => { bytes: number; rows: number } = () => ({ bytes: 0, rows: 0 });
  new Gauge({
    name: 'rewardkit_body_bytes_in_flight',
    help: 'Request body bytes held by the requests in flight (the --max-body-mb-in-flight budget).',
    registers: [registry],
    collect() {
      this.set(readBudget().bytes);
    },
  });
  new Gauge({
    name: 'rewardkit_rows_in_flight',
    help: 'Rows held by the requests in flight (the --max-rows-in-flight budget).',
    registers: [registry],
    collect() {
      this.set(readBudget().rows);
    },
  });

  const onJudgeCall = (call: JudgeCall) => {
    const cached = call.source !== 'model';
    if (!cached) sent.calls++;
    judgeDuration.observe({ model: call.model, outcome: cached ? 'cached' : call.ok ? 'ok' : 'error' }, call.latencyMs / 1000);
    if (cached) cacheHits.inc({ model: call.model });
    if (!call.ok) judgeErrors.inc({ model: call.model, kind: call.error.kind });
    if (call.ok) {
      // the reply's tokens, also when it came from the cache or a call in flight (call.usage counts only tokens spent)
      judgeTokens.inc({ model: call.model, direction: 'input' }, call.reply.usage.input_tokens);
      judgeTokens.inc({ model: call.model, direction: 'output' }, call.reply.usage.output_tokens);
    }
  };
  const onRetry: NonNullable<RewardOptions['onRetry']> = (event) => judgeRetries.inc({ model: event.model, kind: event.error.kind });

  return {
    registry,
    requestDuration,
    inFlight,
    rejected,
    neutralShare,
    watchBudget(read) {
      readBudget = read;
    },
    watchSharedState(state) {
      registerSharedStateMetrics(registry, () => state.stats());
    },
    rewardHooks: { onJudgeCall, onRetry },
    observeResults(route, results) {
      sent.rows += results.length;
      const groups = groupsJudgedIn(results);
      if (groups > 0) groupsJudged.inc({ route }, groups);
      for (const result of results) {
        rows.inc({ route, outcome: outcomeOf(result) });
        const reason = neutralReasonOf(result);
        if (reason) neutral.inc({ route, reason });
      }
    },
  };
}

/** The rewardkit_redis_* metrics: counters kept by the shared state (runtime/shared/), copied at each scrape. */
function registerSharedStateMetrics(registry: Registry, read: () => SharedStateStats): void {
  new Gauge({
    name: 'rewardkit_redis_up',
    help: 'Whether the shared Redis answers (1) or this process is on its own cache and limits (0).',
    registers: [registry],
    collect() {
      this.set(read().up ? 1 : 0);
    },
  });
  const copied = (name: string, help: string, value: (stats: SharedStateStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(value(read()));
      },
    });
  copied('rewardkit_redis_outages_total', 'Times the shared Redis stopped answering (one warning each).', (stats) => stats.outages);
  copied('rewardkit_redis_reconnects_total', 'Times the shared Redis answered again after an outage.', (stats) => stats.reconnects);
  copied(
    'rewardkit_redis_shared_cache_hits_total',
    'Judge calls (and embedded texts) answered from the shared cache: verdicts other processes stored.',
    (stats) => stats.cache_hits,
  );
  copied(
    'rewardkit_redis_inflight_joins_total',
    "Judge calls answered by another process's identical call, waited for instead of sent.",
    (stats) => stats.inflight_joins,
  );
  new Counter({
    name: 'rewardkit_redis_fallbacks_total',
    help: `Shared operations that took the local path because Redis was down, slow or refused them, by operation (${SHARED_OPERATIONS.join(' | ')}).`,
    labelNames: ['operation'],
    registers: [registry],
    collect() {
      this.reset();
      const { fallbacks } = read();
      for (const operation of SHARED_OPERATIONS) this.inc({ operation }, fallbacks[operation]);
    },
  });
}

/**
 * The groups judged in one request's results: each (group judge, group) once, however many of its rows are here — by the
 * judge's name and the group's key and owner that every member's `details.group` carries (not by row ids, which may repeat).
 */
function groupsJudgedIn(results: readonly RewardResult[]): number {
  const groups = new Set<string>();
  for (const result of results) {
    for (const component of result.components) {
      const group = component.type === 'group' ? component.details?.group : undefined;
      if (typeof group !== 'object' || group === null) continue;
      const { key, owner } = group as { key?: unknown; owner?: unknown };
      groups.add(JSON.stringify([component.name, key, owner]));
    }
  }
  return groups.size;
}

function outcomeOf(result: RewardResult): string {
  if (result.reward === null && result.flags.includes('judge_error') && !result.flags.includes('row_error')) return 'no_reward'; // on_judge_error: null
  if (result.reward === null || result.flags.includes('row_error')) return 'row_error';
  if (result.neutral) return 'neutral';
  if (result.flags.includes('gated')) return 'gated';
  if (result.flags.includes('empty_response')) return 'empty_response';
  return 'scored';
}

function neutralReasonOf(result: RewardResult): string | undefined {
  if (result.reward === null && result.flags.includes('judge_error') && !result.flags.includes('row_error')) return 'judge_error'; // on_judge_error: null
  if (result.reward === null || result.flags.includes('row_error')) return 'row_error';
  if (!result.neutral) return undefined;
  for (const reason of ['deadline_exceeded', 'internal_error', 'nothing_scored', 'judge_error'])
    if (result.flags.includes(reason)) return reason;
  return 'judge_error';
}
