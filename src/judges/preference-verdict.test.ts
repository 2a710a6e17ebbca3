import { describe, expect, it } from 'vitest';
import { readPreferenceVerdict, toWinner, WINNER_SCORE, type PairVerdict, type Winner } from './preference-judge.js';

type Order = Parameters<typeof toWinner>[1];
const responseFirst: Order = { label: 'response-first', responseIs: 'A' };
const responseSecond: Order = { label: 'response-second', responseIs: 'B' };

describe('readPreferenceVerdict', () => {
  it.each([
    ['A', 'A'],
    ['B', 'B'],
    ['a', 'A'],
    [' b ', 'B'],
    ['[[A]]', 'A'],
    ['[[B]]', 'B'],
    ['Answer A', 'A'],
    ['response b', 'B'],
    ['tie', 'tie'],
    ['Tie', 'tie'],
    ['equal', 'tie'],
    ['draw', 'tie'],
    ['same', 'tie'],
    ['C', 'tie'],
    ['[[C]]', 'tie'],
  ])('reads the verdict %j as %s', (value, expected) => {
    expect(readPreferenceVerdict({ verdict: value, rationale: 'because' })).toStrictEqual({
      ok: true,
      verdict: { verdict: expected, rationale: 'because' },
    });
  });

  it.each([['winner'], ['preferred'], ['preference'], ['choice'], ['better'], ['Verdict']])('reads the verdict from a %s field', (key) => {
    expect(readPreferenceVerdict({ [key]: 'B' })).toStrictEqual({ ok: true, verdict: { verdict: 'B', rationale: '' } });
  });

  it('prefers the verdict field over the other names', () => {
    expect(readPreferenceVerdict({ winner: 'A', verdict: 'B' })).toStrictEqual({ ok: true, verdict: { verdict: 'B', rationale: '' } });
  });

  it('reads and trims the rationale from rationale, reasoning, explanation or justification', () => {
    expect(readPreferenceVerdict({ verdict: 'A', reasoning: '  A is precise. ' })).toStrictEqual({
      ok: true,
      verdict: { verdict: 'A', rationale: 'A is precise.' },
    });
    expect(readPreferenceVerdict({ verdict: 'A', explanation: 'e' })).toStrictEqual({
      ok: true,
      verdict: { verdict: 'A', rationale: 'e' },
    });
    expect(readPreferenceVerdict({ verdict: 'A', justification: 'j' })).toStrictEqual({
      ok: true,
      verdict: { verdict: 'A', rationale: 'j' },
    });
  });

  it('reports a missing verdict field as a parse_error', () => {
    expect(readPreferenceVerdict({ rationale: 'I like both' })).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'expected verdict "A", "B" or "tie", got no verdict field' },
    });
  });

  it('reports an unrecognised verdict word as a parse_error quoting it', () => {
    expect(readPreferenceVerdict({ verdict: 'A is better' })).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'expected verdict "A", "B" or "tie", got "A is better"' },
    });
  });

  it('reports a verdict that is not a string as a parse_error', () => {
    expect(readPreferenceVerdict({ verdict: 1 })).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'expected verdict "A", "B" or "tie", got 1' },
    });
    expect(readPreferenceVerdict({ verdict: null })).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'expected verdict "A", "B" or "tie", got null' },
    });
  });
});

describe('toWinner', () => {
  it.each<{ verdict: PairVerdict; order: Order; winner: Winner }>([
    { verdict: 'A', order: responseFirst, winner: 'response' },
    { verdict: 'B', order: responseFirst, winner: 'other' },
    { verdict: 'A', order: responseSecond, winner: 'other' },
    { verdict: 'B', order: responseSecond, winner: 'response' },
    { verdict: 'tie', order: responseFirst, winner: 'tie' },
    { verdict: 'tie', order: responseSecond, winner: 'tie' },
  ])('verdict $verdict in order $order.label means the winner is $winner', ({ verdict, order, winner }) => {
    expect(toWinner(verdict, order)).toBe(winner);
  });
});

describe('WINNER_SCORE', () => {
  it('scores the response winning 1, a tie 0.5 and the other answer winning 0', () => {
    expect(WINNER_SCORE).toEqual({ response: 1, tie: 0.5, other: 0 });
  });
});
