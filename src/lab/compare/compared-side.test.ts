/** ComparedSide's columns: rows in and out unchanged (past the builder's first doubling), keys kept once, and a row naming a component twice refused. */
import { describe, expect, it } from 'vitest';
import { ComparedSide, ComparedSideBuilder, type ComparedRow } from './compared-side.js';

const row = (line: number, key: string | null, reward: number | null, components: ComparedRow['components']): ComparedRow => ({
  line,
  id: `r-${line}`,
  reward,
  excluded: reward === null ? 'row_error' : null,
  components,
  key,
  chars: line % 3 === 0 ? null : line * 10,
  words: line % 3 === 0 ? null : line,
});

describe('ComparedSide', () => {
  it('gives back the rows it was built from (components: those that scored), past 1,024 rows', () => {
    const rows = Array.from({ length: 2500 }, (_, i) =>
      row(i + 1, i % 7 === 0 ? null : `p${i >> 2}`, i % 11 === 0 ? null : i / 2500, [
        { name: 'quality', score: i / 2500 },
        ...(i % 5 === 0 ? [] : [{ name: 'format', score: i % 2 }]),
      ]),
    );
    const side = ComparedSide.fromRows('s.jsonl', null, rows, ['h']);
    expect(side.rowCount).toBe(2500);
    expect(side.rows).toEqual(rows);
    expect(side.columns.componentNames).toEqual(['quality', 'format']);
    // rows sharing a key share one string: 2,500 rows of 625 prompts (each with a row that has a key)
    expect(side.columns.keys).toHaveLength(625);
    expect(Array.from(side.columns.key.subarray(0, 8))).toEqual([-1, 0, 0, 0, 1, 1, 1, -1]);
  });

  it('keeps a null score apart from a missing component only in the rows it gives (both are "did not score")', () => {
    const side = ComparedSide.fromRows('s.jsonl', null, [row(1, 'p', 0.5, [{ name: 'judge', score: null }])], []);
    expect(side.rows[0]!.components).toEqual([]);
    expect(Number.isNaN(side.columns.componentScores[0]![0]!)).toBe(true);
  });

  it('refuses a row that names a component twice, whatever the scores', () => {
    const builder = new ComparedSideBuilder();
    builder.add(row(1, 'p', 0.5, [{ name: 'a', score: 1 }]));
    expect(() =>
      builder.add(
        row(2, 'p', 0.5, [
          { name: 'a', score: null },
          { name: 'b', score: 1 },
          { name: 'a', score: 0.5 },
        ]),
      ),
    ).toThrow(new RangeError('component "a" appears twice in the row'));
  });
});
