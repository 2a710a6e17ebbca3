/**
 * A plan's usage from sample rows: the rows go through the dry run `score --dry-run` uses (reward.planGroups: checks
 * and gates run, every judge prompt is rendered, group judges' prompts per group) and each prompt is counted against
 * its model — input tokens at 4 characters a token (the runtime's TPM estimate, model-admission.ts), output tokens
 * at the model's max_tokens (an upper bound) or an --output-tokens estimate. Identical prompts count once (they share
 * one call in a real run); a group judge's calls are counted for a group of `groupSize` distinct rollouts.
 */
import { maxTokensFor } from '../models/max-tokens.js';
import { createReward } from '../reward.js';
import { judgeRequestMaterial } from '../runtime/cache-key.js';
import { estimateTokens } from '../runtime/model-admission.js';
import { componentNameOf, type RewardSpec } from '../spec/schema.js';
import { groupCallCount } from './group-calls.js';
import { judgeModelsOf, limitsOf } from './judge-models.js';
import { NO_CALLS, scaleVolume, type CallVolume, type ModelUsage, type UsageEstimate } from './plan-usage.js';

export interface SampleOptions {
  /** Rollouts per group (`--group`): the group judges' calls are counted for groups of this size. */
  groupSize: number;
  /** Output tokens per call (`--output-tokens`); default the model's max_tokens. */
  outputTokens?: number;
  /** Sample lines that were not JSON (read by the caller), counted as unreadable. */
  unreadableLines?: number;
}

interface Tally {
  rows: CallVolume;
  group: CallVolume;
  seen: Set<string>;
}

export async function sampleUsage(
  spec: RewardSpec,
  rows: ReadonlyArray<{ row: unknown; fallbackId: string }>,
  options: SampleOptions,
): Promise<UsageEstimate> {
  const plan = await createReward(spec).planGroups(rows);
  const judgeModels = judgeModelsOf(spec);
  const tallies = new Map<string, Tally>();
  for (const key of judgeModels.models.keys()) tallies.set(key, { rows: { ...NO_CALLS }, group: { ...NO_CALLS }, seen: new Set() });
  const source = {
    mode: 'sample' as const,
    rows: 0,
    judged: 0,
    gated: 0,
    empty: 0,
    unreadable: options.unreadableLines ?? 0,
    groups: 0,
    meanGroupSize: null as number | null,
    outputTokens: options.outputTokens === undefined ? ('max_tokens' as const) : ('estimate' as const),
  };
  for (const row of plan.rows) {
    if (row.error) {
      source.unreadable++;
      continue;
    }
    source.rows++;
    if (row.empty) source.empty++;
    else if (row.gatedBy !== null) source.gated++;
    else {
      source.judged++;
      for (const prompt of row.prompts) {
        const target = judgeModels.modelOf(prompt.judge, prompt.label);
        const tally = tallies.get(target.key)!;
        tally.rows.requested++;
        const material = judgeRequestMaterial(target.model, prompt.request, target.namespace);
        if (tally.seen.has(material)) continue;
        tally.seen.add(material);
        tally.rows.sent++;
        tally.rows.input_tokens += estimateTokens(prompt.request, 0);
        tally.rows.output_tokens += target.embedding ? 0 : (options.outputTokens ?? maxTokensFor(target.model, prompt.request));
      }
    }
  }
  const notes: string[] = [];
  for (const judge of spec.judges) {
    if (judge.type !== 'group') continue;
    const name = componentNameOf(judge);
    const groups = plan.groups.filter((group) => group.judge === name);
    if (source.groups === 0 && groups.length > 0) {
      source.groups = groups.length;
      source.meanGroupSize = groups.reduce((sum, group) => sum + group.members.length, 0) / groups.length;
    }
    notes.push(...groupNotes(name, groups, options.groupSize));
    const target = judgeModels.modelOf(name, '');
    const prompts = groups.flatMap((group) => group.prompts);
    const inputPerCall =
      prompts.length === 0 ? 0 : prompts.reduce((sum, prompt) => sum + estimateTokens(prompt.request, 0), 0) / prompts.length;
    const calls = groupCallCount(judge, options.groupSize);
    const outputPerCall = options.outputTokens ?? maxTokensFor(target.model, {});
    const tally = tallies.get(target.key)!;
    tally.group.requested += calls;
    tally.group.sent += calls;
    tally.group.input_tokens += calls * inputPerCall;
    tally.group.output_tokens += calls * outputPerCall;
  }
  const models: ModelUsage[] = [...tallies].map(([key, tally]) => ({
    model: key,
    limits: limitsOf(judgeModels.models.get(key)),
    perJudgedRow: source.judged === 0 ? { ...NO_CALLS } : scaleVolume(tally.rows, 1 / source.judged),
    perGroup: tally.group,
    measuredCostPerJudgedRow: null,
    measuredLatencyMs: null,
  }));
  if (source.judged === 0) notes.push('no sample row reached the judges (every one was gated, empty or unreadable): per-row calls are 0');
  notes.push(
    'input tokens: the rendered prompts at 4 characters a token (the runtime’s TPM estimate); the provider’s tokenizer, chat template and verdict schema differ',
  );
  notes.push(
    options.outputTokens === undefined
      ? 'output tokens: each model’s max_tokens per call, an upper bound (give --output-tokens N for an estimate)'
      : `output tokens: ${options.outputTokens} per call (--output-tokens)`,
  );
  notes.push('dedup: identical prompts within the sample count once; cache hits across steps (a repeated rollout) are not predicted');
  return { source, models, notes };
}

function groupNotes(judge: string, groups: ReadonlyArray<{ members: string[]; prompts: unknown[] }>, groupSize: number): string[] {
  if (groups.length === 0)
    return [`group judge ${judge}: no sample group reached it, so its prompt size is unknown (counted as 0 input tokens)`];
  const sizes = new Set(groups.map((group) => group.members.length));
  if (sizes.size === 1 && sizes.has(groupSize)) return [];
  const mean = groups.reduce((sum, group) => sum + group.members.length, 0) / groups.length;
  return [
    `group judge ${judge}: calls are counted for groups of ${groupSize} distinct rollouts (--group); the sample's ${groups.length} groups hold ${Number(mean.toFixed(2))} on average, and their mean prompt size is used`,
  ];
}
