/**
 * The promptfoo importer on small configs: every supported assertion type maps to the check or judge with promptfoo's
 * semantics, weights / thresholds / metrics / providers / rubricPrompt carry over, and everything without an exact
 * equivalent is a problem with file:line:column, the field, the value found and what was expected.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ImportError, type ImportedSpec } from '../imported-spec.js';
import { importPromptfoo, type PromptfooImportOptions } from './import-promptfoo.js';
import { readStepsReply, type StepsWriter } from './g-eval-steps.js';
import {
  CLOSEDQA_LAST_CHARACTER_PATTERN,
  FACTUALITY_CATEGORY_PATTERN,
  G_EVAL_SCORE_PATTERN,
  LLM_RUBRIC_SCORE_PATTERN,
} from './judge-assertion.js';

function configFile(yaml: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'rk-promptfoo-'));
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  const path = join(dir, 'promptfooconfig.yaml');
  writeFileSync(path, yaml);
  return path;
}

const imported = (yaml: string, extra?: Record<string, string>, options?: PromptfooImportOptions): Promise<ImportedSpec> =>
  importPromptfoo(configFile(yaml, extra), options);

/** The problems as `line:column path: message (got value)`, file name left out. */
async function problems(yaml: string, extra?: Record<string, string>, options?: PromptfooImportOptions): Promise<string[]> {
  const path = configFile(yaml, extra);
  try {
    await importPromptfoo(path, options);
  } catch (error) {
    if (!ImportError.isInstance(error)) throw error;
    return error.problems.map(
      (problem) =>
        `${problem.line}:${problem.column} ${problem.path}: ${problem.message}${problem.value === undefined ? '' : ` (got ${JSON.stringify(problem.value)})`}`,
    );
  }
  throw new Error('expected an ImportError');
}

const asserts = (...lines: string[]) => `defaultTest:\n  assert:\n${lines.map((line) => `    - ${line}`).join('\n')}\n`;

