/**
 * The CLI as a user runs it: real files, the real client, the fake judge on 127.0.0.1, exit codes and
 * messages. Commands run in-process through `main` (one test also spawns the executable).
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { contractReviewJudge } from './support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge, type FakeRequest } from './support/fake-judge-server.js';

const SPEC = 'examples/contract-review/spec.yaml';
const ROLLOUTS = 'examples/contract-review/rollouts.jsonl';

const run = runCli;

let judge: FakeJudge;
let dir: string;
beforeAll(async () => {
  judge = await startFakeJudge(contractReviewJudge());
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-cli-'));
});
afterAll(() => judge.close());
beforeEach(() => {
  judge.requests.length = 0;
});

describe('rewardkit score', () => {
  it('scores the example into one line per rollout, in order, with a summary', async () => {
    const output = join(dir, 'scored.jsonl');
    const cache = join(dir, 'cache.sqlite');
    const result = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--output',
      output,
      '--cache',
      cache,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
    );
    expect(result.code).toBe(0);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; id: string; reward: number });
    const inputIds = readFileSync(ROLLOUTS, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(lines.map((line) => line.id)).toEqual(inputIds);
    expect(lines.map((line) => line.line)).toEqual(inputIds.map((_id, index) => index + 1));
    expect(lines[0]).toMatchObject({ id: 'nda-good', reward: 0.983333 });
    expect(result.stderr).toMatch(/rows\s+38 \(38 scored, 0 unreadable\)/);
    expect(result.stderr).toMatch(/reward mean ± std\s+0\.656 ± 0\.370/);
    expect(result.stderr).toMatch(/ {2}review_quality\s+0\.724 \(n=32\)/);
    expect(result.stderr).toMatch(/judge calls \(attempts\)\s+91 \(91\)/);
    expect(result.stderr).toMatch(/judge tokens in \/ out\s+91000 \/ 5460/);
    expect(judge.requests).toHaveLength(91);

    // The same run again is answered from the cache: same rewards, no judge call.
    const again = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--output',
      join(dir, 'again.jsonl'),
      '--cache',
      cache,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
    );
    expect(again.code).toBe(0);
    expect(judge.requests).toHaveLength(91);
    expect(again.stderr).toMatch(/judge calls \(attempts\)\s+91 \(0\)/);
    expect(again.stderr).toMatch(/0 calls \+ 91 cached, 0 retries, 0 errors, 0 \/ 0 tokens, cost unknown \(no price\)/);
    const rewards = (file: string) =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { reward: number }).reward);
    expect(rewards(join(dir, 'again.jsonl'))).toEqual(rewards(output));
  });

  it('--dry-run calls no judge and counts the calls a real run would make', async () => {
    const result = await run('score', '--spec', SPEC, '--input', ROLLOUTS, '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# Row "nda-good" (line 1)');
    expect(result.stdout).toContain('===== judge review_quality · item 1 (nda-good-c1) · user =====');
    expect(result.stdout).toContain('"comment_id": "nda-good-c1"');
    expect(result.stdout.trim().split('\n').at(-1)).toBe(
      '38 rows: a real run would make 91 judge calls (3 rows stopped by a gate, 3 empty responses, 0 unreadable lines).',
    );
    expect(judge.requests).toHaveLength(0);
  });

  it('fails fast, naming the judge options, when the judge is unreachable', async () => {
    const closed = await startFakeJudge();
    await closed.close();
    const output = join(dir, 'never.jsonl');
    const result = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--output',
      output,
      '--no-cache',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      closed.url,
    );
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`judge openai-compatible:fake@${closed.url} at ${closed.url} is not reachable (ECONNREFUSED)`);
    expect(result.stderr).toContain('--judge PROVIDER:MODEL --judge-base-url URL');
    expect(result.stderr).toContain('--dry-run');
  });

  it('names the missing API key for a hosted provider', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const result = await run('score', '--spec', SPEC, '--input', ROLLOUTS, '--no-cache', '--judge', 'anthropic:claude-haiku');
      expect(result.code).toBe(5);
      expect(result.stderr).toContain('judge anthropic:claude-haiku: no API key — set ANTHROPIC_API_KEY');
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('reports malformed lines with their line number and keeps one output line per input line', async () => {
    const input = join(dir, 'mixed.jsonl');
    const output = join(dir, 'mixed-out.jsonl');
    const good = readFileSync(ROLLOUTS, 'utf8').split('\n')[0]!;
    writeFileSync(
      input,
      `${good}\n{"id": "broken", "messages": [\n\n{"id": "no-assistant", "messages": [{"role": "user", "content": "hi"}]}\n`,
    );
    const result = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      input,
      '--output',
      output,
      '--no-cache',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
    );
    expect(result.code).toBe(6);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.line, line.id, line.reward])).toEqual([
      [1, 'nda-good', 0.983333],
      [2, 'line-2', null],
      [4, 'no-assistant', null],
    ]);
    expect(lines[1]!.error).toEqual({ field: '(line)', message: expect.stringMatching(/^line 2 is not valid JSON: /) });
    expect(result.stderr).toMatch(/line 2 is not valid JSON: /);
    expect(result.stderr).toContain(
      'line 4: row "no-assistant" skipped — messages: expected the rollout as the last message with role "assistant", got role "user"',
    );
    expect(result.stderr).toMatch(/rows\s+3 \(1 scored, 2 unreadable\)/);
  });

  it('--limit scores only the first rows', async () => {
    const result = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--limit',
      '2',
      '--quiet',
      '--no-cache',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
    );
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id),
    ).toEqual(['nda-good', 'nda-excerpt-ref']);
    expect(result.stderr).toBe('');
  });

  it('--resume continues after the last complete line, cutting a partial one, without duplicates', async () => {
    const output = join(dir, 'resumed.jsonl');
    const first = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--output',
      output,
      '--limit',
      '5',
      '--no-cache',
      '--quiet',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
    );
    expect(first.code).toBe(0);
    appendFileSync(output, '{"line": 6, "id": "consulting-go'); // killed mid-write
    judge.requests.length = 0;
    const second = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--output',
      output,
      '--resume',
      '--no-cache',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
    );
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`--resume: cut a partial last line (32 bytes) from ${output}`);
    expect(second.stderr).toContain('resumed after input line 5');
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; reward: number });
    expect(lines.map((line) => line.line)).toEqual(Array.from({ length: 38 }, (_unused, index) => index + 1));
    expect(judge.requests).toHaveLength(91 - 12); // rows 1–5 (nda ×3: 9 calls, saas-good 3, saas-malformed gated) were not judged again
  });

  it('--prices adds cost per row and per model', async () => {
    const prices = join(dir, 'prices.yaml');
    writeFileSync(prices, '"openai-compatible:fake": {input_per_mtok: 0.5, output_per_mtok: 2}\n');
    const result = await run(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--limit',
      '1',
      '--no-cache',
      '--prices',
      prices,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
    );
    expect(result.code).toBe(0);
    // 3 calls × (1000 in × $0.5 + 60 out × $2) / 1e6 = $0.00186
    expect((JSON.parse(result.stdout) as { metrics: { judge_cost_usd: number } }).metrics.judge_cost_usd).toBeCloseTo(0.00186, 10);
    expect(result.stderr).toMatch(/3 calls \+ 0 cached, 0 retries, 0 errors, 3000 \/ 180 tokens, \$0\.0019/);
  });

  it.each([
    [['score', '--input', ROLLOUTS], 2, 'score: --spec is required'],
    [['score', '--spec', SPEC, '--input', ROLLOUTS, '--resume'], 2, 'score: --resume needs --output'],
    [
      ['score', '--spec', SPEC, '--input', ROLLOUTS, '--cache-ttl-days', '0'],
      2,
      '--cache-ttl-days: expected a positive whole number, got "0"',
    ],
    [['score', '--spec', SPEC, '--input', ROLLOUTS, '--prices', 'nope.yaml'], 2, 'score: --prices nope.yaml: cannot read: ENOENT'],
    [['score', '--spec', SPEC, '--input', ROLLOUTS, '--frobnicate'], 2, "score: Unknown option '--frobnicate'"],
    [['score', '--spec', SPEC, '--input', ROLLOUTS, '--judge', 'gpt-4o'], 2, '--judge: expected PROVIDER:MODEL'],
    [['score', '--spec', SPEC, '--input', ROLLOUTS, '--limit', '0'], 2, '--limit: expected a positive whole number, got "0"'],
    [['score', '--spec', SPEC, '--input', ROLLOUTS, '--judge-base-url', 'http://x'], 2, '--judge-base-url needs --judge'],
    [
      ['score', '--spec', SPEC, '--input', ROLLOUTS, '--retry-errors'],
      2,
      'score: --retry-errors needs --output (the finished output file to re-judge and rewrite)',
    ],
    [
      ['score', '--spec', SPEC, '--input', ROLLOUTS, '--retry-errors', '--resume', '--output', 'x.jsonl'],
      2,
      'score: --retry-errors and --resume do not go together',
    ],
    [
      ['score', '--spec', SPEC, '--input', ROLLOUTS, '--retry-errors', '--output', 'missing.jsonl'],
      2,
      'score: --retry-errors --output missing.jsonl: no such file (run score first)',
    ],
    [
      ['score', '--spec', SPEC, '--input', ROLLOUTS, '--max-judge-error-rate', '1.5'],
      2,
      'score: --max-judge-error-rate: expected a number from 0 to 1 (a share of judge calls, e.g. 0.5), got "1.5"',
    ],
    [['score', '--spec', SPEC, '--input', 'missing.jsonl'], 4, 'score: --input missing.jsonl: no such file'],
    [['score', '--spec', 'missing.yaml', '--input', ROLLOUTS], 3, 'missing.yaml  (spec): cannot read spec file: ENOENT'],
    [
      ['score', '--spec', SPEC, '--input', ROLLOUTS, '--output', '/nonexistent/dir/out.jsonl', '--no-preflight'],
      2,
      'cannot write --output /nonexistent/dir/out.jsonl: ENOENT',
    ],
    [['frobnicate'], 2, 'rewardkit: unknown command "frobnicate"'],
  ])('%j exits %i with a clear message', async (argv, code, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('    at '); // never a stack trace
  });
});

describe('rewardkit score --retry-errors', () => {
  const fake = () => ['--judge', 'openai-compatible:fake', '--judge-base-url', judge.url];
  const rawLines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);
  type Line = { line: number; id: string; reward: number; flags: string[]; metrics: Record<string, number> };
  const parsed = (file: string) => rawLines(file).map((line) => JSON.parse(line) as Line);
  /** The judge of the example, except that it refuses (HTTP 400) every comment of the lease and DPA contracts. */
  const partlyDown = () => {
    const healthy = contractReviewJudge();
    return (request: FakeRequest) =>
      /"comment_id":\s*"(lease|dpa)-/.test(request.user)
        ? { status: 400, body: { error: { message: 'scripted failure' } } }
        : healthy(request);
  };

  it('judges only the failed rows again: exact rewards, every other line byte for byte, order kept', async () => {
    const healthyOutput = join(dir, 'retry-healthy.jsonl');
    expect(
      (await run('score', '--spec', SPEC, '--input', ROLLOUTS, '--output', healthyOutput, '--no-cache', '--quiet', ...fake())).code,
    ).toBe(0);
    const healthy = parsed(healthyOutput);

    const output = join(dir, 'retry.jsonl');
    judge.setScript(partlyDown());
    try {
      const first = await run('score', '--spec', SPEC, '--input', ROLLOUTS, '--output', output, '--no-cache', ...fake());
      expect(first.code).toBe(0); // 15 of 91 calls failed: under --max-judge-error-rate 0.5
      expect(first.stderr).toMatch(/judge calls failed\s+15 of 91 \(16\.5%\): bad_request ×15/);
      expect(first.stderr).toContain(
        '5 rows have a failed judge (flagged judge_error, deadline_exceeded or circuit_open). To judge them again,',
      );
      expect(first.stderr).toContain(
        `  rewardkit score --retry-errors --spec ${SPEC} --input ${ROLLOUTS} --output ${output} --judge openai-compatible:fake --judge-base-url ${judge.url} --no-cache`,
      );
    } finally {
      judge.setScript(contractReviewJudge());
    }
    const before = rawLines(output);
    const failed = parsed(output).filter((line) => line.flags.includes('judge_error'));
    expect(failed.map((line) => [line.id, line.reward])).toEqual([
      ['lease-good', 0.5],
      ['lease-vague', 0.5],
      ['dpa-good', 0.5],
      ['dpa-irrelevant', 0.5],
      ['dpa-fenced', 0.5],
    ]);

    judge.requests.length = 0;
    const retry = await run('score', '--spec', SPEC, '--input', ROLLOUTS, '--output', output, '--retry-errors', '--no-cache', ...fake());
    expect(retry.code).toBe(0);
    expect(retry.stderr).toContain(
      `score --retry-errors: judged 5 of 38 rows again in ${output} (5 now judged, 0 failed again and stay flagged); the other lines are unchanged`,
    );
    const after = parsed(output);
    const failedIds = new Set(failed.map((line) => line.id));
    expect(after.map((line) => line.line)).toEqual(healthy.map((line) => line.line));
    after.forEach((line, index) => {
      if (failedIds.has(line.id)) {
        const { judge_latency_ms: _latency, ...metrics } = line.metrics;
        const { judge_latency_ms: _healthyLatency, ...healthyMetrics } = healthy[index]!.metrics;
        expect([line.id, line.reward, line.flags, metrics]).toEqual([
          healthy[index]!.id,
          healthy[index]!.reward,
          healthy[index]!.flags,
          healthyMetrics,
        ]);
      } else {
        expect(rawLines(output)[index]).toBe(before[index]); // kept byte for byte
      }
    });
    expect(judge.requests).toHaveLength(
      failed.reduce((sum, line) => sum + healthy.find((row) => row.id === line.id)!.metrics.judge_calls!, 0),
    );
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const again = await run('score', '--spec', SPEC, '--input', ROLLOUTS, '--output', output, '--retry-errors', '--no-cache', ...fake());
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`score --retry-errors: no row of ${output} has a failed judge (38 rows); nothing to do\n`);
  });

  it('refuses an output that is not the finished output of the input, changing nothing', async () => {
    const partial = join(dir, 'retry-partial.jsonl');
    expect(
      (await run('score', '--spec', SPEC, '--input', ROLLOUTS, '--output', partial, '--limit', '5', '--no-cache', '--quiet', ...fake()))
        .code,
    ).toBe(0);
    const otherInput = join(dir, 'retry-other-input.jsonl');
    writeFileSync(otherInput, readFileSync(ROLLOUTS, 'utf8').split('\n').slice(1, 6).join('\n') + '\n');
    const cut = join(dir, 'retry-cut.jsonl');
    writeFileSync(cut, `${readFileSync(partial, 'utf8')}{"line": 6, "id": "consul`);
    const cases: Array<[string, string, string]> = [
      [
        partial,
        ROLLOUTS,
        'it has 5 result lines, and the input has more rows (the next one on line 6) — finish the run with --resume first',
      ],
      [partial, otherInput, 'its line 1 has id "nda-good", but input line 1 has id "nda-excerpt-ref"'],
      [cut, ROLLOUTS, 'its last line (6) is cut off — finish the run with --resume first'],
    ];
    for (const [output, input, problem] of cases) {
      const bytes = readFileSync(output, 'utf8');
      judge.requests.length = 0;
      const result = await run('score', '--spec', SPEC, '--input', input, '--output', output, '--retry-errors', '--no-cache', ...fake());
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `score --retry-errors: ${output} is not the finished output of ${input}: ${problem}; nothing was changed\n`,
      );
      expect(readFileSync(output, 'utf8')).toBe(bytes);
      expect(judge.requests).toHaveLength(0);
    }
  });
});

