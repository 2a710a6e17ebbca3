/**
 * The parts of a promptfooconfig.yaml the import reads, as zod schemas (promptfoo's own types: src/types/index.ts of
 * promptfoo/promptfoo). Only what decides a reward is read — `defaultTest`, `tests[].assert`, `tests[].vars` and the
 * grading options; prompts and the providers under test are left alone. An assertion is strict: a field the import
 * does not carry over (transform, config, …) is a problem, never dropped.
 */
import { z } from 'zod';

export const AssertionSchema = z.strictObject({
  type: z.string().min(1),
  value: z.unknown().optional(),
  threshold: z.number().optional(),
  weight: z.number().min(0).optional(),
  metric: z.string().min(1).optional(),
  provider: z.unknown().optional(),
  rubricPrompt: z.unknown().optional(),
});
export type PromptfooAssertion = z.output<typeof AssertionSchema>;

/** `options.factuality`: the score of each factuality category (promptfoo: subset A, superset B, agree C, disagree D, differButFactual E). */
export const FactualityScoresSchema = z.strictObject({
  subset: z.number().min(0).max(1).optional(),
  superset: z.number().min(0).max(1).optional(),
  agree: z.number().min(0).max(1).optional(),
  disagree: z.number().min(0).max(1).optional(),
  differButFactual: z.number().min(0).max(1).optional(),
});
export type FactualityScores = z.output<typeof FactualityScoresSchema>;

/** A test's grading options (merged over defaultTest.options, as promptfoo merges them). Other option keys are not read. */
export const TestOptionsSchema = z.looseObject({
  provider: z.unknown().optional(),
  rubricPrompt: z.unknown().optional(),
  factuality: FactualityScoresSchema.optional(),
});
export type TestOptions = z.output<typeof TestOptionsSchema>;

export const TestSchema = z.looseObject({
  description: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  assert: z.array(z.unknown()).optional(),
  options: TestOptionsSchema.optional(),
  threshold: z.number().optional(),
});
export type PromptfooTest = z.output<typeof TestSchema>;

export const ConfigSchema = z.looseObject({
  description: z.string().optional(),
  defaultTest: z.unknown().optional(),
  tests: z.unknown().optional(),
});
