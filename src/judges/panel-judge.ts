/**
 * Panel judge (`type: panel`): the same judging (an inner rubric or preference judge) done by several members —
 * several models (`members`), or k samples of one model at its temperature (`samples`, each in its own cache
 * namespace, so each is a real call) — combined by panel-combine.ts. Members whose judging failed are left out
 * while at least `quorum` (default: a majority) scored; below quorum the component is an `error`, like any
 * failed judge. Details hold each member's score, status and model, and the members' `agreement` (reported as
 * the metric `<name>_agreement`). Every member's calls are in `calls`, labelled with the member.
 */
import type { RowContext } from '../input/row-view.js';
import { modelKey } from '../models/judge-model.js';
import type { ComponentResult } from '../result.js';
import type { ModelSpec, PanelJudgeSpec } from '../spec/schema.js';
import type { CallerFor, Judge, JudgePrompt } from './judge.js';
import { combinePanel, defaultQuorum } from './panel-combine.js';
import { createPreferenceJudge } from './preference-judge.js';
import { createRubricJudge } from './rubric-judge.js';

export interface PanelJudgeOptions {
  name: string;
  maxResponseChars: number;
  /** The secret for fence nonces (fence.ts); default: the built-in constant. */
  fenceSecret?: string;
}

export interface PanelMember {
  /** How calls and details name the member: "member i" or "sample i" (1-based); the model key is beside it. */
  label: string;
  model: ModelSpec;
  /** Index of the sample (`samples`): its cache namespace; undefined for `members`. */
  sample?: number;
}

/** The members of a panel: one per `members` entry, or `samples` of `model` (the judge's model or judge_model). */
export function panelMembers(spec: PanelJudgeSpec, model: ModelSpec | undefined): PanelMember[] {
  if (spec.members) return spec.members.map((member, index) => ({ label: `member ${index + 1}`, model: member.model }));
  if (!model || spec.samples === undefined) throw new Error('expected members, or samples with a judge model');
  return Array.from({ length: spec.samples }, (_, index) => ({ label: `sample ${index + 1}`, model, sample: index }));
}

export function createPanelJudge(spec: PanelJudgeSpec, model: ModelSpec | undefined, options: PanelJudgeOptions): Judge {
  const members = panelMembers(spec, model).map((member) => {
    const inner = {
      name: options.name,
      modelKey: modelKey(member.model),
      maxResponseChars: options.maxResponseChars,
      fenceSecret: options.fenceSecret,
    };
    const judge =
      spec.judge.type === 'rubric'
        ? createRubricJudge({ ...spec.judge, weight: spec.weight }, inner)
        : createPreferenceJudge({ ...spec.judge, weight: spec.weight }, inner);
    return { ...member, key: inner.modelKey, judge };
  });
  const quorum = spec.quorum ?? defaultQuorum(members.length);
  const base = { name: options.name, kind: 'judge' as const, type: 'panel', weight: spec.weight };

  const prompts = (context: RowContext): JudgePrompt[] =>
    members.flatMap((member) => member.judge.prompts(context).map((prompt) => ({ ...prompt, label: `${member.label}: ${prompt.label}` })));

  async function run(context: RowContext, callerFor: CallerFor): Promise<ComponentResult> {
    const results = await Promise.all(
      members.map(async (member): Promise<ComponentResult> => {
        try {
          return await member.judge.run(context, callerFor(member.key, member.sample));
        } catch (error) {
          return { ...base, score: null, status: 'error', error: { kind: 'unknown', message: (error as Error).message } };
        }
      }),
    );
    const calls = results.flatMap((result, index) =>
      (result.calls ?? []).map((call) => ({ ...call, label: `${members[index]!.label}: ${call.label}` })),
    );
    const memberDetails = results.map((result, index) => ({
      member: members[index]!.label,
      model: members[index]!.key,
      score: result.score,
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
    }));
    const scored = results.flatMap((result, index) => (result.status === 'scored' && result.score !== null ? [{ result, index }] : []));
    const failed = results.flatMap((result, index) => (result.status === 'error' ? [{ result, index }] : []));
    const counts = { combine: spec.combine, threshold: spec.threshold, quorum, scored: scored.length, failed: failed.length };
    if (scored.length >= quorum) {
      const verdict = combinePanel(
        scored.map(({ result }) => result.score!),
        spec.combine,
        spec.threshold,
      );
      return {
        ...base,
        score: verdict.score,
        status: 'scored',
        rationale: scored.map(({ result, index }) => `[${members[index]!.label}] ${result.rationale ?? ''}`).join('\n'),
        details: { ...counts, passed: verdict.passed, agreement: verdict.agreement, score_std: verdict.score_std, members: memberDetails },
        calls,
      };
    }
    const shortfall = `quorum not met: ${scored.length} of ${members.length} members scored (quorum ${quorum})`;
    const firstFailed = failed[0];
    if (firstFailed) {
      const error = firstFailed.result.error ?? { kind: 'unknown' as const, message: 'the member failed' };
      return {
        ...base,
        score: null,
        status: 'error',
        error: { ...error, message: `${shortfall}; ${members[firstFailed.index]!.label}: ${error.message}` },
        details: { ...counts, members: memberDetails },
        calls,
      };
    }
    // No member failed, too few scored (e.g. no reference in the row): undetermined, as the members are.
    const undetermined = results.find((result) => result.status !== 'scored');
    return {
      ...base,
      score: null,
      status: 'undetermined',
      rationale: `${shortfall}${undetermined?.rationale ? `; ${undetermined.rationale}` : ''}`,
      details: { ...undetermined?.details, ...counts, members: memberDetails },
      calls,
    };
  }

  return {
    name: options.name,
    type: 'panel',
    weight: spec.weight,
    modelKey: members[0]!.key,
    prompts,
    run(context, _caller, callerFor) {
      if (!callerFor) throw new Error('a panel judge needs a caller for each member model (callerFor)');
      return run(context, callerFor);
    },
  };
}
