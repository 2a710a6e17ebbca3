/**
 * `rewardkit plan`: a dry run of sample rows (a gate check, a rubric judge, a preference judge in both orders and a
 * group judge on a model of its own) scaled to a step and a run, with prices and each limit binding in turn; the
 * measured usage of a file `score` wrote against the fake judge; the --json shape; bad flags.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReward } from '../src/reward.js';
import { loadSpec } from '../src/spec/load-spec.js';
import type { RunPlan } from '../src/plan/run-plan.js';
import { groupJudgeReply, groupRollouts } from './support/group-judge.js';
import { runCli } from './support/run-cli.js';
import { useFakeJudge } from './support/use-fake-judge.js';

/** Group calls: scored by the number in each rollout (100 input tokens per rollout, 20 output); other calls: 300 in, 20 out. */
const judge = useFakeJudge((request) =>
  groupRollouts(request.user).length > 0
    ? groupJudgeReply(request, { scoreOf: (text) => Number(/\d+/.exec(text)?.[0] ?? 0) })
    : {
        content: JSON.stringify({ criteria: { ok: { rationale: 'fine', pass: true } }, verdict: 'tie', rationale: 'even' }),
        usage: { prompt_tokens: 300, completion_tokens: 20 },
      },
);

let dir: string;
let spec: string;
let sample: string;
let prices: string;
const MAIN = () => `openai-compatible:fake@${judge.url}`;
const GROUP = () => `openai-compatible:fake-group@${judge.url}`;

/** a3 fails the gate, b3 is empty, b2 repeats b1: 4 rows reach the judges, in 2 groups of 2 (B with one distinct rollout). */
const SAMPLE_ROWS = [
  { id: 'a1', prompt: 'Pick a number for A.', response: 'answer 1', reference: 'answer 5' },
  { id: 'a2', prompt: 'Pick a number for A.', response: 'answer 4', reference: 'answer 5' },
  { id: 'a3', prompt: 'Pick a number for A.', response: 'no idea', reference: 'answer 5' },
  { id: 'b1', prompt: 'Pick a number for B.', response: 'answer 6', reference: 'answer 2' },
  { id: 'b2', prompt: 'Pick a number for B.', response: 'answer 6', reference: 'answer 2' },
  { id: 'b3', prompt: 'Pick a number for B.', response: '', reference: 'answer 2' },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-plan-'));
  spec = join(dir, 'spec.yaml');
  writeFileSync(
    spec,
    [
      `judge_model: {provider: openai-compatible, model: fake, base_url: "${judge.url}", max_tokens: 200, concurrency: 4, requests_per_minute: 600, tokens_per_minute: 100000}`,
      'checks:',
      '  - {type: match, name: has_answer, mode: regex, pattern: answer, gate: true, weight: 0}',
      'judges:',
      '  - {type: rubric, name: quality, criteria: [{id: ok, description: fine}]}',
      '  - {type: preference, name: vs_reference, criteria: The more correct answer is better.}',
      '  - type: group',
      '    name: rank',
      '    criteria: The larger number is better.',
      `    model: {provider: openai-compatible, model: fake-group, base_url: "${judge.url}", max_tokens: 100, concurrency: 2, requests_per_minute: 60}`,
      '',
    ].join('\n'),
  );
  sample = join(dir, 'sample.jsonl');
  writeFileSync(sample, SAMPLE_ROWS.map((row) => JSON.stringify(row)).join('\n') + '\n');
  prices = join(dir, 'prices.yaml');
  writeFileSync(
    prices,
    'openai-compatible:fake: {input_per_mtok: 1, output_per_mtok: 4}\nfake-group: {input_per_mtok: 2, output_per_mtok: 8}\n',
  );
});

