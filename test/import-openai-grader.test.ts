/**
 * `rewardkit import openai-grader` end to end, on the OpenAI docs' own grader examples (test/fixtures/openai-graders/,
 * sources in its README): each is imported by the CLI, the written spec is loaded, and rows are scored through the real
 * reward (openReward; model graders against the fake OpenAI server with scripted replies), giving the values the docs
 * state where they state any. Also: the examples that cannot be imported, and the CLI's files, refusals and exit codes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReward } from '../src/open-reward.js';
import type { RewardResult } from '../src/result.js';
import type { RewardSpec } from '../src/spec/schema.js';
import type { FakeReply, FakeRequest } from './support/fake-judge-server.js';
import { runCli } from './support/run-cli.js';
import { useFakeJudge } from './support/use-fake-judge.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'openai-graders');
const fixture = (name: string) => join(FIXTURES, name);
const server = useFakeJudge();

let savedKey: string | undefined;
beforeAll(() => {
  savedKey = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = 'test-key';
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});

/** Imports `grader` with the CLI into a fresh folder; returns the spec path. */
async function importToSpec(grader: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rewardkit-import-openai-'));
  const spec = join(dir, 'spec.yaml');
  const { code, stdout, stderr } = await runCli('import', 'openai-grader', grader, '--output', spec);
  expect(stderr).toBe('');
  expect(stdout).toMatch(/the spec validates\n/);
  expect(code).toBe(0);
  return spec;
}

/** Every openai model of the spec pointed at the fake server, no retries. */
function atFakeServer(spec: RewardSpec): RewardSpec {
  return {
    ...spec,
    judges: spec.judges.map((judge) =>
      judge.model?.provider === 'openai' ? { ...judge, model: { ...judge.model, base_url: server.url, max_retries: 0 } } : judge,
    ),
  };
}

async function scoreRows(specPath: string, rows: readonly unknown[]): Promise<RewardResult[]> {
  const opened = await openReward({ spec: specPath, transform: atFakeServer, preflight: false });
  try {
    return await opened.reward.scoreBatch(rows);
  } finally {
    opened.close();
  }
}

const row = (answer: string, fields: Record<string, unknown> = {}) => ({
  messages: [
    { role: 'user', content: 'Answer the question.' },
    { role: 'assistant', content: answer },
  ],
  ...fields,
});

describe('the graders guide: multigrader example (name by fuzzy_match, email by eq, "(name + email) / 2")', () => {
  // the guide: "samples with a wrong email score between 0 and 0.5, samples with the right email between 0.5 and 1.0"
  it('scores a right email in [0.5, 1] and a wrong one in [0, 0.5]', async () => {
    const spec = await importToSpec(fixture('guide-multi-name-email.json'));
    const item = { name: 'John Doe', email: 'john.doe@gmail.com' };
    const results = await scoreRows(spec, [
      row(JSON.stringify({ name: 'John Doe', email: 'john.doe@gmail.com' }), item),
      row(JSON.stringify({ name: 'Jon Doe', email: 'john.doe@gmail.com' }), item),
      row(JSON.stringify({ name: 'John Doe', email: 'john@gmail.com' }), item),
      row(JSON.stringify({ name: 'Jane Roe', email: 'jane@gmail.com' }), item),
    ]);
    // fuzzy_match (rapidfuzz ratio): "Jon Doe" vs "John Doe" = 1 − 1/15 = 0.933333; "Jane Roe" vs "John Doe" = 1 − 6/16 = 0.625
    expect(results.map((result) => result.reward)).toEqual([1, 0.966667, 0.5, 0.3125]);
    expect(results.map((result) => [result.metrics.name, result.metrics.name_pass, result.metrics.email])).toEqual([
      [1, 1, 1],
      [0.933333, 1, 1],
      [1, 1, 0],
      [0.625, 0, 0],
    ]);
  });
});

const scoreReply = (result: number): FakeReply => ({
  content: JSON.stringify({ steps: [{ description: 'compared the answers', conclusion: 'close' }], result }),
});

