/**
 * `score --retry-errors --output FILE`: judges again only the rows of a finished run whose judging failed
 * (flagged judge_error / deadline_exceeded / circuit_open, or with a judge component in error) and keeps every
 * other line byte for byte. First the output is checked against the input (one line per input row, same line
 * numbers, same ids) before any judge call; then the file is rewritten atomically (temp file, fsync, rename), in
 * order, so a crash or kill leaves the original as it was and no line is lost or duplicated. With a group judge, a
 * flagged row brings every row of its group (input/group-key.ts) along, so groups are judged whole again.
 */
import { groupKeyOf } from '../input/group-key.js';
import { RowError } from '../input/row-error.js';
import { toRowView } from '../input/row-view.js';
import type { RewardResult } from '../result.js';
import { orderedMap } from '../runtime/ordered-map.js';
import { needsRejudging } from './score-tally.js';
import type { InputSpec } from '../spec/schema.js';
import { AtomicFile } from './atomic-file.js';
import { CliError, EXIT } from './exit-codes.js';
import { readJsonl, type JsonlLine } from './read-jsonl.js';
import { readRawLines, type RawLine } from './raw-lines.js';

export interface RetryPlan {
  /** Result lines in the output (= rows in the input). */
  rows: number;
  /** Input line numbers of the rows to judge again. */
  rejudge: Set<number>;
}

export interface RetryRun {
  outputPath: string;
  inputPath: string;
  /** Rows judged at once (with a group session: rows in flight, at least its window + 1). */
  concurrency: number;
  /** Results held for output order (default: concurrency × 32). */
  maxBuffered?: number;
  /** Scores one input row (the row from `line` of the input). */
  score: (row: unknown, line: number) => Promise<RewardResult>;
  /** Set on Ctrl-C: rows not started yet are kept as they were. */
  interrupted: { value: boolean };
  /** Called with each new result, in order. */
  onResult: (result: RewardResult, line: number) => void;
  /** Called, in input order, for each line kept as it was (a group session counts it toward its window). */
  skip?: () => void;
  /** Called once every line has been seen (a group session judges its open groups). */
  end?: () => void;
}

export interface RetryOutcome {
  /** Rows judged again. */
  rejudged: number;
  /** Of those, rows whose judging failed again (still flagged). */
  stillFailing: number;
  /** Rows to judge again that were kept unchanged because the run was interrupted. */
  left: number;
}

/**
 * Checks that `outputPath` is the finished output of `inputPath` and lists the rows to judge again; with
 * `expandGroups`, also every row of the same group as a flagged row (a second read of the input).
 */
export async function planRetry(outputPath: string, inputPath: string, input: InputSpec, expandGroups = false): Promise<RetryPlan> {
  const rejudge = new Set<number>();
  const flaggedGroups = new Set<string>();
  let rows = 0;
  for await (const pair of pairLines(outputPath, inputPath, input)) {
    rows++;
    if (!needsRejudging(pair.record)) continue;
    rejudge.add(pair.line);
    const key = expandGroups ? groupOfEntry(pair.entry, input) : undefined;
    if (key !== undefined) flaggedGroups.add(key);
  }
  if (flaggedGroups.size > 0) {
    for await (const entry of readJsonl(inputPath)) {
      const key = groupOfEntry(entry, input);
      if (key !== undefined && flaggedGroups.has(key)) rejudge.add(entry.line);
    }
  }
  return { rows, rejudge };
}

/** The group of an input line's row (input/group-key.ts), or undefined for a line that is not a readable row. */
function groupOfEntry(entry: JsonlLine, input: InputSpec): string | undefined {
  if (!('value' in entry)) return undefined;
  try {
    return groupKeyOf(toRowView(entry.value, input, `line-${entry.line}`));
  } catch (error) {
    if (!RowError.isInstance(error)) throw error;
    return undefined;
  }
}

