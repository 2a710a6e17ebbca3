/**
 * The reward spec: one zod schema that is the single source of truth for what a spec may say.
 * Types (`RewardSpec`, `CheckSpec`, …), defaults, validation messages and the exported JSON Schema
 * (`schema/reward-spec.schema.json`) all come from here. Cross-field rules live in `superRefine`.
 */
import { z } from 'zod';
import { InputSpecSchema } from '../input/input-spec.js';
import { isValidSelector } from '../input/selector.js';
import { FormulaError, parseAggregateFormula } from './aggregate-formula.js';

export { InputSpecSchema, type InputSpec } from '../input/input-spec.js';

const selector = (what: string) =>
  z
    .string()
    .min(1)
    .refine(isValidSelector, {
      message: `expected a field selector for ${what}, e.g. "response", "metadata.target_document" or "response_json.comments[*].text_excerpt"`,
    })
    .describe(
      `Field selector for ${what}: a dotted path from prompt | response | reference | system | metadata | response_json, with [n] or [*] for list items.`,
    );

const componentName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case: lowercase letters, digits and underscores, starting with a letter')
  .describe('Unique name of this component; used as the metric name.');

const weight = z.number().min(0).default(1).describe('Weight in the composite reward (weighted mean).');

const passThreshold = z
  .number()
  .min(0)
  .max(1)
  .optional()
  .describe(
    "Adds the 0/1 metric <name>_pass (the score, rounded to 6 places, >= this) beside the component's metric; the score and reward are unchanged. No metric when the component has no score.",
  );

export const GateSchema = z
  .union([
    z.boolean(),
    z.strictObject({
      min_score: z.number().min(0).max(1).default(1).describe('The check passes the gate when its score is at least this.'),
      floor: z.number().optional().describe('Reward given when the gate fails (output units). Default: the low end of aggregate.range.'),
    }),
  ])
  .describe('A gate: when this check fails, the reward is the floor and no judge is called.');

const checkBase = {
  name: componentName.optional(),
  weight,
  pass_threshold: passThreshold,
  gate: GateSchema.optional(),
};

export const JsonCheckSchema = z.strictObject({
  type: z.literal('json'),
  ...checkBase,
  schema: z.record(z.string(), z.unknown()).optional().describe('Inline JSON Schema the parsed response must satisfy.'),
  schema_file: z.string().optional().describe('Path (relative to the spec file) of a JSON Schema file.'),
  allow_fenced: z.boolean().default(true).describe('Accept JSON inside a ``` fenced block with prose around it.'),
  extract: z
    .enum(['whole', 'anywhere'])
    .optional()
    .describe(
      'whole (default): the response (or its fenced block) is the JSON; anywhere: any {…} object in the text, read leniently as ' +
        "promptfoo's contains-json reads it (// comments, unquoted keys, unclosed braces closed); passes when one satisfies the schema.",
    ),
  negate: z.boolean().optional().describe("Score 1 − the check's score: pass when the response does NOT hold (matching) JSON."),
});

export const LengthCheckSchema = z.strictObject({
  type: z.literal('length'),
  ...checkBase,
  field: selector('the text to measure').default('response'),
  unit: z.enum(['chars', 'words']).default('words'),
  min: z.number().int().min(0).optional(),
  max: z.number().int().positive().optional(),
  ramp: z
    .number()
    .positive()
    .optional()
    .describe('Distance outside [min, max] over which the score falls linearly from 1 to 0. Default: the bound itself.'),
});

export const LanguageCheckSchema = z.strictObject({
  type: z.literal('language'),
  ...checkBase,
  field: selector('the text whose language is checked').default('response'),
  expect: z
    .string()
    .default('match')
    .describe('"match" (the language of `against`, by default the prompt) or an ISO 639-1 code such as "en".'),
  against: selector('the text whose language the response must match').default('prompt'),
  min_chars: z.number().int().min(1).default(20).describe('Texts shorter than this are "undetermined", not failures.'),
});

export const SafetyCheckSchema = z.strictObject({
  type: z.literal('safety'),
  ...checkBase,
  field: selector('the text to scan').default('response'),
  terms: z.array(z.string().min(1)).default([]).describe('Forbidden words or phrases (case-insensitive, whole words).'),
  patterns: z.array(z.string().min(1)).default([]).describe('Forbidden regular expressions (JavaScript syntax, case-insensitive).'),
  pii: z
    .union([z.boolean(), z.array(z.enum(['email', 'phone', 'credit_card', 'aws_access_key', 'private_key', 'api_token']))])
    .default(true)
    .describe('Built-in PII detectors: true for all, false for none, or a list.'),
});

