/**
 * Builds the judge for one `judges[]` entry of a spec; template problems become SpecErrors naming the entry.
 * The fence secret (fence.ts) is REWARDKIT_FENCE_SECRET unless the caller gives one.
 */
import { modelKey } from '../models/judge-model.js';
import { componentNameOf, judgingOf, type JudgeSpec, type ModelSpec } from '../spec/schema.js';
import { SpecError } from '../spec/spec-error.js';
import { createEmbeddingJudge } from './embedding-judge.js';
import { fenceSecretFromEnvironment } from './fence.js';
import { createGroupJudge } from './group-judge.js';
import type { Judge } from './judge.js';
import { createPanelJudge, panelMembers } from './panel-judge.js';
import { createPreferenceJudge } from './preference-judge.js';
import { createRubricJudge } from './rubric-judge.js';

export function createJudge(
  spec: JudgeSpec,
  index: number,
  model: ModelSpec | undefined,
  maxResponseChars: number,
  fenceSecret = fenceSecretFromEnvironment(),
): Judge {
  // A panel of `members` needs no model of its own; every other judge has one (the schema checks it).
  const options = { name: componentNameOf(spec), modelKey: model ? modelKey(model) : '', maxResponseChars, fenceSecret };
  // An embedding judge calls its own model only (never judge_model: the schema requires `model` on it).
  if (spec.type === 'embedding') return createEmbeddingJudge(spec, { ...options, modelKey: spec.model ? modelKey(spec.model) : '' });
  try {
    switch (spec.type) {
      case 'rubric':
        return createRubricJudge(spec, options);
      case 'preference':
        return createPreferenceJudge(spec, options);
      case 'group':
        return createGroupJudge(spec, options);
      case 'panel':
        return createPanelJudge(spec, model, options);
    }
  } catch (error) {
    if (SpecError.isInstance(error)) throw error;
    throw new SpecError([
      {
        file: '<spec>',
        path: `judges[${index}]${spec.type === 'panel' ? '.judge' : ''}${judgingOf(spec).template ? '.template' : ''}`,
        message: (error as Error).message,
      },
    ]);
  }
}

/** The models a judge calls (each needs a scheduler): a panel's members, else its one model. */
export function modelsCalledBy(spec: JudgeSpec, model: ModelSpec | undefined): ModelSpec[] {
  if (spec.type === 'panel') return panelMembers(spec, model).map((member) => member.model);
  if (spec.type === 'embedding') return spec.model ? [spec.model] : [];
  return model ? [model] : [];
}
