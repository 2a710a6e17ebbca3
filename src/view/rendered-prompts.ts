/**
 * The judge prompts of a row, rendered again from the spec and the input row (score output keeps each call's raw
 * reply, not its prompt): the same planning `score --dry-run` prints, so no judge is called. A group judge's prompt
 * held the rollouts of the whole group, which one row does not give: its prompts are left out with the reason.
 */
import { createReward, type Reward } from '../reward.js';
import { componentNameOf, type RewardSpec } from '../spec/schema.js';

export interface RenderedPrompt {
  judge: string;
  label: string;
  system: string;
  user: string;
}

export interface RenderedPrompts {
  prompts: RenderedPrompt[];
  /** Judges whose prompts are not rendered here, each with why. */
  notRendered: Array<{ judge: string; reason: string }>;
}

export class PromptRenderer {
  private readonly reward: Reward;
  private readonly groupJudges: string[];

  constructor(spec: RewardSpec) {
    this.reward = createReward(spec);
    this.groupJudges = spec.judges.filter((judge) => judge.type === 'group').map(componentNameOf);
  }

  async render(row: unknown, line: number): Promise<RenderedPrompts> {
    const plan = await this.reward.plan(row, `line-${line}`);
    const notRendered = this.groupJudges.map((judge) => ({
      judge,
      reason: 'a group judge: its prompt held every rollout of the group; rewardkit score --dry-run prints the group prompts',
    }));
    if (plan.error) return { prompts: [], notRendered: [{ judge: '*', reason: `the row could not be read: ${plan.error.message}` }] };
    const prompts = plan.prompts
      .filter((prompt) => !this.groupJudges.includes(prompt.judge))
      .map((prompt) => ({ judge: prompt.judge, label: prompt.label, system: prompt.request.system, user: prompt.request.user }));
    return { prompts, notRendered };
  }
}
