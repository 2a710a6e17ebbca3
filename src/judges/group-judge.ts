/**
 * Group judge (`type: group`): the rollouts of one prompt scored side by side in one call, for GRPO-style trainers
 * that learn from the differences within a group. Identical rollouts share a slot; the group is judged in up to
 * `orders` slot orders (reversal, then rotations) and each rollout's normalised scores are averaged, so a judge
 * that favours a position cannot move the ranking; a group larger than `max_group` is split into chunks that share
 * anchor rollouts, whose scores align the chunks. Any failed call fails the whole group (every member `error`): a
 * rollout's score is never guessed. The owner (the first member) carries every call record, the others `calls: []`.
 * `run(row)` judges a group of one with the same template, so a row scored alone still gets a verdict.
 */
import { createHash } from 'node:crypto';
import type { RowContext } from '../input/row-view.js';
import { kendallTauBOfNumbers } from '../lab/statistics/kendall-tau.js';
import type { ComponentResult } from '../result.js';
import { round6 } from '../round6.js';
import { loadTemplate } from '../spec/judge-template-file.js';
import type { GroupJudgeSpec } from '../spec/schema.js';
import { canonicalUnits, orderPermutations, splitChunks, type GroupUnit } from './group-orders.js';
import { GROUP_ROW_VARIABLES, GROUP_TRUSTED_VARIABLES, labelsFor, renderGroupPrompt, rolloutText } from './group-prompt.js';
import { groupVerdictSchema, readGroupVerdict, type GroupVerdict } from './group-verdict.js';
import {
  asPromptText,
  firstError,
  runPrompt,
  type GroupJudge,
  type GroupRunOptions,
  type JudgeCaller,
  type JudgePrompt,
  type PromptOutcome,
} from './judge.js';
import { assertKnownVariables, builtinTemplatePath, requiresVariable, templateVariables } from './judge-template.js';
import { lacksText, noReferenceComponent } from './no-reference.js';

export interface GroupJudgeOptions {
  name: string;
  modelKey: string;
  maxResponseChars: number;
  /** The secret for fence nonces (fence.ts); default: the built-in constant. */
  fenceSecret?: string;
}

/** One call of a group: which chunk and order, and the units (indexes into the canonical units) by slot. */
interface GroupCall {
  chunk: number;
  units: number[];
  labels: string[];
  prompt: JudgePrompt;
}

interface GroupLayout {
  units: GroupUnit[];
  /** Units 0 … anchors−1 are the anchors (0 when the group fits one call). */
  anchors: number;
  /** Unit indexes per chunk, anchors first. */
  chunks: number[][];
  calls: GroupCall[];
}

