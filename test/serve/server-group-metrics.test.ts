/**
 * The server's `/metrics` for a group judge: `rewardkit_judge_calls_per_rollout` (calls sent to the model since start
 * ÷ rows answered since start: cache hits are not calls sent) and `rewardkit_groups_judged_total{route}` (each group
 * once, also when its verdicts came from the cache), scraped with exact values after each request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JudgeCache } from '../../src/runtime/judge-cache.js';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { groupJudgeReply } from '../support/group-judge.js';
import { metricValue } from './support/prometheus-text.js';
import { startTestServer, type TestServer } from './support/in-process-server.js';

let judge: FakeJudge;
let cache: JudgeCache;
let server: TestServer;
beforeAll(async () => {
  judge = await startFakeJudge((request) => groupJudgeReply(request, { scoreOf: (text) => Number(/\d+/.exec(text)?.[0] ?? 0) }));
  const specPath = join(mkdtempSync(join(tmpdir(), 'rewardkit-group-metrics-')), 'group-spec.yaml');
  writeFileSync(
    specPath,
    'judge_model: {provider: openai-compatible, model: fixture-judge, base_url: http://127.0.0.1:9/v1, max_retries: 0}\n' +
      'judges:\n  - {type: group, name: rank, criteria: The larger number is better., orders: 2}\n',
  );
  cache = await JudgeCache.open({ path: ':memory:' });
  server = await startTestServer(judge.url, { cache }, specPath);
});
afterAll(async () => {
  await server?.close();
  cache?.close();
  await judge?.close();
});

/** Two groups (two questions) of 8 rollouts each, interleaved. */
const rows = (prefix: string) =>
  Array.from({ length: 16 }, (_unused, index) => ({
    id: `${prefix}${index}`,
    prompt: index % 2 === 0 ? 'Name a prime.' : 'Name an even number.',
    response: `answer ${Math.floor(index / 2) + 1}`,
  }));

async function scrape(): Promise<Record<string, number | undefined>> {
  const { text } = await server.get('/metrics');
  return {
    perRollout: metricValue(text, 'rewardkit_judge_calls_per_rollout'),
    scoreGroups: metricValue(text, 'rewardkit_groups_judged_total', { route: '/v1/score' }),
    getRewardGroups: metricValue(text, 'rewardkit_groups_judged_total', { route: '/get_reward' }),
    calls: judge.requests.length,
  };
}

describe('GET /metrics with a group judge', () => {
  it('reports judge calls sent per rollout since start and the groups judged by route', async () => {
    expect(await scrape()).toEqual({ perRollout: 0, scoreGroups: undefined, getRewardGroups: undefined, calls: 0 });

    // 2 groups of 8, 2 orders each: 4 calls for 16 rows
    expect((await server.post('/v1/score', { rows: rows('a'), components: false })).status).toBe(200);
    expect(await scrape()).toEqual({ perRollout: 0.25, scoreGroups: 2, getRewardGroups: undefined, calls: 4 });

    // the same rollouts under other ids: every verdict from the cache, so no call sent — 4 calls for 32 rows
    expect((await server.post('/v1/score', { rows: rows('b'), components: false })).status).toBe(200);
    expect(await scrape()).toEqual({ perRollout: 0.125, scoreGroups: 4, getRewardGroups: undefined, calls: 4 });

    // one new group of 8 through /get_reward: 2 more calls — 6 calls for 40 rows
    const prompt = '<|im_start|>user\nName an odd number.<|im_end|>\n<|im_start|>assistant\n';
    const query = Array.from({ length: 8 }, (_unused, index) => `${prompt}answer ${index + 1}<|im_end|>`);
    expect((await server.post('/get_reward', { query, prompts: query.map(() => prompt) })).status).toBe(200);
    expect(await scrape()).toEqual({ perRollout: 0.15, scoreGroups: 4, getRewardGroups: 1, calls: 6 });
  });
});
