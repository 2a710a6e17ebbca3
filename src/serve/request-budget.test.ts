import { describe, expect, it } from 'vitest';
import { RequestBudget } from './request-budget.js';

describe('RequestBudget', () => {
  it('admits requests while the bytes and rows held stay within the limits', () => {
    const budget = new RequestBudget({ maxBytes: 100, maxRows: 10 });
    const first = budget.open();
    const second = budget.open();
    expect([first.takeBytes(60), first.takeRows(6)]).toEqual([true, true]);
    expect(second.takeBytes(41)).toBe(false);
    expect(second.takeBytes(40)).toBe(true);
    expect(second.takeRows(5)).toBe(false);
    expect(second.takeRows(4)).toBe(true);
    expect([budget.bytesInFlight, budget.rowsInFlight]).toEqual([100, 10]);
    first.release();
    first.release(); // idempotent
    expect([budget.bytesInFlight, budget.rowsInFlight]).toEqual([40, 4]);
    expect(first.takeBytes(1)).toBe(false); // a released ticket takes nothing more
    second.release();
    expect([budget.bytesInFlight, budget.rowsInFlight]).toEqual([0, 0]);
  });

  it('always admits a request when it is the only one holding anything, however large', () => {
    const budget = new RequestBudget({ maxBytes: 100, maxRows: 10 });
    const big = budget.open();
    expect([big.takeBytes(500), big.takeBytes(500), big.takeRows(50)]).toEqual([true, true, true]);
    const other = budget.open();
    expect([other.takeBytes(1), other.takeRows(1)]).toEqual([false, false]);
    big.release();
    expect([other.takeBytes(1), other.takeRows(1)]).toEqual([true, true]);
  });
});
