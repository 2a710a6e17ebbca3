/**
 * `rewardkit data convert`: round trips that lose nothing (nova → verl parquet → nova; openai → nova), the verl
 * parquet read back by pyarrow's layout, verl files written by pyarrow, chat / hf-jsonl / csv sources, TRL and OpenAI
 * targets, the report of what was dropped or changed, and exit codes. Outputs are compared exactly.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { convertDataset, type ConvertOptions } from '../src/data/convert.js';
import type { DatasetProblem } from '../src/data/dataset-problem.js';
import { DEFAULT_MAPPING } from '../src/data/dataset-row.js';
import { plainValue } from '../src/data/read-dataset.js';
import { runCli } from './support/run-cli.js';

const FIXTURES = 'test/fixtures/data';
const dir = mkdtempSync(join(tmpdir(), 'rewardkit-data-convert-'));
const VERL = { dataSource: 'rewardkit', ability: 'general', rewardStyle: 'model' };
let outputs = 0;

async function convert(input: string, from: ConvertOptions['from'], to: ConvertOptions['to'], mapping = {}) {
  const output = join(dir, `out-${++outputs}.${to === 'verl' ? 'parquet' : 'jsonl'}`);
  const skipped: DatasetProblem[] = [];
  const report = await convertDataset(input, { from, to, output, mapping: { ...DEFAULT_MAPPING, ...mapping }, verl: VERL }, (problem) =>
    skipped.push(problem),
  );
  return { output, report, skipped };
}

const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((text) => JSON.parse(text) as unknown);

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('nova → verl → nova', () => {
  it('writes verl parquet (data_source, prompt, ability, reward_model, extra_info) and reads it back byte for byte', async () => {
    const toVerl = await convert(`${FIXTURES}/nova-rows.jsonl`, 'nova', 'verl');
    expect(toVerl.report).toMatchObject({
      rowsRead: 3,
      rowsWritten: 3,
      skipped: 0,
      dropped: {},
      changed: {
        'prompt[].content: not text (parts, null) → text': 1,
        'tools → extra_info.rewardkit_row (verl takes tools from its tool config)': 1,
        'object reference answer → reward_model.ground_truth as JSON text': 1,
      },
      referenceFrom: { reference_answer: 2 },
      warnings: { 'no reference answer: reward_model.ground_truth is null': 1 },
    });
    const rows = plainValue(await parquetReadObjects({ file: await asyncBufferFromFile(toVerl.output) })) as Record<string, unknown>[];
    expect(rows[0]).toEqual({
      data_source: 'rewardkit',
      prompt: [
        { role: 'system', content: 'You review contracts.' },
        { role: 'user', content: 'Review clause 4.2 for liability caps.' },
      ],
      ability: 'general',
      reward_model: { style: 'model', ground_truth: 'The cap excludes gross negligence.' },
      extra_info: {
        index: 0,
        id: 'cr-1',
        prompt: [
          { role: 'system', content: 'You review contracts.' },
          { role: 'user', content: 'Review clause 4.2 for liability caps.' },
        ],
        rewardkit_row: '{"id":"cr-1","reference":"The cap excludes gross negligence.","extras":{"customer":"acme","priority":2}}',
      },
    });
    expect(rows[1]).toMatchObject({
      prompt: [{ role: 'user', content: 'List the parties to the agreement.' }],
      reward_model: { style: 'model', ground_truth: '{"parties":["Acme Corp","Globex"],"count":2}' },
    });
    expect(rows[2]).toMatchObject({
      data_source: 'contract-review',
      ability: 'review',
      reward_model: { style: 'model', ground_truth: null },
    });

    const back = await convert(toVerl.output, 'parquet', 'nova');
    expect(readFileSync(back.output, 'utf8')).toBe(readFileSync(`${FIXTURES}/nova-rows.jsonl`, 'utf8'));
    expect(back.report).toMatchObject({ rowsWritten: 3, dropped: {}, changed: { 'verl row restored from extra_info.rewardkit_row': 3 } });
  });

  it("reads a verl file written by pyarrow (verl's own preprocessing) into Nova rows", async () => {
    const { output, report } = await convert(`${FIXTURES}/verl-rows.parquet`, 'parquet', 'nova');
    expect(jsonl(output)).toEqual([
      {
        messages: [{ role: 'user', content: "What is 2 + 3? Let's think step by step." }],
        reference_answer: '5',
        data_source: 'openai/gsm8k',
        ability: 'math',
        reward_model: { style: 'rule' },
        extra_info: { split: 'train', index: 0 },
      },
      {
        messages: [
          { role: 'system', content: 'You are a careful tutor.' },
          { role: 'user', content: 'Natalia sold 48 clips in April and half as many in May. How many in total?' },
        ],
        reference_answer: '72',
        data_source: 'openai/gsm8k',
        ability: 'math',
        reward_model: { style: 'rule' },
        extra_info: { split: 'train', index: 1 },
      },
      {
        messages: [{ role: 'user', content: 'Review clause 4.2 for liability caps.' }],
        reference_answer: 'The cap excludes gross negligence.',
        data_source: 'contract-review',
        ability: 'review',
        reward_model: { style: 'model' },
        extra_info: { split: 'test', index: 2 },
      },
    ]);
    expect(report.referenceFrom).toEqual({ 'reward_model.ground_truth': 3 });
  });
});

describe('openai → nova, and the other sources and targets', () => {
  it('openai → nova keeps every field; --reference-field names the grader field that holds the reference', async () => {
    const plain = await convert(`${FIXTURES}/openai-rows.jsonl`, 'openai', 'nova');
    expect(readFileSync(plain.output, 'utf8')).toBe(
      '{"messages":[{"role":"developer","content":"Answer with one word."},{"role":"user","content":"Is the indemnity mutual?"}],"reference_answer":"yes","clause":"7.1"}\n' +
        '{"id":"q-2","messages":[{"role":"user","content":"What is the governing law?"}],"correct_law":"Delaware"}\n',
    );
    const mapped = await convert(`${FIXTURES}/openai-rows.jsonl`, 'openai', 'nova', { referenceField: 'correct_law' });
    expect(jsonl(mapped.output)[1]).toEqual({
      id: 'q-2',
      messages: [{ role: 'user', content: 'What is the governing law?' }],
      reference_answer: 'Delaware',
    });
    expect(mapped.report.referenceFrom).toEqual({ correct_law: 1 });
  });

  it('nova → openai → nova is the identity', async () => {
    const toOpenAi = await convert(`${FIXTURES}/nova-rows.jsonl`, 'nova', 'openai');
    const back = await convert(toOpenAi.output, 'openai', 'nova');
    expect(readFileSync(back.output, 'utf8')).toBe(readFileSync(`${FIXTURES}/nova-rows.jsonl`, 'utf8'));
  });

  it('chat: the final assistant turn becomes the reference; --system adds a system message', async () => {
    const input = write(
      'chat.jsonl',
      '{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}],"topic":"math"}\n',
    );
    const { output, report } = await convert(input, 'chat', 'nova', { system: 'Answer with a number.' });
    expect(jsonl(output)).toEqual([
      {
        messages: [
          { role: 'system', content: 'Answer with a number.' },
          { role: 'user', content: '2+2?' },
        ],
        reference_answer: '4',
        topic: 'math',
      },
    ]);
    expect(report.changed).toEqual({ 'last assistant message → reference answer': 1, 'system message added (--system)': 1 });
  });

  it('hf-jsonl → trl: a text prompt becomes a user message, the reference the first of the usual columns', async () => {
    const input = write(
      'hf.jsonl',
      '{"prompt":"Capital of France?","solution":"Paris","level":1}\n{"prompt":[{"role":"user","content":"Hi"}],"answer":"Hello"}\n',
    );
    const { output, report } = await convert(input, 'hf-jsonl', 'trl');
    expect(jsonl(output)).toEqual([
      { prompt: [{ role: 'user', content: 'Capital of France?' }], reference_answer: 'Paris', level: 1 },
      { prompt: [{ role: 'user', content: 'Hi' }], reference_answer: 'Hello' },
    ]);
    expect(report.referenceFrom).toEqual({ solution: 1, answer: 1 });
  });

  it('csv → nova with field flags; a record without a prompt is skipped with its line (a quoted cell spans two lines)', async () => {
    const input = write('rows.csv', 'key,question,gold,notes\nk1,"What is\nthe cap?",12 months,first\nk2,,none,empty prompt\n');
    const { output, report, skipped } = await convert(input, 'csv', 'nova', {
      promptField: 'question',
      referenceField: 'gold',
      idField: 'key',
    });
    expect(jsonl(output)).toEqual([
      { id: 'k1', messages: [{ role: 'user', content: 'What is\nthe cap?' }], reference_answer: '12 months', notes: 'first' },
    ]);
    expect(report).toMatchObject({ rowsRead: 2, rowsWritten: 1, skipped: 1 });
    expect(skipped).toEqual([
      {
        line: 4,
        kind: 'messages',
        field: 'question',
        found: 'the string ""',
        expected: 'the prompt: text, or a list of chat messages (set the field with --prompt-field)',
      },
    ]);
  });

  it("→ openai warns about rows whose last message is not the user's", async () => {
    const input = write('ends-with-assistant.jsonl', '{"messages":[{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}\n');
    const { report } = await convert(input, 'nova', 'openai');
    expect(report.warnings).toEqual({ "last message is not the user's (OpenAI RFT needs one; it is an assistant turn)": 1 });
  });

  it("→ verl counts the message fields verl's prompt cannot hold (kept in rewardkit_row) and restores them", async () => {
    const input = write(
      'tool-turns.jsonl',
      '{"id":"t1","messages":[{"role":"user","content":"Look it up."},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"found"},{"role":"user","content":"And?"}],"reference_answer":"done"}\n',
    );
    const toVerl = await convert(input, 'nova', 'verl');
    expect(toVerl.report.dropped).toEqual({
      'prompt[].tool_calls (kept in extra_info.rewardkit_row)': 1,
      'prompt[].tool_call_id (kept in extra_info.rewardkit_row)': 1,
    });
    const back = await convert(toVerl.output, 'parquet', 'nova');
    expect(readFileSync(back.output, 'utf8')).toBe(readFileSync(input, 'utf8'));
  });
});

describe('rewardkit data convert (CLI)', () => {
  it('converts, prints the report, and refuses to overwrite without --force', async () => {
    const output = join(dir, 'cli.jsonl');
    const first = await runCli('data', 'convert', '--from', 'openai', '--to', 'nova', `${FIXTURES}/openai-rows.jsonl`, '--output', output);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `${FIXTURES}/openai-rows.jsonl (openai) → ${output} (nova): 2 of 2 rows written, 0 skipped\n` +
        '  reference answers from\n    reference_answer: 1 row\n  dropped\n    nothing\n  changed\n    nothing\n',
    );
    const again = await runCli('data', 'convert', '--from', 'openai', '--to', 'nova', `${FIXTURES}/openai-rows.jsonl`, '--output', output);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`data convert: ${output} exists; pass --force to overwrite it\nRun "rewardkit data --help" for usage.\n`);
    expect(
      (await runCli('data', 'convert', '--from', 'openai', '--to', 'nova', `${FIXTURES}/openai-rows.jsonl`, '--output', output, '--force'))
        .code,
    ).toBe(0);
  });

  it('exit 6 when rows were skipped (each on stderr with its line), 2 for bad usage', async () => {
    const input = write('half-bad.jsonl', '{"messages":[{"role":"user","content":"ok"}]}\n{"messages":"nope"}\n');
    const result = await runCli('data', 'convert', '--from', 'nova', '--to', 'trl', input, '--output', join(dir, 'half.jsonl'));
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(
      `skipped ${input}:2: messages: found the string "nope"; expected a non-empty list of chat messages ({role, content}) [messages]\n`,
    );
    const noParquet = await runCli('data', 'convert', '--from', 'nova', '--to', 'verl', input, '--output', join(dir, 'x.jsonl'));
    expect(noParquet.code).toBe(2);
    expect((await runCli('data', 'convert', '--from', 'xml', '--to', 'nova', input, '--output', join(dir, 'y.jsonl'))).code).toBe(2);
  });
});