export const GroundingCheckSchema = z.strictObject({
  type: z.literal('grounding'),
  ...checkBase,
  quotes: selector('the quoted strings'),
  source: selector('the text the quotes must come from'),
  not_from: selector('a text the quotes must NOT come from').optional(),
  min_chars: z.number().int().min(1).default(8).describe('Quotes shorter than this count as not grounded.'),
  empty_score: z.number().min(0).max(1).default(0).describe('Score when there is nothing to check.'),
});

export const MatchCheckSchema = z.strictObject({
  type: z.literal('match'),
  ...checkBase,
  mode: z.enum(['exact', 'contains', 'regex', 'numeric']).default('exact'),
  field: selector('the text to compare').default('response'),
  expected: selector('the expected value').default('reference'),
  pattern: z.string().optional().describe('mode regex: the pattern; default: the expected value used as a pattern.'),
  extract: z
    .string()
    .optional()
    .describe('Regex whose first group (or whole match, last occurrence) is taken from the field before comparing.'),
  case_sensitive: z.boolean().default(false),
  trim: z
    .boolean()
    .default(true)
    .describe(
      'modes exact and contains: ignore whitespace around both texts; false compares them exactly as given (e.g. OpenAI string_check eq).',
    ),
  negate: z
    .boolean()
    .default(false)
    .describe('Score 1 − the match score ("not …"): pass when the text does NOT match. Undetermined (no reference) stays undetermined.'),
  tolerance: z.number().min(0).default(0).describe('mode numeric: absolute tolerance.'),
  relative_tolerance: z.number().min(0).default(0).describe('mode numeric: tolerance as a fraction of |expected|.'),
});

/** OpenAI text_similarity metrics computed locally; `cosine` needs embeddings, so it is a judge (`type: embedding`). */
export const SIMILARITY_METRICS = [
  'fuzzy_match',
  'bleu',
  'gleu',
  'meteor',
  'rouge_1',
  'rouge_2',
  'rouge_3',
  'rouge_4',
  'rouge_5',
  'rouge_l',
] as const;

/** rapidfuzz `fuzz` scorers offered by metric fuzzy_match. */
export const FUZZY_MATCH_SCORERS = ['ratio', 'token_sort_ratio', 'token_set_ratio'] as const;

export const SimilarityCheckSchema = z.strictObject({
  type: z.literal('similarity'),
  ...checkBase,
  metric: z
    .enum(SIMILARITY_METRICS, {
      error: (issue) =>
        issue.input === 'cosine'
          ? 'metric cosine needs an embedding model: use a judge of `type: embedding` instead of this check'
          : `expected one of ${SIMILARITY_METRICS.map((metric) => JSON.stringify(metric)).join(' | ')}`,
    })
    .describe('The text_similarity metric, a score in [0, 1] (definitions and reference libraries: README, "similarity check").'),
  scorer: z
    .enum(FUZZY_MATCH_SCORERS)
    .optional()
    .describe('metric fuzzy_match only: the rapidfuzz scorer, ratio (default), token_sort_ratio or token_set_ratio.'),
  field: selector('the text to compare').default('response'),
  reference: selector('the reference text').default('reference'),
});

export const CheckSchema = z.discriminatedUnion('type', [
  JsonCheckSchema,
  LengthCheckSchema,
  LanguageCheckSchema,
  SafetyCheckSchema,
  GroundingCheckSchema,
  MatchCheckSchema,
  SimilarityCheckSchema,
]);

export const PROVIDERS = ['openai-compatible', 'openai', 'bedrock', 'anthropic', 'local', 'ollama'] as const;
export const REASONING_EFFORTS = ['low', 'medium', 'high'] as const;
/** The providers that pass `reasoning_effort` on (models/judge-model.ts). */
export const REASONING_EFFORT_PROVIDERS: readonly Provider[] = ['openai', 'openai-compatible', 'ollama'];