/** Rewrites the output with the flagged rows judged again; every other line is copied byte for byte. */
export async function rewriteWithRetries(run: RetryRun, plan: RetryPlan, input: InputSpec): Promise<RetryOutcome> {
  const file = await AtomicFile.create(run.outputPath, 'retry-errors');
  const outcome: RetryOutcome = { rejudged: 0, stillFailing: 0, left: 0 };
  try {
    const pairs = withEnd(pairLines(run.outputPath, run.inputPath, input), run.end);
    const work = async (pair: LinePair) => {
      if (!plan.rejudge.has(pair.line) || !('value' in pair.entry)) {
        run.skip?.();
        return { pair, result: null };
      }
      if (run.interrupted.value) {
        outcome.left++;
        run.skip?.();
        return { pair, result: null };
      }
      return { pair, result: await run.score(pair.entry.value, pair.line) };
    };
    const lines = orderedMap(pairs, run.concurrency, work, run.maxBuffered);
    for await (const { pair, result } of lines) {
      if (!result) {
        await file.write(pair.raw.bytes);
        await file.write('\n');
        continue;
      }
      if (result.id !== pair.record.id) {
        const ids = `now gives id ${JSON.stringify(result.id)}, the output has ${JSON.stringify(pair.record.id)}`;
        throw new CliError(`score --retry-errors: input line ${pair.line} ${ids}; nothing was changed`, EXIT.usage);
      }
      outcome.rejudged++;
      if (needsRejudging(result)) outcome.stillFailing++;
      run.onResult(result, pair.line);
      await file.write(`${JSON.stringify({ line: pair.line, ...result })}\n`);
    }
    await file.commit();
    return outcome;
  } catch (error) {
    await file.abort();
    throw error;
  }
}

/** The source, then `end()` once it is done (or given up). */
async function* withEnd<T>(source: AsyncIterable<T>, end: (() => void) | undefined): AsyncGenerator<T> {
  try {
    yield* source;
  } finally {
    end?.();
  }
}

interface LinePair {
  line: number;
  raw: RawLine;
  record: { line: number; id: string; flags: string[]; components: RewardResult['components'] };
  entry: JsonlLine;
}

/** The output's result lines beside the input rows they belong to; throws a CliError at the first mismatch. */
async function* pairLines(outputPath: string, inputPath: string, input: InputSpec): AsyncGenerator<LinePair> {
  const inputRows = readJsonl(inputPath)[Symbol.asyncIterator]();
  const mismatch = (problem: string) =>
    new CliError(
      `score --retry-errors: ${outputPath} is not the finished output of ${inputPath}: ${problem}; nothing was changed`,
      EXIT.usage,
    );
  let outputLine = 0;
  try {
    for await (const raw of readRawLines(outputPath)) {
      outputLine++;
      if (!raw.complete) throw mismatch(`its last line (${outputLine}) is cut off — finish the run with --resume first`);
      const record = resultRecordOf(raw.bytes.toString('utf8'));
      if (!record) {
        throw mismatch(
          `line ${outputLine} is not a result line of rewardkit score (expected JSON with "line", "id", "flags" and "components")`,
        );
      }
      const next = await inputRows.next();
      if (next.done) {
        const where = `its line ${outputLine} is for input line ${record.line}, the input has no more`;
        throw mismatch(`it has more result lines than the input has rows (${where})`);
      }
      const entry = next.value;
      if (entry.line !== record.line) {
        throw mismatch(`its line ${outputLine} is for input line ${record.line}, but the input's next row is on line ${entry.line}`);
      }
      const id = 'value' in entry ? idOfRow(entry.value, input, `line-${entry.line}`) : `line-${entry.line}`;
      if (id !== record.id) {
        throw mismatch(
          `its line ${outputLine} has id ${JSON.stringify(record.id)}, but input line ${entry.line} has id ${JSON.stringify(id)}`,
        );
      }
      yield { line: entry.line, raw, record, entry };
    }
    const next = await inputRows.next();
    if (!next.done) {
      const more = `the input has more rows (the next one on line ${next.value.line})`;
      throw mismatch(`it has ${outputLine} result lines, and ${more} — finish the run with --resume first`);
    }
  } finally {
    await inputRows.return?.(undefined);
  }
}

function resultRecordOf(text: string): LinePair['record'] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const hasLine = typeof record.line === 'number' && Number.isInteger(record.line);
  const ok = hasLine && typeof record.id === 'string' && Array.isArray(record.flags) && Array.isArray(record.components);
  return ok ? (record as LinePair['record']) : null;
}

/** The id `score` gives a row: the row's own id as the spec reads it, or the fallback (as reward.score does). */
function idOfRow(row: unknown, input: InputSpec, fallbackId: string): string {
  try {
    return toRowView(row, input, fallbackId).id;
  } catch (error) {
    if (!RowError.isInstance(error)) throw error;
    const rawId = (row as { id?: unknown } | null)?.id;
    return typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : fallbackId;
  }
}
