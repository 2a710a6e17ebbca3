/**
 * Which judge model each call of a spec goes to, and the limits and price it runs under: a judge's prompts go to
 * its model (or the spec's judge_model); a panel's to the member its label names ("member 2: …", "sample 3: …").
 */
import { modelKey } from '../models/judge-model.js';
import { panelMembers } from '../judges/panel-judge.js';
import { modelsCalledBy } from '../judges/create-judge.js';
import { componentNameOf, type ModelSpec, type RewardSpec } from '../spec/schema.js';
import type { ModelLimits } from './plan-usage.js';

/** The model a prompt is sent to, and the cache namespace it is asked under (panel samples ask apart). */
export interface PromptModel {
  model: ModelSpec;
  key: string;
  namespace: string;
  /** An embedding judge's call: texts in, no output tokens. */
  embedding: boolean;
}

export interface JudgeModels {
  /** Every model the spec calls, by key, in spec order. */
  models: Map<string, ModelSpec>;
  /** The model of a prompt of the judge named `judge` with label `label`. */
  modelOf(judge: string, label: string): PromptModel;
}

const MEMBER_LABEL = /^(member|sample) (\d+): /;

export function judgeModelsOf(spec: RewardSpec): JudgeModels {
  const models = new Map<string, ModelSpec>();
  const byJudge = new Map<string, (label: string) => PromptModel>();
  for (const judge of spec.judges) {
    const model = judge.model ?? spec.judge_model;
    for (const used of modelsCalledBy(judge, model)) models.set(modelKey(used), used);
    const name = componentNameOf(judge);
    if (judge.type === 'panel') {
      const members = panelMembers(judge, model);
      byJudge.set(name, (label) => {
        const index = Number(MEMBER_LABEL.exec(label)?.[2] ?? 0) - 1;
        const member = members[index];
        if (!member) throw new Error(`panel judge ${name}: prompt label ${JSON.stringify(label)} names no member`);
        const namespace = member.sample === undefined ? '' : `#sample-${member.sample}`;
        return { model: member.model, key: modelKey(member.model), namespace, embedding: false };
      });
    } else {
      const used = judge.type === 'embedding' ? judge.model : model;
      byJudge.set(name, () => {
        if (!used) throw new Error(`judge ${name} has no model`);
        return { model: used, key: modelKey(used), namespace: '', embedding: judge.type === 'embedding' };
      });
    }
  }
  return {
    models,
    modelOf(judge, label) {
      const resolve = byJudge.get(judge);
      if (!resolve) throw new Error(`no judge named ${JSON.stringify(judge)} in the spec`);
      return resolve(label);
    },
  };
}

/** The limits and price of a model as the runtime applies them (model-admission.ts). */
export function limitsOf(model: ModelSpec | undefined): ModelLimits {
  return {
    concurrency: model?.concurrency ?? null,
    requests_per_minute: model?.requests_per_minute ?? null,
    tokens_per_minute: model?.tokens_per_minute ?? null,
    price: model?.price ?? null,
  };
}
