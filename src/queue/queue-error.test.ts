/** A failed chunk's reason carries the worker's kind and name to the producer; a reason BullMQ wrote itself is `chunk_failed`. */
import { describe, expect, it } from 'vitest';
import { errorOfFailedReason, failedReasonOf } from './queue-error.js';

describe('failed chunk reasons', () => {
  it('round-trips the kind and message; any other reason is chunk_failed with the reason as its message', () => {
    const reason = failedReasonOf('judge_unreachable', 'host-b:7', 'cannot reach the judge:\n  - judge x');
    expect(reason).toBe('[judge_unreachable] worker host-b:7: cannot reach the judge:\n  - judge x');
    const parsed = errorOfFailedReason(reason);
    expect([parsed.kind, parsed.message]).toEqual(['judge_unreachable', 'worker host-b:7: cannot reach the judge:\n  - judge x']);
    const stalled = errorOfFailedReason('job stalled more than allowable limit');
    expect([stalled.kind, stalled.message]).toEqual(['chunk_failed', 'job stalled more than allowable limit']);
    const unknownKind = errorOfFailedReason('[weird] something');
    expect([unknownKind.kind, unknownKind.message]).toEqual(['chunk_failed', '[weird] something']);
    expect(errorOfFailedReason('').message).toBe('(no reason given)');
  });
});
