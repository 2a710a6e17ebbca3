/**
 * Builds the judge for one `judges[]` entry of a spec; template problems become SpecErrors naming the entry.
 * The fence secret (fence.ts) is REWARDKIT_FENCE_SECRET unless the caller gives one.
 */
import { modelKey } from '../models/judge-model.js';
import { componentNameOf, type JudgeSpec, type ModelSpec } from '../spec/schema.js';
import { SpecError } from '../spec/spec-error.js';
import { fenceSecretFromEnvironment } from './fence.js';
import { createGroupJudge } from './group-judge.js';
import type { Judge } from './judge.js';
import { createPreferenceJudge } from './preference-judge.js';
import { createRubricJudge } from './rubric-judge.js';

export function createJudge(
  spec: JudgeSpec,
  index: number,
  model: ModelSpec,
  maxResponseChars: number,
  fenceSecret = fenceSecretFromEnvironment(),
): Judge {
  const options = { name: componentNameOf(spec), modelKey: modelKey(model), maxResponseChars, fenceSecret };
  try {
    switch (spec.type) {
      case 'rubric':
        return createRubricJudge(spec, options);
      case 'preference':
        return createPreferenceJudge(spec, options);
      case 'group':
        return createGroupJudge(spec, options);
    }
  } catch (error) {
    if (SpecError.isInstance(error)) throw error;
    throw new SpecError([
      { file: '<spec>', path: `judges[${index}]${spec.template ? '.template' : ''}`, message: (error as Error).message },
    ]);
  }
}