describe('the graders guide: score model grader (its runnable example, a {"grader", "item", "model_sample"} run payload)', () => {
  it('sends the messages with the row values to the grader model and scores its "result"; pass_threshold 0.5', async () => {
    const spec = await importToSpec(fixture('guide-score-model-run.json'));
    server.setScript((request: FakeRequest) => scoreReply(request.user.includes('0.9') ? 0.5 : 0));
    // the run payload's item and model_sample as a row: {"reference_answer": 1.0}, "0.9"
    const [result] = await scoreRows(spec, [row('0.9', { reference_answer: 1.0 })]);
    expect(result!.reward).toBe(0.5);
    expect(result!.metrics).toMatchObject({ my_score_model: 0.5, my_score_model_pass: 1 });
    const [request] = server.requests;
    expect(request!.model).toBe('o4-mini-2025-04-16');
    expect(request!.body).toMatchObject({ reasoning_effort: 'medium', max_completion_tokens: 32768 });
    // a reasoning model takes no temperature or top_p: the OpenAI SDK leaves them out, as OpenAI's API requires
    expect([request!.body.temperature, request!.body.top_p]).toEqual([undefined, undefined]);
    const messages = request!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((message) => message.role)).toEqual(['developer', 'user']); // o4-mini: the system message as developer
    expect(messages[0]!.content).toMatch(/^You are an expert grader\. If the reference and model answer are exact matches/);
    expect(messages[1]!.content).toMatch(
      /^Reference: <<<BEGIN REFERENCE [0-9a-f]{12}>>>\n1\n<<<END REFERENCE [0-9a-f]{12}>>>\. Model answer: <<<BEGIN RESPONSE/,
    );
    expect(messages[1]!.content).toMatch(/\n0\.9\n<<<END RESPONSE [0-9a-f]{12}>>>\n\nReply with only a JSON object of this form/);
  });

  it('below the threshold does not pass; a reply without a result is a judge error, not a guess', async () => {
    const spec = await importToSpec(fixture('guide-score-model-run.json'));
    server.setScript(() => scoreReply(0.25));
    const [low] = await scoreRows(spec, [row('2', { reference_answer: 1.0 })]);
    expect(low!.reward).toBe(0.25);
    expect(low!.metrics.my_score_model_pass).toBe(0);
    server.setScript(() => ({ content: 'I think it is fine.' }));
    const [unread] = await scoreRows(spec, [row('2', { reference_answer: 1.0 })]);
    expect(unread!.flags).toContain('judge_error');
    expect(unread!.components[0]!.error?.kind).toBe('parse_error');
  });
});

describe('the API reference examples', () => {
  it('string check grader ({{sample.output_text}} eq {{item.label}})', async () => {
    const spec = await importToSpec(fixture('reference-string-check.json'));
    const results = await scoreRows(spec, [row('positive', { label: 'positive' }), row('Positive', { label: 'positive' })]);
    expect(results.map((result) => result.reward)).toEqual([1, 0]);
  });

  it('text similarity grader (fuzzy_match)', async () => {
    const spec = await importToSpec(fixture('reference-text-similarity.json'));
    // rapidfuzz ratio: 1 − indel distance / total length; "kitten" vs "sitting": 1 − 5/13
    const results = await scoreRows(spec, [row('positive', { label: 'positive' }), row('kitten', { label: 'sitting' })]);
    expect(results.map((result) => result.reward)).toEqual([1, 0.615385]);
  });

  it('score model grader: seed, reasoning effort and token budget go to the model', async () => {
    const spec = await importToSpec(fixture('reference-score-model.json'));
    server.setScript(() => scoreReply(1));
    const [result] = await scoreRows(spec, [row('Paris', { label: 'Paris' })]);
    expect(result!.reward).toBe(1);
    expect(server.requests[0]!.body).toMatchObject({ seed: 42, reasoning_effort: 'medium', max_completion_tokens: 32768 });
    expect(server.requests[0]!.user).toMatch(/ Reference answer: <<<BEGIN METADATA\.LABEL [0-9a-f]{12}>>>\nParis\n/);
  });

  it('label model grader: passing label "positive" scores 1, "neutral" and "negative" 0', async () => {
    const spec = await importToSpec(fixture('reference-label-model.json'));
    server.setScript((request) => ({
      content: `The statement is upbeat.\n${request.user.includes('I love it') ? 'positive' : 'neutral'}`,
    }));
    const results = await scoreRows(spec, [row('ok', { response: 'I love it' }), row('ok', { response: 'It is a chair' })]);
    expect(results.map((result) => [result.reward, result.metrics.first_label_grader_pass])).toEqual([
      [1, 1],
      [0, 0],
    ]);
    expect(server.requests[0]!.system).toMatch(
      /^Classify the sentiment of the following statement as one of positive, neutral, or negative\n\n/,
    );
    expect(server.requests[0]!.user).toMatch(
      /^Statement: <<<BEGIN METADATA\.RESPONSE [0-9a-f]{12}>>>\nI love it\n<<<END METADATA\.RESPONSE [0-9a-f]{12}>>>\n\nAfter your explanation, write on the last line only one of: positive, neutral, negative\.$/,
    );
  });
});

