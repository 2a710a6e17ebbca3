import { describe, expect, it } from 'vitest';
import type { ComponentResult, RewardResult } from '../result.js';
import {
  likelyNeutralCause,
  missingReferenceMessage,
  missingReferenceWarning,
  NeutralShareAlarm,
  neutralShareMessage,
  neutralShareOf,
} from './batch-warnings.js';

function result(id: string, parts: Partial<RewardResult> = {}): RewardResult {
  return { id, reward: 1, neutral: false, gated_by: null, flags: [], metrics: {}, components: [], ...parts };
}

function failedJudge(kind: 'server_error' | 'auth_error' | 'timeout', message: string, status?: number): ComponentResult {
  return {
    name: 'quality',
    kind: 'judge',
    type: 'rubric',
    score: null,
    weight: 1,
    status: 'error',
    error: { kind, message, ...(status ? { status } : {}) },
  };
}

const neutral = (id: string, component: ComponentResult) =>
  result(id, { reward: 0.5, neutral: true, flags: ['judge_error'], components: [component] });

describe('neutral share and its likely cause', () => {
  const batch = [
    neutral('a', failedJudge('server_error', 'HTTP 500 from the judge after 2 attempts', 500)),
    neutral('b', failedJudge('server_error', 'HTTP 500 from the judge after 2 attempts', 500)),
    neutral('c', failedJudge('server_error', 'HTTP 502 from the judge after 2 attempts', 502)),
    neutral('d', failedJudge('timeout', 'judge call timed out after 10000 ms')),
    result('e', { reward: null, flags: ['row_error'], error: { field: 'response', message: 'response: expected the response text' } }),
    result('f'),
  ];

  it('counts neutral rewards and missing rewards as neutral', () => {
    expect(neutralShareOf(batch)).toEqual({ neutral: 5, share: 5 / 6 });
    expect(neutralShareOf([])).toEqual({ neutral: 0, share: 0 });
  });

  it('names the most common kind and its most common message', () => {
    expect(likelyNeutralCause(batch)).toEqual({
      kind: 'server_error',
      message: 'quality: HTTP 500 from the judge after 2 attempts (HTTP 500)',
      rows: 3,
    });
    expect(likelyNeutralCause([batch[4]!, batch[5]!])).toEqual({
      kind: 'row_error',
      message: 'response: expected the response text',
      rows: 1,
    });
    expect(likelyNeutralCause([result('x', { reward: 0.5, neutral: true, flags: ['judge_error', 'deadline_exceeded'] })])).toMatchObject({
      kind: 'deadline_exceeded',
      rows: 1,
    });
    expect(likelyNeutralCause([batch[5]!])).toBeUndefined();
  });
});

describe('NeutralShareAlarm', () => {
  it('warns above the threshold, at most once per interval, counting the batches it did not log', () => {
    let now = 1_000_000;
    const alarm = new NeutralShareAlarm({ threshold: 0.5, intervalMs: 60_000, now: () => now });
    const bad = [
      neutral('a', failedJudge('auth_error', 'HTTP 401: invalid API key', 401)),
      neutral('b', failedJudge('auth_error', 'HTTP 401: invalid API key', 401)),
      result('c'),
    ];
    const half = [neutral('a', failedJudge('auth_error', 'x')), result('b')];
    const warning = alarm.check(bad);
    expect(warning).toEqual({
      rows: 3,
      neutral: 2,
      neutral_share: 0.6667,
      threshold: 0.5,
      cause: { kind: 'auth_error', message: 'quality: HTTP 401: invalid API key (HTTP 401)', rows: 2 },
      suppressed: 0,
    });
    expect(neutralShareMessage(warning!, '--neutral-warn-share')).toBe(
      '2 of 3 rewards in this batch (67%) are the neutral fallback, above --neutral-warn-share 0.5: the trainer learns nothing from them; ' +
        'most common cause (2 rows): auth_error: quality: HTTP 401: invalid API key (HTTP 401)',
    );
    expect(alarm.check(half)).toBeUndefined(); // exactly the threshold: not above it
    now += 59_999;
    expect(alarm.check(bad)).toBeUndefined();
    expect(alarm.check(bad)).toBeUndefined();
    now += 1;
    expect(alarm.check(bad)).toMatchObject({ suppressed: 2 });
    expect(alarm.check([])).toBeUndefined();
    expect(new NeutralShareAlarm({ threshold: 1 }).check(bad.slice(0, 2))).toBeUndefined();
  });
});

describe('missingReferenceWarning', () => {
  const noReference = (id: string) =>
    result(id, {
      reward: 1,
      flags: ['no_reference'],
      components: [
        {
          name: 'correct',
          kind: 'judge',
          type: 'preference',
          score: null,
          weight: 1,
          status: 'undetermined',
          details: { no_reference: true, missing: 'reference' },
        },
      ],
    });

  it('warns when every judged row lacks a reference, naming the components', () => {
    const rows = [
      noReference('a'),
      noReference('b'),
      result('c', { reward: null, flags: ['row_error'] }),
      result('d', { reward: 0, flags: ['gated'] }),
    ];
    const warning = missingReferenceWarning(rows);
    expect(warning).toEqual({ rows: 2, components: ['correct'] });
    expect(missingReferenceMessage(warning!, 'OpenRLHF sends labels only with --label_key')).toBe(
      'no row of this request has a reference: the components that need one (correct) were left out of all 2 rewards (flag no_reference); OpenRLHF sends labels only with --label_key',
    );
  });

  it('is quiet when one row has a reference, or no row was judged', () => {
    expect(missingReferenceWarning([noReference('a'), result('b')])).toBeUndefined();
    expect(missingReferenceWarning([result('c', { reward: null, flags: ['row_error'] })])).toBeUndefined();
    expect(missingReferenceWarning([])).toBeUndefined();
  });
});
