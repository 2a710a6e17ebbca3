/**
 * `rewardkit import promptfoo` end to end on a realistic config (test/fixtures/promptfoo/promptfooconfig.yaml): the
 * import asks the fake OpenAI server for g-eval's evaluation steps (once, through the model layer), the imported spec
 * is written, loaded back with loadSpec, and scored on rows through the real reward, its judges answered by the fake
 * server in each promptfoo template's own reply format (llm-rubric JSON with "score", g-eval JSON with a 0–10
 * "score", factuality JSON with "category", closedqa's trailing Y/N); contains-json finds the status block in the
 * prose. Then the CLI: the import writes a spec that validates — offline with --g-eval-steps, or asking a --judge —
 * and a config it cannot import exits 2 with every problem listed.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { writeStepsWithModel, type StepsWriter } from '../src/import/promptfoo/g-eval-steps.js';
import { importPromptfoo } from '../src/import/promptfoo/import-promptfoo.js';
import { createReward } from '../src/reward.js';
import { loadSpec } from '../src/spec/load-spec.js';
import type { FakeRequest } from './support/fake-judge-server.js';
import { runCli } from './support/run-cli.js';
import { useFakeJudge } from './support/use-fake-judge.js';

const FIXTURE = 'test/fixtures/promptfoo/promptfooconfig.yaml';
const judge = useFakeJudge();

const rows = [
  {
    id: 'good',
    prompt: 'You are a support agent for Acme Cloud. Answer the customer: How do I reset my password?',
    // the status block is what promptfoo's contains-json reads leniently: unquoted, a // comment, never closed
    response:
      'Hi, Acme support here about ticket T-1001: use the "Forgot password" link on the sign-in page; the email comes within minutes.\n' +
      'Status: {status: resolved, // closed by the bot\n  ticket: T-1001',
    reference: 'Use the "Forgot password" link on the sign-in page; the reset email arrives within five minutes.',
    ticket_id: 'T-1001',
  },
  {
    id: 'bad',
    prompt: 'You are a support agent for Acme Cloud. Answer the customer: Can I get a refund after 40 days?',
    response: 'We guarantee a full refund at any time. (ticket T-1003) {"status": "pending"}',
    reference: 'Refunds are possible within 30 days of purchase only.',
    ticket_id: 'T-1002',
  },
];

const CLARITY = 'The answer is coherent and easy to follow for a customer with no technical background.';
const STEPS = [
  'Read the answer as a customer would.',
  'Check that each step follows from the last.',
  'Check that no jargon is left unexplained.',
];

/** Replies in each promptfoo template's format: row "good" passes everything, row "bad" fails. */
function promptfooGrader(request: FakeRequest) {
  const good = request.user.includes('T-1001');
  if (request.user.includes('Write 3-4 short evaluation steps')) {
    return { content: `Here are the steps:\n${JSON.stringify({ steps: STEPS })}` };
  }
  if (request.system.includes('You rate one reply to a prompt on a single metric')) {
    return { content: good ? '{"score":8,"reason":"Plain words, in order."}' : '{"score":"3","reason":"Jumps to a promise."}' };
  }
  if (request.system.includes('You grade a piece of output against a rubric')) {
    return {
      content: good ? '{"reason": "Courteous.", "pass": true, "score": 0.9}' : '{"reason": "Curt.", "pass": false, "score": "0.4"}',
    };
  }
  if (request.system.includes('You judge factual agreement')) {
    return {
      content: good
        ? '{"category": "A", "reason": "A subset of the expert answer."}'
        : '{"category": "d", "reason": "Contradicts the 30-day window."}',
    };
  }
  if (request.system.includes('You decide whether a submitted answer to a task meets one criterion')) {
    return { content: good ? 'It names the link to use.\nY\nY' : 'No next step is given.\nN\nN  \n' };
  }
  return { status: 500, body: { error: { message: `unexpected prompt: ${request.system.slice(0, 60)}` } } };
}

/** The grader models the import asked for g-eval's steps (each sent on to the fake judge instead). */
const stepsModels: string[] = [];