export const ModelSpecSchema = z.strictObject({
  provider: z
    .enum(PROVIDERS)
    .describe(
      'local: llama.cpp inside rewardkit (model: "default", a .gguf path or hf:OWNER/REPO/FILE.gguf); ollama: Ollama at OLLAMA_HOST or 127.0.0.1:11434.',
    ),
  model: z.string().min(1),
  base_url: z.string().url().optional().describe('API base URL, e.g. http://127.0.0.1:8000/v1 for a local vLLM server.'),
  api_key_env: z.string().optional().describe('Environment variable holding the API key (default per provider).'),
  region: z.string().optional().describe('AWS region (bedrock).'),
  threads: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('local: CPU threads for inference (default: REWARDKIT_LOCAL_THREADS, else the available cores).'),
  temperature: z.number().min(0).max(2).default(0),
  top_p: z.number().gt(0).max(1).optional().describe('Nucleus sampling: sample from the tokens holding this much probability mass.'),
  seed: z
    .number()
    .int()
    .optional()
    .describe('Sampling seed, for providers that honour one (OpenAI, vLLM, llama.cpp, …; Anthropic ignores it).'),
  reasoning_effort: z
    .enum(REASONING_EFFORTS)
    .optional()
    .describe(`How hard a reasoning model thinks (the API's reasoning_effort); providers ${REASONING_EFFORT_PROVIDERS.join(', ')}.`),
  max_tokens: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'Output token budget per judge call. Default by model id: 8192 for reasoning models (o1/o3/o4, gpt-5*, gpt-oss, DeepSeek-R1, ' +
        'Qwen3 thinking, QwQ, ids containing "thinking"), else 1024. A reply cut by the budget is asked again once with twice the budget.',
    ),
  structured_output: z
    .enum(['json_schema', 'json_object', 'none'])
    .default('json_schema')
    .describe('How to ask for JSON: a JSON schema (vLLM, OpenAI, …), plain JSON mode, or prompt only.'),
  concurrency: z.number().int().positive().default(16).describe('Judge calls in flight to this model at most.'),
  shared_concurrency: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'With --redis: judge calls in flight to this model at most across every process sharing the Redis (and prefix); `concurrency` still caps each process.',
    ),
  timeout_ms: z.number().int().positive().default(60_000).describe('Per-call timeout.'),
  max_retries: z.number().int().min(0).max(20).default(4).describe('Retries on 429, 5xx, timeouts and network errors.'),
  initial_backoff_ms: z.number().int().positive().default(500),
  max_backoff_ms: z.number().int().positive().default(30_000),
  requests_per_minute: z.number().positive().optional().describe('Request budget (RPM) for this model; calls wait for it.'),
  tokens_per_minute: z
    .number()
    .positive()
    .optional()
    .describe(
      'Token budget (TPM, input + output); a call reserves its estimate (prompt chars / 4 + max_tokens) and settles with the real usage.',
    ),
  adaptive_concurrency: z
    .boolean()
    .default(true)
    .describe(
      'Cut the concurrency on 429s (by the share of calls rate-limited beyond 10%, at most once a second, at most by half) and grow it back by one per round of successes, up to `concurrency`.',
    ),
  circuit_breaker: z
    .union([
      z.literal(false),
      z.strictObject({
        failures: z.number().int().positive().default(5).describe('Consecutive network/5xx/timeout failures that open the circuit.'),
        cooldown_ms: z
          .number()
          .int()
          .positive()
          .default(5_000)
          .describe('How long the circuit stays open before one probe call is let through.'),
        max_wait_ms: z
          .number()
          .int()
          .positive()
          .default(120_000)
          .describe(
            'Longest a call waits for an open circuit; once the circuit has been open this long, calls fail at once (circuit_open) until a probe succeeds.',
          ),
      }),
    ])
    .default({ failures: 5, cooldown_ms: 5_000, max_wait_ms: 120_000 })
    .describe(
      'Stop hammering a dead endpoint: calls wait while it is open, and fail fast once it has been open max_wait_ms; false disables.',
    ),
  price: z
    .strictObject({
      input_per_mtok: z.number().min(0).describe('USD per million input tokens.'),
      output_per_mtok: z.number().min(0).describe('USD per million output tokens.'),
    })
    .optional()
    .describe('Token prices, for cost accounting (a --prices file may supply them instead).'),
});

const judgeBase = {
  name: componentName.optional(),
  weight,
  pass_threshold: passThreshold,
  model: ModelSpecSchema.optional().describe('Overrides the spec-level judge_model for this judge.'),
  template: z
    .string()
    .optional()
    .describe(
      'A judge template: a path (relative to the spec) of a template YAML, or the name of a built-in one (a bare name without "/" or ' +
        '.yaml, e.g. mt-bench-single, arena-hard); default: the built-in one for this judge.',
    ),
  instructions: z.string().optional().describe('Task-specific guidance shown to the judge.'),
};