describe('beyond the doc examples', () => {
  /** Writes `grader` as a JSON file in a fresh folder and imports it. */
  async function importGrader(grader: unknown): Promise<string> {
    const file = join(mkdtempSync(join(tmpdir(), 'rewardkit-import-openai-')), 'grader.json');
    writeFileSync(file, JSON.stringify(grader, null, 2));
    return importToSpec(file);
  }

  it('multi with a score_model on [0, 10]: the formula reads its OpenAI output; sampling parameters reach a non-reasoning model', async () => {
    const spec = await importGrader({
      type: 'multi',
      graders: {
        quality: {
          type: 'score_model',
          name: 'Quality',
          model: 'gpt-4.1-2025-04-14',
          input: [{ role: 'user', content: 'Rate 0-10: {{sample.output_text}}' }],
          range: [0, 10],
          sampling_params: { temperature: 0.2, top_p: 0.9, seed: 7 },
        },
        exact: {
          type: 'string_check',
          name: 'Exact',
          input: '{{sample.output_text}}',
          reference: '{{item.reference_answer}}',
          operation: 'eq',
        },
      },
      calculate_output: '(quality / 10 + exact) / 2',
    });
    server.setScript(() => scoreReply(8));
    const results = await scoreRows(spec, [row('Paris', { reference_answer: 'Paris' }), row('Lyon', { reference_answer: 'Paris' })]);
    // OpenAI: (8 / 10 + 1) / 2 = 0.9 and (8 / 10 + 0) / 2 = 0.4
    expect(results.map((result) => result.reward)).toEqual([0.9, 0.4]);
    expect(results[0]!.metrics.quality).toBe(0.8);
    expect(server.requests[0]!.body).toMatchObject({ model: 'gpt-4.1-2025-04-14', temperature: 0.2, top_p: 0.9, seed: 7 });
  });

  it('text_similarity cosine: the embedding judge on text-embedding-3-large', async () => {
    const spec = await importGrader({
      type: 'text_similarity',
      name: 'Meaning',
      input: '{{sample.output_text}}',
      reference: '{{item.reference_answer}}',
      evaluation_metric: 'cosine',
    });
    const vectors: Record<string, number[]> = { 'Paris is the capital.': [3, 4], 'The capital is Paris.': [4, 3] };
    server.setScript((request) => ({ embeddings: (request.input ?? []).map((text) => vectors[text] ?? [0, 1]) }));
    const [result] = await scoreRows(spec, [row('Paris is the capital.', { reference_answer: 'The capital is Paris.' })]);
    expect(result!.reward).toBe(0.96); // cos = (3·4 + 4·3) / (5 · 5)
    expect(server.requests[0]!.model).toBe('text-embedding-3-large');
  });
});

describe('doc examples that cannot be imported: the import stops and says why', () => {
  it.each([
    [
      'guide-python.json',
      [
        'guide-python.json:2:3  type: python graders are not supported: the unnamed grader; nearest rewardkit checks: match (exact / contains / regex / numeric), similarity (fuzzy_match, bleu, gleu, meteor, rouge), json (JSON Schema), or a rubric judge for what code cannot check (got "python")',
      ],
    ],
    [
      'guide-tool-call-multi.json',
      [
        'guide-tool-call-multi.json:8:7  graders.function_name.reference: {{sample.output_tools[0].function.name}} is not supported: the rollout\'s tool calls have no rewardkit selector (rewardkit scores the final assistant answer; tool calls reach judges only as context) (got "{{sample.output_tools[0].function.name}}")',
        'guide-tool-call-multi.json:14:7  graders.arguments.input: text mixed with template variables has no exact rewardkit equivalent (a check compares one field); expected exactly one variable such as {{item.FIELD}}, or a fixed text (got "{\\"smiles\\": \\"{{item.smiles}}\\"}")',
        'guide-tool-call-multi.json:15:7  graders.arguments.reference: {{sample.output_tools[0].function.arguments}} is not supported: the rollout\'s tool calls have no rewardkit selector (rewardkit scores the final assistant answer; tool calls reach judges only as context) (got "{{sample.output_tools[0].function.arguments}}")',
      ],
    ],
    [
      'reference-multi.json',
      [
        'reference-multi.json:4:14  graders: expected an object of graders, each under its key (the formula variable) (got [{"type":"text_similarity","name":"example text similarity g…)',
      ],
    ],
  ])('%s', async (name, lines) => {
    const { code, stdout, stderr } = await runCli('import', 'openai-grader', fixture(name));
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe(`cannot import OpenAI grader ${fixture(name)}:\n${lines.map((line) => `  ${join(FIXTURES, line)}`).join('\n')}\n`);
  });
});