/** Writes the imported spec (judge models pointed at the fake judge) and its files into a new folder; returns the spec path. */
async function writeImported(judgeUrl: string): Promise<string> {
  const fake = { provider: 'openai-compatible', model: 'fake-judge', base_url: judgeUrl, max_retries: 0 };
  const writeSteps: StepsWriter = (criteria, model) => {
    stepsModels.push(`${model.provider}:${model.model}`);
    return writeStepsWithModel(criteria, { ...model, ...fake } as Parameters<StepsWriter>[1]);
  };
  const { spec, files } = await importPromptfoo(FIXTURE, { writeSteps });
  const judges = (spec.judges as Array<Record<string, unknown>>).map((entry) => (entry.model ? { ...entry, model: fake } : entry));
  const dir = mkdtempSync(join(tmpdir(), 'rk-promptfoo-e2e-'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  const path = join(dir, 'spec.yaml');
  writeFileSync(path, stringifyYaml({ ...spec, judge_model: fake, judges }));
  return path;
}

describe('an imported promptfoo config, scored', () => {
  it('loads with loadSpec and gives promptfoo weighted scores on rows', async () => {
    judge.setScript(promptfooGrader);
    stepsModels.length = 0;
    const { spec } = loadSpec(await writeImported(judge.url));
    // the steps: one call at import, to the config's grader, with the criteria and no row
    expect(stepsModels).toEqual(['openai:gpt-4o-mini']);
    expect(judge.requests).toHaveLength(1);
    expect(judge.requests[0]!.system).toBe('');
    expect(judge.requests[0]!.user).toContain(CLARITY);
    expect(judge.requests[0]!.body.response_format).toBeUndefined();
    expect(spec.checks.map((check) => check.name)).toEqual(['icontains', 'not_contains', 'not_regex', 'contains_json', 'contains']);
    expect(spec.judges.map((entry) => entry.name)).toEqual(['tone_politeness', 'factuality', 'clarity', 'model_graded_closedqa']);
    const clarity = spec.judges[2]!;
    expect(clarity.type === 'rubric' && clarity.criteria?.map((step) => step.description)).toEqual(STEPS);
    const reward = createReward(spec);
    const [good, bad] = [await reward.score(rows[0]), await reward.score(rows[1])];

    // weights: icontains 0.5, not-contains 1, not-regex 1, contains-json 1, contains 1, llm-rubric 2, factuality 2,
    // g-eval 2, closedqa 1 (sum 11.5)
    // good: 0.5·1 + 1 + 1 + 1 ({status: resolved, …} found) + 1 + 2·0.9 + 2·0.75 (category A, subset: 0.75)
    //       + 2·0.8 (g-eval 8/10) + 1·1 = 10.4 → 10.4 / 11.5
    expect(good.metrics).toMatchObject({
      icontains: 1,
      not_contains: 1,
      not_regex: 1,
      contains_json: 1,
      contains: 1,
      tone_politeness: 0.9,
      tone_politeness_pass: 1,
      factuality: 0.75,
      clarity: 0.8,
      clarity_pass: 1,
      model_graded_closedqa: 1,
    });
    expect(good.reward).toBeCloseTo(10.4 / 11.5, 6);
    // bad: no "acme" 0, no AI disclaimer 1, "guarantee" 0, status "pending" not in the enum 0, wrong ticket 0,
    //      rubric "0.4" 0.4, category d 0, g-eval "3" → 0.3, N 0 → 1 + 2·0.4 + 2·0.3 = 2.4 → 2.4 / 11.5
    expect(bad.metrics).toMatchObject({
      icontains: 0,
      not_contains: 1,
      not_regex: 0,
      contains_json: 0,
      contains: 0,
      tone_politeness: 0.4,
      tone_politeness_pass: 0,
      factuality: 0,
      clarity: 0.3,
      clarity_pass: 0,
      model_graded_closedqa: 0,
    });
    expect(bad.reward).toBeCloseTo(2.4 / 11.5, 6);
  });

  it("shows g-eval's grader the criteria, the steps written at import, the prompt and the reply", async () => {
    judge.setScript(promptfooGrader);
    const { spec } = loadSpec(await writeImported(judge.url));
    judge.requests.length = 0;
    await createReward(spec).score(rows[0]);
    const scoring = judge.requests.filter((request) => request.system.includes('on a single metric'));
    expect(scoring).toHaveLength(1);
    expect(scoring[0]!.user).toContain(`## Evaluation criteria\n${CLARITY}`);
    expect(scoring[0]!.user).toContain(`## Evaluation steps\n${STEPS.map((step, index) => `- step_${index + 1}: ${step}`).join('\n')}`);
    expect(scoring[0]!.user).toContain('How do I reset my password?');
    expect(scoring[0]!.user).toContain('the email comes within minutes.');
    expect(judge.requests.some((request) => request.user.includes('Write 3-4 short evaluation steps'))).toBe(false);
  });

  it('makes a g-eval score outside 0–10 a judge error, as promptfoo fails it', async () => {
    judge.setScript((request) =>
      request.system.includes('on a single metric') ? { content: '{"score":11,"reason":"Very clear."}' } : promptfooGrader(request),
    );
    const { spec } = loadSpec(await writeImported(judge.url));
    const result = await createReward(spec).score(rows[0]);
    const clarity = result.components.find((component) => component.name === 'clarity')!;
    expect(clarity.status).toBe('error');
    expect(clarity.error).toEqual({ kind: 'out_of_scale', message: 'answer: rating 11 outside the scale [0, 10]' });
  });

  it('shows each grader what promptfoo shows it: llm-rubric the output and rubric only, factuality the expert answer', async () => {
    judge.setScript(promptfooGrader);
    const { spec } = loadSpec(await writeImported(judge.url));
    await createReward(spec).score(rows[0]);
    const rubric = judge.requests.find((request) => request.system.includes('against a rubric'))!;
    expect(rubric.user).toContain('The answer is polite and does not blame the customer.');
    expect(rubric.user).toContain(rows[0]!.response);
    expect(rubric.user).not.toContain('How do I reset my password?');
    expect(rubric.body.response_format).toBeUndefined();
    const factuality = judge.requests.find((request) => request.system.includes('factual agreement'))!;
    expect(factuality.user).toContain(rows[0]!.reference);
    expect(factuality.user).toContain('How do I reset my password?');
    const closedqa = judge.requests.find((request) => request.system.includes('meets one criterion'))!;
    expect(closedqa.user).toContain('The answer tells the customer what to do next.');
  });

  it('makes an unreadable grader reply a judge error with the raw reply kept (promptfoo would score it 0)', async () => {
    judge.setScript((request) =>
      request.system.includes('meets one criterion') ? { content: 'I am not sure.' } : promptfooGrader(request),
    );
    const { spec } = loadSpec(await writeImported(judge.url));
    const result = await createReward(spec).score(rows[0]);
    const closedqa = result.components.find((component) => component.name === 'model_graded_closedqa')!;
    expect(closedqa.status).toBe('error');
    expect(closedqa.error).toEqual({ kind: 'parse_error', message: 'answer: unknown verdict "."; expected one of Y, N' });
  });
});

describe('rewardkit import promptfoo', () => {
  it('writes a spec that validates, with the notes as comments, offline with --g-eval-steps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rk-promptfoo-cli-'));
    const output = join(dir, 'spec.yaml');
    writeFileSync(join(dir, 'steps.yaml'), `clarity:\n${STEPS.map((step) => `  - ${step}`).join('\n')}\n`);
    const result = await runCli('import', 'promptfoo', FIXTURE, '--output', output, '--g-eval-steps', join(dir, 'steps.yaml'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`imported promptfoo config ${FIXTURE} → ${output} (5 checks, 4 judges); the spec validates`);
    const written = readFileSync(output, 'utf8');
    expect(written).toContain('template: promptfoo-llm-rubric');
    expect(written).toContain('template: promptfoo-g-eval');
    expect(written).toContain('extract: anywhere');
    expect(written).toContain(`      - id: step_2\n        description: ${STEPS[1]}`);
    expect(written).toContain('# - The var "expected_answer" (factuality\'s expert answer) is read from the row\'s reference');
    expect(written).toContain(`# - clarity: the evaluation steps (its criteria list) were read from ${join(dir, 'steps.yaml')}.`);
  });

  it('asks the --judge grader for the steps when the config names none, and the spec scores with it', async () => {
    judge.setScript(promptfooGrader);
    const dir = mkdtempSync(join(tmpdir(), 'rk-promptfoo-cli-'));
    const config = join(dir, 'promptfooconfig.yaml');
    writeFileSync(
      config,
      `defaultTest:\n  assert:\n    - {type: g-eval, value: "${CLARITY}"}\n    - {type: not-contains-json, value: {required: [error]}}\n`,
    );
    const output = join(dir, 'spec.yaml');
    const result = await runCli(
      'import',
      'promptfoo',
      config,
      '--output',
      output,
      '--judge',
      'openai-compatible:fake-judge',
      '--judge-base-url',
      judge.url,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(judge.requests.map((request) => request.model)).toEqual(['fake-judge']);
    expect(result.stdout).toContain(
      'g_eval: the evaluation steps (its criteria list) were written at import by openai-compatible:fake-judge',
    );
    const { spec } = loadSpec(output);
    expect(spec.judge_model).toMatchObject({ provider: 'openai-compatible', model: 'fake-judge', base_url: judge.url });
    const scored = await createReward(spec).score({ ...rows[0]!, response: `${rows[0]!.response}\n{error: none}` });
    // g-eval 8/10; not-contains-json: {status, ticket} lacks "error" but {error: none} has it → 0; (0.8 + 0) / 2
    expect(scored.metrics).toMatchObject({ g_eval: 0.8, g_eval_pass: 1, not_contains_json: 0 });
    expect(scored.reward).toBeCloseTo(0.4, 6);
  });

  it('exits 3 listing every problem with file:line:column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rk-promptfoo-cli-'));
    const config = join(dir, 'promptfooconfig.yaml');
    writeFileSync(
      config,
      'defaultTest:\n  assert:\n    - type: javascript\n      value: output.length < 50\n    - {type: not-g-eval, value: Clear}\n',
    );
    const result = await runCli('import', 'promptfoo', config);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${config}:3:7  defaultTest.assert[0].type: not supported: javascript — it runs your JavaScript`);
    expect(result.stderr).toContain(
      `${config}:5:8  defaultTest.assert[1].type: not supported: not-g-eval — promptfoo scores it 1 − the grader's score`,
    );
  });
});
