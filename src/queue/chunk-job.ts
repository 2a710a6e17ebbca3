/**
 * The two messages of queued scoring, as zod schemas: a chunk job (what the producer enqueues: the run id, the chunk's
 * index, its rows with their input line numbers, and the rows a worker notes as scored earlier so a cut group is
 * flagged as in a local run) and a chunk result (what the worker stores for the producer: one output line per row,
 * in the chunk's order, exactly as `score` writes it, and the chunk's group counts).
 */
import { z } from 'zod';

export const ChunkRowSchema = z.strictObject({
  /** The row's input line number (the output line's `line`). */
  line: z.number().int().min(1),
  row: z.unknown(),
});
export type ChunkRow = z.infer<typeof ChunkRowSchema>;

export const ChunkJobSchema = z.strictObject({
  format: z.literal(1),
  run: z.string().min(1),
  index: z.number().int().min(0),
  /** In input order; with a group judge, whole groups (chunk-planner.ts). */
  rows: z.array(ChunkRowSchema).min(1),
  /** Rows of groups judged before (earlier chunks, or before a --resume point): a later part of such a group is flagged group_cut. */
  earlier: z.array(z.unknown()),
});
export type ChunkJob = z.infer<typeof ChunkJobSchema>;

export const GroupCountsSchema = z.strictObject({
  groups: z.number().int().min(0),
  rows_in_groups: z.number().int().min(0),
  cut: z.number().int().min(0),
});
export type GroupCounts = z.infer<typeof GroupCountsSchema>;

export const ChunkResultSchema = z.strictObject({
  /** One JSON line per row of the chunk, in its order, without the newline: `{"line": N, ...result}`. */
  lines: z.array(z.string()),
  /** With a group judge: the groups this chunk judged. */
  groups: GroupCountsSchema.optional(),
});
export type ChunkResult = z.infer<typeof ChunkResultSchema>;

/** What a worker returns to BullMQ (small: the lines themselves are under the result key, not in the event stream). */
export const ChunkReceiptSchema = z.strictObject({ rows: z.number().int().min(1) });
export type ChunkReceipt = z.infer<typeof ChunkReceiptSchema>;
