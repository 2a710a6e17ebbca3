/** What the lab reads from a RewardResult: row status, the score to analyse, verdict lines per item. */
import { describe, expect, it } from 'vitest';
import type { ComponentResult, RewardResult } from '../../result.js';
import { judgeLines, judgeScore, rowLineValue, rowStatus, scoreOf } from './row-signals.js';

const base: RewardResult = { id: 'r', reward: 0.6, neutral: false, gated_by: null, flags: [], metrics: {}, components: [] };
const check: ComponentResult = { name: 'len', kind: 'check', type: 'length', score: 1, weight: 1, status: 'scored' };
const rubric: ComponentResult = {
  name: 'quality',
  kind: 'judge',
  type: 'rubric',
  score: 0.25,
  weight: 3,
  status: 'scored',
  details: {
    items: [
      { score: 0.5, lines: { ok: { pass: true }, depth: { score: 2 } } },
      { score: 0, lines: { ok: { pass: false }, depth: { score: 1 } } },
    ],
  },
};
const preference: ComponentResult = {
  name: 'pair',
  kind: 'judge',
  type: 'preference',
  score: 0.5,
  weight: 1,
  status: 'scored',
  details: { winner: 'tie' },
};

describe('rowStatus and scoreOf', () => {
  it('tells judged rows from gated, empty, unreadable and failed ones', () => {
    expect(rowStatus({ ...base, components: [check, rubric] })).toBe('judged');
    expect(rowStatus({ ...base, components: [check] })).toBe('unjudged');
    expect(rowStatus({ ...base, gated_by: 'len', flags: ['gated'] })).toBe('gated');
    expect(rowStatus({ ...base, reward: 0, flags: ['empty_response'] })).toBe('empty');
    expect(rowStatus({ ...base, reward: null, flags: ['row_error'] })).toBe('row_error');
    expect(rowStatus({ ...base, neutral: true, flags: ['judge_error'], components: [{ ...rubric, status: 'error', score: null }] })).toBe(
      'judge_error',
    );
  });

  it('gives the reward, the judges’ weighted mean or one component — and null for a judge failure', () => {
    const row = { ...base, components: [check, rubric, preference] };
    expect(scoreOf(row, 'reward')).toBe(0.6);
    expect(scoreOf(row, 'judges')).toBe((3 * 0.25 + 0.5) / 4);
    expect(scoreOf(row, { component: 'len' })).toBe(1);
    expect(scoreOf(row, { component: 'missing' })).toBeNull();
    expect(scoreOf({ ...row, flags: ['judge_error'], components: [{ ...rubric, status: 'error', score: null }] }, 'reward')).toBeNull();
    expect(
      judgeScore([
        { ...rubric, weight: 0 },
        { ...preference, weight: 0 },
      ]),
    ).toBe(0.375);
  });
});

describe('judgeLines', () => {
  it('reads rubric lines per item and a preference winner', () => {
    const lines = judgeLines({ ...base, components: [check, rubric, preference] });
    expect([...lines.entries()]).toEqual([
      ['quality.ok', { judge: 'quality', line: 'ok', kind: 'pass_fail', items: [true, false] }],
      ['quality.depth', { judge: 'quality', line: 'depth', kind: 'scale', items: [2, 1] }],
      ['pair.winner', { judge: 'pair', line: 'winner', kind: 'preference', items: ['tie'] }],
    ]);
    expect([...lines.values()].map(rowLineValue)).toEqual([0.5, 1.5, 'tie']);
    expect(rowLineValue({ judge: 'q', line: 'l', kind: 'scale', items: [null] })).toBeNull();
  });
});
