/**
 * `rewardkit data validate`: every kind of problem with its line, field, value found and what was expected (on a
 * fixture with one row per problem), the documented row-count limits, verl parquet written by pyarrow, the OpenAI
 * rules, the summary, --json, and exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetProblem } from '../src/data/dataset-problem.js';
import { rowCountProblem } from '../src/data/dataset-limits.js';
import { validateDataset } from '../src/data/validate-dataset.js';
import { runCli } from './support/run-cli.js';

const FIXTURES = 'test/fixtures/data';
const dir = mkdtempSync(join(tmpdir(), 'rewardkit-data-validate-'));

async function problemsOf(file: string, format: 'nova' | 'openai' | 'verl' | 'auto', platform: 'bedrock' | 'none' = 'none') {
  const problems: DatasetProblem[] = [];
  const summary = await validateDataset(file, { format, platform }, (problem) => problems.push(problem));
  return { problems, summary };
}

const line = (problem: DatasetProblem) => `${problem.line} ${problem.kind} ${problem.field}: ${problem.found} | ${problem.expected}`;

describe('data validate: Nova RFT rows', () => {
  it('lists every problem of the fixture with its line, field, value found and what was expected', async () => {
    const { problems } = await problemsOf(`${FIXTURES}/nova-problems.jsonl`, 'nova');
    expect(problems.map(line)).toEqual([
      `2 not-json row: a line that is not JSON | one JSON object per line (Unexpected token 'o', "not json at all" is not valid JSON)`,
      '4 not-object row: an array of 1 | a JSON object',
      '5 messages messages: nothing | a non-empty list of chat messages ({role, content})',
      '6 messages messages: an array of 0 | a non-empty list of chat messages ({role, content})',
      '7 message messages[0]: the string "hello" | a message object {role, content}',
      '7 no-user-message messages: roles ? | at least one user message',
      '8 role messages[0].role: the string "narrator" | one of system | developer | user | assistant | bot | nova_assistant | tool (any case)',
      '9 content messages[0].content: the string "   " | a non-empty string or list of content parts',
      '10 no-user-message messages: roles system, assistant | at least one user message',
      '11 system-not-first messages[1].role: a system message at position 2 | a system message only as the first message',
      '12 id id: the string "" | a non-empty string (or no id)',
      '13 reference-answer reference_answer: the string "" | a non-empty string or a non-empty object',
      '14 reference-answer reference_answer: an array of 2 | a non-empty string or a non-empty object',
      '15 duplicate-id id: the string "ok-1" | an id not used before (first used on line 1)',
      '16 tools tools: an array of 0 | a non-empty list of tools (or no tools field)',
      '17 tools tools[1].type: the string "retrieval" | the string "function"',
      '17 tools tools[1].function.description: the string "" | a non-empty string',
      '17 tools tools[1].function.parameters: object {"type":"string"} | a JSON schema {type: "object", properties: {…}}',
      '17 tools tools[1].function.name: the string "lookup" | a tool name not used by another tool of the row',
    ]);
  });

  it('summarises rows, problems by kind, roles, reference answers, ids and tools', async () => {
    const { summary } = await problemsOf(`${FIXTURES}/nova-problems.jsonl`, 'nova');
    expect(summary).toEqual({
      file: `${FIXTURES}/nova-problems.jsonl`,
      format: 'nova',
      platform: 'none',
      rows: 17,
      validRows: 2,
      problems: 19,
      problemsByKind: {
        'not-json': 1,
        'not-object': 1,
        messages: 2,
        message: 1,
        'no-user-message': 2,
        role: 1,
        content: 1,
        'system-not-first': 1,
        id: 1,
        'reference-answer': 2,
        'duplicate-id': 1,
        tools: 5,
      },
      roles: { system: 3, user: 11, narrator: 1, assistant: 1, developer: 1 },
      referenceAnswers: { string: 1, object: 2, none: 12 },
      rowsWithTools: 2,
      rowsWithId: 14,
      duplicateIds: 1,
    });
  });

  it('accepts a clean file: roles in any case, developer as system, content parts, tools', async () => {
    const { problems, summary } = await problemsOf(`${FIXTURES}/nova-rows.jsonl`, 'nova');
    expect(problems).toEqual([]);
    expect(summary.validRows).toBe(3);
  });
});

describe('data validate: reading a large file', () => {
  it('finds lines across read chunks: long lines, multi-byte characters on chunk edges, CRLF, no final newline', async () => {
    // 3,000 rows of ~1–3 KB (the reader takes 64 KiB at a time) with "é" and "東" everywhere, one row of 300 KB (longer
    // than a chunk), blank lines, CRLF endings and no newline after the last row, whose id repeats row 7's
    const file = join(dir, 'large.jsonl');
    const rows: string[] = [];
    for (let i = 1; i <= 3000; i += 1) {
      const content = i === 1500 ? 'é'.repeat(150_000) : `Résumé 東京 ${i} ${'é東'.repeat(300 + (i % 700))}`;
      rows.push(JSON.stringify({ id: i === 3000 ? 'row-7' : `row-${i}`, messages: [{ role: 'user', content }] }));
      if (i === 1000 || i === 2000) rows.push('');
    }
    writeFileSync(file, rows.join('\r\n'));
    const { problems, summary } = await problemsOf(file, 'nova');
    // 3,000 rows and 2 blank lines: row 3000 (id row-7) is line 3002, row 7 line 7
    expect(problems.map(line)).toEqual(['3002 duplicate-id id: the string "row-7" | an id not used before (first used on line 7)']);
    expect(summary).toMatchObject({ rows: 3000, validRows: 2999, rowsWithId: 3000, duplicateIds: 1, roles: { user: 3000 } });
  });
});

describe('data validate: documented limits', () => {
  it('Bedrock: at least 100 and at most 20,000 rows, with the pages that say so', () => {
    expect(rowCountProblem(100, 'bedrock')).toBeUndefined();
    expect(rowCountProblem(20_000, 'bedrock')).toBeUndefined();
    const sources =
      'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data.html ; https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html';
    expect(rowCountProblem(99, 'bedrock')).toEqual({
      found: '99 rows',
      expected: `at least 100 and at most 20,000 rows for bedrock (${sources})`,
    });
    expect(rowCountProblem(20_001, 'bedrock')?.found).toBe('20001 rows');
    expect(rowCountProblem(1, 'sagemaker')).toBeUndefined();
  });

  it('reports the row count as a whole-file problem (line 0) and is bedrock by default for Nova', async () => {
    const problems: DatasetProblem[] = [];
    const summary = await validateDataset(`${FIXTURES}/nova-rows.jsonl`, { format: 'auto' }, (problem) => problems.push(problem));
    expect(summary.platform).toBe('bedrock');
    expect(problems.map((problem) => [problem.line, problem.kind, problem.field, problem.found])).toEqual([
      [0, 'row-count', 'file', '3 rows'],
    ]);
  });
});

describe('data validate: OpenAI RFT rows and verl parquet', () => {
  it('OpenAI: the last message must be the user', async () => {
    const file = join(dir, 'openai.jsonl');
    writeFileSync(
      file,
      [
        { messages: [{ role: 'user', content: 'Q?' }], answer: 'A' },
        {
          messages: [
            { role: 'user', content: 'Q?' },
            { role: 'assistant', content: 'A.' },
          ],
        },
        { messages: [{ role: 'developer', content: 'Be brief.' }] },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    const { problems } = await problemsOf(file, 'openai');
    expect(problems.map(line)).toEqual([
      '2 last-not-user messages[1].role: the role "assistant" | the last message from the user (the model writes the answer)',
      '3 last-not-user messages[0].role: the role "developer" | the last message from the user (the model writes the answer)',
      '3 no-user-message messages: roles system | at least one user message',
    ]);
  });

  it('reads the verl parquet pyarrow wrote (nested list and struct columns) and finds it valid', async () => {
    const { problems, summary } = await problemsOf(`${FIXTURES}/verl-rows.parquet`, 'auto');
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      format: 'verl',
      rows: 3,
      validRows: 3,
      roles: { user: 3, system: 1 },
      referenceAnswers: { string: 3, object: 0, none: 0 },
    });
  });
});

describe('rewardkit data validate (CLI)', () => {
  it('exit 6 with every problem and the summary; exit 0 on a valid file', async () => {
    const bad = await runCli('data', 'validate', `${FIXTURES}/nova-problems.jsonl`, '--platform', 'none');
    expect(bad.code).toBe(6);
    expect(bad.stdout.split('\n')[0]).toBe(
      `${FIXTURES}/nova-problems.jsonl:2: row: found a line that is not JSON; expected one JSON object per line (Unexpected token 'o', "not json at all" is not valid JSON) [not-json]`,
    );
    expect(bad.stdout).toContain(
      `${FIXTURES}/nova-problems.jsonl: 19 problems (nova rows, no platform row limits)\n  rows               17 (2 without problems)\n`,
    );
    const good = await runCli('data', 'validate', `${FIXTURES}/verl-rows.parquet`);
    expect(good.code).toBe(0);
    expect(good.stdout.split('\n')[0]).toBe(`${FIXTURES}/verl-rows.parquet: valid (verl rows, no platform row limits)`);
  });

  it('--json prints one JSON document: the problems, the summary and whether the file is valid', async () => {
    const result = await runCli('data', 'validate', `${FIXTURES}/nova-rows.jsonl`, '--json');
    expect(result.code).toBe(6);
    const parsed = JSON.parse(result.stdout) as { problems: DatasetProblem[]; summary: { rows: number }; valid: boolean };
    expect(parsed.valid).toBe(false);
    expect(parsed.summary.rows).toBe(3);
    expect(parsed.problems.map((problem) => problem.kind)).toEqual(['row-count']);
  });

  it('exit 4 for a file that cannot be read, exit 2 for bad usage', async () => {
    expect((await runCli('data', 'validate', join(dir, 'missing.jsonl'))).code).toBe(4);
    const notParquet = join(dir, 'broken.parquet');
    writeFileSync(notParquet, 'not parquet');
    const broken = await runCli('data', 'validate', notParquet);
    expect(broken.code).toBe(4);
    expect(broken.stderr).toMatch(/^.*broken\.parquet: cannot be read: parquet/);
    const usage = await runCli('data', 'validate', `${FIXTURES}/nova-rows.jsonl`, '--format', 'sft');
    expect(usage).toMatchObject({
      code: 2,
      stderr: '--format: expected one of nova | openai | verl | auto, got "sft"\nRun "rewardkit data --help" for usage.\n',
    });
    expect((await runCli('data', 'lint')).code).toBe(2);
  });
});