const unitScore = z.number().min(0).max(1);
const scaleTuple = z.tuple([z.number(), z.number()]);
const JsonVerdictSchema = z.strictObject({ format: z.literal('json') });
const ChoiceVerdictSchema = z.strictObject({
  format: z.literal('choice'),
  choices: z
    .record(z.string().min(1), unitScore)
    .refine((choices) => Object.keys(choices).length > 0, { message: 'expected at least one choice' })
    .describe('Each label the judge may answer and its score in [0, 1] (autoevals choice_scores).'),
});
const RatingVerdictSchema = z.strictObject({
  format: z.literal('rating'),
  pattern: z.string().min(1).optional().describe('Regex whose group 1 is the rating. Default: MT-Bench [[N]] (backup [N]).'),
  scale: scaleTuple.default([1, 10]).describe('[low, high] of the rating; the score is (N − low) / (high − low).'),
});
export const PAIRWISE_VERDICT_LABELS = ['A', 'B', 'C', 'A>>B', 'A>B', 'A=B', 'B>A', 'B>>A'] as const;
const PairwiseVerdictSchema = z.strictObject({
  format: z.literal('pairwise'),
  scores: z
    .partialRecord(z.enum(PAIRWISE_VERDICT_LABELS), unitScore)
    .optional()
    .describe('Score of answer A per verdict; default A/A>>B 1, A>B 0.75, C/A=B 0.5, B>A 0.25, B/B>>A 0.'),
});
const RegexVerdictSchema = z.strictObject({
  format: z.literal('regex'),
  pattern: z.string().min(1).describe('Regex with a named group holding the verdict, e.g. "GRADE: (?<verdict>\\w+)".'),
  group: z.string().min(1).default('verdict').describe('The named group.'),
  scores: z.record(z.string().min(1), unitScore).optional().describe('Score per group value; without it the value is a number.'),
  scale: scaleTuple.optional().describe('[low, high] of a numeric group value (default [0, 1]).'),
});
const verdictDescription =
  'How the judge writes its verdict: json (default, a JSON object), or text read by a published rule — choice, rating (MT-Bench [[N]]), pairwise ([[A]]/[[B]]/[[C]], Arena-Hard [[A>>B]]…), regex. No match or two conflicting matches is a parse error.';
/** Verdict formats (judges/verdict-format.ts); absent = json, today's behaviour. */
export const VerdictFormatSchema = z.discriminatedUnion('format', [
  JsonVerdictSchema,
  ChoiceVerdictSchema,
  RatingVerdictSchema,
  PairwiseVerdictSchema,
  RegexVerdictSchema,
]);
const RubricVerdictSchema = z.discriminatedUnion('format', [
  JsonVerdictSchema,
  ChoiceVerdictSchema,
  RatingVerdictSchema,
  RegexVerdictSchema,
]);
const PreferenceVerdictSchema = z.discriminatedUnion('format', [JsonVerdictSchema, PairwiseVerdictSchema]);

export const CriterionSchema = z.strictObject({
  id: componentName,
  description: z.string().min(1),
  weight: z.number().min(0).default(1),
});

export const DimensionSchema = z.strictObject({
  id: componentName,
  description: z.string().min(1),
  min: z.number().int().default(1),
  max: z.number().int().default(5),
  weight: z.number().min(0).default(1),
  levels: z.record(z.string(), z.string()).optional().describe('What each score means, e.g. {"5": "…", "1": "…"}.'),
});

export const RubricJudgeSchema = z.strictObject({
  type: z.literal('rubric'),
  ...judgeBase,
  criteria: z.array(CriterionSchema).min(1).optional().describe('Boolean pass/fail criteria; score = weighted fraction passed.'),
  dimensions: z.array(DimensionSchema).min(1).optional().describe('Scaled dimensions; score = weighted mean of (s-min)/(max-min).'),
  foreach: selector('a list in the response to judge item by item').optional(),
  empty_score: z.number().min(0).max(1).default(0).describe('Score when the foreach list is empty or missing.'),
  verdict: RubricVerdictSchema.optional().describe(verdictDescription),
});

export const PreferenceJudgeSchema = z.strictObject({
  type: z.literal('preference'),
  ...judgeBase,
  against: selector('the answer the response is compared with').default('reference'),
  criteria: z.string().min(1).describe('What makes one answer better than the other.'),
  position: z
    .enum(['both', 'random', 'fixed'])
    .default('both')
    .describe('both: judge both orders, a verdict that flips counts as a tie; random: one order chosen by id; fixed: response first.'),
  verdict: PreferenceVerdictSchema.optional().describe(verdictDescription),
});

export const GroupJudgeSchema = z.strictObject({
  type: z.literal('group'),
  ...judgeBase,
  criteria: z.string().min(1).describe('What makes one rollout better than another (shown once to the judge).'),
  scale: z
    .tuple([z.number().int(), z.number().int()])
    .default([0, 10])
    .describe('Integer scale of each rollout score [worst, best]; normalised to [0, 1].'),
  orders: z
    .number()
    .int()
    .min(1)
    .max(8)
    .default(2)
    .describe('Orders judged: 1 as given, 2 adds the reversal, more add rotations; scores are averaged per rollout.'),
  max_group: z
    .number()
    .int()
    .min(2)
    .max(26)
    .default(8)
    .describe('Most rollouts per call (labels A–Z); larger groups are split into chunks sharing `anchors` rollouts.'),
  anchors: z.number().int().min(1).default(2).describe('Rollouts shown in every chunk of a split group, to align chunk scores.'),
});

