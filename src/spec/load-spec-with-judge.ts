/**
 * Which judge a run uses — one rule for `score`, `serve`, the lab and `validate`: `--judge PROVIDER:MODEL`
 * replaces every judge model of the spec; without it, the spec's own models; and a judge the spec gives no model
 * (no top-level judge_model, no `model` of its own) uses the default local judge (`local`, llama.cpp in the
 * process), so the main job runs with nothing but a spec, an input and an output. The Lambda does not use this:
 * a local judge has no place there, so it keeps requiring a judge (src/serve/lambda-handler.ts).
 */
import { DEFAULT_LOCAL_MODEL_NAME, applyJudgeOverride, type JudgeOverride } from './judge-override.js';
import { loadSpec, type LoadedSpec } from './load-spec.js';

/** The judge model of a spec that names none when no --judge is given: the default local model. */
export const DEFAULT_JUDGE: JudgeOverride = { provider: 'local', model: DEFAULT_LOCAL_MODEL_NAME };

/**
 * Loads a spec for a run: `override` (from --judge) fills in and replaces every judge model, else the default local
 * judge fills in a missing one (`judgeModelDefaulted` says so); `concurrency` caps every judge model's calls in flight.
 */
export function loadSpecWithJudge(path: string, override?: JudgeOverride, concurrency?: number): LoadedSpec {
  const loaded = loadSpec(path, { defaultJudgeModel: override ?? DEFAULT_JUDGE });
  return { ...loaded, spec: applyJudgeOverride(loaded.spec, override, concurrency) };
}
