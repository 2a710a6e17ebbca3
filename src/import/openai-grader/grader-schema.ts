/**
 * The OpenAI grader shapes, as OpenAI's API reference defines them (graders: StringCheckGrader, TextSimilarityGrader,
 * ScoreModelGrader, LabelModelGrader, PythonGrader, MultiGrader; field names exactly as there), as zod schemas. Strict:
 * a field the reference does not list is a problem, never ignored — an import must not drop part of a grader's meaning.
 * Optional fields also accept null (SDKs serialise an unset field as null). Owns the shapes and the wording of their
 * problems; what each grader becomes is in the map-*.ts files.
 */
import { z } from 'zod';
import { SIMILARITY_METRICS } from '../../spec/schema.js';
import type { GraderPath, ImportProblems } from './import-problems.js';

const STRING_CHECK_OPERATIONS = ['eq', 'ne', 'like', 'ilike'] as const;
/** OpenAI's metrics: the ones the similarity check computes, and `cosine` (an embedding judge here). */
const TEXT_SIMILARITY_METRICS = [...SIMILARITY_METRICS, 'cosine'] as const;
export const GRADER_TYPES = ['string_check', 'text_similarity', 'score_model', 'label_model', 'python', 'multi'] as const;
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high'] as const;
const SAMPLING_PARAMS = ['temperature', 'top_p', 'seed', 'max_completions_tokens', 'reasoning_effort'] as const;

const name = z.string({ error: 'expected the grader name (a string)' });
const text = (what: string) => z.string({ error: `expected ${what} (a string, may hold {{item.*}} / {{sample.*}} templates)` });

export const StringCheckGraderSchema = z.strictObject({
  type: z.literal('string_check'),
  name,
  input: text('the input text'),
  reference: text('the reference text'),
  operation: z.enum(STRING_CHECK_OPERATIONS, { error: `expected one of ${STRING_CHECK_OPERATIONS.join(' | ')}` }),
});

export const TextSimilarityGraderSchema = z.strictObject({
  type: z.literal('text_similarity'),
  name,
  input: text('the text being graded'),
  reference: text('the text graded against'),
  evaluation_metric: z.enum(TEXT_SIMILARITY_METRICS, { error: `expected one of ${TEXT_SIMILARITY_METRICS.join(' | ')}` }),
  pass_threshold: z.number().min(0).max(1).nullish(),
});

/** One content part of a model grader message (input_text / output_text / input_image / input_audio). */
const ContentPartSchema = z.looseObject({ type: z.string({ error: 'expected a content part with a type' }) });
const GraderMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant', 'system', 'developer'], { error: 'expected one of user | assistant | system | developer' }),
  content: z.union([z.string(), ContentPartSchema, z.array(ContentPartSchema)], {
    error: 'expected a string, a content part ({type: "input_text", text}) or a list of parts',
  }),
  type: z.literal('message').nullish(),
});

const rangeSchema = z
  .tuple([z.number(), z.number()], { error: 'expected [low, high], two numbers' })
  .refine(([low, high]) => low < high, { message: 'expected [low, high] with low < high' });

const SamplingParamsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  max_completions_tokens: z.number().int().positive().nullish(),
  reasoning_effort: z.enum(REASONING_EFFORTS, { error: `expected one of ${REASONING_EFFORTS.join(' | ')}` }).nullish(),
});

export const ScoreModelGraderSchema = z.strictObject({
  type: z.literal('score_model'),
  name,
  model: z.string({ error: 'expected the grader model id (a string)' }).min(1),
  input: z.array(GraderMessageSchema, { error: 'expected a list of messages {role, content}' }).min(1),
  range: rangeSchema.nullish(),
  pass_threshold: z.number().nullish(),
  sampling_params: SamplingParamsSchema.nullish(),
});

export const LabelModelGraderSchema = z.strictObject({
  type: z.literal('label_model'),
  name,
  model: z.string({ error: 'expected the grader model id (a string)' }).min(1),
  input: z.array(GraderMessageSchema, { error: 'expected a list of messages {role, content}' }).min(1),
  labels: z.array(z.string().min(1), { error: 'expected a list of labels (strings)' }).min(1),
  passing_labels: z.array(z.string().min(1), { error: 'expected a list of passing labels (strings)' }).min(1),
});

export const MultiGraderSchema = z.strictObject({
  type: z.literal('multi'),
  name: name.nullish(),
  graders: z.record(z.string(), z.unknown(), { error: 'expected an object of graders, each under its key (the formula variable)' }),
  calculate_output: z.string({ error: 'expected the formula combining the graders (a string)' }).min(1),
});

export type StringCheckGrader = z.output<typeof StringCheckGraderSchema>;
export type TextSimilarityGrader = z.output<typeof TextSimilarityGraderSchema>;
export type GraderMessage = z.output<typeof GraderMessageSchema>;
export type ScoreModelGrader = z.output<typeof ScoreModelGraderSchema>;
export type LabelModelGrader = z.output<typeof LabelModelGraderSchema>;
export type MultiGrader = z.output<typeof MultiGraderSchema>;
export type SamplingParams = z.output<typeof SamplingParamsSchema>;

/** Validates `value` with `schema`; every issue becomes a problem at its path under `path`. Undefined when invalid. */
export function parseShape<T>(schema: z.ZodType<T>, value: unknown, path: GraderPath, problems: ImportProblems): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const at = [...path, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.add([...at, key], unknownFieldMessage(at, key));
      continue;
    }
    let message = issue.message.replace(/^Invalid (input|option): /, '');
    const found = valueAt(value, issue.path);
    if (issue.code === 'invalid_type' && found === undefined)
      message = `missing required field: ${message.replace(/, received undefined$/, '')}`;
    problems.add(at, message, found);
  }
  return undefined;
}

function unknownFieldMessage(at: readonly PropertyKey[], key: string): string {
  if (at.at(-1) === 'sampling_params') {
    return `sampling parameter "${key}" is not supported: rewardkit maps only ${SAMPLING_PARAMS.join(', ')}; remove it, or score without it knowingly`;
  }
  return `unknown field "${key}" for this grader type (not in OpenAI's grader reference); the import stops rather than drop it`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
