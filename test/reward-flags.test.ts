/**
 * `serve` and the lab take the flags `score` has for opening a reward — --prices, --cache-ttl-days,
 * --cache-max-entries — with the same help text, and they act the same: a served row carries the judge cost from
 * the prices table; a lab run asks the judge again for cached verdicts older than --cache-ttl-days.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_POLICY_HELP, PRICES_HELP } from '../src/cli/reward-flags.js';
import { runCli } from './support/run-cli.js';
import { startFakeJudge, type FakeJudge } from './support/fake-judge-server.js';
import { qaJudge } from './serve/support/qa-judge.js';
import { spawnServer } from './serve/support/spawned-server.js';

const QA_SPEC = 'test/serve/fixtures/qa-spec.yaml';
const SHARED_LINES = [...CACHE_POLICY_HELP.split('\n'), PRICES_HELP];

let judge: FakeJudge;
let dir: string;
beforeAll(async () => {
  judge = await startFakeJudge(qaJudge().script);
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-reward-flags-'));
});
afterAll(() => judge.close());

describe('the flags score, serve and the lab share', () => {
  it('have the same help lines in score, serve and every lab command that opens a reward', async () => {
    expect(SHARED_LINES).toEqual([
      '  --cache-ttl-days N      cached verdicts older than N days are asked again (default 30)',
      '  --cache-max-entries N   beyond N entries the least recently used are dropped (default 1000000)',
      '  --prices FILE           YAML/JSON map "provider:model" → {input_per_mtok, output_per_mtok} (USD)',
    ]);
    for (const command of [
      ['score'],
      ['serve'],
      ...['consistency', 'position', 'agree', 'calibrate', 'regress', 'hack'].map((name) => ['lab', name]),
    ]) {
      const help = (await runCli(...command, '--help')).stdout.split('\n');
      for (const line of SHARED_LINES) expect(help, `${command.join(' ')} --help`).toContain(line);
    }
  });

  it.each([
    [['serve', '--spec', QA_SPEC, '--cache-ttl-days', '0'], '--cache-ttl-days: expected a positive whole number, got "0"'],
    [['serve', '--spec', QA_SPEC, '--cache-max-entries', 'many'], '--cache-max-entries: expected a positive whole number, got "many"'],
    [['serve', '--spec', QA_SPEC, '--prices', 'nope.yaml', '--no-preflight'], 'serve: --prices nope.yaml: cannot read: ENOENT'],
    [
      ['lab', 'consistency', '--spec', QA_SPEC, '--input', 'x.jsonl', '--cache-ttl-days', '1.5'],
      '--cache-ttl-days: expected a positive whole number, got "1.5"',
    ],
    [
      ['lab', 'hack', '--spec', QA_SPEC, '--input', 'x.jsonl', '--prices', 'nope.yaml', '--no-preflight'],
      'lab hack: --prices nope.yaml: cannot read: ENOENT',
    ],
  ])('%j is a usage error (exit 2): %s', async (argv, message) => {
    const result = await runCli(...argv);
    expect([result.code, result.stderr.trim()]).toEqual([2, message]);
  });

  it('serve --prices: each served row carries the judge cost from the table', async () => {
    const prices = join(dir, 'prices.yaml');
    writeFileSync(prices, 'openai-compatible:fake: {input_per_mtok: 2, output_per_mtok: 10}\n');
    const server = await spawnServer([
      '--spec',
      QA_SPEC,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--prices',
      prices,
    ]);
    try {
      const response = await fetch(`${server.url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows: [{ id: 'q1', prompt: '2+2?', response: '4', reference: '4' }] }),
      });
      const body = (await response.json()) as { results: Array<{ id: string; reward: number; metrics: Record<string, number> }> };
      // the qa judge reports 100 input and 20 output tokens: (100 × 2 + 20 × 10) / 1e6 USD
      expect(body.results.map((result) => [result.id, result.reward, result.metrics.judge_cost_usd])).toEqual([['q1', 1, 0.0004]]);
    } finally {
      await server.stop();
    }
  });

  it('lab --cache-ttl-days: verdicts cached longer ago are asked again; within the TTL they are reused', async () => {
    const input = join(dir, 'rows.jsonl');
    writeFileSync(
      input,
      `${JSON.stringify({ id: 'q1', prompt: '2+2?', response: '4', reference: '4' })}\n${JSON.stringify({ id: 'q2', prompt: 'Capital of France?', response: 'Paris', reference: 'Paris' })}\n`,
    );
    const cache = join(dir, 'lab-cache.sqlite');
    const consistency = (...extra: string[]) =>
      runCli(
        'lab',
        'consistency',
        '--spec',
        QA_SPEC,
        '--input',
        input,
        '--repeats',
        '2',
        '--judge',
        'openai-compatible:fake',
        '--judge-base-url',
        judge.url,
        '--cache',
        cache,
        '--quiet',
        ...extra,
      );
    const judgeCalls = async (...extra: string[]) => {
      judge.requests.length = 0;
      const result = await consistency(...extra);
      expect(result.code).toBe(0);
      return judge.requests.length;
    };
    expect(await judgeCalls()).toBe(4); // 2 rows × 2 repeats, each repeat under its own namespace
    expect(await judgeCalls()).toBe(0);
    const db = new Database(cache);
    db.prepare('UPDATE judge_cache SET created_at = created_at - ?').run(2 * 86_400_000); // the verdicts are now 2 days old
    db.close();
    expect(await judgeCalls('--cache-ttl-days', '3')).toBe(0);
    expect(await judgeCalls('--cache-ttl-days', '1')).toBe(4);
  }, 60_000);
});