describe('deterministic assertions', () => {
  it('maps fixed values to case-sensitive regex match checks, untrimmed like promptfoo', async () => {
    const { spec } = await imported(
      asserts(
        '{type: contains, value: "1+1 = 2"}',
        '{type: icontains, value: Hello}',
        '{type: equals, value: "Yes."}',
        '{type: equals, value: 42}',
        '{type: regex, value: "^\\\\d{3}-\\\\d{4}$"}',
      ),
    );
    expect(spec.checks).toEqual([
      { type: 'match', name: 'contains', mode: 'regex', pattern: '1\\+1 = 2', case_sensitive: true },
      { type: 'match', name: 'icontains', mode: 'regex', pattern: 'Hello', case_sensitive: false },
      { type: 'match', name: 'equals', mode: 'regex', pattern: '^Yes\\.$', case_sensitive: true },
      { type: 'match', name: 'equals_2', mode: 'regex', pattern: '^42$', case_sensitive: true },
      { type: 'match', name: 'regex', mode: 'regex', pattern: '^\\d{3}-\\d{4}$', case_sensitive: true },
    ]);
  });

  it('maps a whole-var value to that row field (metadata.VAR), compared exactly and without trimming', async () => {
    const { spec, notes } = await imported(
      asserts(
        '{type: contains, value: "{{ city }}"}',
        '{type: icontains, value: "{{city}}"}',
        '{type: equals, value: "{{answer}}"}',
        '{type: not-regex, value: "{{forbidden}}"}',
      ),
    );
    expect(spec.checks).toEqual([
      { type: 'match', name: 'contains', mode: 'contains', expected: 'metadata.city', case_sensitive: true, trim: false },
      { type: 'match', name: 'icontains', mode: 'contains', expected: 'metadata.city', case_sensitive: false, trim: false },
      { type: 'match', name: 'equals', mode: 'exact', expected: 'metadata.answer', case_sensitive: true, trim: false },
      { type: 'match', name: 'not_regex', mode: 'regex', expected: 'metadata.forbidden', case_sensitive: true, negate: true },
    ]);
    expect(notes).toContain(
      "Vars read from the row's metadata: city → metadata.city, answer → metadata.answer, forbidden → metadata.forbidden.",
    );
  });

  it('negates contains, icontains, equals and regex (promptfoo not- prefix)', async () => {
    const { spec } = await imported(
      asserts('{type: not-contains, value: sorry}', '{type: not-icontains, value: SORRY}', '{type: not-equals, value: ""}'),
    );
    expect(spec.checks).toEqual([
      { type: 'match', name: 'not_contains', mode: 'regex', pattern: 'sorry', case_sensitive: true, negate: true },
      { type: 'match', name: 'not_icontains', mode: 'regex', pattern: 'SORRY', case_sensitive: false, negate: true },
      { type: 'match', name: 'not_equals', mode: 'regex', pattern: '^$', case_sensitive: true, negate: true },
    ]);
  });

  it('maps equals with an object to a strict json check with const, and is-json with or without a schema', async () => {
    const { spec } = await imported(
      asserts(
        '{type: equals, value: {status: ok, items: [1, 2]}}',
        'type: is-json',
        '{type: is-json, value: {type: object, required: [name]}}',
        '{type: is-json, value: "type: array\\nminItems: 1"}',
      ),
    );
    expect(spec.checks).toEqual([
      { type: 'json', name: 'equals', allow_fenced: false, schema: { const: { status: 'ok', items: [1, 2] } } },
      { type: 'json', name: 'is_json', allow_fenced: false },
      { type: 'json', name: 'is_json_2', allow_fenced: false, schema: { type: 'object', required: ['name'] } },
      { type: 'json', name: 'is_json_3', allow_fenced: false, schema: { type: 'array', minItems: 1 } },
    ]);
  });

  it('maps contains-json to the json check reading objects anywhere, and every not- json form to negate', async () => {
    const { spec } = await imported(
      asserts(
        'type: contains-json',
        '{type: contains-json, value: {type: object, required: [score]}}',
        '{type: not-contains-json, value: "required: [error]"}',
        'type: not-is-json',
        '{type: not-equals, value: {status: failed}}',
      ),
    );
    expect(spec.checks).toEqual([
      { type: 'json', name: 'contains_json', extract: 'anywhere' },
      { type: 'json', name: 'contains_json_2', extract: 'anywhere', schema: { type: 'object', required: ['score'] } },
      { type: 'json', name: 'not_contains_json', extract: 'anywhere', schema: { required: ['error'] }, negate: true },
      { type: 'json', name: 'not_is_json', allow_fenced: false, negate: true },
      { type: 'json', name: 'not_equals', allow_fenced: false, schema: { const: { status: 'failed' } }, negate: true },
    ]);
  });

  it('reads file:// values as promptfoo does: .txt trimmed text, .json/.yaml parsed', async () => {
    const { spec } = await imported(
      asserts('{type: contains, value: "file://needle.txt"}', '{type: is-json, value: "file://schema.json"}'),
      {
        'needle.txt': '  refund policy\n',
        'schema.json': '{"type": "object"}',
      },
    );
    expect(spec.checks).toEqual([
      { type: 'match', name: 'contains', mode: 'regex', pattern: 'refund policy', case_sensitive: true },
      { type: 'json', name: 'is_json', allow_fenced: false, schema: { type: 'object' } },
    ]);
  });

  it('carries weights and metric names; notes a threshold promptfoo ignores', async () => {
    const { spec, notes } = await imported(
      asserts(
        '{type: contains, value: a, weight: 3, metric: "Has A!", threshold: 0.5}',
        '{type: contains, value: b, weight: 0, metric: has-a}',
      ),
    );
    expect(spec.checks).toEqual([
      { type: 'match', name: 'has_a', weight: 3, mode: 'regex', pattern: 'a', case_sensitive: true },
      { type: 'match', name: 'has_a_2', weight: 0, mode: 'regex', pattern: 'b', case_sensitive: true },
    ]);
    expect(notes).toContain('has_a: promptfoo ignores threshold on contains, so it is not imported.');
  });
});

