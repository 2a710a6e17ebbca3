/** The score tally's judge-failure counts (they decide `score`'s exit code 9) and which rows --retry-errors re-judges. */
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
