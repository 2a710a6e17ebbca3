/**
 * The OpenAI grader importer: the spec each grader type becomes (exactly), its scores on rows through the real reward
 * (string checks: the operations as OpenAI's graders guide defines them), and every problem of bad input with
 * file:line:column, path, the value found and the message.
 */
import { describe, expect, it } from 'vitest';
import { createReward } from '../../reward.js';
import { validateSpecObject } from '../../spec/load-spec.js';
import type { SpecProblem } from '../../spec/spec-error.js';
import { ImportError, type ImportedSpec } from '../imported-spec.js';
import { componentNameFrom, importOpenAiGraderText } from './import-openai-grader.js';
import { SCORE_RESULT_PATTERN } from './map-model-grader.js';

const FILE = 'grader.json';

function imported(grader: unknown): ImportedSpec {
  return importOpenAiGraderText(JSON.stringify(grader, null, 2), FILE);
}

/** The problems the import of `text` throws. */
function problemsOf(text: string): SpecProblem[] {
  try {
    importOpenAiGraderText(text, FILE);
  } catch (error) {
    if (ImportError.isInstance(error)) return error.problems;
    throw error;
  }
  throw new Error('expected an ImportError');
}

const row = (answer: string, fields: Record<string, unknown> = {}) => ({
  messages: [
    { role: 'user', content: 'question' },
    { role: 'assistant', content: answer },
  ],
  ...fields,
});

async function rewardOf(spec: ImportedSpec, rowValue: unknown): Promise<number | null> {
  const result = await createReward(validateSpecObject(spec.spec)).score(rowValue);
  return result.reward;
}

const stringCheck = (operation: string, input = '{{sample.output_text}}', reference = '{{item.label}}') => ({
  type: 'string_check',
  name: 'Label check',
  operation,
  input,
  reference,
});