describe('model-graded assertions', () => {
  it('maps llm-rubric, factuality and model-graded-closedqa to rubric judges on the promptfoo templates', async () => {
    const { spec, notes } = await imported(
      `defaultTest:
  options:
    provider: openai:gpt-4o-mini
    factuality: {subset: 0.8, disagree: 0.1}
  assert:
    - {type: llm-rubric, value: Is funny, threshold: 0.6, weight: 2, metric: Humour}
    - {type: factuality, value: "{{ideal}}"}
    - {type: model-graded-closedqa, value: Mentions a date}
    - {type: contains, value: "{{ideal}}"}
`,
    );
    expect(spec.judge_model).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(spec.judges).toEqual([
      {
        type: 'rubric',
        name: 'humour',
        weight: 2,
        template: 'promptfoo-llm-rubric',
        instructions: 'Is funny',
        verdict: { format: 'regex', pattern: LLM_RUBRIC_SCORE_PATTERN, scale: [0, 1] },
        pass_threshold: 0.6,
      },
      {
        type: 'rubric',
        name: 'factuality',
        template: 'promptfoo-factuality',
        verdict: {
          format: 'regex',
          pattern: FACTUALITY_CATEGORY_PATTERN,
          scores: { A: 0.8, B: 1, C: 1, D: 0.1, E: 1, a: 0.8, b: 1, c: 1, d: 0.1, e: 1 },
        },
      },
      {
        type: 'rubric',
        name: 'model_graded_closedqa',
        template: 'promptfoo-closedqa',
        instructions: 'Mentions a date',
        verdict: { format: 'regex', pattern: CLOSEDQA_LAST_CHARACTER_PATTERN, scores: { Y: 1, N: 0 } },
      },
    ]);
    // the expert-answer var is the row's reference everywhere it is used
    expect(spec.checks).toEqual([
      { type: 'match', name: 'contains', mode: 'contains', expected: 'reference', case_sensitive: true, trim: false },
    ]);
    expect(notes).toContain('The var "ideal" (factuality\'s expert answer) is read from the row\'s reference (Nova: reference_answer).');
    expect(notes).toContain(
      'humour: threshold 0.6 → pass_threshold: the metric humour_pass is score ≥ 0.6; promptfoo\'s pass also needs the grader\'s "pass": true.',
    );
  });

  it('maps grader providers: ids, {id, config}, an assertion-level provider; notes a config without one', async () => {
    const { spec } = await imported(
      `defaultTest:
  options:
    provider: {id: "openai:chat:gpt-4.1", config: {temperature: 0.2, max_tokens: 300, apiBaseUrl: "http://127.0.0.1:8000/v1"}}
  assert:
    - {type: llm-rubric, value: a, provider: "anthropic:messages:claude-sonnet-4-20250514"}
    - {type: llm-rubric, value: b, provider: "bedrock:anthropic.claude-3-5-sonnet-20241022-v2:0"}
    - {type: llm-rubric, value: c, provider: {id: "bedrock:converse:amazon.nova-pro-v1:0", config: {region: us-west-2}}}
    - {type: llm-rubric, value: d, provider: "ollama:chat:llama3.1"}
    - {type: llm-rubric, value: e, provider: "openai:responses:o4-mini"}
`,
    );
    expect(spec.judge_model).toEqual({
      provider: 'openai',
      model: 'gpt-4.1',
      temperature: 0.2,
      max_tokens: 300,
      base_url: 'http://127.0.0.1:8000/v1',
    });
    expect((spec.judges as Array<{ model: unknown }>).map((judge) => judge.model)).toEqual([
      { provider: 'anthropic', model: 'claude-sonnet-4-20250514' },
      { provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20241022-v2:0' },
      { provider: 'bedrock', model: 'amazon.nova-pro-v1:0', region: 'us-west-2' },
      { provider: 'ollama', model: 'llama3.1' },
      { provider: 'openai', model: 'o4-mini' },
    ]);
    expect((await imported(asserts('{type: llm-rubric, value: a}'))).notes).toContain(
      'The config names no grader provider (promptfoo picks one from your API keys): set judge_model in the spec, or pass --judge.',
    );
  });

  it('imports a rubricPrompt as a template file with promptfoo variables renamed', async () => {
    const { spec, files } = await imported(
      `defaultTest:
  assert:
    - type: llm-rubric
      value: Is concise
      metric: Concise
      rubricPrompt:
        - {role: system, content: "Grade strictly. Reply {\\"pass\\": bool, \\"score\\": number, \\"reason\\": string}."}
        - {role: user, content: "Answer: {{ output }}\\nRubric: {{rubric}}\\nTopic: {{topic}}"}
`,
    );
    expect((spec.judges as Array<{ template: string }>)[0]!.template).toBe('templates/concise.yaml');
    expect(files.map((file) => file.path)).toEqual(['templates/concise.yaml']);
    const [header] = files[0]!.content.split('\n');
    expect(header).toMatch(
      /^# Judge template imported from promptfoo's rubricPrompt \(.*promptfooconfig\.yaml, defaultTest\.assert\[0\]\.rubricPrompt\)/,
    );
    expect(parseYaml(files[0]!.content)).toEqual({
      version: 'concise@imported',
      system: 'Grade strictly. Reply {"pass": bool, "score": number, "reason": string}.',
      user: 'Answer: {{response}}\nRubric: {{instructions}}\nTopic: {{metadata.topic}}',
    });
  });
});

describe('per-test assertions', () => {
  it('imports tests[].assert when every test has the same list (values from vars)', async () => {
    const { spec } = await imported(
      `tests:
  - vars: {city: Paris}
    assert: [{type: icontains, value: "{{city}}"}]
  - vars: {city: Rome}
    assert: [{type: icontains, value: "{{city}}"}]
`,
    );
    expect(spec.checks).toEqual([
      { type: 'match', name: 'icontains', mode: 'contains', expected: 'metadata.city', case_sensitive: false, trim: false },
    ]);
  });

  it('stops when tests differ in assertions or grading options', async () => {
    expect(
      await problems(`tests:
  - assert: [{type: contains, value: Paris}]
    options: {provider: "openai:gpt-4o"}
  - assert: [{type: contains, value: Rome}]
    options: {provider: "openai:gpt-4o-mini"}
`),
    ).toEqual([
      '4:13 tests[1].assert: expected the same assertions as tests[0] — a reward spec scores every row alike; move shared assertions to defaultTest.assert and put what differs per test in vars (a "{{ var }}" value becomes a row field)',
      '5:15 tests[1].options.provider: expected the same options.provider as tests[0] — a reward spec grades every row alike; set it in defaultTest.options (got "openai:gpt-4o-mini")',
    ]);
  });
});

describe('g-eval', () => {
  const criteria = 'The reply is coherent: each sentence follows from the one before.';
  const config = (extra = '') =>
    `defaultTest:\n  options:\n    provider: openai:gpt-4o-mini\n  assert:\n    - type: g-eval\n      value: "${criteria}"\n${extra}`;

  it('asks the grader for the evaluation steps once and writes them into the judge as its criteria list', async () => {
    const calls: Array<{ criteria: string; model: string }> = [];
    const writeSteps: StepsWriter = (text, model) => {
      calls.push({ criteria: text, model: `${model.provider}:${model.model}` });
      return Promise.resolve({ ok: true, steps: ['Read the reply.', 'Check each sentence follows.', 'Rate the flow.'] });
    };
    const { spec, notes } = await imported(config('      threshold: 0.6\n      weight: 2\n'), {}, { writeSteps });
    expect(calls).toEqual([{ criteria, model: 'openai:gpt-4o-mini' }]);
    expect(spec.judges).toEqual([
      {
        type: 'rubric',
        name: 'g_eval',
        weight: 2,
        template: 'promptfoo-g-eval',
        instructions: criteria,
        verdict: { format: 'regex', pattern: G_EVAL_SCORE_PATTERN, scale: [0, 10] },
        pass_threshold: 0.6,
        criteria: [
          { id: 'step_1', description: 'Read the reply.' },
          { id: 'step_2', description: 'Check each sentence follows.' },
          { id: 'step_3', description: 'Rate the flow.' },
        ],
      },
    ]);
    expect(notes).toContain(
      "g_eval: the evaluation steps (its criteria list) were written at import by openai:gpt-4o-mini from the criteria alone, as promptfoo's first g-eval call does (promptfoo asks again for each output, normally answered from its cache); review them, and score with the same grader.",
    );
    expect(notes).toContain(
      "g_eval: threshold 0.6 → pass_threshold: the metric g_eval_pass is score ≥ 0.6, promptfoo's pass; the score is the grader's 0–10 score / 10.",
    );
  });

  it("uses the assertion provider, else the config one, else --judge; sets promptfoo's default threshold 0.7", async () => {
    const models: string[] = [];
    const writeSteps: StepsWriter = (_text, model) => {
      models.push(`${model.provider}:${model.model}${model.base_url ? `@${model.base_url}` : ''}`);
      return Promise.resolve({ ok: true, steps: ['One step.'] });
    };
    const own = await imported(config('      provider: anthropic:messages:claude-3-5-haiku-20241022\n'), {}, { writeSteps });
    const judge = { provider: 'openai-compatible', model: 'qwen3', base_url: 'http://127.0.0.1:9/v1' };
    const flagged = await imported(asserts(`{type: g-eval, value: "${criteria}"}`), {}, { writeSteps, judge });
    expect(models).toEqual(['anthropic:claude-3-5-haiku-20241022', 'openai-compatible:qwen3@http://127.0.0.1:9/v1']);
    expect((own.spec.judges as Array<Record<string, unknown>>)[0]!.pass_threshold).toBe(0.7);
    expect(flagged.spec.judge_model).toEqual(judge);
  });

  it('reads the steps from --g-eval-steps without asking any grader, shared or by judge name', async () => {
    const writeSteps: StepsWriter = () => Promise.reject(new Error('no grader call expected'));
    const dir = mkdtempSync(join(tmpdir(), 'rk-promptfoo-steps-'));
    writeFileSync(join(dir, 'shared.yaml'), '- A.\n- B.\n');
    writeFileSync(join(dir, 'named.yaml'), 'flow: {steps: [C.]}\ng_eval: [D.]\n');
    const one = await imported(
      asserts(`{type: g-eval, value: "${criteria}"}`),
      {},
      { writeSteps, gEvalStepsFile: join(dir, 'shared.yaml') },
    );
    expect((one.spec.judges as Array<Record<string, unknown>>)[0]!.criteria).toEqual([
      { id: 'step_1', description: 'A.' },
      { id: 'step_2', description: 'B.' },
    ]);
    expect(one.notes).toContain(`g_eval: the evaluation steps (its criteria list) were read from ${join(dir, 'shared.yaml')}.`);
    const two = await imported(
      asserts(`{type: g-eval, value: "${criteria}", metric: Flow}`, '{type: g-eval, value: Concise}'),
      {},
      { writeSteps, gEvalStepsFile: join(dir, 'named.yaml') },
    );
    expect((two.spec.judges as Array<Record<string, unknown>>).map((entry) => entry.criteria)).toEqual([
      [{ id: 'step_1', description: 'C.' }],
      [{ id: 'step_1', description: 'D.' }],
    ]);
  });

  it('stops on a steps file that is missing, malformed, or names no g-eval judge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rk-promptfoo-steps-'));
    writeFileSync(join(dir, 'blank.yaml'), 'steps: [A., "  "]\n');
    writeFileSync(join(dir, 'named.yaml'), 'clarity: [A.]\n');
    const config = asserts(`{type: g-eval, value: "${criteria}"}`);
    const inFile = async (file: string) => {
      const error = await importPromptfoo(configFile(config), { gEvalStepsFile: join(dir, file) }).catch((caught: unknown) => caught);
      if (!ImportError.isInstance(error)) throw new Error('expected an ImportError');
      return error.problems;
    };
    expect(await inFile('none.yaml')).toEqual([
      { file: join(dir, 'none.yaml'), path: '', message: '--g-eval-steps: cannot read the steps file: ENOENT' },
    ]);
    expect(await inFile('blank.yaml')).toEqual([
      {
        file: join(dir, 'blank.yaml'),
        path: 'steps.1',
        message:
          '--g-eval-steps: expected a non-blank step (expected a list of steps, {steps: [...]}, or a mapping from judge name to either)',
      },
    ]);
    expect(await inFile('named.yaml')).toEqual([
      {
        file: join(dir, 'named.yaml'),
        path: 'clarity',
        message: '--g-eval-steps: no g-eval judge is named "clarity"; expected one of g_eval',
      },
      expect.objectContaining({
        line: 3,
        column: 7,
        path: 'defaultTest.assert[0]',
        message: `expected evaluation steps for the judge "g_eval" in --g-eval-steps ${join(dir, 'named.yaml')}`,
      }),
    ]);
  });

  it('stops with the grader, the reason and the way out when the steps cannot be had', async () => {
    const failing: StepsWriter = () => Promise.resolve({ ok: false, message: 'the reply holds no {"steps": …} JSON on one line: "Sure!"' });
    expect(await problems(config(), {}, { writeSteps: failing })).toEqual([
      '5:7 defaultTest.assert[0]: the grader openai:gpt-4o-mini did not write g-eval\'s evaluation steps: the reply holds no {"steps": …} JSON on one line: "Sure!"; run the import again, or give the steps with --g-eval-steps FILE',
    ]);
    expect(await problems(asserts('{type: g-eval, value: Clear}'))).toEqual([
      "3:7 defaultTest.assert[0]: g-eval's evaluation steps are written by the grader at import, and the config names none: set options.provider (or the assertion's provider), pass --judge PROVIDER:MODEL, or give the steps with --g-eval-steps FILE",
    ]);
    expect(
      await problems(
        asserts(
          '{type: g-eval, value: [Clear, Short]}',
          '{type: g-eval, value: Clear, rubricPrompt: {steps: "Write steps for {{criteria}}"}}',
        ),
      ),
    ).toEqual([
      '3:29 defaultTest.assert[0].value: not supported: a list of criteria — promptfoo scores each apart and averages them, and a failed one fails the whole assertion; write one g-eval assertion per criterion (got ["Clear","Short"])',
      "4:50 defaultTest.assert[1].rubricPrompt: not supported: g-eval's own prompts (rubricPrompt.steps / rubricPrompt.evaluate); the import scores with promptfoo's default g-eval prompts, paraphrased",
    ]);
  });

  it("reads a steps reply by promptfoo's rule", () => {
    // the match runs to the last } of the line: a second object on it spoils the JSON
    expect(readStepsReply('{"steps":["A"]} or {"steps":["B"]}')).toEqual({
      ok: false,
      message: `the reply's {"steps": …} is not JSON (Unexpected non-whitespace character after JSON at position 16): "{\\"steps\\":[\\"A\\"]} or {\\"steps\\":[\\"B\\"]}"`,
    });
    expect(readStepsReply('Here:\n{"steps":["A","B"]} trailing')).toEqual({ ok: true, steps: ['A', 'B'] });
    expect(readStepsReply('Here:\n{"steps":["A","B"]}\nDone.')).toEqual({ ok: true, steps: ['A', 'B'] });
    expect(readStepsReply('{ "steps": ["A"] }')).toEqual({
      ok: false,
      message: 'the reply holds no {"steps": …} JSON on one line: "{ \\"steps\\": [\\"A\\"] }"',
    });
    expect(readStepsReply('{"steps": []}')).toEqual({ ok: false, message: 'expected "steps" to be a non-empty list, got []' });
    expect(readStepsReply('{"steps": ["A", " "]}')).toEqual({
      ok: false,
      message: 'expected every step to be non-blank text, got ["A"," "]',
    });
  });
});