export function createGroupJudge(spec: GroupJudgeSpec, options: GroupJudgeOptions): GroupJudge {
  // the spec schema checks both (schema.ts); repeated for callers that build a spec by hand
  if (!(spec.scale[0] < spec.scale[1])) throw new Error(`scale: expected [worst, best] with worst < best, got [${spec.scale.join(', ')}]`);
  if (spec.anchors > spec.max_group - 1)
    throw new Error(`anchors: expected at most max_group − 1 (${spec.max_group - 1}), got ${spec.anchors}`);
  const template = loadTemplate(spec.template ?? builtinTemplatePath('group'));
  assertKnownVariables(template, GROUP_TRUSTED_VARIABLES, GROUP_ROW_VARIABLES);
  if (!requiresVariable(template, 'rollouts')) {
    throw new Error(`template ${template.path} does not show {{rollouts}}: a group judge template must show the rollouts`);
  }
  const trusted = { instructions: spec.instructions ?? '', criteria: spec.criteria };
  const scale: readonly [number, number] = [spec.scale[0], spec.scale[1]];
  const needsReference = requiresVariable(template, 'reference');
  const metadataShown = templateVariables(template).filter((name) => name.startsWith('metadata.'));
  const base = { name: options.name, kind: 'judge' as const, type: 'group', weight: spec.weight };

  const groupKey = (context: RowContext): string => {
    const { view } = context;
    const shared = [
      view.groupId ?? '',
      view.system,
      view.prompt,
      asPromptText(view.reference),
      ...metadataShown.map((name) => asPromptText(context.select(name)[0])),
    ];
    return createHash('sha256').update(JSON.stringify(shared)).digest('hex');
  };

  /** The calls of a group, or null when it is not judged (no members, or no reference the template needs). */
  const layout = (members: readonly RowContext[], runOptions: GroupRunOptions = {}): GroupLayout | null => {
    const shared = members[0];
    if (!shared || (needsReference && lacksText(shared, 'reference'))) return null;
    const units = canonicalUnits(
      members.map((member) => rolloutText(member.view, options.maxResponseChars)),
      runOptions.orderSeed ?? '',
    );
    const split = splitChunks(
      units.map((_, index) => index),
      spec.max_group,
      spec.anchors,
    );
    const calls = split.chunks.flatMap((chunk, chunkIndex) =>
      orderPermutations(chunk.length, spec.orders).map((permutation, orderIndex): GroupCall => {
        const slotUnits = permutation.map((position) => chunk[position]!);
        const labels = labelsFor(slotUnits.length);
        const rendered = renderGroupPrompt({
          template,
          trusted,
          scale,
          shared,
          rollouts: slotUnits.map((unit) => units[unit]!.text),
          maxResponseChars: options.maxResponseChars,
          ...(options.fenceSecret === undefined ? {} : { fenceSecret: options.fenceSecret }),
        });
        return {
          chunk: chunkIndex,
          units: slotUnits,
          labels,
          prompt: {
            label: `chunk ${chunkIndex + 1} · order ${orderIndex + 1}`,
            request: {
              ...rendered,
              schema: groupVerdictSchema(labels, scale),
              schemaName: 'group_verdict',
              templateVersion: template.version,
            },
          },
        };
      }),
    );
    return { units, anchors: split.anchors.length, chunks: split.chunks, calls };
  };

  const groupPrompts = (members: readonly RowContext[], runOptions?: GroupRunOptions): JudgePrompt[] =>
    layout(members, runOptions)?.calls.map((call) => call.prompt) ?? [];

  async function runGroup(members: readonly RowContext[], caller: JudgeCaller, runOptions?: GroupRunOptions): Promise<ComponentResult[]> {
    if (members.length === 0) return [];
    const plan = layout(members, runOptions);
    if (!plan) return members.map(() => noReferenceComponent(base, 'reference'));
    const outcomes = await Promise.all(
      plan.calls.map((call) => runPrompt(call.prompt, caller, (json) => readGroupVerdict(json, call.labels, scale))),
    );
    const records = outcomes.map((outcome) => outcome.record);
    const callsOf = (memberIndex: number) => (memberIndex === 0 ? records : []);
    const unitOf = unitIndexByMember(plan.units, members.length);
    const group = (memberIndex: number) => ({
      key: groupKey(members[0]!).slice(0, 12),
      rows: members.length,
      judged: members.length,
      slots: plan.units.length,
      chunks: plan.chunks.length,
      orders: Math.max(...plan.chunks.map((_, chunk) => plan.calls.filter((call) => call.chunk === chunk).length)),
      owner: members[0]!.view.id,
      shares_slot_with: plan.units[unitOf[memberIndex]!]!.members.filter((other) => other !== memberIndex).map(
        (other) => members[other]!.view.id,
      ),
      anchor: unitOf[memberIndex]! < plan.anchors,
    });
    const error = firstError(outcomes);
    if (error) {
      return members.map((_, memberIndex) => ({
        ...base,
        score: null,
        status: 'error' as const,
        error,
        details: { group: group(memberIndex) },
        calls: callsOf(memberIndex),
      }));
    }
    const scoring = scoreGroup(plan, outcomes, scale);
    const statistics = { position_bias: positionBias(scoring.normalisedBySlot), ...kendallTau(plan, scoring.normalisedBySlot) };
    return members.map((_, memberIndex) => {
      const unit = unitOf[memberIndex]!;
      const seen = plan.calls.flatMap((call, callIndex) => {
        const slot = call.units.indexOf(unit);
        if (slot < 0) return [];
        const entry = outcomes[callIndex]!.verdict!.entries[call.labels[slot]!]!;
        return [{ call, label: call.labels[slot]!, entry, normalised: scoring.normalisedBySlot[callIndex]![slot]! }];
      });
      return {
        ...base,
        score: scoring.scores[unit]!,
        status: 'scored' as const,
        rationale: seen
          .map(({ call, label, entry }) => `[${call.prompt.label} · slot ${label}] ${entry.score}/${scale[1]} — ${entry.rationale}`)
          .join('\n'),
        details: {
          group: group(memberIndex),
          slots_by_call: seen.map(({ label }) => label),
          raw_scores: seen.map(({ entry }) => entry.score),
          scores_by_call: seen.map(({ normalised }) => round6(normalised)),
          anchor_offset: scoring.offsets[unit]!,
          ...statistics,
        },
        calls: callsOf(memberIndex),
      };
    });
  }

  return {
    name: options.name,
    type: 'group',
    weight: spec.weight,
    modelKey: options.modelKey,
    groupKey,
    groupPrompts,
    runGroup,
    prompts: (context) => groupPrompts([context]),
    async run(context, caller) {
      const [component] = await runGroup([context], caller);
      return component!;
    },
  };
}

