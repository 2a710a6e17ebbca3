/**
 * openReward, the one way a spec file plus overrides becomes a reward: each problem a user can fix is an
 * OpenRewardError of its own kind (or the spec's SpecError), the judge rule (local by default, or required), the
 * cache namespace, and close() closing only the cache it opened.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeJudge, type FakeJudge } from '../test/support/fake-judge-server.js';
import { qaJudge } from '../test/serve/support/qa-judge.js';
import { openReward, OpenRewardError } from './open-reward.js';
import { createJudgeCache } from './reward-resources.js';
import { RewardkitError } from './rewardkit-error.js';
import { SpecError } from './spec/spec-error.js';

const SPEC = 'test/serve/fixtures/qa-spec.yaml';
const ROW = { id: 'q1', prompt: '2+2?', response: '4', reference: '4' };

let judge: FakeJudge;
let dir: string;
beforeAll(async () => {
  judge = await startFakeJudge(qaJudge().script);
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-open-reward-'));
});
afterAll(() => judge.close());
beforeEach(() => {
  judge.requests.length = 0;
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'no error',
    (error: unknown) => error,
  );
}

describe('openReward', () => {
  it('opens the spec with the judge override, prices and concurrency applied, and scores', async () => {
    const prices = join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ 'openai-compatible:fake': { input_per_mtok: 1, output_per_mtok: 5 } }));
    const opened = await openReward({ spec: SPEC, judge: 'openai-compatible:fake', judgeBaseUrl: judge.url, concurrency: 3, prices });
    try {
      expect(opened.judgeModels).toEqual([`openai-compatible:fake@${judge.url}`]);
      expect(opened.spec.judge_model).toMatchObject({
        model: 'fake',
        base_url: judge.url,
        concurrency: 3,
        price: { input_per_mtok: 1, output_per_mtok: 5 },
      });
      const result = await opened.reward.score(ROW);
      expect([result.reward, result.metrics.judge_cost_usd]).toEqual([1, 0.0002]); // (100 × 1 + 20 × 5) / 1e6
      expect(judge.preflights).not.toHaveLength(0);
    } finally {
      opened.close();
    }
  });

  it.each([
    [{ judge: 'nonsense:x' }, 'judge_flag'],
    [{ judgeBaseUrl: 'http://127.0.0.1:9/v1' }, 'judge_flag'],
    [{ prices: join(tmpdir(), 'no-such-prices.yaml') }, 'prices'],
    [{ judge: 'openai-compatible:fake', judgeBaseUrl: 'http://127.0.0.1:9/v1' }, 'judge_unreachable'],
  ] as const)('%j fails with an OpenRewardError of kind %s', async (overrides, kind) => {
    const error = await failureOf(openReward({ spec: SPEC, ...overrides }));
    expect(OpenRewardError.isInstance(error) && RewardkitError.isInstance(error) ? error.kind : error).toBe(kind);
    if (kind === 'judge_unreachable')
      expect((error as OpenRewardError).problems).toBe(
        `  - judge openai-compatible:fake@http://127.0.0.1:9/v1 at http://127.0.0.1:9/v1 is not reachable (ECONNREFUSED)`,
      );
  });

  it('a cache that cannot be opened is kind "cache", naming the file', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const error = await failureOf(
      openReward({
        spec: SPEC,
        judge: 'openai-compatible:fake',
        judgeBaseUrl: judge.url,
        preflight: false,
        cache: join(blocker, 'cache.sqlite'),
      }),
    );
    expect([
      (error as OpenRewardError).kind,
      (error as Error).message.startsWith(`cannot open the judge cache ${join(blocker, 'cache.sqlite')}: `),
    ]).toEqual(['cache', true]);
  });

  it('a judge with no model: the default local judge, or (defaultJudge: required, the Lambda) a SpecError', async () => {
    const spec = join(dir, 'no-judge-model.yaml');
    writeFileSync(spec, 'judges:\n  - {type: rubric, name: q, criteria: [{id: ok, description: Fine}]}\n');
    const local = await openReward({ spec, preflight: false });
    expect(local.spec.judge_model?.provider).toBe('local');
    local.close();
    expect(SpecError.isInstance(await failureOf(openReward({ spec, preflight: false, defaultJudge: 'required' })))).toBe(true);
  });

  it('cacheNamespace is the namespace of every score call; close() leaves a cache it did not open open', async () => {
    const cache = await createJudgeCache({ path: ':memory:' });
    const open = (cacheNamespace: string) =>
      openReward({ spec: SPEC, judge: 'openai-compatible:fake', judgeBaseUrl: judge.url, preflight: false, cache, cacheNamespace });
    const calls = async (cacheNamespace: string) => {
      const opened = await open(cacheNamespace);
      const before = judge.requests.length;
      await opened.reward.score(ROW);
      opened.close();
      return judge.requests.length - before;
    };
    expect([await calls('a'), await calls('a'), await calls('b')]).toEqual([1, 0, 1]);
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 1 });
    cache.close();
  });
});