const planJson = async (...argv: string[]): Promise<RunPlan> => {
  const result = await runCli('plan', '--spec', spec, ...argv, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as RunPlan;
};
const round6 = (value: number) => Math.round(value * 1e6) / 1e6;
const tokensOf = (request: { system: string; user: string }) => Math.ceil((request.system.length + request.user.length) / 4);

/** The input tokens of the sample's rendered prompts, computed here from the dry run: distinct row prompts, and group calls. */
async function renderedTokens(): Promise<{ rowInput: number; groupInputPerCall: number }> {
  const reward = createReward(loadSpec(spec).spec);
  const plan = await reward.planGroups(SAMPLE_ROWS.map((row) => ({ row, fallbackId: row.id })));
  const distinct = new Map<string, number>();
  for (const row of plan.rows)
    if (!row.gatedBy && !row.empty)
      for (const { request } of row.prompts) distinct.set(`${request.system}\0${request.user}`, tokensOf(request));
  expect(distinct.size).toBe(9); // 4 rows × (rubric + preference both orders), b2's 3 the same as b1's
  const groupPrompts = plan.groups.flatMap((group) => group.prompts);
  expect(groupPrompts.length).toBe(3); // group A: 2 orders; group B: one distinct rollout, one order
  return {
    rowInput: [...distinct.values()].reduce((sum, tokens) => sum + tokens, 0),
    groupInputPerCall: groupPrompts.reduce((sum, prompt) => sum + tokensOf(prompt.request), 0) / groupPrompts.length,
  };
}

describe('rewardkit plan --sample (a dry run)', () => {
  it('counts calls after gates, dedup and group judging, tokens from the rendered prompts, cost from --prices; TPM and RPM bind', async () => {
    const { rowInput, groupInputPerCall } = await renderedTokens();
    const plan = await planJson(
      '--sample',
      sample,
      '--rows',
      '1000',
      '--group',
      '4',
      '--steps',
      '10',
      '--prices',
      prices,
      '--latency-ms',
      '100',
    );
    expect(plan.source).toEqual({
      mode: 'sample',
      rows: 6,
      judged: 4,
      gated: 1,
      empty: 1,
      unreadable: 0,
      groups: 2,
      meanGroupSize: 2, // A: a1, a2; B: b1, b2 (one distinct rollout)
      outputTokens: 'max_tokens',
      file: sample,
    });
    expect(Object.keys(plan)).toEqual([
      'rewardkit_plan',
      'source',
      'rows_per_step',
      'group_size',
      'groups_per_step',
      'steps',
      'judged_share',
      'judged_share_from',
      'models',
      'per_step',
      'run',
      'notes',
    ]);
    expect(plan.rewardkit_plan).toBe(1);
    expect([plan.rows_per_step, plan.group_size, plan.groups_per_step, plan.steps]).toEqual([1000, 4, 250, 10]);
    expect([plan.judged_share, plan.judged_share_from]).toEqual([round6(4 / 6), 'sample checks']);
    const [main, group] = plan.models;
    // rows: 1000 × 4/6 reach the judges, each asking 3 calls (rubric + preference in both orders), 2.25 sent after dedup
    const mainInput = (rowInput / 4) * (1000 * (4 / 6));
    expect(main).toEqual({
      model: MAIN(),
      limits: { concurrency: 4, requests_per_minute: 600, tokens_per_minute: 100000, price: { input_per_mtok: 1, output_per_mtok: 4 } },
      latency_ms: 100,
      latency_from: '--latency-ms',
      per_judged_row: { requested: 3, sent: 2.25, input_tokens: round6(rowInput / 4), output_tokens: 450 },
      per_group: { requested: 0, sent: 0, input_tokens: 0, output_tokens: 0 },
      dedup_share: 0.25,
      per_step: {
        requested: 2000,
        sent: 1500,
        input_tokens: round6(mainInput),
        output_tokens: 300000, // 1500 calls × max_tokens 200
        cost_usd: round6((mainInput * 1 + 300000 * 4) / 1e6),
      },
      cost_from: 'price',
      wall_time_per_step: {
        concurrency_s: 37.5, // ⌈1500 / 4⌉ × 0.1 s
        requests_per_minute_s: 150, // 1500 / 600 × 60
        tokens_per_minute_s: round6(((mainInput + 300000) / 100000) * 60),
        least_s: round6(((mainInput + 300000) / 100000) * 60),
        binds: 'tokens_per_minute',
      },
      run: {
        requested: 20000,
        sent: 15000,
        input_tokens: round6(mainInput * 10),
        output_tokens: 3000000,
        cost_usd: round6(((mainInput * 1 + 300000 * 4) / 1e6) * 10),
      },
    });
    // groups: 250 groups of 4 distinct rollouts, 2 orders each, at the sample's mean group prompt size
    const groupInput = 500 * groupInputPerCall;
    expect(group).toMatchObject({
      model: GROUP(),
      limits: { concurrency: 2, requests_per_minute: 60, tokens_per_minute: null, price: { input_per_mtok: 2, output_per_mtok: 8 } },
      per_judged_row: { requested: 0, sent: 0, input_tokens: 0, output_tokens: 0 },
      per_group: { requested: 2, sent: 2, input_tokens: round6(2 * groupInputPerCall), output_tokens: 200 },
      dedup_share: 0,
      per_step: {
        requested: 500,
        sent: 500,
        input_tokens: round6(groupInput),
        output_tokens: 50000,
        cost_usd: round6((groupInput * 2 + 50000 * 8) / 1e6),
      },
      wall_time_per_step: {
        concurrency_s: 25,
        requests_per_minute_s: 500,
        tokens_per_minute_s: null,
        least_s: 500,
        binds: 'requests_per_minute',
      },
    });
    expect(plan.per_step).toEqual({
      requested: 2500,
      sent: 2000,
      input_tokens: round6(mainInput + groupInput),
      output_tokens: 350000,
      cost_usd: round6((mainInput * 1 + 300000 * 4) / 1e6 + (groupInput * 2 + 50000 * 8) / 1e6),
      least_wall_time_s: 500,
      binding: { model: GROUP(), limit: 'requests_per_minute' },
    });
    expect(plan.run).toMatchObject({ sent: 20000, output_tokens: 3500000, least_wall_time_s: 5000 });
  });

  it('a slow judge: the concurrency limit binds (⌈calls / concurrency⌉ × latency); --output-tokens and --gate-pass-rate replace the defaults', async () => {
    const plan = await planJson(
      '--sample',
      sample,
      '--rows',
      '1000',
      '--group',
      '4',
      '--latency-ms',
      '2000',
      '--output-tokens',
      '50',
      '--gate-pass-rate',
      '1',
    );
    expect([plan.source.outputTokens, plan.judged_share, plan.judged_share_from]).toEqual(['estimate', 1, '--gate-pass-rate']);
    const [main, group] = plan.models;
    expect(main!.per_step).toMatchObject({ requested: 3000, sent: 2250, output_tokens: 112500, cost_usd: null });
    expect(main!.wall_time_per_step).toMatchObject({ concurrency_s: 1126, requests_per_minute_s: 225, binds: 'concurrency' }); // ⌈2250 / 4⌉ = 563 rounds of 2 s
    expect(group!.per_step).toMatchObject({ sent: 500, output_tokens: 25000 });
    expect(group!.wall_time_per_step).toMatchObject({ concurrency_s: 500, requests_per_minute_s: 500, least_s: 500 });
    expect(plan.per_step).toMatchObject({ least_wall_time_s: 1126, binding: { model: MAIN(), limit: 'concurrency' }, cost_usd: null });
    expect(plan.notes).toContain(`${MAIN()}: no price (give --prices FILE or the model's price in the spec): its cost is unknown`);
  });

  it('prints a table: per model calls, dedup, tokens, cost, least time and the binding limit; the whole run; the notes', async () => {
    const result = await runCli(
      'plan',
      '--spec',
      spec,
      '--sample',
      sample,
      '--rows',
      '1000',
      '--group',
      '4',
      '--steps',
      '10',
      '--prices',
      prices,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'rewardkit plan: 1,000 rollouts per step in groups of 4 (250 groups), 10 steps',
      `from a dry run of 6 sample rows (${sample}): 4 reach the judges, 1 gated, 1 empty, 0 unreadable`,
      'rollouts reaching the judges: 66.7% (sample checks)',
    ]);
    expect(lines[4]).toMatch(/^judge model +calls\/step +per rollout +dedup +input tok +output tok +cost USD +least time +binds$/);
    expect(lines[5]).toMatch(
      new RegExp(`^${MAIN().replace(/[.?]/g, '\\$&')} +1,500 +1\\.500 +25% +[\\d,.]+ +300,000 +\\d\\.\\d{4} +\\d+ min \\d\\d s +TPM$`),
    );
    expect(lines[6]).toMatch(/ +500 +0\.500 +0% +[\d,.]+ +50,000 +\d\.\d{4} +8 min 20 s +RPM$/);
    expect(lines[7]).toMatch(/^total per step +2,000 +2\.000 +20% /);
    expect(result.stdout).toContain(`least judge time 1 h 23 min (bound by ${GROUP()}'s requests per minute)`);
    expect(result.stdout).toContain('\nnotes:\n  - group judge rank: calls are counted for groups of 4 distinct rollouts (--group)');
    expect(result.stdout).toContain(
      'no call latency (give --latency-ms N, or plan --from a scored file): the concurrency limit is not timed',
    );
  });
});

