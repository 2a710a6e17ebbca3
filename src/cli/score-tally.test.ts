/**
 * The score tally's judge-failure counts (they decide `score`'s exit code 9), its judge calls per rollout (a group's
 * calls counted once, on its owner row; cache hits not counted) and which rows --retry-errors re-judges.
 */
import { describe, expect, it } from 'vitest';
import type { ComponentResult, JudgeCallRecord, RewardResult } from '../result.js';
import { formatSummaryTable, needsRejudging, ScoreTally } from './score-tally.js';

const call = (error?: JudgeCallRecord['error']): JudgeCallRecord => ({
  label: 'item 1',
  raw: '',
  finish_reason: error ? 'error' : 'stop',
  usage: { input_tokens: error ? 0 : 100, output_tokens: error ? 0 : 10 },
  latency_ms: 5,
  attempts: error ? 3 : 1,
  model: 'openai-compatible:judge',
  ...(error ? { error } : {}),
});

const judged = (score: number | null, calls: JudgeCallRecord[]): ComponentResult => ({
  name: 'quality',
  kind: 'judge',
  type: 'rubric',
  score,
  weight: 1,
  status: score === null ? 'error' : 'scored',
  calls,
});

const row = (id: string, reward: number | null, flags: string[], components: ComponentResult[]): RewardResult => ({
  id,
  reward,
  neutral: flags.includes('judge_error') && reward !== null,
  gated_by: null,
  flags,
  metrics: { judge_calls: components.flatMap((component) => component.calls ?? []).length },
  components,
});

describe('ScoreTally', () => {
  it('counts failed judge calls by kind, also on rows with no reward (on_judge_error: null)', () => {
    const tally = new ScoreTally();
    tally.add(row('ok', 1, [], [judged(1, [call(), call()])]));
    tally.add(row('neutral', 0.5, ['judge_error'], [judged(null, [call({ kind: 'server_error', message: 'HTTP 500' })])]));
    tally.add(row('no-reward', null, ['judge_error'], [judged(null, [call({ kind: 'circuit_open', message: 'open' }), call()])]));
    tally.add({ ...row('unreadable', null, ['row_error'], []), error: { field: 'messages', message: 'expected …' } });
    const totals = tally.totals();
    expect([totals.rows, totals.scored, totals.row_errors, totals.no_reward, totals.rejudge_rows]).toEqual([4, 2, 1, 1, 2]);
    expect(totals.judge).toMatchObject({ calls: 5, errors: 2 });
    expect(totals.judge_error_kinds).toEqual({ server_error: 1, circuit_open: 1 });
    expect(tally.judgeErrorRate).toBe(0.4);
    const text = formatSummaryTable(totals, 1);
    expect(text).toMatch(/rows\s+4 \(2 scored, 1 unreadable, 1 no reward\)/);
    expect(text).toMatch(/judge calls failed\s+2 of 5 \(40\.0%\): server_error ×1, circuit_open ×1/);
  });
});

describe('ScoreTally calls per rollout', () => {
  const groupComponent = (calls: JudgeCallRecord[]): ComponentResult => ({ ...judged(0.5, calls), type: 'group', name: 'rank' });

  it("counts a group's calls once: 8 rows whose owner carries the 2 calls (2 orders) → 0.250", () => {
    const tally = new ScoreTally();
    tally.add(row('r0', 0.5, [], [groupComponent([call(), call()])]));
    for (let index = 1; index < 8; index++) tally.add(row(`r${index}`, 0.5, [], [groupComponent([])]));
    const totals = tally.totals();
    expect([totals.rows, totals.judge.calls, totals.calls_per_rollout]).toEqual([8, 2, 0.25]);
    expect(formatSummaryTable(totals, 1)).toMatch(/\njudge calls per rollout +0\.250\n/);
  });

  it('leaves out calls answered from the cache or shared in flight, and counts unreadable lines as rollouts', () => {
    const tally = new ScoreTally();
    tally.add(row('sent', 1, [], [judged(1, [call(), { ...call(), cached: true }])]));
    tally.add(row('cached', 1, [], [judged(1, [{ ...call(), cached: true }])]));
    tally.add({ ...row('unreadable', null, ['row_error'], []), error: { field: 'messages', message: 'expected …' } });
    tally.addUnreadable();
    const totals = tally.totals();
    expect([totals.rows, totals.judge.calls, totals.calls_per_rollout]).toEqual([4, 3, 0.25]);
    expect(totals.models['openai-compatible:judge']).toMatchObject({ calls: 1, cached: 2 });
  });

  it('is null, and not printed, with no rows', () => {
    const totals = new ScoreTally().totals();
    expect(totals.calls_per_rollout).toBeNull();
    expect(formatSummaryTable(totals, 1)).not.toContain('per rollout');
  });
});

describe('needsRejudging', () => {
  it.each([
    [['judge_error'], [], true],
    [['judge_error', 'deadline_exceeded'], [], true],
    [['circuit_open'], [], true],
    [[], [judged(null, [])], true], // a judge in error without the flag
    [['gated'], [], false],
    [['row_error'], [], false],
    [['empty_response'], [], false],
    [[], [judged(0.5, [call()])], false],
  ])('%j with %j components → %s', (flags, components, expected) => {
    expect(needsRejudging({ flags, components })).toBe(expected);
  });
});