describe('string_check → match check', () => {
  it('eq: exact equality, case-sensitive, nothing trimmed', () => {
    expect(imported(stringCheck('eq')).spec).toEqual({
      version: 1,
      name: 'Label check',
      description: 'Imported from the OpenAI string_check grader in grader.json by rewardkit import openai-grader.',
      input: { format: 'nova' },
      checks: [
        {
          type: 'match',
          name: 'label_check',
          case_sensitive: true,
          trim: false,
          mode: 'exact',
          field: 'response',
          expected: 'metadata.label',
        },
      ],
    });
  });

  it.each([
    ['ne', { mode: 'exact', case_sensitive: true, negate: true }],
    ['like', { mode: 'contains', case_sensitive: true }],
    ['ilike', { mode: 'contains', case_sensitive: false }],
  ])('%s → %o', (operation, expected) => {
    const check = (imported(stringCheck(operation)).spec.checks as Array<Record<string, unknown>>)[0]!;
    expect(check).toEqual({ type: 'match', name: 'label_check', trim: false, field: 'response', expected: 'metadata.label', ...expected });
  });

  // the operations as OpenAI's graders guide defines them: 1 when the condition holds, else 0
  it.each([
    ['eq', 'Paris', 'Paris', 1],
    ['eq', 'paris', 'Paris', 0],
    ['eq', 'Paris ', 'Paris', 0],
    ['eq', 'The capital is Paris', 'Paris', 0],
    ['ne', 'Paris', 'Paris', 0],
    ['ne', 'paris', 'Paris', 1],
    ['ne', 'Paris ', 'Paris', 1],
    ['like', 'The capital is Paris.', 'Paris', 1],
    ['like', 'The capital is PARIS.', 'Paris', 0],
    ['like', 'Lyon', 'Paris', 0],
    ['ilike', 'The capital is PARIS.', 'Paris', 1],
    ['ilike', 'the capital is paris', 'PARIS', 1],
    ['ilike', 'Lyon', 'Paris', 0],
  ])('%s: answer %j, label %j → %d', async (operation, answer, label, score) => {
    expect(await rewardOf(imported(stringCheck(operation)), row(answer, { label }))).toBe(score);
  });

  it.each([
    [
      'eq',
      '^(?:a\\.b\\(1\\)\\?)$',
      [
        ['a.b(1)?', 1],
        ['a.b(1)? ', 0],
        ['axb(1)?', 0],
        ['A.B(1)?', 0],
      ],
    ],
    [
      'ne',
      '^(?:a\\.b\\(1\\)\\?)$',
      [
        ['a.b(1)?', 0],
        ['A.B(1)?', 1],
      ],
    ],
    [
      'like',
      'a\\.b\\(1\\)\\?',
      [
        ['say a.b(1)? now', 1],
        ['say A.B(1)? now', 0],
      ],
    ],
    [
      'ilike',
      'a\\.b\\(1\\)\\?',
      [
        ['say A.B(1)? now', 1],
        ['say a-b(1)? now', 0],
      ],
    ],
  ] as const)('%s with a fixed reference text → regex %s matching exactly the same texts', async (operation, pattern, cases) => {
    const spec = imported(stringCheck(operation, '{{sample.output_text}}', 'a.b(1)?'));
    expect((spec.spec.checks as Array<Record<string, unknown>>)[0]).toMatchObject({ mode: 'regex', field: 'response', pattern });
    for (const [answer, score] of cases) expect(await rewardOf(spec, row(answer))).toBe(score);
  });

  it('eq with a fixed input and a templated reference is symmetric: the reference field must equal the text', async () => {
    const spec = imported(stringCheck('eq', 'yes', '{{sample.output_json.answer}}'));
    expect((spec.spec.checks as Array<Record<string, unknown>>)[0]).toMatchObject({
      mode: 'regex',
      field: 'response_json.answer',
      pattern: '^(?:yes)$',
    });
    expect(await rewardOf(spec, row('{"answer": "yes"}'))).toBe(1);
    expect(await rewardOf(spec, row('{"answer": "yes!"}'))).toBe(0);
  });

  it('reads fields of the JSON answer (sample.output_json) and the row (item.*)', async () => {
    const spec = imported(stringCheck('eq', '{{sample.output_json.email}}', '{{item.email}}'));
    expect(await rewardOf(spec, row('{"email": "john.doe@gmail.com"}', { email: 'john.doe@gmail.com' }))).toBe(1);
    expect(await rewardOf(spec, row('{"email": "jane@gmail.com"}', { email: 'john.doe@gmail.com' }))).toBe(0);
  });
});

describe('text_similarity → similarity check or embedding judge', () => {
  it.each(['fuzzy_match', 'bleu', 'gleu', 'meteor', 'rouge_1', 'rouge_2', 'rouge_3', 'rouge_4', 'rouge_5', 'rouge_l'])(
    '%s → a similarity check with that metric',
    (metric) => {
      const spec = imported({
        type: 'text_similarity',
        name: 'Similar',
        input: '{{sample.output_text}}',
        reference: '{{item.reference_answer}}',
        evaluation_metric: metric,
        pass_threshold: 0.8,
      });
      expect(spec.spec.checks).toEqual([
        { type: 'similarity', metric, name: 'similar', field: 'response', reference: 'reference', pass_threshold: 0.8 },
      ]);
      expect(() => validateSpecObject(spec.spec)).not.toThrow();
    },
  );

  it('cosine → an embedding judge on text-embedding-3-large (the model OpenAI names for it)', () => {
    const spec = imported({
      type: 'text_similarity',
      name: 'Close in meaning',
      input: '{{sample.output_text}}',
      reference: '{{item.reference_answer}}',
      evaluation_metric: 'cosine',
    });
    expect(spec.spec.judges).toEqual([
      {
        type: 'embedding',
        name: 'close_in_meaning',
        field: 'response',
        reference: 'reference',
        model: { provider: 'openai', model: 'text-embedding-3-large' },
      },
    ]);
    expect(spec.notes).toContain(
      "close_in_meaning (cosine): embeds both texts with text-embedding-3-large on the openai provider, the model OpenAI's graders guide names (OPENAI_API_KEY); a negative cosine scores 0.",
    );
    expect(() => validateSpecObject(spec.spec)).not.toThrow();
  });
});