/** A panel's inner judge: a rubric or preference judge without the name, weight, pass_threshold and model the panel holds (panel-judge.ts). */
const innerJudgeFields = { name: true, weight: true, pass_threshold: true, model: true } as const;
export const PanelInnerJudgeSchema = z.discriminatedUnion('type', [
  RubricJudgeSchema.omit(innerJudgeFields),
  PreferenceJudgeSchema.omit(innerJudgeFields),
]);

export const PANEL_COMBINES = ['mean', 'median', 'majority', 'unanimity'] as const;

export const PanelJudgeSchema = z.strictObject({
  type: z.literal('panel'),
  name: componentName.optional(),
  weight,
  pass_threshold: passThreshold,
  model: ModelSpecSchema.optional().describe('The model sampled by `samples` (default: judge_model).'),
  judge: PanelInnerJudgeSchema.describe('The judging every member does: a rubric or preference judge (no name, weight or model).'),
  members: z
    .array(z.strictObject({ model: ModelSpecSchema }))
    .min(2)
    .optional()
    .describe('The judge models of the panel, one member each (each a full model spec).'),
  samples: z.number().int().min(2).max(32).optional().describe('Instead of members: k calls to one model at its temperature.'),
  combine: z
    .enum(PANEL_COMBINES)
    .default('mean')
    .describe('mean | median of the member scores; majority | unanimity of their pass/fail at `threshold` (score 1 or 0).'),
  threshold: z.number().min(0).max(1).default(0.5).describe('A member passes when its normalised score is >= threshold.'),
  quorum: z.number().int().min(1).optional().describe('Members that must score (default: a majority); failed members are left out.'),
});

/** The providers with an embeddings API rewardkit calls (anthropic has none; local llama.cpp embeddings are not supported yet). */
export const EMBEDDING_PROVIDERS = ['openai', 'openai-compatible', 'ollama', 'bedrock'] as const;

export const EmbeddingJudgeSchema = z.strictObject({
  type: z.literal('embedding'),
  name: componentName.optional(),
  weight,
  pass_threshold: passThreshold,
  model: ModelSpecSchema.optional().describe(
    `The embedding model (required; judge_model is not used: a chat model is rarely an embedding model), provider one of ${EMBEDDING_PROVIDERS.join(' | ')}.`,
  ),
  field: selector('the text to embed').default('response'),
  reference: selector('the text it is compared with').default('reference'),
});

export const JudgeSchema = z.discriminatedUnion('type', [
  RubricJudgeSchema,
  PreferenceJudgeSchema,
  GroupJudgeSchema,
  PanelJudgeSchema,
  EmbeddingJudgeSchema,
]);

export const AggregateSchema = z.strictObject({
  range: z.tuple([z.number(), z.number()]).default([0, 1]).describe('Output range [low, high] of the reward.'),
  neutral: z.number().optional().describe('Reward when a judge fails after retries. Default: the middle of the range (0.5).'),
  on_judge_error: z
    // YAML `on_judge_error: null` is the null value, not the string: both mean "no reward"
    .union([z.enum(['neutral', 'drop', 'null']), z.null()], { error: 'expected one of "neutral" | "drop" | "null"' })
    .default('neutral')
    .transform((value) => value ?? 'null')
    .describe(
      'neutral: the whole reward becomes the neutral value, flagged; drop: the failed judge is left out of the mean; ' +
        'null: no reward (reward null, flagged judge_error) where the trainer can skip a row (TRL, /v1/score, score); ' +
        'trainers that need a number (Nova Lambda, OpenRLHF, verl) get the neutral value.',
    ),
  empty_response: z.number().optional().describe('Reward for an empty response. Default: the low end of the range.'),
  max_response_chars: z.number().int().positive().default(20_000).describe('Longer responses are cut for judging and flagged.'),
  formula: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The composite score in [0, 1] as an expression over component names instead of the weighted mean (weights are then ignored), ' +
        'e.g. "0.5 * name_ok + 0.5 * args_score" or "min(format, quality) * safety". Allowed: numbers, ( ), + - * / ^, unary minus, ' +
        'min, max, abs, floor, ceil, round, exp, sqrt, log (natural). Gates, empty_response and on_judge_error neutral | null apply first. ' +
        'A component it names that has no score (undetermined, or a judge failed under on_judge_error drop: a formula cannot leave a term out) ' +
        'gives the neutral value, flagged formula_missing_score; a value outside [0, 1] is clamped, flagged formula_out_of_range; ' +
        'NaN or ±Infinity (e.g. 0/0, x/0, log(0)) gives the neutral value, flagged formula_not_finite.',
    ),
});

