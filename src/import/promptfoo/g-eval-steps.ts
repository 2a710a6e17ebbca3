/**
 * g-eval's evaluation steps, written once at import. promptfoo's g-eval (src/matchers/llmGrading.ts, matchesGEval)
 * first has the grader write 3–4 evaluation steps from the criteria alone — no row data — then scores each output
 * against them; since the steps depend on the criteria only, the import asks for them once, with the grader promptfoo
 * would use, through rewardkit's model layer and its retry layer (models/judge-model.ts, runtime/call-judge.ts), and
 * writes them into the spec. The prompt is data (templates/import/promptfoo-g-eval-steps.yaml); the reply is read by
 * promptfoo's rule (readStepsReply).
 */
import { join } from 'node:path';
import type { JudgeRequest } from '../../models/judge-model.js';
import { createJudgeModel } from '../../models/judge-model.js';
import { callJudge } from '../../runtime/call-judge.js';
import { builtinTemplatesDir } from '../../spec/builtin-templates.js';
import { loadTemplate, type JudgeTemplate } from '../../spec/judge-template-file.js';
import { ModelSpecSchema, type ModelSpec } from '../../spec/schema.js';

export type StepsResult = { ok: true; steps: string[] } | { ok: false; message: string };

/** Writes the evaluation steps for `criteria` with `model` (injectable: tests, or steps that come from elsewhere). */
export type StepsWriter = (criteria: string, model: ModelSpec) => Promise<StepsResult>;

let stepsTemplate: JudgeTemplate | undefined;

/** The one-user-message request promptfoo sends for the steps (its prompt is not a chat list, so it goes as one message). */
export function stepsRequest(criteria: string): JudgeRequest {
  stepsTemplate ??= loadTemplate(join(builtinTemplatesDir(), 'import', 'promptfoo-g-eval-steps.yaml'));
  const fill = (text: string) => text.replaceAll('{{criteria}}', () => criteria);
  return { system: fill(stepsTemplate.system), user: fill(stepsTemplate.user), plainText: true, templateVersion: stepsTemplate.version };
}

/**
 * promptfoo's reading of the steps reply: the first `{"steps"` … `}` within one line (the last `}` of that line) is
 * parsed as JSON; its "steps" must be a non-empty list of strings, none blank.
 */
export function readStepsReply(text: string): StepsResult {
  const found = /\{"steps".+\}/.exec(text);
  if (!found) return { ok: false, message: `the reply holds no {"steps": …} JSON on one line: ${JSON.stringify(text)}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(found[0]);
  } catch (error) {
    return { ok: false, message: `the reply's {"steps": …} is not JSON (${(error as Error).message}): ${JSON.stringify(found[0])}` };
  }
  const steps = (parsed as { steps?: unknown }).steps;
  if (!Array.isArray(steps) || steps.length === 0) {
    return { ok: false, message: `expected "steps" to be a non-empty list, got ${JSON.stringify(steps)}` };
  }
  if (!steps.every((step) => typeof step === 'string' && step.trim() !== '')) {
    return { ok: false, message: `expected every step to be non-blank text, got ${JSON.stringify(steps)}` };
  }
  return { ok: true, steps: steps as string[] };
}

/** The default writer: one call (with the model spec's retries, backoff and timeout) read by readStepsReply. */
export const writeStepsWithModel: StepsWriter = async (criteria, model) => {
  const spec = ModelSpecSchema.parse(model);
  let judgeModel;
  try {
    judgeModel = createJudgeModel(spec);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const outcome = await callJudge(judgeModel, stepsRequest(criteria), {
    admission: { admit: () => Promise.resolve(() => {}) }, // one call: no limit to wait for
    backoff: { maxRetries: spec.max_retries, initialDelayMs: spec.initial_backoff_ms, maxDelayMs: spec.max_backoff_ms },
    timeoutMs: spec.timeout_ms,
  });
  if (!outcome.ok) return { ok: false, message: `${outcome.error.kind}: ${outcome.error.message}` };
  return readStepsReply(outcome.reply.text);
};
