/**
 * Fault injection: the fake judge misbehaves in each way a real endpoint does, and every test asserts the
 * final reward, the flags and the attempt count — through the real client, scheduler and composition.
 */
import { describe, expect, it } from 'vitest';
import type { FakeReply } from './support/fake-judge-server.js';
import { startFakeJudge } from './support/fake-judge-server.js';
import { criteriaVerdict, testSpec } from './support/test-spec.js';
import { useFakeJudge } from './support/use-fake-judge.js';
import { createReward } from '../src/reward.js';

const judge = useFakeJudge();

const rubric = {
  type: 'rubric',
  name: 'quality',
  criteria: [
    { id: 'correct', description: 'correct', weight: 3 },
    { id: 'clear', description: 'clear', weight: 1 },
  ],
};
const VERDICT = criteriaVerdict({ correct: true, clear: false }); // → 0.75
const row = { id: 'r1', prompt: 'What is 6 × 7?', response: '42' };

/** Replies in order, one per request, then the verdict forever. */
function sequence(...replies: FakeReply[]) {
  return (request: { index: number }) => replies[request.index] ?? { content: VERDICT };
}

async function scoreOnce(model: Record<string, unknown> = {}) {
  const reward = createReward(
    testSpec(judge.url, { judges: [rubric] }, { max_retries: 3, initial_backoff_ms: 5, max_backoff_ms: 2000, timeout_ms: 300, ...model }),
    { random: () => 0 },
  );
  const result = await reward.score(row);
  const call = result.components[0]!.calls![0]!;
  return { result, call, attempts: call.attempts };
}

