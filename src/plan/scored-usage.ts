/**
 * A plan's usage measured on a `score` output file: per judge model, the call records of its rows (components[].calls:
 * usage, latency, cached, cost) — a group judge's calls are on its group's first row, so they count per row too. A
 * call answered from the cache or by an identical call in flight is requested but not sent; latency is the median
 * of the calls the model answered.
 */
import { z } from 'zod';
import type { ModelSpec } from '../spec/schema.js';
import { limitsOf } from './judge-models.js';
import { NO_CALLS, scaleVolume, type CallVolume, type ModelUsage, type UsageEstimate } from './plan-usage.js';

const CallRecordSchema = z.looseObject({
  usage: z.strictObject({ input_tokens: z.number().min(0), output_tokens: z.number().min(0) }),
  latency_ms: z.number().min(0),
  model: z.string().optional(),
  cached: z.boolean().optional(),
  cost_usd: z.number().min(0).optional(),
});

const ScoredRowSchema = z.looseObject({
  gated_by: z.string().nullable().optional(),
  flags: z.array(z.string()).default([]),
  error: z.unknown().optional(),
  components: z.array(z.looseObject({ calls: z.array(CallRecordSchema).optional() })).default([]),
});

/** A scored line that is not a score output row: the line, the field and what was expected. */
export class ScoredRowError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'ScoredRowError';
  }
}

/** The model name of call records that do not say which model answered. */
const UNNAMED_MODEL = '(unnamed model)';

interface Tally {
  volume: CallVolume;
  cost: number;
  costed: number;
  latencies: number[];
}

/** `models`: the spec's judge models by key (for limits and prices); the file's models come first in spec order. */
export function scoredUsage(
  lines: ReadonlyArray<{ line: number; value: unknown }>,
  models: ReadonlyMap<string, ModelSpec>,
  unreadableLines = 0,
): UsageEstimate {
  const source = {
    mode: 'scored' as const,
    rows: 0,
    judged: 0,
    gated: 0,
    empty: 0,
    unreadable: unreadableLines,
    groups: 0,
    meanGroupSize: null,
    outputTokens: 'measured' as const,
  };
  const tallies = new Map<string, Tally>();
  for (const key of models.keys()) tallies.set(key, { volume: { ...NO_CALLS }, cost: 0, costed: 0, latencies: [] });
  for (const { line, value } of lines) {
    const parsed = ScoredRowSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ScoredRowError(
        line,
        `line ${line}: ${issue.path.join('.') || '(row)'}: ${issue.message} (expected a line of rewardkit score output)`,
      );
    }
    const row = parsed.data;
    if (row.error !== undefined) {
      source.unreadable++;
      continue;
    }
    source.rows++;
    if (row.gated_by) source.gated++;
    else if (row.flags.includes('empty_response')) source.empty++;
    else source.judged++;
    for (const record of row.components.flatMap((component) => component.calls ?? [])) {
      const key = record.model ?? UNNAMED_MODEL;
      const tally = tallies.get(key) ?? { volume: { ...NO_CALLS }, cost: 0, costed: 0, latencies: [] };
      tallies.set(key, tally);
      tally.volume.requested++;
      if (record.cached) continue;
      tally.volume.sent++;
      tally.volume.input_tokens += record.usage.input_tokens;
      tally.volume.output_tokens += record.usage.output_tokens;
      tally.latencies.push(record.latency_ms);
      if (record.cost_usd !== undefined) {
        tally.cost += record.cost_usd;
        tally.costed++;
      }
    }
  }
  const notes: string[] = [];
  const perRow = source.judged === 0 ? 0 : 1 / source.judged;
  const usage: ModelUsage[] = [...tallies].map(([key, tally]) => {
    if (!models.has(key) && tally.volume.requested > 0)
      notes.push(`${key}: not a judge model of the spec (score ran with another --judge?): its limits and price are unknown`);
    return {
      model: key,
      limits: limitsOf(models.get(key)),
      perJudgedRow: scaleVolume(tally.volume, perRow),
      perGroup: { ...NO_CALLS },
      measuredCostPerJudgedRow: tally.costed === 0 ? null : tally.cost * perRow,
      measuredLatencyMs: median(tally.latencies),
    };
  });
  notes.push(
    'calls, tokens and latency are measured; cached calls (the persistent cache, or an identical call in flight) are counted as not sent — a rerun of the same rollouts is mostly cached',
  );
  return { source, models: usage, notes };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