function unitIndexByMember(units: readonly GroupUnit[], size: number): number[] {
  const byMember = new Array<number>(size);
  units.forEach((unit, index) => {
    for (const member of unit.members) byMember[member] = index;
  });
  return byMember;
}

/**
 * Each unit's score: per chunk, the mean over orders of (score − worst) / (best − worst); chunk c is aligned to the
 * first by offset_c = mean over anchors of (s(first, a) − s(c, a)); an anchor's score is the mean of its aligned chunk
 * scores. Clamped to [0, 1]. `offsets[u]` is what alignment added to unit u (0 when the group fit one call).
 */
function scoreGroup(
  plan: GroupLayout,
  outcomes: ReadonlyArray<PromptOutcome<GroupVerdict>>,
  [worst, best]: readonly [number, number],
): { scores: number[]; offsets: number[]; normalisedBySlot: number[][] } {
  const normalisedBySlot = plan.calls.map((call, callIndex) =>
    call.labels.map((label) => (outcomes[callIndex]!.verdict!.entries[label]!.score - worst) / (best - worst)),
  );
  const chunkScore = (chunk: number, unit: number) =>
    mean(plan.calls.flatMap((call, callIndex) => (call.chunk === chunk ? [normalisedBySlot[callIndex]![call.units.indexOf(unit)]!] : [])));
  const anchors = Array.from({ length: plan.anchors }, (_, index) => index);
  const chunkOffsets = plan.chunks.map((_, chunk) =>
    chunk === 0 || anchors.length === 0 ? 0 : mean(anchors.map((anchor) => chunkScore(0, anchor) - chunkScore(chunk, anchor))),
  );
  const scores: number[] = [];
  const offsets: number[] = [];
  plan.units.forEach((_, unit) => {
    const chunks = plan.chunks.flatMap((members, chunk) => (members.includes(unit) ? [chunk] : []));
    const aligned = mean(chunks.map((chunk) => chunkScore(chunk, unit) + chunkOffsets[chunk]!));
    scores.push(round6(Math.min(1, Math.max(0, aligned))));
    offsets.push(round6(mean(chunks.map((chunk) => chunkOffsets[chunk]!))));
  });
  return { scores, offsets, normalisedBySlot };
}

/** Mean normalised score by slot over the calls that have the slot, and the mean of (first slot − last slot) per call. */
function positionBias(normalisedBySlot: readonly number[][]): { mean_by_slot: number[]; first_minus_last: number | null } {
  const width = Math.max(...normalisedBySlot.map((scores) => scores.length));
  const meanBySlot = Array.from({ length: width }, (_, slot) =>
    round6(mean(normalisedBySlot.filter((scores) => scores.length > slot).map((scores) => scores[slot]!))),
  );
  const spans = normalisedBySlot.filter((scores) => scores.length >= 2).map((scores) => scores[0]! - scores[scores.length - 1]!);
  return { mean_by_slot: meanBySlot, first_minus_last: spans.length === 0 ? null : round6(mean(spans)) };
}

/** Rank agreement between orders: mean Kendall τ-b over chunks and pairs of orders of the chunk's unit scores. */
function kendallTau(
  plan: GroupLayout,
  normalisedBySlot: readonly number[][],
): { kendall_tau: number } | { kendall_tau: null; kendall_tau_reason: string } {
  const values: number[] = [];
  const reasons: string[] = [];
  plan.chunks.forEach((units, chunk) => {
    const calls = plan.calls.flatMap((call, callIndex) => (call.chunk === chunk ? [{ call, scores: normalisedBySlot[callIndex]! }] : []));
    const byUnit = calls.map(({ call, scores }) => units.map((unit) => scores[call.units.indexOf(unit)]!));
    for (let first = 0; first < byUnit.length; first += 1) {
      for (let second = first + 1; second < byUnit.length; second += 1) {
        const tau = kendallTauBOfNumbers(byUnit[first]!, byUnit[second]!);
        if (tau.value === null) reasons.push(tau.reason);
        else values.push(tau.value);
      }
    }
  });
  if (values.length > 0) return { kendall_tau: round6(mean(values)) };
  if (plan.units.length < 2) return { kendall_tau: null, kendall_tau_reason: 'fewer than 2 distinct rollouts: no ranking to compare' };
  if (reasons.length === 0) return { kendall_tau: null, kendall_tau_reason: 'one order judged: no second order to compare with' };
  return { kendall_tau: null, kendall_tau_reason: `an order gave every rollout the same score (${reasons[0]})` };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
