/** The group verdict: one required entry per label in the schema; a wrong count or an off-scale score is never read as a verdict. */
import { describe, expect, it } from 'vitest';
import { groupVerdictSchema, readGroupVerdict } from './group-verdict.js';

const EIGHT = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const entries = (labels: readonly string[], score = 5) =>
  Object.fromEntries(labels.map((label) => [label, { rationale: `r${label}`, score }]));

describe('groupVerdictSchema', () => {
  it('requires exactly one entry per label, each an integer on the scale with a rationale', () => {
    const entry = {
      type: 'object',
      properties: { rationale: { type: 'string' }, score: { type: 'integer', minimum: 0, maximum: 10 } },
      required: ['rationale', 'score'],
      additionalProperties: false,
    };
    expect(groupVerdictSchema(['A', 'B', 'C'], [0, 10])).toEqual({
      type: 'object',
      properties: {
        rollouts: {
          type: 'object',
          properties: { A: entry, B: entry, C: entry },
          required: ['A', 'B', 'C'],
          additionalProperties: false,
        },
      },
      required: ['rollouts'],
      additionalProperties: false,
    });
  });
});

describe('readGroupVerdict', () => {
  it('reads every label’s score and rationale', () => {
    expect(
      readGroupVerdict(
        {
          rollouts: {
            A: { rationale: 'good', score: 7 },
            B: { rationale: 'weak', score: 3 },
          },
        },
        ['A', 'B'],
        [0, 10],
      ),
    ).toEqual({
      ok: true,
      verdict: {
        entries: {
          A: { score: 7, rationale: 'good' },
          B: { score: 3, rationale: 'weak' },
        },
      },
    });
  });

  it('accepts the entries under scores or at the top level, keys like "rollout_a" / "Rollout B", a list with ids, and "4/5"', () => {
    const expected = { ok: true, verdict: { entries: { A: { score: 4, rationale: 'x' }, B: { score: 2, rationale: 'y' } } } };
    const labels = ['A', 'B'];
    expect(readGroupVerdict({ scores: { a: { score: 4, reason: 'x' }, b: { rating: '2', rationale: 'y' } } }, labels, [1, 5])).toEqual(
      expected,
    );
    expect(
      readGroupVerdict({ rollout_a: { score: 4, rationale: 'x' }, 'Rollout B': { score: 2, rationale: 'y' } }, labels, [1, 5]),
    ).toEqual(expected);
    expect(
      readGroupVerdict(
        {
          rollouts: [
            { id: 'B', score: 2, rationale: 'y' },
            { label: 'A', score: '4/5', rationale: 'x' },
          ],
        },
        labels,
        [1, 5],
      ),
    ).toEqual(expected);
  });

  it('is a parse_error naming the missing rollouts when 7 of 8 are answered', () => {
    expect(readGroupVerdict({ rollouts: entries(EIGHT.filter((label) => label !== 'C')) }, EIGHT, [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing score for rollout(s) C' },
    });
    expect(readGroupVerdict({ rollouts: entries(['A', 'B', 'D', 'E', 'F', 'G']) }, EIGHT, [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing score for rollout(s) C, H' },
    });
  });

  it('is a parse_error naming the extra rollout when 9 are answered for 8', () => {
    expect(readGroupVerdict({ rollouts: entries([...EIGHT, 'I']) }, EIGHT, [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'unexpected rollout(s) I: the group has 8 (A–H)' },
    });
  });

  it('is a parse_error for a list of 7, and for a list that names a rollout twice', () => {
    const list = (labels: readonly string[]) => labels.map((label) => ({ id: label, score: 5, rationale: 'ok' }));
    expect(readGroupVerdict({ rollouts: list(EIGHT.slice(0, 7)) }, EIGHT, [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing score for rollout(s) H' },
    });
    expect(readGroupVerdict({ rollouts: list([...EIGHT.slice(0, 7), 'G']) }, EIGHT, [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing score for rollout(s) H; unexpected rollout(s) G (repeated): the group has 8 (A–H)' },
    });
    expect(readGroupVerdict({ rollouts: [{ score: 5 }] }, ['A'], [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'rollout entry 1 of the list has no label (id)' },
    });
  });

  it('is a parse_error for an unreadable score or a section that is not an object', () => {
    expect(readGroupVerdict({ rollouts: { A: { score: 'great', rationale: 'x' } } }, ['A'], [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'unreadable score for rollout(s) A' },
    });
    expect(readGroupVerdict({ rollouts: 'all good' }, ['A'], [0, 10])).toEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'expected an object of rollout scores keyed by label' },
    });
  });

  it('is out_of_scale for a score off the scale, never clamped', () => {
    expect(
      readGroupVerdict({ rollouts: { A: { score: 11, rationale: 'x' }, B: { score: 10, rationale: 'y' } } }, ['A', 'B'], [0, 10]),
    ).toEqual({
      ok: false,
      error: { kind: 'out_of_scale', message: 'score outside the scale 0–10: A=11' },
    });
    expect(readGroupVerdict({ rollouts: { A: { score: 0, rationale: 'x' } } }, ['A'], [1, 5])).toEqual({
      ok: false,
      error: { kind: 'out_of_scale', message: 'score outside the scale 1–5: A=0' },
    });
  });
});