export const RewardSpecSchema = z
  .strictObject({
    version: z.literal(1).default(1),
    name: z.string().min(1).default('reward'),
    description: z.string().optional(),
    input: InputSpecSchema.default(InputSpecSchema.parse({})),
    judge_model: ModelSpecSchema.optional().describe('Default judge model for every judge.'),
    checks: z.array(CheckSchema).default([]),
    judges: z.array(JudgeSchema).default([]),
    aggregate: AggregateSchema.default(AggregateSchema.parse({})),
  })
  .superRefine((spec, ctx) => {
    const seen = new Map<string, string>();
    const visit = (kind: 'checks' | 'judges', index: number, name: string) => {
      const where = `${kind}[${index}]`;
      const previous = seen.get(name);
      if (previous) {
        ctx.addIssue({
          code: 'custom',
          path: [kind, index, 'name'],
          message: `duplicate component name "${name}" (also used by ${previous}); give each a unique name`,
        });
      }
      seen.set(name, where);
    };
    spec.checks.forEach((check, index) => {
      visit('checks', index, check.name ?? check.type);
      if (check.type === 'length') {
        if (check.min === undefined && check.max === undefined) {
          ctx.addIssue({ code: 'custom', path: ['checks', index], message: 'expected at least one of min or max' });
        }
        if (check.min !== undefined && check.max !== undefined && check.min > check.max) {
          ctx.addIssue({ code: 'custom', path: ['checks', index, 'min'], message: `expected min (${check.min}) <= max (${check.max})` });
        }
      }
      if (check.type === 'json' && check.schema && check.schema_file) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', index, 'schema_file'],
          message: 'expected either schema or schema_file, not both',
        });
      }
      if (check.type === 'language' && check.expect !== 'match' && !/^[a-z]{2,3}$/.test(check.expect)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', index, 'expect'],
          message: 'expected "match" or an ISO 639-1 language code such as "en"',
        });
      }
      for (const key of ['patterns'] as const) {
        if (check.type !== 'safety') continue;
        check[key].forEach((pattern, patternIndex) => {
          const problem = regexProblem(pattern);
          if (problem)
            ctx.addIssue({ code: 'custom', path: ['checks', index, key, patternIndex], message: `invalid regular expression: ${problem}` });
        });
      }
      if (check.type === 'similarity' && check.scorer !== undefined && check.metric !== 'fuzzy_match') {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', index, 'scorer'],
          message: `scorer applies to metric fuzzy_match only, not ${check.metric}; remove it`,
        });
      }
      if (check.type === 'match') {
        for (const key of ['pattern', 'extract'] as const) {
          const pattern = check[key];
          const problem = pattern === undefined ? null : regexProblem(pattern);
          if (problem) ctx.addIssue({ code: 'custom', path: ['checks', index, key], message: `invalid regular expression: ${problem}` });
        }
      }
    });
    spec.judges.forEach((judge, index) => {
      visit('judges', index, judge.name ?? judge.type);
      if (judge.type === 'embedding') refineEmbeddingJudge(judge, ['judges', index], ctx);
      else if (!judge.model && !spec.judge_model && !(judge.type === 'panel' && judge.members)) {
        ctx.addIssue({
          code: 'custom',
          path: ['judges', index, 'model'],
          message: 'expected a judge model: set judge_model at the top of the spec or model on this judge',
        });
      }
      if (judge.type === 'rubric') refineRubric(judge, ['judges', index], ctx);
    });
    spec.judges.forEach((judge, index) => {
      if (judge.type !== 'group') return;
      const [worst, best] = judge.scale;
      if (!(worst < best)) {
        ctx.addIssue({
          code: 'custom',
          path: ['judges', index, 'scale'],
          message: `expected [worst, best] with worst < best, got [${worst}, ${best}]`,
        });
      }
      if (judge.anchors > judge.max_group - 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['judges', index, 'anchors'],
          message: `expected at most max_group − 1 (${judge.max_group - 1}) so each chunk holds a new rollout, got ${judge.anchors}`,
        });
      }
    });
    spec.judges.forEach((judge, index) => {
      if (judge.type !== 'panel') return;
      refineRubric(judge.judge, ['judges', index, 'judge'], ctx);
      if (!!judge.members === (judge.samples !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['judges', index],
          message: 'expected exactly one of members (several models) or samples (k calls to one model)',
        });
      }
      if (judge.members && judge.model) {
        ctx.addIssue({
          code: 'custom',
          path: ['judges', index, 'model'],
          message: 'expected no model beside members: give each member its model',
        });
      }
      judge.members?.forEach((member, memberIndex) => {
        const first = judge.members!.findIndex(
          (other) =>
            other.model.provider === member.model.provider &&
            other.model.model === member.model.model &&
            other.model.base_url === member.model.base_url,
        );
        if (first < memberIndex) {
          ctx.addIssue({
            code: 'custom',
            path: ['judges', index, 'members', memberIndex, 'model'],
            message: `expected a model other than members[${first}] (same provider, model and base_url share one scheduler); use samples for repeated calls of one model`,
          });
        }
      });
      const size = judge.members?.length ?? judge.samples ?? 0;
      if (judge.quorum !== undefined && size > 0 && judge.quorum > size) {
        ctx.addIssue({
          code: 'custom',
          path: ['judges', index, 'quorum'],
          message: `expected at most the panel size (${size}), got ${judge.quorum}`,
        });
      }
    });
    const models: Array<[PropertyKey[], ModelSpec]> = spec.judge_model ? [[['judge_model'], spec.judge_model]] : [];
    spec.judges.forEach((judge, index) => {
      if ('model' in judge && judge.model) models.push([['judges', index, 'model'], judge.model]);
      if (judge.type === 'panel')
        judge.members?.forEach((member, memberIndex) => models.push([['judges', index, 'members', memberIndex, 'model'], member.model]));
    });
    for (const [path, model] of models) {
      if (model.reasoning_effort !== undefined && !REASONING_EFFORT_PROVIDERS.includes(model.provider)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'reasoning_effort'],
          message: `expected no reasoning_effort for provider ${model.provider}: it is passed on for providers ${REASONING_EFFORT_PROVIDERS.join(', ')}`,
        });
      }
    }
    const [low, high] = spec.aggregate.range;
    if (!(low < high))
      ctx.addIssue({
        code: 'custom',
        path: ['aggregate', 'range'],
        message: `expected range [low, high] with low < high, got [${low}, ${high}]`,
      });
    for (const key of ['neutral', 'empty_response'] as const) {
      const value = spec.aggregate[key];
      if (value !== undefined && (value < low || value > high)) {
        ctx.addIssue({
          code: 'custom',
          path: ['aggregate', key],
          message: `expected a value inside range [${low}, ${high}], got ${value}`,
        });
      }
    }
    const passMetrics = new Map<string, string>();
    spec.checks.forEach((check, index) => {
      if (check.pass_threshold !== undefined) passMetrics.set(`${componentNameOf(check)}_pass`, `checks[${index}]`);
    });
    spec.judges.forEach((judge, index) => {
      if (judge.pass_threshold !== undefined) passMetrics.set(`${componentNameOf(judge)}_pass`, `judges[${index}]`);
    });
    for (const [kind, list] of [
      ['checks', spec.checks],
      ['judges', spec.judges],
    ] as const) {
      list.forEach((component, index) => {
        const owner = passMetrics.get(componentNameOf(component));
        if (owner === undefined) return;
        ctx.addIssue({
          code: 'custom',
          path: [kind, index, 'name'],
          message: `component name "${componentNameOf(component)}" is also the pass metric of ${owner} (its pass_threshold); rename one`,
        });
      });
    }
    if (spec.aggregate.formula !== undefined) {
      try {
        parseAggregateFormula(spec.aggregate.formula, [...spec.checks, ...spec.judges].map(componentNameOf));
      } catch (error) {
        if (!(error instanceof FormulaError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['aggregate', 'formula'], message: error.message });
      }
    }
    const totalWeight = [...spec.checks, ...spec.judges].reduce((sum, component) => sum + component.weight, 0);
    if (spec.checks.length + spec.judges.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected at least one check or judge' });
    } else if (totalWeight <= 0 && spec.aggregate.formula === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected at least one component with weight > 0' });
    }
  });

