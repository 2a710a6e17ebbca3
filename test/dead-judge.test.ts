/**
 * A dead judge fails fast and loud: the 38 example rows against a judge that answers HTTP 500 (or 401) to every
 * call finish within the circuit breaker's max_wait_ms + 30 s, every row is written and every judged row flagged,
 * and `score` exits 9 (more than --max-judge-error-rate of the judge calls failed) naming the re-run command.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import type { RewardResult } from '../src/result.js';
import { runCli } from './support/run-cli.js';
import { startFakeJudge, type FakeJudge } from './support/fake-judge-server.js';

const EXAMPLE = 'examples/contract-review';
const ROLLOUTS = `${EXAMPLE}/rollouts.jsonl`;
const MAX_WAIT_MS = 10_000;
/** Rows of the example the judge is asked about (38 rows − 3 stopped by a gate − 3 empty responses − 2 with no comment). */
const JUDGED_ROWS = 30;

let dir: string;
let spec: string;
let judge: FakeJudge;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-dead-judge-'));
  // the example spec as it is (it names no judge model: --judge below names it), but an open circuit lets a call
  // wait 10 s instead of 120 s
  const example = parse(readFileSync(`${EXAMPLE}/spec.yaml`, 'utf8')) as { judge_model?: Record<string, unknown> };
  example.judge_model = { provider: 'openai-compatible', model: 'fake', circuit_breaker: { max_wait_ms: MAX_WAIT_MS } };
  spec = join(dir, 'spec.yaml');
  writeFileSync(spec, stringify(example));
  for (const file of ['response.schema.json', 'judge-contract-review.yaml']) copyFileSync(join(EXAMPLE, file), join(dir, file));
  judge = await startFakeJudge(() => ({ status: 500, body: { error: { message: 'the judge is down' } } }));
});
afterAll(() => judge?.close());

/** `score` on the example against `judgeUrl`, with no cache and no preflight (the run itself must catch the judge). */
function scoreExample(output: string, judgeUrl: string, ...extra: string[]) {
  const judgeFlags = ['--judge', 'openai-compatible:fake', '--judge-base-url', judgeUrl];
  return runCli('score', '--spec', spec, '--input', ROLLOUTS, '--output', output, '--no-cache', '--no-preflight', ...extra, ...judgeFlags);
}

function results(path: string): Array<RewardResult & { line: number }> {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RewardResult & { line: number });
}

describe('a judge that fails every call', () => {
  it('HTTP 500: every row written and flagged within max_wait_ms + 30 s, exit 9 with the re-run command', async () => {
    const output = join(dir, 'dead-500.jsonl');
    const started = performance.now();
    const run = await scoreExample(output, judge.url);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThanOrEqual(MAX_WAIT_MS / 1000 + 30);
    expect(run.code).toBe(EXIT.judgeErrors);

    const lines = results(output);
    expect(lines.map((line) => line.line)).toEqual(Array.from({ length: 38 }, (_unused, index) => index + 1));
    const judged = lines.filter((line) => line.components.some((component) => (component.calls ?? []).length > 0));
    const failed = lines.filter((line) => line.flags.includes('judge_error'));
    expect(judged).toHaveLength(JUDGED_ROWS);
    expect(failed.map((line) => line.id)).toEqual(judged.map((line) => line.id));
    for (const line of failed) {
      expect(line).toMatchObject({ reward: 0.5, neutral: true });
      const kinds = line.components.filter((component) => component.status === 'error').map((component) => component.error!.kind);
      expect(kinds.every((kind) => kind === 'server_error' || kind === 'circuit_open')).toBe(true);
    }
    expect(run.stderr).toMatch(/score: (\d+) of \1 judge calls failed \(100\.0%, more than --max-judge-error-rate 0\.5\): /);
    expect(run.stderr).toContain(`The rewards of ${JUDGED_ROWS} rows are fallbacks, not judgements.`);
    expect(run.stderr).toContain(
      `rewardkit score --retry-errors --spec ${spec} --input ${ROLLOUTS} --output ${output} ` +
        `--judge openai-compatible:fake --judge-base-url ${judge.url} --no-cache`,
    );
  }, 120_000);

  it('HTTP 401 (a wrong key) with --no-preflight: exit 9, every call auth_error, not retried', async () => {
    const denied = await startFakeJudge(() => ({ status: 401, body: { error: { message: 'invalid api key' } } }));
    try {
      const output = join(dir, 'dead-401.jsonl');
      const run = await scoreExample(output, denied.url);
      expect(run.code).toBe(EXIT.judgeErrors);
      const lines = results(output);
      expect(lines).toHaveLength(38);
      expect(lines.filter((line) => line.flags.includes('judge_error'))).toHaveLength(JUDGED_ROWS);
      expect(run.stderr).toMatch(
        /score: (\d+) of \1 judge calls failed \(100\.0%, more than --max-judge-error-rate 0\.5\): auth_error ×\1\./,
      );
      expect(denied.requests.length).toBe(Number(/score: (\d+) of/.exec(run.stderr)![1])); // one request per call: a 401 is not retried
    } finally {
      await denied.close();
    }
  }, 60_000);

  it('--max-judge-error-rate 1 accepts any share of failed calls: exit 0, still flagged and named', async () => {
    const denied = await startFakeJudge(() => ({ status: 401 }));
    try {
      const output = join(dir, 'tolerated.jsonl');
      const run = await scoreExample(output, denied.url, '--max-judge-error-rate', '1');
      expect(run.code).toBe(EXIT.ok);
      expect(run.stderr).toContain(`${JUDGED_ROWS} rows have a failed judge (flagged judge_error, deadline_exceeded or circuit_open).`);
      expect(run.stderr).toContain(`rewardkit score --retry-errors --spec ${spec} --input ${ROLLOUTS} --output ${output}`);
    } finally {
      await denied.close();
    }
  }, 60_000);
});