const scoreModel = (extra: Record<string, unknown> = {}) => ({
  type: 'score_model',
  name: 'Quality',
  model: 'gpt-4.1-2025-04-14',
  input: [
    { role: 'system', content: 'Grade the answer.' },
    { role: 'user', content: 'Reference: {{ item.reference_answer }}\nTopic: {{item.topic}}\nAnswer: {{sample.output_text}}' },
  ],
  ...extra,
});

describe('score_model → rubric judge with an imported template', () => {
  it('maps model, sampling parameters, range (the reward range), pass threshold (normalised) and the messages', () => {
    const spec = imported(
      scoreModel({
        range: [0, 10],
        pass_threshold: 7,
        sampling_params: { temperature: 0.2, top_p: 0.9, seed: 42, max_completions_tokens: 2048, reasoning_effort: 'high' },
      }),
    );
    expect(spec.spec.judges).toEqual([
      {
        type: 'rubric',
        name: 'quality',
        model: {
          provider: 'openai',
          model: 'gpt-4.1-2025-04-14',
          temperature: 0.2,
          top_p: 0.9,
          seed: 42,
          reasoning_effort: 'high',
          max_tokens: 2048,
        },
        template: 'templates/quality.yaml',
        verdict: { format: 'regex', pattern: SCORE_RESULT_PATTERN, scale: [0, 10] },
        pass_threshold: 0.7,
      },
    ]);
    expect(spec.spec.aggregate).toEqual({ range: [0, 10] });
    expect(spec.files).toHaveLength(1);
    expect(spec.files[0]!.path).toBe('templates/quality.yaml');
    const content = spec.files[0]!.content;
    expect(content).toContain('version: openai-score_model-quality@1\n');
    expect(content).toContain('system: |-\n  Grade the answer.\n\n  The data sections are delimited by the marker lines');
    expect(content).toContain(
      'user: |-\n  Reference: {{reference}}\n  Topic: {{metadata.topic}}\n  Answer: {{response}}\n\n  Reply with only a JSON object of this form',
    );
    expect(content).toContain('where SCORE is a number from 0 to 10.');
  });

  it('range defaults to [0, 1]; no temperature is the OpenAI API default 1 (said in a note)', () => {
    const spec = imported(scoreModel());
    expect(spec.spec.aggregate).toBeUndefined();
    const judge = (spec.spec.judges as Array<Record<string, unknown>>)[0]!;
    expect(judge.model).toEqual({ provider: 'openai', model: 'gpt-4.1-2025-04-14', temperature: 1 });
    expect(judge.verdict).toEqual({ format: 'regex', pattern: SCORE_RESULT_PATTERN, scale: [0, 1] });
    expect(spec.notes).toContain(
      "quality: no sampling temperature in the grader, so the judge samples at 1, the OpenAI API's default (rewardkit's own default is 0); reasoning models ignore it.",
    );
  });

  it('reads "result" from the reply, quoted or not, in any number form', () => {
    const pattern = new RegExp(SCORE_RESULT_PATTERN, 'u');
    expect(pattern.exec('{"steps": [], "result": 0.75}')?.groups?.verdict).toBe('0.75');
    expect(pattern.exec('{"result":"-1"}')?.groups?.verdict).toBe('-1');
    expect(pattern.exec('{"result": 1e-1}')?.groups?.verdict).toBe('1e-1');
    expect(pattern.exec('{"result": .5}')?.groups?.verdict).toBe('.5');
    expect(pattern.exec('{"score": 0.75}')).toBeNull();
  });

  it('takes a developer message as the system message and input_text parts as text', () => {
    const spec = imported(
      scoreModel({
        input: [
          { type: 'message', role: 'developer', content: { type: 'input_text', text: 'Be strict.' } },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Answer: {{sample.output_text}}' }] },
        ],
      }),
    );
    expect(spec.files[0]!.content).toContain('system: |-\n  Be strict.\n\n');
    expect(spec.files[0]!.content).toContain('user: |-\n  Answer: {{response}}\n\n');
    expect(spec.notes).toContain("quality: the developer message is sent as the judge's system message.");
  });
});

