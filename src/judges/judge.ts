/**
 * What a judge is, and the shared path of one judge prompt: call the model (through the caller the
 * runtime provides) → check the reply → parse the JSON → read the verdict. Every prompt yields a
 * JudgeCallRecord with the raw text, usage, latency and, on failure, why — built from the runtime's
 * `JudgeCall` in one place (`recordOf`).
 */
import type { RowContext } from '../input/row-view.js';
import type { JudgeRequest } from '../models/judge-model.js';
import type { ComponentError, ComponentResult, JudgeCallRecord } from '../result.js';
import type { EmbeddingCall, JudgeCall } from '../runtime/judge-call.js';
import { judgeJsonCandidates } from './parse-judge-json.js';

/** Sends one judge request with the runtime's limits and retries; never throws. */
export interface JudgeCaller {
  (request: JudgeRequest): Promise<JudgeCall>;
  /** Embeds texts with the same model, limits, retries, cache and dedup (an embedding judge); never throws. Absent where a caller cannot embed. */
  embed?: (texts: string[]) => Promise<EmbeddingCall>;
}

/**
 * The caller of another model (a panel judge's members, panel-judge.ts): the runtime's caller for `modelKey`,
 * its cache namespace extended by `sample` when given, so k samples of one model are k separate calls.
 */
export type CallerFor = (modelKey: string, sample?: number) => JudgeCaller;

/** One prompt a judge sends for a row. */
export interface JudgePrompt {
  label: string;
  request: JudgeRequest;
}

export interface Judge {
  name: string;
  type: 'rubric' | 'preference' | 'group' | 'panel' | 'embedding';
  weight: number;
  /** The model this judge calls (its key picks the limiter). */
  modelKey: string;
  /** The prompts this judge would send for the row (used by --dry-run and by run). */
  prompts(context: RowContext): JudgePrompt[];
  /** `callerFor` reaches other models; only a panel judge uses it. */
  run(context: RowContext, caller: JudgeCaller, callerFor?: CallerFor): Promise<ComponentResult>;
}

export interface GroupRunOptions {
  /** Seeds the canonical slot order (lab noise --source permute); default ''. */
  orderSeed?: string;
}

/**
 * A judge that scores the rollouts of one prompt side by side in one call (group-judge.ts). It is still a `Judge`:
 * `prompts`/`run` judge a group of one with the same template.
 */
export interface GroupJudge extends Judge {
  type: 'group';
  /** Rows with equal keys can share one call: sha256 of [groupId ?? '', system, prompt, reference text, every metadata.X the template shows]. */
  groupKey(context: RowContext): string;
  /** The prompts of one group (dry run); members in input order. */
  groupPrompts(members: readonly RowContext[], options?: GroupRunOptions): JudgePrompt[];
  /** One ComponentResult per member, in member order. Every call record goes on members[0] (the owner); never throws. */
  runGroup(members: readonly RowContext[], caller: JudgeCaller, options?: GroupRunOptions): Promise<ComponentResult[]>;
}

export function isGroupJudge(judge: Judge): judge is GroupJudge {
  return judge.type === 'group';
}

export type VerdictReading<T> = { ok: true; verdict: T } | { ok: false; error: ComponentError };

/**
 * How a prompt's verdict is read: from the reply's JSON object (a function of it, the default), or from the reply's
 * text (`{ fromText }`: a verdict format other than json, verdict-format.ts).
 */
export type VerdictReader<T> = ((json: Record<string, unknown>) => VerdictReading<T>) | { fromText: (text: string) => VerdictReading<T> };

export interface PromptOutcome<T> {
  record: JudgeCallRecord;
  verdict?: T;
}

/**
 * Runs one prompt end to end and reads its verdict with `read`. A reply cut by max_tokens (`truncated`: a
 * reasoning judge that thought at length) is asked again once with twice the budget; the record then holds
 * the second reply, with the attempts, latency, tokens and cost of both.
 */
export async function runPrompt<T>(prompt: JudgePrompt, caller: JudgeCaller, read: VerdictReader<T>): Promise<PromptOutcome<T>> {
  const first = await runPromptOnce(prompt, caller, read);
  if (first.record.error?.kind !== 'truncated') return first;
  const second = await runPromptOnce({ ...prompt, request: { ...prompt.request, maxTokensScale: 2 } }, caller, read);
  const both = (record: JudgeCallRecord): JudgeCallRecord => ({
    ...record,
    usage: {
      input_tokens: first.record.usage.input_tokens + record.usage.input_tokens,
      output_tokens: first.record.usage.output_tokens + record.usage.output_tokens,
    },
    latency_ms: first.record.latency_ms + record.latency_ms,
    attempts: first.record.attempts + record.attempts,
    ...(first.record.cost_usd === undefined && record.cost_usd === undefined
      ? {}
      : { cost_usd: (first.record.cost_usd ?? 0) + (record.cost_usd ?? 0) }),
  });
  if (!second.record.error) return { ...second, record: both(second.record) };
  const retried =
    second.record.error.kind === 'truncated'
      ? 'also when asked again with twice the max_tokens budget'
      : `asked again with twice the max_tokens budget: ${second.record.error.kind}: ${second.record.error.message}`;
  const error: ComponentError = { kind: 'truncated', message: `${first.record.error.message} (${retried})` };
  // A retry the provider refused (e.g. the doubled budget is over its limit) keeps the first reply as the evidence.
  const evidence = second.record.finish_reason === 'error' ? first.record : second.record;
  return { record: { ...both(second.record), raw: evidence.raw, finish_reason: evidence.finish_reason, error } };
}

