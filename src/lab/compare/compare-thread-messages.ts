/**
 * What compare's main thread and its helper thread (compare-thread.ts, compare-worker.ts) say to each other: a job
 * (read a side; take bootstrap blocks) and its answer. A side crosses as its columns, whose typed arrays are
 * transferred (moved, not copied); strings are copied. The bootstrap's block counter and means are shared memory.
 */
import type { LabErrorKind } from '../lab-error.js';
import type { SideOptions } from './compare-inputs.js';
import { ComparedSide, type RowColumns } from './compared-side.js';
import type { SharedResamples } from './shared-resamples.js';

export type ThreadJob = { kind: 'read-side'; options: SideOptions } | { kind: 'take-blocks'; shared: SharedResamples };

export interface ThreadRequest {
  id: number;
  job: ThreadJob;
}

/** A side as a message. */
export interface SideData {
  scored: string;
  input: string | null;
  specHashes: string[];
  columns: RowColumns;
}

export type ThreadReply =
  | { id: number; ok: true; result: SideData | number }
  | {
      id: number;
      ok: false;
      /** `lab`: the LabError's kind (thrown again as a LabError), null for any other error. */
      error: { lab: LabErrorKind | null; message: string };
    };

/** The side as a message, and the buffers to transfer with it. */
export function sideMessage(side: ComparedSide): { side: SideData; transfer: ArrayBuffer[] } {
  const c = side.columns;
  const arrays = [c.line, c.reward, c.excluded, c.key, c.chars, c.words, ...c.componentScores];
  return {
    side: { scored: side.scored, input: side.input, specHashes: side.specHashes, columns: c },
    transfer: arrays.map((array) => array.buffer as ArrayBuffer),
  };
}

export function sideFromMessage(data: SideData): ComparedSide {
  return new ComparedSide(data.scored, data.input, data.specHashes, data.columns);
}
