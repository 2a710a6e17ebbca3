/**
 * The composer end to end against the fake judge over real HTTP: weighted composition, gates that skip
 * the judge, the neutral fallback after exhausted retries, empty responses, on_judge_error: drop.
 */
import { describe, expect, it } from 'vitest';
import { useFakeJudge } from '../test/support/use-fake-judge.js';
import { criteriaVerdict, testSpec } from '../test/support/test-spec.js';
import { createReward } from './reward.js';
import { specHash } from './spec/spec-hash.js';
import { builtinTemplatePath } from './judges/judge-template.js';
import { loadTemplate } from './spec/judge-template-file.js';

const judge = useFakeJudge();

const rubric = {
  type: 'rubric',
  name: 'quality',
  weight: 2,
  criteria: [
    { id: 'correct', description: 'The answer is correct', weight: 3 },
    { id: 'concise', description: 'The answer is concise', weight: 1 },
  ],
};

describe('createReward', () => {
  it('composes checks and judge into the weighted mean', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: false }) }));
    const reward = createReward(testSpec(judge.url, { checks: [{ type: 'length', unit: 'words', max: 4, ramp: 4 }], judges: [rubric] }));
    const result = await reward.score({ id: 'r1', prompt: 'What is 2+2?', response: 'It is four, I think.' });
    // length: 5 words, max 4, ramp 4 → 1 − 1/4 = 0.75 (weight 1); judge: 3/4 = 0.75 (weight 2) → 0.75
    expect(result.reward).toBe(0.75);
    expect(result.metrics).toMatchObject({ length: 0.75, quality: 0.75, judge_calls: 1, judge_attempts: 1, judge_error: 0, gated: 0 });
    expect(result.components[1]!.rationale).toBe('correct: PASS — correct met\nconcise: FAIL — concise not met');
    expect(judge.requests).toHaveLength(1);
  });

  it('carries provenance: the spec hash on the result, the model, template version and cache use of every call', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: true }) }));
    const spec = testSpec(judge.url, { judges: [rubric] });
    const reward = createReward(spec);
    const row = { id: 'p1', prompt: 'q', response: 'a' };
    const [first, second] = await Promise.all([reward.score(row), reward.score(row)]); // the second shares the first's call
    expect(first.spec_hash).toBe(specHash(spec));
    expect(first.components[0]!.calls!.map((call) => [call.model, call.template_version, call.cached])).toEqual([
      [`openai-compatible:fake-judge@${judge.url}`, loadTemplate(builtinTemplatePath('rubric-criteria')).version, false],
    ]);
    expect(second.components[0]!.calls!.map((call) => call.cached)).toEqual([true]);
    expect(judge.requests).toHaveLength(1);
    expect(createReward(spec, { specHash: 'from-the-source-spec' }).specHash).toBe('from-the-source-spec');
  });

  it('maps the mean into a custom output range', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: false }) }));
    const reward = createReward(testSpec(judge.url, { judges: [rubric], aggregate: { range: [-1, 1] } }));
    const result = await reward.score({ prompt: 'q', response: 'a' });
    expect(result.reward).toBe(0.5); // −1 + 2 × 0.75
  });

  it('a failed gate sets the floor and never calls the judge', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: true }) }));
    const reward = createReward(
      testSpec(judge.url, { checks: [{ type: 'json', name: 'format', gate: { min_score: 1, floor: 0.1 } }], judges: [rubric] }),
    );
    const result = await reward.score({ id: 'g', prompt: 'q', response: 'not json' });
    expect(result).toMatchObject({ reward: 0.1, gated_by: 'format', flags: ['gated'], neutral: false });
    expect(result.components.map((component) => [component.name, component.status])).toEqual([
      ['format', 'scored'],
      ['quality', 'skipped'],
    ]);
    expect(judge.requests).toHaveLength(0);
  });

  it('returns the neutral reward, flagged, after retries are exhausted', async () => {
    judge.setScript(() => ({ status: 503 }));
    const reward = createReward(testSpec(judge.url, { checks: [{ type: 'length', max: 100 }], judges: [rubric] }), { random: () => 0.5 });
    const result = await reward.score({ id: 'n', prompt: 'q', response: 'answer' });
    expect(result).toMatchObject({ id: 'n', reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(result.metrics.judge_error).toBe(1);
    const failed = result.components.find((component) => component.name === 'quality')!;
    expect(failed.status).toBe('error');
    expect(failed.error!.kind).toBe('server_error');
    expect(failed.calls![0]!.attempts).toBe(3); // 1 try + max_retries 2
    expect(judge.requests).toHaveLength(3);
  });

  it('honours a custom neutral value', async () => {
    judge.setScript(() => ({ content: 'I cannot decide.' }));
    const reward = createReward(testSpec(judge.url, { judges: [rubric], aggregate: { neutral: 0.3 } }));
    const result = await reward.score({ prompt: 'q', response: 'a' });
    expect(result).toMatchObject({ reward: 0.3, neutral: true, flags: ['judge_error'] });
    expect(result.components[0]!.error).toEqual({
      kind: 'parse_error',
      message: 'answer: no JSON object found in judge reply: "I cannot decide."',
    });
    expect(judge.requests).toHaveLength(1); // a parse error is not retried
  });

  it('on_judge_error: drop leaves the failed judge out of the mean', async () => {
    judge.setScript(() => ({ status: 400 }));
    const reward = createReward(
      testSpec(judge.url, { checks: [{ type: 'length', max: 1, ramp: 4 }], judges: [rubric], aggregate: { on_judge_error: 'drop' } }),
    );
    const result = await reward.score({ prompt: 'q', response: 'three word answer' });
    expect(result).toMatchObject({ reward: 0.5, neutral: false, flags: ['judge_error'] }); // length only: 1 − 2/4
    expect(judge.requests).toHaveLength(1); // 400 is not retried
  });

  it('on_judge_error: null (YAML null or "null") gives no reward, flagged judge_error, not neutral and not a row error', async () => {
    judge.setScript(() => ({ status: 400 }));
    for (const mode of [null, 'null']) {
      const reward = createReward(
        testSpec(judge.url, { checks: [{ type: 'length', max: 1, ramp: 4 }], judges: [rubric], aggregate: { on_judge_error: mode } }),
      );
      const result = await reward.score({ id: 'x', prompt: 'q', response: 'three word answer' });
      expect(result).toMatchObject({ id: 'x', reward: null, neutral: false, flags: ['judge_error'] });
      expect(result.error).toBeUndefined();
      expect(result.metrics).toMatchObject({ length: 0.5, judge_error: 1, judge_calls: 1 });
      expect(result.components.map((component) => [component.name, component.status])).toEqual([
        ['length', 'scored'],
        ['quality', 'error'],
      ]);
    }
    // a judge that answers still gives a number
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: true }) }));
    const healthy = createReward(testSpec(judge.url, { judges: [rubric], aggregate: { on_judge_error: 'null' } }));
    expect((await healthy.score({ prompt: 'q', response: 'a' })).reward).toBe(1);
  });

  it('scores an empty or whitespace response at the low end without any call', async () => {
    const reward = createReward(testSpec(judge.url, { judges: [rubric], aggregate: { range: [-1, 1] } }));
    for (const response of ['', '   \n\t ']) {
      const result = await reward.score({ id: 'e', prompt: 'q', response });
      expect(result).toMatchObject({ id: 'e', reward: -1, flags: ['empty_response'], components: [] });
    }
    expect(judge.requests).toHaveLength(0);
  });

  it('cuts an over-long response for the judge and flags it', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: true }) }));
    const reward = createReward(testSpec(judge.url, { judges: [rubric], aggregate: { max_response_chars: 10 } }));
    const result = await reward.score({ prompt: 'q', response: 'abcdefghijKLMNOP' });
    expect(result.flags).toEqual(['response_cut_for_judge']);
    expect(result.reward).toBe(1);
    expect(judge.requests[0]!.user).toContain(
      '<<<BEGIN RESPONSE f36d366a891b>>>\nabcdefghij\n[… cut for judging]\n<<<END RESPONSE f36d366a891b>>>',
    );
    expect(judge.requests[0]!.user).not.toContain('KLMNOP');
  });

  it('reports an unreadable row as a per-row error naming the field', async () => {
    const reward = createReward(testSpec(judge.url, { judges: [rubric] }));
    const result = await reward.score({ id: 'bad', messages: [{ role: 'user', content: 'hi' }] });
    expect(reward.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result).toEqual({
      id: 'bad',
      spec_hash: reward.specHash,
      reward: null,
      neutral: false,
      gated_by: null,
      flags: ['row_error'],
      metrics: {},
      components: [],
      error: { field: 'messages', message: 'messages: expected the rollout as the last message with role "assistant", got role "user"' },
    });
  });

  it('leaves an undetermined check out of the mean', async () => {
    const reward = createReward(
      testSpec(judge.url, {
        checks: [
          { type: 'language', expect: 'en' },
          { type: 'length', max: 1, ramp: 2 },
        ],
      }),
    );
    const result = await reward.score({ prompt: 'q', response: 'ok fine' });
    expect(result.components[0]!.status).toBe('undetermined');
    expect(result.reward).toBe(0.5); // only length: 1 − 1/2
  });

  it('is neutral and flagged when nothing could score', async () => {
    const reward = createReward(testSpec(judge.url, { checks: [{ type: 'language', expect: 'en' }] }));
    const result = await reward.score({ prompt: 'q', response: 'ok' });
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['nothing_scored'] });
  });

  it('scoreBatch keeps input order and uses fallback ids', async () => {
    judge.setScript((request) => ({
      content: criteriaVerdict({ correct: request.user.includes('right'), concise: true }),
      delayMs: request.user.includes('slow') ? 60 : 0,
    }));
    const reward = createReward(testSpec(judge.url, { judges: [rubric] }));
    const results = await reward.scoreBatch([
      { prompt: 'q', response: 'right but slow' },
      { prompt: 'q', response: 'wrong' },
      { id: 'x', prompt: 'q', response: 'right' },
    ]);
    expect(results.map((result) => [result.id, result.reward])).toEqual([
      ['row-0', 1],
      ['row-1', 0.25],
      ['x', 1],
    ]);
  });

  it('plan() renders prompts and counts calls without calling the judge', async () => {
    const reward = createReward(
      testSpec(judge.url, { checks: [{ type: 'json', gate: true }], judges: [{ ...rubric, foreach: 'response_json.items' }] }),
    );
    const plan = await reward.plan({ id: 'p', prompt: 'q', response: '{"items": [{"id": "a"}, {"id": "b"}]}' });
    expect(plan.gatedBy).toBeNull();
    expect(plan.prompts.map((prompt) => prompt.label)).toEqual(['item 1 (a)', 'item 2 (b)']);
    expect(plan.prompts[1]!.request.user).toContain('<<<BEGIN ITEM 435ab3208c2e>>>\n{\n  "id": "b"\n}\n<<<END ITEM 435ab3208c2e>>>');
    // one fence nonce per row, not per item: every item's prompt shares the text before its item (a prefix the
    // local judge's KV cache and providers' prompt caches reuse)
    const [first, second] = plan.prompts.map((prompt) => prompt.request.user);
    const beforeItem = (text: string) => text.slice(0, text.indexOf('<<<BEGIN ITEM'));
    expect(beforeItem(first!)).toBe(beforeItem(second!));
    expect(plan.prompts.map((prompt) => prompt.request.system)).toEqual([plan.prompts[0]!.request.system, plan.prompts[0]!.request.system]);
    expect(judge.requests).toHaveLength(0);
  });

  it("returns the neutral reward flagged deadline_exceeded when the caller's deadline passes", async () => {
    judge.setScript(() => ({ hang: true }));
    const reward = createReward(testSpec(judge.url, { judges: [rubric] }));
    const result = await reward.score({ id: 'late', prompt: 'q', response: 'a' }, { signal: AbortSignal.timeout(100) });
    expect(result).toMatchObject({ id: 'late', reward: 0.5, neutral: true, flags: ['judge_error', 'deadline_exceeded'] });
    expect(result.components[0]!.error!.kind).toBe('timeout');
  });
});
