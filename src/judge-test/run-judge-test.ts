/**
 * Runs the known cases of `rewardkit judge test` through a spec's judges, one case after another, and keeps each
 * judge's score and calls. The checks are left out (a gate would keep a case from the judges: here the judges
 * are under test, not the rollouts), and each judge model gets concurrency 1, so a call's latency is the judge's
 * own answer time, not time spent queueing behind the other cases.
 */
import { createReward, type Reward } from '../reward.js';
import type { ComponentResult, RewardResult } from '../result.js';
import { applyJudgeOverride } from '../spec/judge-override.js';
import type { RewardSpec } from '../spec/schema.js';
import type { JudgeTestCase } from './judge-test-cases.js';
import type { CaseJudgement, JudgedCase, JudgeInfo } from './judge-test-report.js';

/** The spec as the judge test runs it: no checks, every judge model at concurrency 1. */
export function judgeTestSpec(spec: RewardSpec): RewardSpec {
  return { ...applyJudgeOverride(spec, undefined, 1), checks: [] };
}

export function judgeInfos(reward: Reward): JudgeInfo[] {
  return reward.judges.map((judge) => ({ name: judge.name, type: judge.type, model: judge.modelKey }));
}

/** Judges every case in order; `onCase` sees each as it finishes (for progress lines). No persistent cache. */
export async function runJudgeTest(
  spec: RewardSpec,
  cases: readonly JudgeTestCase[],
  onCase?: (judged: JudgedCase, index: number) => void,
): Promise<{ reward: Reward; judged: JudgedCase[] }> {
  const reward = createReward(judgeTestSpec(spec));
  const judged: JudgedCase[] = [];
  for (const [index, entry] of cases.entries()) {
    const result = await reward.score(entry.row, { fallbackId: entry.id });
    const outcome: JudgedCase = { id: entry.id, expect: entry.expect, judges: judgementsOf(reward, result) };
    judged.push(outcome);
    onCase?.(outcome, index);
  }
  return { reward, judged };
}

function judgementsOf(reward: Reward, result: RewardResult): Record<string, CaseJudgement> {
  const judgements: Record<string, CaseJudgement> = {};
  for (const judge of reward.judges) {
    const component = result.components.find((candidate) => candidate.kind === 'judge' && candidate.name === judge.name);
    judgements[judge.name] = component ? judgementOf(component) : { score: null, status: 'not_judged', calls: [] };
  }
  return judgements;
}

function judgementOf(component: ComponentResult): CaseJudgement {
  return {
    score: component.score === null ? null : Math.round(component.score * 1e6) / 1e6,
    status: component.status,
    calls: (component.calls ?? []).map((call) => ({
      label: call.label,
      latency_ms: call.latency_ms,
      parsed: call.error === undefined,
      output_tokens: call.usage.output_tokens,
      ...(call.error ? { error: { kind: call.error.kind, message: call.error.message } } : {}),
    })),
  };
}
