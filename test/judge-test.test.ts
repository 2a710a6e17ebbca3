/**
 * `rewardkit judge test` as a user runs it: the built-in known cases (templates/judge-test/known-cases.yaml) or a --cases
 * file go through the spec's judges, here the fake judge on 127.0.0.1 scripted per case — a judge that ranks the
 * cases correctly (exit 0, exact figures in --json), one that ranks bad above good and one that answers garbage
 * (exit 10, with the parse count) — plus an unreachable judge (exit 5), the contract-review cases, and once the
 * local judge on the tiny random-weight model (real llama.cpp inference, no download). A random model's ranking
 * means nothing: that test asserts only that every verdict parses and the report adds up, never the ranking.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { readFenced } from '../src/judges/fence.js';
import { disposeLocalModels } from '../src/models/local/local-model-host.js';
import type { JudgeReport, JudgeTestReport } from '../src/judge-test/judge-test-report.js';
import { contractReviewJudge } from './support/contract-review-judge.js';
import type { FakeReply, FakeRequest } from './support/fake-judge-server.js';
import { runCli } from './support/run-cli.js';
import { writeTinyGguf } from './support/tiny-gguf.js';
import { useFakeJudge } from './support/use-fake-judge.js';
import { closedPort } from './support/closed-port.js';

type Label = 'good' | 'bad' | 'borderline';
type Output = JudgeTestReport & { spec: string; cases_file: string; builtin_cases: boolean; preflight_ms: number };

const judge = useFakeJudge();
let dir: string;
let specPath: string;

/** The built-in cases' answers → their label, read from the shipped file (so the script follows it). */
const builtin = parseYaml(readFileSync(new URL('../templates/judge-test/known-cases.yaml', import.meta.url), 'utf8')) as {
  cases: Array<{ id: string; expect: Label; messages: Array<{ role: string; content: string }> }>;
};
const labelOfAnswer = new Map(builtin.cases.map((entry) => [entry.messages.at(-1)!.content, entry.expect]));

function labelOf(request: FakeRequest): Label {
  const response = readFenced(request.user, 'response');
  const label = response === undefined ? undefined : labelOfAnswer.get(response);
  if (label) return label;
  // preference prompts show the response as answer A or B; find the answer that appears
  for (const [answer, candidate] of labelOfAnswer) if (request.user.includes(answer)) return candidate;
  throw new Error(`no known answer in the prompt: ${request.user.slice(0, 200)}`);
}

const isPreference = (request: FakeRequest) => request.system.includes('You compare two answers');

/** Rubric verdict: two criteria (correct, complete); preference verdict with the response as answer A (position: fixed). */
function verdict(request: FakeRequest, rubric: Record<Label, [boolean, boolean]>, preference: Record<Label, 'A' | 'B' | 'tie'>): FakeReply {
  if (request.preflight) return { content: '{"ok": true}' };
  const label = labelOf(request);
  if (isPreference(request)) return { content: JSON.stringify({ rationale: `scripted ${label}`, verdict: preference[label] }) };
  const [correct, complete] = rubric[label];
  return {
    content: JSON.stringify({
      criteria: {
        correct: { rationale: `scripted ${label}`, pass: correct },
        complete: { rationale: `scripted ${label}`, pass: complete },
      },
    }),
    delayMs: label === 'bad' ? 40 : 20,
  };
}

const RANKS_WELL = {
  rubric: { good: [true, true], borderline: [true, false], bad: [false, false] },
  preference: { good: 'tie', borderline: 'B', bad: 'B' },
} as const;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-judge-test-'));
  specPath = join(dir, 'spec.yaml');
  writeFileSync(
    specPath,
    [
      'judge_model: {provider: openai-compatible, model: unused, base_url: "http://127.0.0.1:9/v1", max_retries: 0, timeout_ms: 5000, max_tokens: 200}',
      'checks:',
      '  - {type: length, min: 500, gate: true}   # every built-in answer would fail this gate: judge test leaves checks out',
      'judges:',
      '  - type: rubric',
      '    name: quality',
      '    criteria: [{id: correct, description: The answer is correct}, {id: complete, description: The answer is complete and precise}]',
      '  - {type: preference, name: versus_reference, criteria: Which answer is more correct?, position: fixed}',
    ].join('\n'),
  );
});
afterAll(() => disposeLocalModels());

