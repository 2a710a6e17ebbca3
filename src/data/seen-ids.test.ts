/** SeenIds: first uses, repeated uses, ids that share a hash, wide and long ids, and growth to many ids. */
import { describe, expect, it } from 'vitest';
import { idHash, SeenIds } from './seen-ids.js';

describe('SeenIds', () => {
  it('returns undefined for a new id and the first line for every later use', () => {
    const ids = new SeenIds();
    expect(ids.firstUse('row-1', 1)).toBeUndefined();
    expect(ids.firstUse('row-2', 2)).toBeUndefined();
    expect(ids.firstUse('row-1', 3)).toBe(1);
    expect(ids.firstUse('row-1', 9)).toBe(1);
    expect(ids.firstUse('row-2', 10)).toBe(2);
    expect(ids.firstUse('row-3', 4_000_000_000)).toBeUndefined();
    expect(ids.firstUse('row-3', 1)).toBe(4_000_000_000);
    expect(ids.size).toBe(3);
  });

  it('tells apart two different ids with the same hash (no false duplicate) and still finds each one again', () => {
    // found by a search over "id-N": FNV-1a + fmix32 sends both to 3267266029
    expect(idHash('id-149599')).toBe(idHash('id-312382'));
    const ids = new SeenIds();
    expect(ids.firstUse('id-149599', 5)).toBeUndefined();
    expect(ids.firstUse('id-312382', 6)).toBeUndefined();
    expect(ids.firstUse('id-312382', 7)).toBe(6);
    expect(ids.firstUse('id-149599', 8)).toBe(5);
  });

  it('keeps ids with characters above U+00FF, ids that differ only there, the empty id and very long ids', () => {
    const ids = new SeenIds();
    const long = 'x'.repeat(70_000);
    const entries = ['Zürich-1', 'Zürich-1 ', '東京-1', '東京-2', 'emoji-😀', 'Ā', 'Ā'.replace('Ā', 'A'), '', long, `${long}y`];
    entries.forEach((id, line) => expect(ids.firstUse(id, line + 1)).toBeUndefined());
    entries.forEach((id, line) => expect(ids.firstUse(id, 100 + line)).toBe(line + 1));
    expect(ids.size).toBe(entries.length);
  });

  it('grows to 300,000 ids and still knows each one, and only those', () => {
    const ids = new SeenIds();
    let repeated = 0;
    for (let i = 0; i < 300_000; i += 1) if (ids.firstUse(`row-${i}`, i + 1) !== undefined) repeated += 1;
    expect(repeated).toBe(0);
    for (let i = 0; i < 300_000; i += 7919) expect(ids.firstUse(`row-${i}`, 1)).toBe(i + 1);
    expect(ids.firstUse('row-300000', 1)).toBeUndefined();
    expect(ids.size).toBe(300_001);
    // 2^20 slots × 8 bytes, and an 8 MiB arena (doubled from 64 KiB): 300,001 entries of 5 bytes + 2,888,900 characters
    expect(ids.bytes).toBe((1 << 20) * 8 + (1 << 23));
  });
});
