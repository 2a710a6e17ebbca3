/**
 * The known cases of `rewardkit judge test`: rows like a spec's input, each labelled `expect: good | bad | borderline`.
 * Owns the case file format (one zod schema), reading it (YAML/JSON with `cases`, or JSONL with one labelled row a
 * line), resolving `row_id` references into a `rows` file, and fitting the built-in cases
 * (templates/judge-test/known-cases.yaml, Nova-style rows) to a spec that reads plain rows. Knows nothing of judges.
 *
 *   rows: rollouts.jsonl              # optional: rows that cases name by id (resolved against this file)
 *   cases:
 *     - {row_id: nda-good, expect: good}
 *     - {id: q1-bad, expect: bad, messages: [...], reference_answer: "..."}   # or the row itself, inline
 */
import { RewardkitError } from '../rewardkit-error.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { builtinTemplatesDir } from '../judges/judge-template.js';
import { parseSelector, selectOne } from '../input/selector.js';
import type { InputSpec } from '../spec/schema.js';

export const EXPECTATIONS = ['good', 'bad', 'borderline'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

/** The built-in cases, in the built-in templates folder (a subfolder: the Lambda bundle copies only the top-level templates). */
export const BUILTIN_CASES_FILE = 'judge-test/known-cases.yaml';

const ExpectSchema = z.enum(EXPECTATIONS, { error: 'expected expect: good | bad | borderline' });

/** One case: `expect` plus either `row_id` (a row of the file's `rows`) or the row's own fields. */
const CaseEntrySchema = z.looseObject({ expect: ExpectSchema, row_id: z.string().min(1).optional() });

export const CaseFileSchema = z.strictObject({
  description: z.string().optional(),
  rows: z.string().min(1).optional().describe('a JSONL file of rows that cases name by row_id (relative to this file)'),
  cases: z.array(CaseEntrySchema).min(1, 'expected at least one case'),
});

export interface JudgeTestCase {
  /** The row's id (or `case-N` when it has none). */
  id: string;
  expect: Expectation;
  /** The row as the spec's input reads it (the `expect` label removed). */
  row: Record<string, unknown>;
  /** Where the case is written: `FILE:cases[2]` or `FILE:line 3`. */
  source: string;
}

export interface LoadedCases {
  /** The file read (the built-in file's real path for the built-in cases). */
  path: string;
  builtin: boolean;
  cases: JudgeTestCase[];
}

/** Thrown for a cases file that cannot be read or does not fit the format; the message names the file and field. */
const CASES_FILE_ERROR = 'rewardkit.error.CasesFileError';
const CASES_FILE_ERROR_SYMBOL = Symbol.for(CASES_FILE_ERROR);

export class CasesFileError extends RewardkitError {
  private readonly [CASES_FILE_ERROR_SYMBOL] = true;
  constructor(message: string) {
    super(message);
    this.name = 'CasesFileError';
  }
  static override isInstance(error: unknown): error is CasesFileError {
    return RewardkitError.hasMarker(error, CASES_FILE_ERROR);
  }
}

export function builtinCasesPath(): string {
  return join(builtinTemplatesDir(), BUILTIN_CASES_FILE);
}

/**
 * Reads a cases file (`path`), or the built-in cases when `path` is undefined; the built-in Nova-style rows are
 * rewritten as plain rows when the spec reads plain ones. Throws CasesFileError.
 */
export function loadJudgeTestCases(path: string | undefined, input: InputSpec): LoadedCases {
  const file = path ?? builtinCasesPath();
  const cases = file.endsWith('.jsonl') ? readJsonlCases(file) : readYamlCases(file, input);
  for (const needed of ['good', 'bad'] as const) {
    if (!cases.some((entry) => entry.expect === needed)) {
      throw new CasesFileError(
        `cases file ${file}: expected at least one case with expect: ${needed} (a judge is tested on ranking good above bad)`,
      );
    }
  }
  const ids = new Map<string, string>();
  for (const entry of cases) {
    const previous = ids.get(entry.id);
    if (previous)
      throw new CasesFileError(
        `cases file ${file}: two cases have the id ${JSON.stringify(entry.id)} (${previous} and ${entry.source}); ids must be unique`,
      );
    ids.set(entry.id, entry.source);
  }
  return {
    path: file,
    builtin: path === undefined,
    cases: path === undefined ? cases.map((entry) => ({ ...entry, row: fitToInput(entry.row, input) })) : cases,
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CasesFileError(
      `--cases ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

function readYamlCases(file: string, input: InputSpec): JudgeTestCase[] {
  const document = parseDocument(readText(file), { uniqueKeys: true });
  if (document.errors.length > 0)
    throw new CasesFileError(`cases file ${file}: not valid YAML/JSON: ${document.errors[0]!.message.split('\n')[0]}`);
  const parsed = CaseFileSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${file}: ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
    throw new CasesFileError(
      `invalid cases file (expected {rows?: FILE.jsonl, cases: [{expect: good|bad|borderline, row_id | the row's fields}]}):\n${problems.join('\n')}`,
    );
  }
  const rowsFile =
    parsed.data.rows === undefined
      ? undefined
      : isAbsolute(parsed.data.rows)
        ? parsed.data.rows
        : resolve(dirname(resolve(file)), parsed.data.rows);
  const rowsById = rowsFile === undefined ? undefined : indexRows(rowsFile, input);
  return parsed.data.cases.map((entry, index) => {
    const source = `${file}:cases[${index}]`;
    const { expect, row_id: rowId, ...fields } = entry;
    if (rowId === undefined) return labelled(fields, expect, source, index);
    if (!rowsById)
      throw new CasesFileError(
        `${source}.row_id: ${JSON.stringify(rowId)} names a row, but the file has no \`rows: FILE.jsonl\` to find it in`,
      );
    if (Object.keys(fields).length > 0) {
      throw new CasesFileError(
        `${source}: expected either row_id or the row's own fields, got row_id and ${Object.keys(fields)
          .map((key) => JSON.stringify(key))
          .join(', ')}`,
      );
    }
    const row = rowsById.get(rowId);
    if (!row) throw new CasesFileError(`${source}.row_id: no row with id ${JSON.stringify(rowId)} in ${rowsFile}`);
    return { id: rowId, expect, row, source };
  });
}

function readJsonlCases(file: string): JudgeTestCase[] {
  const cases: JudgeTestCase[] = [];
  readText(file)
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      const source = `${file}:line ${index + 1}`;
      const value = parseJsonLine(text, source);
      const expect = ExpectSchema.safeParse(value.expect);
      if (!expect.success)
        throw new CasesFileError(`${source}: expect: expected good | bad | borderline, got ${JSON.stringify(value.expect) ?? 'nothing'}`);
      const { expect: _label, ...row } = value;
      cases.push(labelled(row, expect.data, source, cases.length));
    });
  if (cases.length === 0)
    throw new CasesFileError(`cases file ${file}: expected at least one case (one JSON row a line, with expect: good | bad | borderline)`);
  return cases;
}

function parseJsonLine(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CasesFileError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new CasesFileError(`${source}: expected a JSON object (a row with an expect label)`);
  return value as Record<string, unknown>;
}

function labelled(row: Record<string, unknown>, expect: Expectation, source: string, index: number): JudgeTestCase {
  return { id: typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : `case-${index + 1}`, expect, row, source };
}

/** The rows of a JSONL file by id (`id`, else the spec's `input.id` field). */
function indexRows(file: string, input: InputSpec): Map<string, Record<string, unknown>> {
  if (!existsSync(file)) throw new CasesFileError(`cases file: rows: ${file}: no such file`);
  const rows = new Map<string, Record<string, unknown>>();
  readText(file)
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      const row = parseJsonLine(text, `${file}:line ${index + 1}`);
      const id = row.id ?? selectOne(row, input.id);
      if (typeof id === 'string' || typeof id === 'number') rows.set(String(id), row);
    });
  return rows;
}

/**
 * The built-in cases are Nova-style rows (messages + reference_answer). A spec that reads plain rows gets them as
 * {id, prompt, response, reference} under its own field names (`input.prompt` etc., dotted paths allowed).
 */
export function fitToInput(row: Record<string, unknown>, input: InputSpec): Record<string, unknown> {
  if (input.format !== 'plain' || !Array.isArray(row.messages)) return row;
  const messages = row.messages as Array<{ role: string; content: string }>;
  const plain: Record<string, unknown> = {};
  const put = (field: keyof Pick<InputSpec, 'id' | 'prompt' | 'response' | 'reference'>, value: unknown) => {
    const steps = parseSelector(input[field]);
    if (!steps || steps.some((step) => !('key' in step))) {
      throw new CasesFileError(
        `the built-in cases cannot be written to input.${field} ${JSON.stringify(input[field])} (a path of plain keys is needed); pass your own with --cases FILE`,
      );
    }
    let target = plain;
    for (const step of steps.slice(0, -1) as Array<{ key: string }>) target = (target[step.key] ??= {}) as Record<string, unknown>;
    target[(steps.at(-1) as { key: string }).key] = value;
  };
  put('id', row.id);
  put(
    'prompt',
    messages
      .filter((message) => message.role === 'user')
      .map((message) => message.content)
      .join('\n\n'),
  );
  put('response', messages.at(-1)?.content ?? '');
  put('reference', row.reference_answer);
  return plain;
}