const run = (...flags: string[]) =>
  runCli('judge', 'test', '--spec', specPath, '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url, ...flags);
const parseOutput = (stdout: string) => JSON.parse(stdout) as Output;
const judgeNamed = (output: Output, name: string) => output.judges.find((entry) => entry.name === name)!;

/** The report's p50/max must be the nearest-rank p50 and the max of the per-call latencies it lists. */
function expectLatencyAddsUp(output: Output, report: JudgeReport) {
  const latencies = output.cases.flatMap((entry) => entry.judges[report.name]!.calls.map((call) => call.latency_ms)).sort((a, b) => a - b);
  expect(report.latency_ms).toEqual({ p50: latencies[Math.ceil(latencies.length / 2) - 1], max: latencies.at(-1) });
}

describe('rewardkit judge test against the fake judge', () => {
  it('a judge that ranks good above bad: exit 0, every verdict parsed, exact scores per judge, calls one at a time', async () => {
    judge.setScript((request) => verdict(request, RANKS_WELL.rubric as never, RANKS_WELL.preference));
    const result = await run('--json');
    expect(result.code).toBe(EXIT.ok);
    const output = parseOutput(result.stdout);
    expect(output.passed).toBe(true);
    expect([output.parsed, output.calls]).toEqual([12, 12]);
    expect(output.builtin_cases).toBe(true);
    expect(output.cases.map((entry) => `${entry.id}:${entry.expect}`)).toEqual([
      'boiling-point-good:good',
      'boiling-point-bad:bad',
      'boiling-point-borderline:borderline',
      'blue-sky-good:good',
      'blue-sky-bad:bad',
      'blue-sky-borderline:borderline',
    ]);
    const quality = judgeNamed(output, 'quality');
    expect({ ...quality, latency_ms: undefined }).toEqual({
      name: 'quality',
      type: 'rubric',
      model: `openai-compatible:fake@${judge.url}`,
      calls: 6,
      parsed: 6,
      failed: {},
      latency_ms: undefined,
      scores: { good: [1, 1], bad: [0, 0], borderline: [0.5, 0.5] },
      good_min: 1,
      bad_max: 0,
      ranks_good_above_bad: true,
      borderline_between: true,
      passed: true,
      problems: [],
    });
    expectLatencyAddsUp(output, quality);
    expect(quality.latency_ms!.p50).toBeGreaterThanOrEqual(20); // the scripted delays: 20 ms, 40 ms for bad answers
    expect(quality.latency_ms!.max).toBeGreaterThanOrEqual(40);
    const preference = judgeNamed(output, 'versus_reference');
    expect({ ...preference, latency_ms: undefined }).toEqual({
      name: 'versus_reference',
      type: 'preference',
      model: `openai-compatible:fake@${judge.url}`,
      calls: 6,
      parsed: 6,
      failed: {},
      latency_ms: undefined,
      scores: { good: [0.5, 0.5], bad: [0, 0], borderline: [0, 0] },
      good_min: 0.5,
      bad_max: 0,
      ranks_good_above_bad: true,
      borderline_between: true,
      passed: true,
      problems: [],
    });
    expectLatencyAddsUp(output, preference);
    // one preflight, then the 12 calls strictly one after another (concurrency 1), checks left out (the gate would stop every case)
    expect(judge.preflights).toHaveLength(1);
    expect(judge.requests).toHaveLength(12);
    expect(result.stderr).toMatch(
      /^\[1\/6\] boiling-point-good \(good\): quality 1\.00 \(1 call, \d+ ms\) · versus_reference 0\.50 \(1 call, \d+ ms\)$/m,
    );
    expect(result.stderr).toMatch(
      /^\[5\/6\] blue-sky-bad \(bad\): quality 0\.00 \(1 call, \d+ ms\) · versus_reference 0\.00 \(1 call, \d+ ms\)$/m,
    );
  });

  it('the text report names each judge, its parse count, latency and verdict', async () => {
    judge.setScript((request) => verdict(request, RANKS_WELL.rubric as never, RANKS_WELL.preference));
    const result = await run();
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('6 cases from the built-in cases (');
    expect(result.stdout).toContain(
      `judge quality (rubric, openai-compatible:fake@${judge.url}): PASS\n  verdicts parsed   6/6\n  latency per call  p50 `,
    );
    expect(result.stdout).toContain(
      '  good              1.00 1.00\n  bad               0.00 0.00\n  borderline        0.50 0.50\n  good > bad        yes (lowest good 1.00, highest bad 0.00)\n',
    );
    expect(result.stdout).toContain('judge test passed: every verdict parsed and every judge scored each good case above each bad one');
  });

  it('a judge that ranks bad above good: exit 10, and the report says which scores crossed', async () => {
    const inverted = { good: [false, false], borderline: [true, false], bad: [true, true] } as const;
    judge.setScript((request) => verdict(request, inverted as never, { good: 'B', borderline: 'B', bad: 'A' }));
    const result = await run('--json');
    expect(result.code).toBe(EXIT.judgeTestFailed);
    expect(result.code).toBe(10);
    const output = parseOutput(result.stdout);
    expect(output.passed).toBe(false);
    const quality = judgeNamed(output, 'quality');
    expect([quality.parsed, quality.calls]).toEqual([6, 6]);
    expect(quality.scores).toEqual({ good: [0, 0], bad: [1, 1], borderline: [0.5, 0.5] });
    expect([quality.good_min, quality.bad_max, quality.ranks_good_above_bad, quality.borderline_between]).toEqual([0, 1, false, false]);
    expect(quality.problems).toEqual(['a good case scored 0 and a bad case 1: expected every good case above every bad one']);
    expect(judgeNamed(output, 'versus_reference').scores).toEqual({ good: [0, 0], bad: [1, 1], borderline: [0, 0] });
  });

  it('a judge that answers garbage: exit 10, 0 of 6 verdicts parsed, counted by kind', async () => {
    judge.setScript((request) =>
      request.preflight ? { content: '{"ok": true}' } : { content: 'What a lovely answer, I would give it full marks!' },
    );
    const result = await run('--json');
    expect(result.code).toBe(EXIT.judgeTestFailed);
    const quality = judgeNamed(parseOutput(result.stdout), 'quality');
    expect([quality.parsed, quality.calls, quality.failed]).toEqual([0, 6, { parse_error: 6 }]);
    expect(quality.scores).toEqual({ good: [null, null], bad: [null, null], borderline: [null, null] });
    expect(quality.problems).toEqual([
      '6 of 6 verdicts did not parse or failed (6 parse_error)',
      'no score for boiling-point-good (good), boiling-point-bad (bad), blue-sky-good (good), blue-sky-bad (bad)',
    ]);
    const text = await run();
    expect(text.code).toBe(EXIT.judgeTestFailed);
    expect(text.stdout).toContain('  verdicts parsed   0/6  (failed: 6 parse_error)\n');
    expect(text.stdout).toContain('judge test FAILED: quality, versus_reference (see problems above)');
  });

  it('verdicts that do not parse fail the test even when the parsed ones rank correctly (garbage on borderline cases only)', async () => {
    judge.setScript((request) => {
      if (!request.preflight && labelOf(request) === 'borderline') return { content: '{"criteria": "fine"' };
      return verdict(request, RANKS_WELL.rubric as never, RANKS_WELL.preference);
    });
    const result = await run('--json');
    expect(result.code).toBe(EXIT.judgeTestFailed);
    const quality = judgeNamed(parseOutput(result.stdout), 'quality');
    expect([quality.parsed, quality.calls, quality.ranks_good_above_bad, quality.borderline_between]).toEqual([4, 6, true, null]);
    expect(quality.scores.borderline).toEqual([null, null]);
    expect(quality.problems).toEqual(['2 of 6 verdicts did not parse or failed (2 parse_error)']);
  });

  it('an unreachable judge: exit 5 before any case is sent', async () => {
    const port = await closedPort();
    const result = await runCli(
      'judge',
      'test',
      '--spec',
      specPath,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      `http://127.0.0.1:${port}/v1`,
    );
    expect(result.code).toBe(EXIT.judgeUnreachable);
    expect(result.stderr).toContain('judge test: cannot reach the judge, so no case was sent:');
    expect(result.stderr).toContain(`is not reachable (ECONNREFUSED)`);
    expect(result.stdout).toBe('');
  });

  it('the contract-review cases (--cases, rows named by id): the scripted judge ranks them, 8 item verdicts', async () => {
    judge.setScript(contractReviewJudge());
    const result = await runCli(
      'judge',
      'test',
      '--spec',
      'examples/contract-review/spec.yaml',
      '--cases',
      'examples/contract-review/judge-test-cases.yaml',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--json',
    );
    expect(result.code).toBe(EXIT.ok);
    const output = parseOutput(result.stdout);
    expect(output.builtin_cases).toBe(false);
    expect(output.cases.map((entry) => `${entry.id}:${entry.expect}`)).toEqual([
      'nda-good:good',
      'consulting-hallucinated:bad',
      'nda-vague:borderline',
    ]);
    const review = judgeNamed(output, 'review_quality');
    expect([review.parsed, review.calls, review.ranks_good_above_bad, review.borderline_between]).toEqual([8, 8, true, true]);
    // item scores are (score − 1) / 4 per dimension, averaged over dimensions, then over the comments
    expect(review.scores).toEqual({ good: [0.972222], bad: [0.25], borderline: [0.666667] });
  });
});

describe('judge test usage and cases files', () => {
  it('help, and the errors that name what is wrong', async () => {
    const help = await runCli('judge', 'test', '--help');
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toContain('Usage: rewardkit judge test --spec SPEC [options]');
    expect(help.stdout).toContain('10 a verdict did not parse, or a judge did not score good above bad');
    expect((await runCli('judge')).code).toBe(EXIT.usage);
    const unknown = await runCli('judge', 'exam');
    expect([unknown.code, unknown.stderr]).toEqual([
      EXIT.usage,
      'judge: unknown subcommand "exam"; expected test\nRun "rewardkit judge --help" for usage.\n',
    ]);
    const noSpec = await runCli('judge', 'test');
    expect([noSpec.code, noSpec.stderr.split('\n')[0]]).toEqual([
      EXIT.usage,
      'judge test: --spec is required (the reward spec whose judges are tested)',
    ]);
    expect((await runCli('--help')).stdout).toContain('  judge      judge test: send known good, bad and borderline cases');
  });

  it('a cases file with a bad label or no bad case: exit 4, naming the file and the field', async () => {
    const labels = join(dir, 'labels.jsonl');
    writeFileSync(labels, `${JSON.stringify({ id: 'x', prompt: 'Q?', response: 'A.', expect: 'great' })}\n`);
    const badLabel = await run('--cases', labels);
    expect([badLabel.code, badLabel.stderr]).toEqual([
      EXIT.inputUnreadable,
      `judge test: ${labels}:line 1: expect: expected good | bad | borderline, got "great"\n`,
    ]);
    const onlyGood = join(dir, 'only-good.yaml');
    writeFileSync(onlyGood, 'cases:\n  - {id: x, prompt: "Q?", response: "A.", expect: good}\n');
    const noBad = await run('--cases', onlyGood);
    expect([noBad.code, noBad.stderr]).toEqual([
      EXIT.inputUnreadable,
      `judge test: cases file ${onlyGood}: expected at least one case with expect: bad (a judge is tested on ranking good above bad)\n`,
    ]);
    const missingRow = join(dir, 'missing-row.yaml');
    writeFileSync(missingRow, 'cases:\n  - {id: x, prompt: "Q?", expect: good}\n  - {id: y, prompt: "Q?", response: "B.", expect: bad}\n');
    const unreadable = await run('--cases', missingRow);
    expect([unreadable.code, unreadable.stderr]).toEqual([
      EXIT.inputUnreadable,
      `judge test: case ${missingRow}:cases[0] is not a row this spec can read: response: expected the response text (a string), but the field is missing\n`,
    ]);
    expect(judge.requests).toHaveLength(0);
  });

  it('a JSONL cases file of plain rows, and the built-in cases fitted to a spec that reads plain rows under its own field names', async () => {
    judge.setScript((request) => verdict(request, RANKS_WELL.rubric as never, RANKS_WELL.preference));
    const jsonl = join(dir, 'cases.jsonl');
    const rows = builtin.cases.map((entry) => ({
      id: entry.id,
      prompt: entry.messages[0]!.content,
      response: entry.messages.at(-1)!.content,
      reference: 'see the question',
      expect: entry.expect,
    }));
    writeFileSync(jsonl, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
    const fromJsonl = await run('--cases', jsonl, '--json');
    expect(fromJsonl.code).toBe(EXIT.ok);
    expect(judgeNamed(parseOutput(fromJsonl.stdout), 'quality').scores).toEqual({ good: [1, 1], bad: [0, 0], borderline: [0.5, 0.5] });

    judge.requests.length = 0;
    const plainSpec = join(dir, 'plain-spec.yaml');
    writeFileSync(
      plainSpec,
      `${readFileSync(specPath, 'utf8')}\ninput: {format: plain, id: uid, prompt: task.question, response: answer, reference: gold}\n`,
    );
    const fitted = await runCli(
      'judge',
      'test',
      '--spec',
      plainSpec,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--json',
    );
    expect(fitted.code).toBe(EXIT.ok);
    const output = parseOutput(fitted.stdout);
    expect(output.cases.map((entry) => entry.id)).toEqual(builtin.cases.map((entry) => entry.id));
    expect(judge.requests[0]!.user).toContain('At what temperature does water boil at sea level?');
    expect(judge.requests[0]!.user).toContain('100 °C (212 °F) at standard atmospheric pressure.');
  });
});

describe('judge test with the local judge on the tiny random-weight model', () => {
  it(
    'real llama.cpp inference: every verdict parses (the grammar), and the exit code follows the report (the ranking itself means nothing)',
    { timeout: 240_000 },
    async () => {
      const modelPath = join(dir, 'tiny-random-llama.gguf');
      writeTinyGguf(modelPath);
      vi.stubEnv('REWARDKIT_LOCAL_THREADS', '1'); // one thread: the suite shares two cores, and llama.cpp's threads spin
      try {
        const result = await runCli('judge', 'test', '--spec', specPath, '--judge', `local:${modelPath}`, '--json');
        const output = parseOutput(result.stdout);
        for (const name of ['quality', 'versus_reference']) {
          const report = judgeNamed(output, name);
          expect([report.model, report.parsed, report.calls, report.failed]).toEqual([`local:${modelPath}`, 6, 6, {}]);
          expect(
            Object.values(report.scores)
              .flat()
              .every((score) => typeof score === 'number' && score >= 0 && score <= 1),
          ).toBe(true);
          expectLatencyAddsUp(output, report);
        }
        expect(output.parsed).toBe(12);
        expect(output.preflight_ms).toBeGreaterThan(0); // the preflight of a local judge is the model load
        expect(result.code).toBe(output.passed ? EXIT.ok : EXIT.judgeTestFailed);
        expect(output.passed).toBe(output.judges.every((report) => report.ranks_good_above_bad));
      } finally {
        vi.unstubAllEnvs();
      }
    },
  );
});