describe('problems', () => {
  it('lists every unsupported assertion with its position, the type found and what is supported', async () => {
    const found = await problems(
      asserts(
        '{type: javascript, value: "output.length < 100"}',
        '{type: not-g-eval, value: Coherent}',
        '{type: not-llm-rubric, value: Rude}',
        '{type: not-factuality, value: "{{a}}"}',
        'type: assert-set',
        '{type: levenshtein, value: hi}',
      ),
    );
    const supported =
      'supported: contains, icontains, equals, regex, is-json, contains-json, llm-rubric, g-eval, factuality, model-graded-closedqa (and the not- form of each check type)';
    expect(found).toEqual([
      `3:8 defaultTest.assert[0].type: not supported: javascript — it runs your JavaScript; write the logic as rewardkit checks or a judge instead; ${supported} (got "javascript")`,
      `4:8 defaultTest.assert[1].type: not supported: not-g-eval — promptfoo scores it 1 − the grader's score, which a rewardkit judge cannot; ${supported} (got "not-g-eval")`,
      `5:8 defaultTest.assert[2].type: not supported: not-llm-rubric — promptfoo scores it 1 − the grader's score, which a rewardkit judge cannot; ${supported} (got "not-llm-rubric")`,
      `6:8 defaultTest.assert[3].type: not supported: not-factuality — promptfoo ignores the not- prefix on factuality (it grades as factuality), so the intent is unclear; ${supported} (got "not-factuality")`,
      `7:7 defaultTest.assert[4].type: not supported: assert-set — a nested set with its own threshold has no rewardkit component; list its assertions at the top level; ${supported} (got "assert-set")`,
      `8:8 defaultTest.assert[5].type: not supported: levenshtein — rewardkit has no exact equivalent; ${supported} (got "levenshtein")`,
    ]);
  });

  it('reports bad values, fields without an equivalent, unknown providers and templates, all at once', async () => {
    expect(
      await problems(`defaultTest:
  options:
    provider: {id: "azure:chat:my-deployment", config: {temperature: 0}}
    transform: output.trim()
  assert:
    - {type: contains, value: "Hello {{name}}!"}
    - {type: contains, value: ""}
    - {type: regex, value: "a\\\\-b"}
    - {type: equals, value: x, transform: "output.toLowerCase()"}
    - {type: llm-rubric, value: "{{rubric}}"}
    - {type: llm-rubric, value: ok, threshold: 7}
    - {type: factuality, value: Paris is the capital}
    - {type: model-graded-closedqa, value: ok, provider: {id: "openai:chat:gpt-4o", config: {frequency_penalty: 1}}}
    - {type: is-json, value: {type: string, format: email}}
    - {type: contains, value: a, weight: -1}
`),
    ).toEqual([
      '4:5 defaultTest.options.transform: not supported: options.transform rewrites the output before grading, which rewardkit does not (got "output.trim()")',
      '9:32 defaultTest.assert[3].transform: not supported: the field "transform" has no rewardkit equivalent (the import reads type, value, threshold, weight, metric, provider, rubricPrompt)',
      '15:34 defaultTest.assert[9].weight: Too small: expected number to be >=0 (got -1)',
      '6:24 defaultTest.assert[0].value: not supported: a template other than one whole var ({{ name }}): rewardkit compares with a fixed text or one row field, so only "{{ name }}" alone maps exactly',
      '7:24 defaultTest.assert[1].value: expected a non-empty string or number value (or "{{ var }}")',
      '8:21 defaultTest.assert[2].value: not supported: a pattern that is invalid with the u (Unicode) flag rewardkit compiles with (Invalid regular expression: /a\\-b/u: Invalid escape); remove the needless escape or brace (got "a\\\\-b")',
      '10:26 defaultTest.assert[4].value: not supported: the rubric taken from a var — the import shows the judge the rubric as fixed text; write it in the assertion (got "{{rubric}}")',
      '11:37 defaultTest.assert[5].threshold: expected a threshold in [0, 1] (the imported score is in [0, 1]) (got 7)',
      '12:26 defaultTest.assert[6].value: expected the expert answer as one whole var, e.g. "{{ answer }}" (it becomes the row\'s reference, which differs row by row) (got "Paris is the capital")',
      '13:94 defaultTest.assert[7].provider.config.frequency_penalty: not supported: provider config "frequency_penalty" has no rewardkit equivalent; expected only temperature, max_tokens, top_p, seed, apiBaseUrl, apiKeyEnvar, region (got 1)',
      '14:30 defaultTest.assert[8].value: not supported: the "format" keyword — promptfoo validates formats (ajv-formats), rewardkit\'s json check does not; remove it or check the field another way',
      '3:16 defaultTest.options.provider.id: not supported: grader provider "azure:chat:my-deployment"; expected openai:MODEL, openai:chat:MODEL, openai:responses:MODEL, anthropic:messages:MODEL, bedrock:MODEL, bedrock:converse:MODEL or ollama:chat:MODEL (got "azure:chat:my-deployment")',
    ]);
  });

  it('stops on tests from a file, scenarios, a YAML error and a config without assertions', async () => {
    expect(await problems('tests: file://tests.csv\nscenarios: []\n')).toEqual([
      '2:12 scenarios: not supported: scenarios (their tests carry their own assertions); write the tests out under tests',
      '1:1 tests: not supported: tests from a file (CSV, YAML, JSON or a script), whose rows may add assertions the import cannot see; write the tests in the config (got "file://tests.csv")',
    ]);
    expect(await problems('defaultTest:\n  assert: [\n')).toEqual([expect.stringMatching(/^3:1 : not valid YAML: /)]);
    expect(await problems('description: nothing here\n')).toEqual(['1:1 : expected assertions in defaultTest.assert or tests[].assert']);
  });
});