async function runPromptOnce<T>(prompt: JudgePrompt, caller: JudgeCaller, read: VerdictReader<T>): Promise<PromptOutcome<T>> {
  const call = await caller(prompt.request);
  const record = recordOf(prompt, call);
  if (!call.ok) return { record };
  const { reply } = call;
  const fail = (error: ComponentError): PromptOutcome<T> => ({ record: { ...record, error } });
  if (reply.finishReason === 'content-filter') return fail({ kind: 'refusal', message: 'the judge model refused (content filter)' });
  if (reply.text.trim() === '') {
    return fail(
      reply.finishReason === 'length'
        ? { kind: 'truncated', message: 'the judge hit max_tokens before writing a verdict' }
        : { kind: 'empty_output', message: 'the judge returned no text' },
    );
  }
  if (typeof read !== 'function') {
    const reading = read.fromText(reply.text);
    if (reading.ok) {
      call.accept();
      return { record, verdict: reading.verdict };
    }
    const cutOff = reply.finishReason === 'length' && reading.error.kind === 'parse_error';
    return fail(cutOff ? { kind: 'truncated', message: `the judge hit max_tokens: ${reading.error.message}` } : reading.error);
  }
  const parsed = judgeJsonCandidates(reply.text);
  if (!parsed.ok) {
    return fail(
      reply.finishReason === 'length'
        ? { kind: 'truncated', message: `the judge hit max_tokens: ${parsed.error}` }
        : { kind: 'parse_error', message: parsed.error },
    );
  }
  // The first candidate that reads as a verdict wins; otherwise report why the largest one did not.
  let rejected: { error: ComponentError; size: number } | undefined;
  for (const candidate of parsed.candidates) {
    const reading = read(candidate.value);
    if (reading.ok) {
      call.accept();
      return { record, verdict: reading.verdict };
    }
    const size = JSON.stringify(candidate.value).length;
    if (!rejected || size > rejected.size) rejected = { error: reading.error, size };
  }
  const error = rejected!.error;
  const cutOff = reply.finishReason === 'length' && error.kind === 'parse_error';
  return fail(cutOff ? { kind: 'truncated', message: `the judge hit max_tokens: ${error.message}` } : error);
}

/** The one place a runtime `JudgeCall` becomes the output's `JudgeCallRecord` (its fields and their order). */
export function recordOf(prompt: JudgePrompt, call: JudgeCall): JudgeCallRecord {
  return {
    label: prompt.label,
    raw: call.ok ? call.reply.text : '',
    finish_reason: call.ok ? call.reply.finishReason : 'error',
    usage: call.usage,
    latency_ms: call.latencyMs,
    attempts: call.ok && call.source !== 'model' ? 0 : call.attempts, // a cached or shared answer made no attempt of its own
    model: call.model,
    ...(prompt.request.templateVersion ? { template_version: prompt.request.templateVersion } : {}),
    cached: call.source !== 'model',
    ...(call.costUsd === undefined ? {} : { cost_usd: call.costUsd }),
    ...(call.ok ? {} : { error: call.error }),
  };
}

/** The first error among prompt outcomes, prefixed with its label. */
export function firstError(outcomes: ReadonlyArray<PromptOutcome<unknown>>): ComponentError | undefined {
  const failed = outcomes.find((outcome) => outcome.record.error);
  if (!failed?.record.error) return undefined;
  return { ...failed.record.error, message: `${failed.record.label}: ${failed.record.error.message}` };
}

/** The row values a judge template may use, with the response cut to `maxResponseChars`. */
export function rowVariables(
  context: RowContext,
  maxResponseChars: number,
  extra: Record<string, string> = {},
): (name: string) => string | undefined {
  const { view } = context;
  return (name) => {
    if (name in extra) return extra[name];
    switch (name) {
      case 'prompt':
        return view.prompt;
      case 'system':
        return view.system;
      case 'response':
        return view.response.length > maxResponseChars ? `${view.response.slice(0, maxResponseChars)}\n[… cut for judging]` : view.response;
      case 'reference':
        return asPromptText(view.reference);
      case 'context':
        return view.context.length > maxResponseChars ? `${view.context.slice(0, maxResponseChars)}\n[… cut for judging]` : view.context;
      default:
        if (name.startsWith('metadata.')) return asPromptText(context.select(name)[0]);
        return undefined;
    }
  };
}

export function asPromptText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** `context`: a tool-using rollout's calls and results before its answer ('' for most rows; see RowView). */
export const ROW_VARIABLES = ['prompt', 'system', 'response', 'context', 'reference', 'metadata'] as const;