describe('rewardkit plan --from (a scored file)', () => {
  let scored: string;
  beforeAll(async () => {
    scored = join(dir, 'scored.jsonl');
    const cache = join(dir, 'cache.sqlite'); // b2 repeats b1: its calls are answered by the cache or in flight either way
    const result = await runCli(
      'score',
      '--spec',
      spec,
      '--input',
      sample,
      '--output',
      scored,
      '--cache',
      cache,
      '--prices',
      prices,
      '--quiet',
    );
    expect(result.code).toBe(0);
  });

  it('scales the measured calls, cached share, tokens and cost per row to a step and a run; the cost from --prices equals the measured one', async () => {
    const withPrices = await planJson(
      '--from',
      scored,
      '--rows',
      '1000',
      '--group',
      '4',
      '--steps',
      '10',
      '--prices',
      prices,
      '--latency-ms',
      '100',
    );
    const measured = await planJson('--from', scored, '--rows', '1000', '--group', '4', '--steps', '10', '--latency-ms', '100');
    expect(withPrices.source).toEqual({
      mode: 'scored',
      rows: 6,
      judged: 4,
      gated: 1,
      empty: 1,
      unreadable: 0,
      groups: 0,
      meanGroupSize: null,
      outputTokens: 'measured',
      file: scored,
    });
    expect([withPrices.judged_share, withPrices.judged_share_from]).toEqual([round6(4 / 6), 'measured']);
    const [main, group] = withPrices.models;
    // 12 rubric/preference calls asked, 3 of them (b2's) cached; 9 sent at 300 + 20 tokens
    expect(main).toMatchObject({
      model: MAIN(),
      per_judged_row: { requested: 3, sent: 2.25, input_tokens: 675, output_tokens: 45 },
      dedup_share: 0.25,
      per_step: { requested: 2000, sent: 1500, input_tokens: 450000, output_tokens: 30000, cost_usd: 0.57 },
      cost_from: 'price',
      wall_time_per_step: {
        concurrency_s: 37.5,
        requests_per_minute_s: 150,
        tokens_per_minute_s: 288,
        least_s: 288,
        binds: 'tokens_per_minute',
      },
      run: { sent: 15000, cost_usd: 5.7 },
    });
    // group A: 2 orders × (2 rollouts: 200 in, 40 out); group B: 1 call (100 in, 20 out)
    expect(group).toMatchObject({
      model: GROUP(),
      per_judged_row: { requested: 0.75, sent: 0.75, input_tokens: 125, output_tokens: 25 },
      per_step: { requested: 500, sent: 500, input_tokens: 83333.333333, output_tokens: 16666.666667, cost_usd: 0.3 },
      wall_time_per_step: { concurrency_s: 25, requests_per_minute_s: 500, least_s: 500, binds: 'requests_per_minute' },
    });
    expect(withPrices.per_step).toMatchObject({ sent: 2000, cost_usd: 0.87, least_wall_time_s: 500 });
    expect(withPrices.run).toMatchObject({ sent: 20000, cost_usd: 8.7, least_wall_time_s: 5000 });
    // without --prices: the cost the score run recorded on each call, scaled the same way
    expect(measured.models.map((model) => [model.cost_from, model.per_step.cost_usd])).toEqual([
      ['measured', 0.57],
      ['measured', 0.3],
    ]);
  });

  it('takes the median latency of the answered calls when no --latency-ms is given', async () => {
    const plan = await planJson('--from', scored, '--rows', '100');
    for (const model of plan.models) {
      expect(model.latency_from).toBe('measured median');
      expect(model.latency_ms).toBeGreaterThan(0);
      expect(model.wall_time_per_step.concurrency_s).toBe(
        round6((Math.ceil(model.per_step.sent / model.limits.concurrency!) * model.latency_ms!) / 1000),
      );
    }
  });

  it('a line that is not score output is an error naming the line and field (exit 4)', async () => {
    const bad = join(dir, 'bad-scored.jsonl');
    writeFileSync(
      bad,
      readFileSync(scored, 'utf8') + JSON.stringify({ id: 'x', components: [{ calls: [{ usage: { input_tokens: 'many' } }] }] }) + '\n',
    );
    const result = await runCli('plan', '--spec', spec, '--from', bad, '--rows', '10');
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `plan: --from ${bad}: line 7: components.0.calls.0.usage.input_tokens: Invalid input: expected number, received string (expected a line of rewardkit score output)\n`,
    );
  });
});