/** An embedding judge names its own model, of a provider with an embeddings API. */
function refineEmbeddingJudge(judge: z.output<typeof EmbeddingJudgeSchema>, path: PropertyKey[], ctx: z.RefinementCtx) {
  if (!judge.model) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'model'],
      message:
        'expected an embedding model on this judge, e.g. {provider: openai, model: text-embedding-3-small} (judge_model is not used: it is a chat model)',
    });
  } else if (!(EMBEDDING_PROVIDERS as readonly string[]).includes(judge.model.provider)) {
    const why =
      judge.model.provider === 'anthropic' ? 'Anthropic has no embeddings API' : 'local llama.cpp embeddings are not supported yet';
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'model', 'provider'],
      message: `expected a provider with embeddings (${EMBEDDING_PROVIDERS.join(' | ')}), got ${JSON.stringify(judge.model.provider)}: ${why}`,
    });
  }
}

/** The cross-field rules of a rubric judge at `path` (a top-level judge, or a panel's inner judge). */
function refineRubric(
  judge: z.output<typeof RubricJudgeSchema> | z.output<typeof PanelInnerJudgeSchema>,
  path: PropertyKey[],
  ctx: z.RefinementCtx,
) {
  if (judge.type !== 'rubric') return;
  refineVerdict(judge.verdict, [...path, 'verdict'], ctx);
  if ((judge.verdict?.format === 'choice' || judge.verdict?.format === 'regex') && judge.template === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'template'],
      message: `expected a template for verdict format ${judge.verdict.format} (the built-in rubric templates ask for a JSON verdict)`,
    });
  }
  const textVerdict = judge.verdict !== undefined && judge.verdict.format !== 'json';
  if (textVerdict ? !!judge.criteria && !!judge.dimensions : !!judge.criteria === !!judge.dimensions) {
    ctx.addIssue({
      code: 'custom',
      path: [...path],
      message: 'expected exactly one of criteria (pass/fail) or dimensions (scaled)',
    });
  }
  const ids = new Set<string>();
  for (const [listName, list] of [
    ['criteria', judge.criteria ?? []],
    ['dimensions', judge.dimensions ?? []],
  ] as const) {
    list.forEach((item, itemIndex) => {
      if (ids.has(item.id))
        ctx.addIssue({ code: 'custom', path: [...path, listName, itemIndex, 'id'], message: `duplicate id "${item.id}"` });
      ids.add(item.id);
    });
  }
  judge.dimensions?.forEach((dimension, dimensionIndex) => {
    if (dimension.min >= dimension.max) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'dimensions', dimensionIndex, 'max'],
        message: `expected max (${dimension.max}) > min (${dimension.min})`,
      });
    }
  });
  const weights = [...(judge.criteria ?? []), ...(judge.dimensions ?? [])].reduce((sum, item) => sum + item.weight, 0);
  if ((judge.criteria || judge.dimensions) && weights <= 0) {
    ctx.addIssue({
      code: 'custom',
      path: [...path],
      message: 'expected at least one criterion or dimension with a weight > 0',
    });
  }
}