describe('rewardkit validate / schema / help', () => {
  it('validate lists the components of a valid spec', async () => {
    const result = await run('validate', '--spec', SPEC);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('examples/contract-review/spec.yaml: valid — contract-review');
    expect(result.stdout).toContain('  judge review_quality (rubric, weight 3, model local:default)');
    expect(result.stdout).toContain(
      '  no judge model in the spec: its judges use the local judge (local:default, llama.cpp in the process) unless --judge names another\n',
    );
  });

  it('validate lists every problem of a bad spec and exits 3', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'checks:\n  - type: length\n    max: abc\n  - type: jsn\n');
    const result = await run('validate', '--spec', bad);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `invalid reward spec:\n  ${bad}:3:5  checks[0].max: expected number, received string (got "abc")\n  ${bad}:4:5  checks[1].type: expected one of "json" | "length" | "language" | "safety" | "grounding" | "match" | "similarity" (got "jsn")\n`,
    );
  });

  it('schema prints the JSON Schema', async () => {
    const result = await run('schema');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { title: string }).title).toBe('rewardkit reward spec');
  });

  it.each(['score', 'validate', 'schema'])('%s --help shows usage and an example', async (command) => {
    const result = await run(command, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: rewardkit ${command}`);
    expect(result.stdout).toMatch(/Example/);
  });

  it('the executable runs and sets its exit code', async () => {
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', '--help']);
    expect(ok.stdout).toContain('Usage: rewardkit <command> [options]');
    await expect(exec(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'validate'])).rejects.toMatchObject({ code: 2 });
  });
});
