/**
 * A rollouts run: streams the dataset (data/read-dataset.ts, each record read as a DatasetRow by data/source-row.ts),
 * turns each row into its n generation requests (the samples --resume found written are left out), sends them through
 * the policy sampler with at most `concurrency` in flight, and yields what happened in input order: a rollout row to
 * write, a sample that failed after its retries (never written: no empty stand-in), or a row that cannot be sent.
 */
import { emptyReport } from '../data/convert-report.js';
import { fileKindOf, type FileKind, type SourceFormat } from '../data/dataset-formats.js';
import { DEFAULT_MAPPING, type DatasetRow } from '../data/dataset-row.js';
import { readDataset } from '../data/read-dataset.js';
import { toDatasetRow } from '../data/source-row.js';
import type { ComponentError } from '../result.js';
import { orderedMap } from '../runtime/ordered-map.js';
import { generationRequests, promptOf, type GenerationRequest } from './generation-request.js';
import type { PolicySampler, SampleCall } from './policy-sampler.js';
import { rolloutId, rolloutRow, rowIdOf } from './rollout-row.js';
import type { RolloutTally } from './rollout-tally.js';

/** The dataset formats --format takes: auto is verl/records for .parquet, records for .csv, Nova for JSONL. */
export const ROLLOUT_INPUT_FORMATS = ['nova', 'openai', 'auto'] as const;
export type RolloutInputFormat = (typeof ROLLOUT_INPUT_FORMATS)[number];

export interface RolloutRunOptions {
  input: string;
  format: RolloutInputFormat;
  /** Samples per row. */
  n: number;
  /** The first sample's provider seed (sample k asks with seed + k). */
  seed?: number | undefined;
  /** Replaces the rows' system prompt. */
  system?: string | undefined;
  /** Read at most this many dataset records. */
  limit?: number | undefined;
  /** Ids of the rollouts already written (--resume). */
  done: ReadonlySet<string>;
  sampler: PolicySampler;
  /** Samples in flight at most (the model's admission may allow fewer, e.g. after 429s). */
  concurrency: number;
  /** Set it to stop reading: the samples in flight finish, no new one starts. */
  interrupted: { value: boolean };
  tally: RolloutTally;
}

export type RolloutEvent =
  | { kind: 'rollout'; line: number; row: Record<string, unknown>; call: SampleCall }
  | { kind: 'failed'; line: number; rowId: string; sample: number; error: ComponentError; call: SampleCall }
  | { kind: 'skipped'; line: number; problem: string };

type Work =
  | { kind: 'sample'; line: number; row: DatasetRow; messages: Record<string, unknown>[]; request: GenerationRequest }
  | { kind: 'skipped'; line: number; problem: string };

export function runRollouts(options: RolloutRunOptions): AsyncGenerator<RolloutEvent> {
  return orderedMap(work(options), options.concurrency, async (item): Promise<RolloutEvent> => {
    if (item.kind === 'skipped') return item;
    const call = await options.sampler.sample(item.request);
    const { rowId, sample } = item.request;
    const failed = (error: ComponentError): RolloutEvent => ({ kind: 'failed', line: item.line, rowId, sample, error, call });
    options.tally.call(call, call.ok && call.reply.text !== '');
    if (!call.ok) return failed(call.error);
    // an empty reply is no rollout: reported like a failed call, generated again by --resume
    if (call.reply.text === '') {
      return failed({ kind: 'empty_output', message: `the policy replied with no text (finish reason ${call.reply.finishReason})` });
    }
    return { kind: 'rollout', line: item.line, row: rolloutRow(item.row, item.messages, rowId, sample, call.reply.text), call };
  });
}

/** The samples to generate, row by row, and the rows that cannot be sent. */
async function* work(options: RolloutRunOptions): AsyncGenerator<Work> {
  const { kind, format } = sourceOf(options.input, options.format);
  const report = emptyReport(options.input, '', format, 'rollouts');
  /** Row id → the line it was first seen on: a second row with the same id would reuse its rollout ids. */
  const seen = new Map<string, number>();
  let records = 0;
  for await (const batch of readDataset(options.input, kind)) {
    for (const record of batch) {
      if (options.interrupted.value || (options.limit !== undefined && records >= options.limit)) return;
      records++;
      const skipped = (problem: string): Work => {
        options.tally.skippedRow();
        return { kind: 'skipped', line: record.line, problem };
      };
      if ('error' in record) {
        yield skipped(`not JSON (${record.error})`);
        continue;
      }
      const read = toDatasetRow(record.value, record.line, format, DEFAULT_MAPPING, report);
      if ('problems' in read) {
        const first = read.problems.items[0]!;
        yield skipped(`${first.field}: expected ${first.expected}, found ${first.found}`);
        continue;
      }
      const row = read.row;
      const rowId = rowIdOf(row, record.line);
      const earlier = seen.get(rowId);
      if (earlier !== undefined) {
        yield skipped(`id: ${JSON.stringify(rowId)} was already the id of line ${earlier}; expected ids unique (rollout ids are <id>#<k>)`);
        continue;
      }
      seen.set(rowId, record.line);
      const prompt = promptOf(row.messages, options.system);
      if ('problem' in prompt) {
        yield skipped(prompt.problem);
        continue;
      }
      const requests = generationRequests(rowId, prompt.prompt, options.n, options.seed, (sample) =>
        options.done.has(rolloutId(rowId, sample)),
      );
      options.tally.row(options.n - requests.length);
      for (const request of requests) {
        if (options.interrupted.value) return;
        yield { kind: 'sample', line: record.line, row, messages: prompt.messages, request };
      }
    }
  }
}

/** The file kind and source format of the dataset. */
function sourceOf(path: string, format: RolloutInputFormat): { kind: FileKind; format: SourceFormat } {
  if (format !== 'auto') return { kind: 'jsonl', format };
  const kind = fileKindOf(path);
  return { kind, format: kind === 'jsonl' ? 'nova' : kind };
}