/** A text verdict's pattern and scale (schema.ts owns the spec rules; judges/verdict-format.ts reads the reply). */
function refineVerdict(verdict: z.output<typeof VerdictFormatSchema> | undefined, path: PropertyKey[], ctx: z.RefinementCtx) {
  if (verdict?.format !== 'rating' && verdict?.format !== 'regex') return;
  if (verdict.pattern !== undefined) {
    const problem = regexProblem(verdict.pattern);
    if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'pattern'], message: `invalid regular expression: ${problem}` });
    else if (verdict.format === 'regex' && !verdict.pattern.includes(`(?<${verdict.group}>`))
      ctx.addIssue({ code: 'custom', path: [...path, 'pattern'], message: `expected a named group (?<${verdict.group}>…) in the pattern` });
    else if (verdict.format === 'rating' && !/\((?!\?)/.test(verdict.pattern.replace(/\\./g, '')))
      ctx.addIssue({ code: 'custom', path: [...path, 'pattern'], message: 'expected a capturing group (…) holding the rating' });
  }
  if (verdict.scale && !(verdict.scale[0] < verdict.scale[1])) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'scale'],
      message: `expected [low, high] with low < high, got [${verdict.scale[0]}, ${verdict.scale[1]}]`,
    });
  }
}

function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'iu');
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export type RewardSpec = z.output<typeof RewardSpecSchema>;
export type RewardSpecInput = z.input<typeof RewardSpecSchema>;
export type CheckSpec = z.output<typeof CheckSchema>;
export type JudgeSpec = z.output<typeof JudgeSchema>;
export type RubricJudgeSpec = z.output<typeof RubricJudgeSchema>;
export type PreferenceJudgeSpec = z.output<typeof PreferenceJudgeSchema>;
export type GroupJudgeSpec = z.output<typeof GroupJudgeSchema>;
export type PanelJudgeSpec = z.output<typeof PanelJudgeSchema>;
export type PanelInnerJudgeSpec = z.output<typeof PanelInnerJudgeSchema>;
export type EmbeddingJudgeSpec = z.output<typeof EmbeddingJudgeSchema>;
export type ModelSpec = z.output<typeof ModelSpecSchema>;
export type VerdictFormatSpec = z.output<typeof VerdictFormatSchema>;
export type AggregateSpec = z.output<typeof AggregateSchema>;
export type Provider = (typeof PROVIDERS)[number];

/** A judge that renders prompts from a template: every type but embedding. */
export type TemplatedJudgeSpec = Exclude<JudgeSpec, EmbeddingJudgeSpec>;

export function isTemplatedJudge(judge: JudgeSpec): judge is TemplatedJudgeSpec {
  return judge.type !== 'embedding';
}

/** The judge definition an entry renders its prompts with: a panel's inner judge, else the entry itself. */
export function judgingOf(judge: TemplatedJudgeSpec): Exclude<TemplatedJudgeSpec, PanelJudgeSpec> | PanelInnerJudgeSpec {
  return judge.type === 'panel' ? judge.judge : judge;
}

/** Name of a component (its metric name): the explicit name, or its type. */
export function componentNameOf(component: { name?: string | undefined; type: string }): string {
  return component.name ?? component.type;
}