describe('fault injection', () => {
  it('429 with Retry-After: waits as asked, then scores', async () => {
    judge.setScript(sequence({ status: 429, headers: { 'retry-after': '1' } }));
    const { result, attempts } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.75, neutral: false, flags: [] });
    expect(attempts).toBe(2);
  });

  it.each([500, 502, 503])('%i then success: retried, scored', async (status) => {
    judge.setScript(sequence({ status }, { status }));
    const { result, attempts } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.75, flags: [] });
    expect(attempts).toBe(3);
  });

  it('connection reset: retried, scored', async () => {
    judge.setScript(sequence({ reset: true }));
    const { result, attempts } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.75, flags: [] });
    expect(attempts).toBe(2);
  });

  it('a call that hangs past the timeout: retried, scored', async () => {
    judge.setScript(sequence({ hang: true }));
    const { result, attempts } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.75, flags: [] });
    expect(attempts).toBe(2);
  });

  it('hanging every time: neutral reward, flagged, after 1 + max_retries attempts', async () => {
    judge.setScript(() => ({ hang: true }));
    const { result, call, attempts } = await scoreOnce({ timeout_ms: 100, max_retries: 2 });
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(call.error).toEqual({ kind: 'timeout', message: 'judge call timed out after 100 ms after 3 attempts' });
    expect(attempts).toBe(3);
  });

  it('a slow-drip body that finishes within the timeout is read whole', async () => {
    judge.setScript(() => ({ content: VERDICT, drip: { chunks: 4, dripMs: 30 } }));
    const { result, attempts } = await scoreOnce({ timeout_ms: 1000 });
    expect(result).toMatchObject({ reward: 0.75, flags: [] });
    expect(attempts).toBe(1);
  });

  it('a slow-drip body that outlasts the timeout is a timeout, retried', async () => {
    judge.setScript(sequence({ content: VERDICT, drip: { chunks: 10, dripMs: 60 } }));
    const { result, attempts } = await scoreOnce({ timeout_ms: 300 });
    expect(result).toMatchObject({ reward: 0.75, flags: [] });
    expect(attempts).toBe(2);
  });

  it('a malformed response body: retried, scored', async () => {
    judge.setScript(sequence({ raw: '{"choices": [{"mess' }));
    const { result, attempts } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.75, flags: [] });
    expect(attempts).toBe(2);
  });

  it('output cut by max tokens every time: asked again once with twice the budget, then truncated, neutral', async () => {
    judge.setScript(() => ({ content: '{"criteria": {"correct": {"rationale": "The answer', finishReason: 'length' }));
    const { result, call, attempts } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(call.error).toEqual({
      kind: 'truncated',
      message:
        'the judge hit max_tokens: missing verdict for clear; unreadable verdict for correct (also when asked again with twice the max_tokens budget)',
    });
    expect(attempts).toBe(2);
    expect(judge.requests.map((request) => request.body.max_tokens)).toEqual([1024, 2048]);
  });

  it('a reasoning judge cut by max tokens: the retry with twice the budget is scored', async () => {
    judge.setScript(sequence({ content: '', finishReason: 'length', usage: { prompt_tokens: 50, completion_tokens: 8192 } }));
    const { result, call, attempts } = await scoreOnce({ model: 'qwen3-8b' });
    expect(result).toMatchObject({ reward: 0.75, neutral: false, flags: [] });
    expect(judge.requests.map((request) => request.body.max_tokens)).toEqual([8192, 16384]);
    expect(attempts).toBe(2);
    expect(call.usage.output_tokens).toBe(8192 + Math.ceil(VERDICT.length / 4)); // both calls' tokens are counted
  });

  it('a refusal (OpenAI refusal field): refusal, neutral — never a 0', async () => {
    judge.setScript(() => ({ content: "I'm sorry, but I can't help with evaluating this.", refusal: "I can't help with that." }));
    const { result, call } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    // the AI SDK reports an OpenAI `refusal` as a content-filter finish: a refusal, not a parse error
    expect(call.error).toEqual({ kind: 'refusal', message: 'the judge model refused (content filter)' });
  });

  it('a content-filter refusal: refusal, neutral', async () => {
    judge.setScript(() => ({ content: '', finishReason: 'content_filter' }));
    const { result, call } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.5, neutral: true });
    expect(call.error!.kind).toBe('refusal');
  });

  it('a refusal in words only: a parse error, neutral — never a 0', async () => {
    judge.setScript(() => ({ content: "I'm sorry, but I can't help with evaluating this." }));
    const { result, call } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(call.error).toEqual({
      kind: 'parse_error',
      message: 'no JSON object found in judge reply: "I\'m sorry, but I can\'t help with evaluating this."',
    });
  });

  it('empty content: empty_output, neutral', async () => {
    judge.setScript(() => ({ content: '' }));
    const { result, call } = await scoreOnce();
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(call.error!.kind).toBe('empty_output');
  });

  it('rate-limit headers that say the quota is spent pause the next call until the reset', async () => {
    judge.setScript((request) =>
      request.index === 0
        ? { content: VERDICT, headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '400ms' } }
        : { content: VERDICT },
    );
    const reward = createReward(testSpec(judge.url, { judges: [rubric] }), { random: () => 0 });
    expect((await reward.score(row)).reward).toBe(0.75);
    expect((await reward.score({ ...row, id: 'r2', response: '41' })).reward).toBe(0.75);
    // a lower bound only: the pause can make the second call later, never earlier
    expect(judge.requests[1]!.receivedAt - judge.requests[0]!.receivedAt).toBeGreaterThanOrEqual(390);
  });

  it('an endpoint down for 30 s that comes back: rows wait behind the circuit breaker and are scored, not neutral', async () => {
    const live = await startFakeJudge(() => ({ content: VERDICT }));
    const port = Number(new URL(live.url).port);
    const spec = testSpec(
      live.url,
      { judges: [rubric] },
      {
        max_retries: 4,
        initial_backoff_ms: 200,
        max_backoff_ms: 2000,
        timeout_ms: 2000,
        circuit_breaker: { failures: 3, cooldown_ms: 3000, max_wait_ms: 120_000 },
      },
    );
    const reward = createReward(spec, { random: () => 0 });
    expect((await reward.score(row)).reward).toBe(0.75);
    await live.close(); // the endpoint goes down: connections are refused
    const downAt = performance.now();
    const pending = reward.scoreBatch(
      Array.from({ length: 6 }, (_unused, index) => ({ ...row, id: `down-${index}`, response: `${40 + index}` })),
    );
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const back = await startFakeJudge(() => ({ content: VERDICT }), { port });
    try {
      const results = await pending;
      const waitedMs = performance.now() - downAt;
      expect(waitedMs).toBeGreaterThanOrEqual(30_000);
      expect(results.map((result) => [result.reward, result.neutral, result.flags])).toEqual(
        Array.from({ length: 6 }, () => [0.75, false, []]),
      );
      const attempts = results.map((result) => result.components[0]!.calls![0]!.attempts);
      expect(Math.max(...attempts)).toBeLessThanOrEqual(5);
      const scheduler = [...reward.schedulers.values()][0]!;
      expect(scheduler.admission.breaker!.opened).toBeGreaterThanOrEqual(1);
      // 6 rows over 30 s: without the breaker, each would have burnt 5 attempts and gone neutral
      expect(scheduler.counters.attempts - 1).toBeLessThan(6 * 5);
      expect(back.requests.length).toBe(6);
    } finally {
      await back.close();
    }
  }, 90_000);
});