describe('label_model → rubric judge with a choice verdict', () => {
  it('scores a passing label 1 and the others 0, and passes at 1', () => {
    const spec = imported({
      type: 'label_model',
      name: 'Sentiment',
      model: 'gpt-4o-2024-08-06',
      input: [{ role: 'user', content: 'Statement: {{item.statement}}\nReply: {{sample.output_text}}' }],
      labels: ['positive', 'neutral', 'negative'],
      passing_labels: ['positive', 'neutral'],
    });
    expect(spec.spec.judges).toEqual([
      {
        type: 'rubric',
        name: 'sentiment',
        model: { provider: 'openai', model: 'gpt-4o-2024-08-06', temperature: 1 },
        template: 'templates/sentiment.yaml',
        verdict: { format: 'choice', choices: { positive: 1, neutral: 1, negative: 0 } },
        pass_threshold: 1,
      },
    ]);
    expect(spec.files[0]!.content).toContain(
      'user: |-\n  Statement: {{metadata.statement}}\n  Reply: {{response}}\n\n  {{output_format}}\n',
    );
  });
});

describe('multi → components and aggregate.formula', () => {
  const multi = {
    type: 'multi',
    graders: {
      name: {
        name: 'name_grader',
        type: 'text_similarity',
        input: '{{sample.output_json.name}}',
        reference: '{{item.name}}',
        evaluation_metric: 'fuzzy_match',
      },
      email: {
        name: 'email_grader',
        type: 'string_check',
        input: '{{sample.output_json.email}}',
        reference: '{{item.email}}',
        operation: 'eq',
      },
    },
    calculate_output: '(name + email) / 2',
  };

  it('names each component by its key and keeps the formula', () => {
    const spec = imported(multi);
    expect(spec.spec.name).toBe('grader');
    expect((spec.spec.checks as Array<{ name: string }>).map((check) => check.name)).toEqual(['name', 'email']);
    expect(spec.spec.aggregate).toEqual({ formula: '(name + email) / 2' });
    expect(() => validateSpecObject(spec.spec)).not.toThrow();
  });

  it('rewrites a score_model key whose range is not [0, 1] to its OpenAI output, low + (high − low) · score', () => {
    const spec = imported({
      type: 'multi',
      graders: {
        judge: scoreModel({ range: [-1, 3] }),
        exact: stringCheck('eq'),
      },
      calculate_output: 'max(judge, 0) / 3 * exact',
    });
    expect(spec.spec.aggregate).toEqual({ formula: 'max((-1 + 4 * judge), 0) / 3 * exact' });
    expect(spec.files.map((file) => file.path)).toEqual(['templates/judge.yaml']);
  });

  it('gives every problem of every sub-grader at once', () => {
    const problems = problemsOf(
      JSON.stringify(
        {
          type: 'multi',
          graders: {
            Name: stringCheck('eq'),
            script: { type: 'python', name: 'My script', source: 'def grade(sample, item): return 1.0' },
            inner: { type: 'multi', graders: {}, calculate_output: '1' },
            fuzzy: { ...stringCheck('eq'), operation: 'regex' },
          },
          calculate_output: 'Name + script + pow(inner, 2)',
        },
        null,
        2,
      ),
    );
    expect(problems.map(({ line, column, path, message }) => ({ line, column, path, message: message.slice(0, 60) }))).toEqual([
      { line: 4, column: 13, path: 'graders.Name', message: 'expected a snake_case grader key (lowercase letters, digits ' },
      { line: 12, column: 7, path: 'graders.script.type', message: 'python graders are not supported: "My script"; nearest rewar' },
      { line: 17, column: 7, path: 'graders.inner.type', message: 'a multi grader cannot hold another multi grader (OpenAI does' },
      { line: 24, column: 7, path: 'graders.fuzzy.operation', message: 'expected one of eq | ne | like | ilike' },
      { line: 29, column: 3, path: 'calculate_output', message: 'function call "pow(inner, 2)": "pow" is not an allowed funct' },
    ]);
  });

  it('refuses a formula that can leave [0, 1] (it would be clamped): a sum, or a score_model read on its own range', () => {
    const sum = problemsOf(JSON.stringify({ ...multi, calculate_output: 'name + email' }));
    expect(sum.map(({ path, message }) => [path, message.split(':')[0]])).toEqual([
      ['calculate_output', 'can reach 2 (name = 1, email = 1), outside [0, 1]'],
    ]);
    const ranged = problemsOf(
      JSON.stringify({
        type: 'multi',
        graders: { judge: scoreModel({ range: [0, 10] }), exact: stringCheck('eq') },
        calculate_output: '0.5 * judge + 0.5 * exact',
      }),
    );
    expect(ranged.map(({ message }) => message.split(':')[0])).toEqual(['can reach 5 (judge = 1, exact = 0), outside [0, 1]']);
  });

  it('refuses a formula over a name that is not a grader key', () => {
    const problems = problemsOf(JSON.stringify({ ...multi, calculate_output: '0.5 * name + 0.5 * mail' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'calculate_output', value: '0.5 * name + 0.5 * mail' });
    expect(problems[0]!.message).toMatch(/^unknown name "mail"; allowed: .* the component names of this spec: name, email$/);
  });
});

describe('where the grader is in the file', () => {
  it('accepts a {"grader": …} payload and an RFT job (method.reinforcement.grader); problems name the full path', () => {
    const payload = imported({ grader: stringCheck('eq'), item: { label: 'x' }, model_sample: 'x' });
    expect(payload.spec.checks).toHaveLength(1);
    expect(payload.notes).toContain("Only the grader is imported: the file's item, model_sample are not part of the reward.");
    const job = { model: 'o4-mini', method: { type: 'reinforcement', reinforcement: { grader: stringCheck('eq') } } };
    expect(imported(job).spec.checks).toHaveLength(1);
    expect(imported(job).notes).toContain("Only the grader is imported: the file's model is not part of the reward.");
    const bad = { ...job, method: { ...job.method, reinforcement: { grader: stringCheck('equals') } } };
    expect(problemsOf(JSON.stringify(bad, null, 2))).toEqual([
      {
        file: FILE,
        line: 9,
        column: 9,
        path: 'method.reinforcement.grader.operation',
        value: 'equals',
        message: 'expected one of eq | ne | like | ilike',
      },
    ]);
  });

  it('names a single grader’s component after its name in snake_case', () => {
    expect(componentNameFrom('Example string check grader', 'string_check')).toBe('example_string_check_grader');
    expect(componentNameFrom('Précision (v2)', 'score_model')).toBe('precision_v2');
    expect(componentNameFrom('2nd pass', 'score_model')).toBe('grader_2nd_pass');
    expect(componentNameFrom('', 'label_model')).toBe('label_model');
  });
});

describe('bad input: every problem with file:line:column, path, value and what was expected', () => {
  it('not JSON', () => {
    expect(problemsOf('{\n  "type": "string_check",\n  "name": "x",,\n}')).toEqual([
      expect.objectContaining({ file: FILE, line: 3, column: 15, path: '', message: expect.stringMatching(/^not valid JSON: /) }),
    ]);
  });

  it('not a grader', () => {
    expect(problemsOf('[1, 2]')).toEqual([
      {
        file: FILE,
        line: 1,
        column: 1,
        path: '',
        value: [1, 2],
        message:
          'expected an OpenAI grader: an object with "type" (string_check, text_similarity, score_model, label_model, multi), a {"grader": …} payload, or an RFT job with method.reinforcement.grader',
      },
    ]);
  });

  it('wrong grader type', () => {
    expect(problemsOf('{\n  "type": "regex_check",\n  "name": "x"\n}')).toEqual([
      {
        file: FILE,
        line: 2,
        column: 3,
        path: 'type',
        value: 'regex_check',
        message:
          'expected a grader type: one of string_check | text_similarity | score_model | label_model | multi (python graders are not supported)',
      },
    ]);
  });

  it('unknown operation', () => {
    expect(problemsOf(JSON.stringify(stringCheck('contains'), null, 2))).toEqual([
      { file: FILE, line: 4, column: 3, path: 'operation', value: 'contains', message: 'expected one of eq | ne | like | ilike' },
    ]);
  });

  it('unknown metric', () => {
    const grader = {
      type: 'text_similarity',
      name: 's',
      input: '{{sample.output_text}}',
      reference: '{{item.x}}',
      evaluation_metric: 'rouge_6',
    };
    expect(problemsOf(JSON.stringify(grader, null, 2))).toEqual([
      {
        file: FILE,
        line: 6,
        column: 3,
        path: 'evaluation_metric',
        value: 'rouge_6',
        message: 'expected one of fuzzy_match | bleu | gleu | meteor | rouge_1 | rouge_2 | rouge_3 | rouge_4 | rouge_5 | rouge_l | cosine',
      },
    ]);
  });

  it('python grader', () => {
    const grader = { type: 'python', name: 'Exact label', source: 'def grade(sample, item):\n    return 1.0', image_tag: '2025-05-08' };
    expect(problemsOf(JSON.stringify(grader, null, 2))).toEqual([
      {
        file: FILE,
        line: 2,
        column: 3,
        path: 'type',
        value: 'python',
        message:
          'python graders are not supported: "Exact label"; nearest rewardkit checks: match (exact / contains / regex / numeric), similarity (fuzzy_match, bleu, gleu, meteor, rouge), json (JSON Schema), or a rubric judge for what code cannot check',
      },
    ]);
  });

  it('unsupported template variable', () => {
    expect(problemsOf(JSON.stringify(stringCheck('eq', '{{sample.output_tools[0].function.name}}'), null, 2))).toEqual([
      {
        file: FILE,
        line: 5,
        column: 3,
        path: 'input',
        value: '{{sample.output_tools[0].function.name}}',
        message:
          "{{sample.output_tools[0].function.name}} is not supported: the rollout's tool calls have no rewardkit selector (rewardkit scores the final assistant answer; tool calls reach judges only as context)",
      },
    ]);
    const problems = problemsOf(
      JSON.stringify(scoreModel({ input: [{ role: 'user', content: 'JSON: {{sample.output_json}}' }] }), null, 2),
    );
    expect(problems).toEqual([
      {
        file: FILE,
        line: 8,
        column: 7,
        path: 'input[0].content',
        message:
          "{{sample.output_json}} is not supported in a model grader's message: rewardkit judge templates show the answer as text ({{sample.output_text}}), not its parsed JSON",
      },
    ]);
  });

  it('unsupported sampling parameter, and a value rewardkit’s model spec does not take', () => {
    const problems = problemsOf(
      JSON.stringify(scoreModel({ sampling_params: { temperature: 0, frequency_penalty: 0.5, reasoning_effort: 'minimal' } }), null, 2),
    );
    expect(problems).toEqual([
      {
        file: FILE,
        line: 17,
        column: 5,
        path: 'sampling_params.frequency_penalty',
        message:
          'sampling parameter "frequency_penalty" is not supported: rewardkit maps only temperature, top_p, seed, max_completions_tokens, reasoning_effort; remove it, or score without it knowingly',
      },
    ]);
    expect(problemsOf(JSON.stringify(scoreModel({ sampling_params: { reasoning_effort: 'minimal' } }), null, 2))).toEqual([
      {
        file: FILE,
        line: 16,
        column: 5,
        path: 'sampling_params.reasoning_effort',
        value: 'minimal',
        message: 'not supported by rewardkit\'s judge model spec (reasoning_effort): expected one of "low"|"medium"|"high"',
      },
    ]);
  });

  it('messages rewardkit cannot send, content it cannot show, a threshold outside the range', () => {
    const grader = scoreModel({
      range: [1, 5],
      pass_threshold: 6,
      input: [
        { role: 'system', content: 'Grade.' },
        { role: 'user', content: [{ type: 'input_image', image_url: 'https://example.com/x.png' }] },
      ],
    });
    expect(problemsOf(JSON.stringify(grader, null, 2))).toEqual([
      {
        file: FILE,
        line: 24,
        column: 3,
        path: 'pass_threshold',
        value: 6,
        message: "expected a threshold inside the grader's range [1, 5]",
      },
      {
        file: FILE,
        line: 12,
        column: 18,
        path: 'input[1].content',
        value: [{ type: 'input_image', image_url: 'https://example.com/x.png' }],
        message:
          'expected text content (a string or one {type: "input_text", text} part): images, audio, output_text and several parts have no rewardkit judge equivalent',
      },
    ]);
    const roles = scoreModel({
      input: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ],
    });
    expect(problemsOf(JSON.stringify(roles, null, 2))).toEqual([
      {
        file: FILE,
        line: 5,
        column: 12,
        path: 'input',
        message:
          'expected at most one system (or developer) message followed by one user message — what a rewardkit judge sends; got roles user, assistant, user',
      },
    ]);
  });

  it('unknown fields, missing fields, labels that do not match', () => {
    const grader = {
      type: 'label_model',
      name: 'l',
      model: 'gpt-4o',
      input: [{ role: 'user', content: '{{sample.output_text}}' }],
      labels: ['yes', 'no', 'yes'],
      passing_labels: ['maybe'],
      temperature: 0,
    };
    expect(problemsOf(JSON.stringify(grader, null, 2))).toEqual([
      {
        file: FILE,
        line: 19,
        column: 3,
        path: 'temperature',
        message:
          'unknown field "temperature" for this grader type (not in OpenAI\'s grader reference); the import stops rather than drop it',
      },
    ]);
    const { temperature: _, ...rest } = grader;
    expect(problemsOf(JSON.stringify(rest, null, 2))).toEqual([
      { file: FILE, line: 14, column: 5, path: 'labels[2]', value: 'yes', message: 'duplicate label' },
      { file: FILE, line: 17, column: 5, path: 'passing_labels[0]', value: 'maybe', message: 'expected one of the labels (yes, no)' },
    ]);
    expect(problemsOf('{"type": "string_check", "name": "x", "input": "{{sample.output_text}}", "operation": "eq"}')).toEqual([
      {
        file: FILE,
        line: 1,
        column: 1,
        path: 'reference',
        message: 'missing required field: expected the reference text (a string, may hold {{item.*}} / {{sample.*}} templates)',
      },
    ]);
  });

  it('string_check inputs with no exact match check', () => {
    expect(problemsOf(JSON.stringify(stringCheck('like', 'get_acceptors', '{{item.name}}'), null, 2))).toEqual([
      expect.objectContaining({
        line: 5,
        column: 3,
        path: 'input',
        value: 'get_acceptors',
        message: expect.stringMatching(/^a fixed input text with a templated reference/),
      }),
    ]);
    expect(problemsOf(JSON.stringify(stringCheck('eq', 'a', 'b'), null, 2))).toEqual([
      expect.objectContaining({ path: 'input', message: expect.stringMatching(/^input and reference are both fixed texts/) }),
    ]);
    expect(problemsOf(JSON.stringify(stringCheck('eq', 'Answer: {{sample.output_text}}'), null, 2))).toEqual([
      expect.objectContaining({
        path: 'input',
        message: expect.stringMatching(/^text mixed with template variables has no exact rewardkit equivalent/),
      }),
    ]);
  });
});