describe('rewardkit plan: bad usage', () => {
  it.each([
    [['--sample', 'x.jsonl'], 'plan: --rows N (rollouts per training step) is required'],
    [
      ['--rows', '10'],
      'plan: give either --sample ROLLOUTS.jsonl (a dry run) or --from SCORED.jsonl (measured usage), not both or neither',
    ],
    [
      ['--rows', '10', '--sample', 'a', '--from', 'b'],
      'plan: give either --sample ROLLOUTS.jsonl (a dry run) or --from SCORED.jsonl (measured usage), not both or neither',
    ],
    [['--rows', '0', '--sample', 'a'], '--rows: expected a positive whole number, got "0"'],
    [
      ['--rows', '10', '--sample', 'a', '--gate-pass-rate', '1.5'],
      'plan: --gate-pass-rate: expected a share from 0 to 1 (e.g. 0.8), got "1.5"',
    ],
    [['--rows', '10', '--sample', 'a', '--latency-ms', 'fast'], 'plan: --latency-ms: expected a positive number, got "fast"'],
    [
      ['--rows', '10', '--from', 'a', '--output-tokens', '50'],
      'plan: --output-tokens is for --sample: a scored file has the measured output tokens',
    ],
  ])('%j: exit 2', async (argv, message) => {
    const result = await runCli('plan', '--spec', spec, ...argv);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(message);
  });

  it('an unknown flag, and a missing --group with a group judge, are usage errors (exit 2); a missing file is exit 4', async () => {
    const unknown = await runCli('plan', '--spec', spec, '--sample', sample, '--rows', '10', '--tokens', '5');
    expect([unknown.code, unknown.stderr.split('\n')[0]]).toEqual([2, "plan: Unknown option '--tokens'"]);
    const noGroup = await runCli('plan', '--spec', spec, '--sample', sample, '--rows', '10');
    expect([noGroup.code, noGroup.stderr.split('\n')[0]]).toEqual([
      2,
      'plan: --group G (rollouts per prompt) is required: the spec has a group judge, whose calls depend on the group size',
    ]);
    const missing = await runCli('plan', '--spec', spec, '--sample', join(dir, 'none.jsonl'), '--rows', '10', '--group', '4');
    expect([missing.code, missing.stderr]).toEqual([4, `plan: --sample ${join(dir, 'none.jsonl')}: no such file\n`]);
  });
});