describe('the CLI', () => {
  it('prints a spec without template files to stdout (the notes as comments, and on stderr)', async () => {
    const { code, stdout, stderr } = await runCli('import', 'openai-grader', fixture('reference-string-check.json'));
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^# Imported by "rewardkit import openai-grader" from .*reference-string-check\.json\.\n# Notes on the mapping:\n# - Rows are Nova RFT rows/,
    );
    expect(stdout).toContain(
      '\nchecks:\n  - type: match\n    name: example_string_check_grader\n    case_sensitive: true\n    trim: false\n    mode: exact\n    field: response\n    expected: metadata.label\n',
    );
    expect(stderr).toMatch(/^Notes on the mapping:\n {2}- Rows are Nova RFT rows/);
  });

  it('needs --output for a spec with template files', async () => {
    const { code, stderr } = await runCli('import', 'openai-grader', fixture('reference-label-model.json'));
    expect(code).toBe(2);
    expect(stderr).toBe(
      'import: the imported spec refers to templates/first_label_grader.yaml; give --output SPEC.yaml to write it beside the spec\nRun "rewardkit import --help" for usage.\n',
    );
  });

  it('writes the spec and its templates, refuses to overwrite them, and replaces them with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-import-openai-'));
    const spec = join(dir, 'spec.yaml');
    const template = join(dir, 'templates', 'first_label_grader.yaml');
    const first = await runCli('import', 'openai-grader', fixture('reference-label-model.json'), '--output', spec);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `^imported OpenAI grader .*reference-label-model\\.json → ${spec}, ${template} \\(0 checks, 1 judges\\); the spec validates\\n`,
      ),
    );
    expect(readFileSync(template, 'utf8')).toMatch(/^# Judge template imported by "rewardkit import openai-grader"/);
    writeFileSync(template, 'edited\n');
    const again = await runCli('import', 'openai-grader', fixture('reference-label-model.json'), '--output', spec);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `import: not overwriting ${spec}, ${template}; give --force to replace them\nRun "rewardkit import --help" for usage.\n`,
    );
    expect(readFileSync(template, 'utf8')).toBe('edited\n');
    const forced = await runCli('import', 'openai-grader', fixture('reference-label-model.json'), '--output', spec, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(template, 'utf8')).toMatch(/^# Judge template imported/);
    const validate = await runCli('validate', '--spec', spec);
    expect(validate.code).toBe(0);
  });

  it('usage errors (exit 2): what to import, the file; an unreadable file exits 4', async () => {
    expect(await runCli('import')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^import: expected what to import: one of openai-grader, promptfoo\n/),
    });
    expect(await runCli('import', 'langsmith', 'x.json')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^import: unknown import "langsmith"; expected one of openai-grader, promptfoo\n/),
    });
    expect(await runCli('import', 'openai-grader')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^import: expected the file to import: rewardkit import openai-grader FILE\n/),
    });
    const missing = join(tmpdir(), 'rewardkit-no-such-grader.json');
    expect(existsSync(missing)).toBe(false);
    expect(await runCli('import', 'openai-grader', missing)).toEqual({
      code: 4,
      stdout: '',
      stderr: `cannot import OpenAI grader ${missing}:\n  ${missing}  (spec): cannot read the grader file: ENOENT\n`,
    });
    expect((await runCli('import', '--help')).stdout).toMatch(/^Usage: rewardkit import openai-grader GRADER\.json/);
  });
});
