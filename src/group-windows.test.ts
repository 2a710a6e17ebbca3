/**
 * GroupWindows: parts open at their first row and close once the window has passed it, in opening order; a key
 * that comes again within a window of its part closing (or of a row before the resume point) opens a cut part.
 */
import { describe, expect, it } from 'vitest';
import { GroupWindows, type ClosedPart } from './group-windows.js';

interface TestPart {
  id: string;
  first: number;
  cutFrom: ClosedPart<string> | undefined;
}

function windowsOf(window: number) {
  const closed: string[] = [];
  const windows = new GroupWindows<TestPart, string>(window, (part, at) => {
    closed.push(`${part.id}@${part.first}→${at}`);
    return `note of ${part.id}@${part.first}`;
  });
  const row = (id: string) => {
    const at = windows.advance();
    return windows.partOf(id, at, (cutFrom) => ({ id, first: at, cutFrom }));
  };
  return { windows, closed, row };
}

describe('GroupWindows', () => {
  it('closes each part `window` positions after its first row, in opening order; rows of an open part join it', () => {
    const { windows, closed, row } = windowsOf(3);
    const a = row('a'); // 0
    expect(row('b')).not.toBe(a); // 1
    expect(row('a')).toBe(a); // 2: still open
    expect(closed).toEqual([]);
    row('c'); // 3: a's window (0..2) has passed
    expect(closed).toEqual(['a@0→3']);
    windows.advance(); // 4: b closes
    expect(closed).toEqual(['a@0→3', 'b@1→4']);
    expect(windows.closeAll().map((part) => part.id)).toEqual(['c']);
  });

  it('a key coming again within a window of its part closing opens a cut part, told what was noted; later, a whole one', () => {
    const { windows, row } = windowsOf(2);
    row('a'); // 0
    windows.advance(); // 1
    const cut = row('a'); // 2: a closed at 2, opens again at once
    expect(cut).toEqual({ id: 'a', first: 2, cutFrom: { at: 2, note: 'note of a@0' } });
    windows.advance(); // 3
    windows.advance(); // 4: the cut part closes at 4
    windows.advance(); // 5
    windows.advance(); // 6: a's close at 4 is forgotten (6 − 4 ≥ 2)
    expect(row('a').cutFrom).toBeUndefined(); // 7
  });

  it('a key seen before the resume point cuts the first part of it within the window', () => {
    const { windows, row } = windowsOf(4);
    windows.remember('a', windows.advance(), 'earlier row'); // 0
    expect(row('a').cutFrom).toEqual({ at: 0, note: 'earlier row' }); // 1
    expect(row('b').cutFrom).toBeUndefined(); // 2
  });

  it('an Infinity window closes nothing until closeAll, in opening order', () => {
    const { windows, closed, row } = windowsOf(Infinity);
    for (const id of ['x', 'y', 'x', 'z', 'y']) row(id);
    expect(closed).toEqual([]);
    expect(windows.closeAll().map((part) => `${part.id}@${part.first}`)).toEqual(['x@0', 'y@1', 'z@3']);
    expect(windows.closeAll()).toEqual([]);
  });
});
