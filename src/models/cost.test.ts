/**
 * Judge cost: the cost of a call from its token usage, the --prices table (YAML or JSON) and its error
 * messages, and how a table fills in model prices (the spec's own price wins; the most specific key wins).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateSpecObject } from '../spec/load-spec.js';
import type { RewardSpec } from '../spec/schema.js';
import { applyPrices, costOf, loadPriceTable, type PriceTable } from './cost.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardkit-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function priceFile(content: string, extension = 'yaml'): string {
  const path = join(dir, `prices-${++fileCount}.${extension}`);
  writeFileSync(path, content);
  return path;
}

const HINT = '(expected "provider:model": {input_per_mtok, output_per_mtok})';

describe('costOf', () => {
  it('prices input and output tokens per million', () => {
    expect(costOf({ input_tokens: 1000, output_tokens: 500 }, { input_per_mtok: 3, output_per_mtok: 15 })).toBe(0.0105);
  });

  it('is the per-million price for a million tokens of each', () => {
    expect(costOf({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, { input_per_mtok: 2.5, output_per_mtok: 10 })).toBe(12.5);
  });

  it('prices input and output separately', () => {
    expect(costOf({ input_tokens: 2_000_000, output_tokens: 0 }, { input_per_mtok: 0.5, output_per_mtok: 100 })).toBe(1);
    expect(costOf({ input_tokens: 0, output_tokens: 3_000_000 }, { input_per_mtok: 100, output_per_mtok: 0.25 })).toBe(0.75);
  });

  it('is 0 for no tokens or a free model', () => {
    expect(costOf({ input_tokens: 0, output_tokens: 0 }, { input_per_mtok: 3, output_per_mtok: 15 })).toBe(0);
    expect(costOf({ input_tokens: 5000, output_tokens: 5000 }, { input_per_mtok: 0, output_per_mtok: 0 })).toBe(0);
  });
});

describe('loadPriceTable', () => {
  it('reads a YAML map of keys to prices', () => {
    const path = priceFile(
      [
        '"openai:gpt-4o": {input_per_mtok: 2.5, output_per_mtok: 10}',
        '"openai-compatible:qwen@http://127.0.0.1:8000/v1":',
        '  input_per_mtok: 0',
        '  output_per_mtok: 0',
        'claude-sonnet: {input_per_mtok: 3, output_per_mtok: 15}',
        '',
      ].join('\n'),
    );
    expect(loadPriceTable(path)).toEqual({
      'openai:gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 },
      'openai-compatible:qwen@http://127.0.0.1:8000/v1': { input_per_mtok: 0, output_per_mtok: 0 },
      'claude-sonnet': { input_per_mtok: 3, output_per_mtok: 15 },
    });
  });

  it('names a YAML syntax error with its message, not a bare code', () => {
    const path = priceFile('a: [unclosed\n');
    expect(() => loadPriceTable(path)).toThrow(/^--prices .*: not valid YAML\/JSON: /);
  });

  it('reads JSON too', () => {
    const path = priceFile('{"gpt-4o": {"input_per_mtok": 2.5, "output_per_mtok": 10}}', 'json');
    expect(loadPriceTable(path)).toEqual({ 'gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 } });
  });

  it('reads an empty map as an empty table', () => {
    expect(loadPriceTable(priceFile('{}'))).toEqual({});
  });

  it('names the file and the error code when the file cannot be read', () => {
    const path = join(dir, 'no-such-prices.yaml');
    expect(() => loadPriceTable(path)).toThrow(new Error(`--prices ${path}: cannot read: ENOENT`));
  });

  it('names the entry and field of a negative price', () => {
    const path = priceFile('gpt-4o: {input_per_mtok: -1, output_per_mtok: 2}\n');
    expect(() => loadPriceTable(path)).toThrow(
      new Error(`--prices ${path}: gpt-4o.input_per_mtok: Too small: expected number to be >=0 ${HINT}`),
    );
  });

  it('names a missing price field', () => {
    const path = priceFile('gpt-4o: {input_per_mtok: 1}\n');
    expect(() => loadPriceTable(path)).toThrow(
      new Error(`--prices ${path}: gpt-4o.output_per_mtok: expected number, received undefined ${HINT}`),
    );
  });

  it('names a price that is not a number', () => {
    const path = priceFile('gpt-4o: {input_per_mtok: "cheap", output_per_mtok: 2}\n');
    expect(() => loadPriceTable(path)).toThrow(
      new Error(`--prices ${path}: gpt-4o.input_per_mtok: expected number, received string ${HINT}`),
    );
  });

  it('rejects an unknown field in an entry', () => {
    const path = priceFile('gpt-4o: {input_per_mtok: 1, output_per_mtok: 2, cached_per_mtok: 0.5}\n');
    expect(() => loadPriceTable(path)).toThrow(new Error(`--prices ${path}: gpt-4o: Unrecognized key: "cached_per_mtok" ${HINT}`));
  });

  it('reports a file that is not a map as "(file)"', () => {
    const path = priceFile('- gpt-4o\n- claude\n');
    expect(() => loadPriceTable(path)).toThrow(new Error(`--prices ${path}: (file): expected record, received array ${HINT}`));
  });

  it('reports an empty file as "(file)"', () => {
    const path = priceFile('');
    expect(() => loadPriceTable(path)).toThrow(new Error(`--prices ${path}: (file): expected record, received null ${HINT}`));
  });

  it('reports only the first bad entry', () => {
    const path = priceFile(
      'a: {input_per_mtok: 1, output_per_mtok: 1}\nb: {input_per_mtok: -2, output_per_mtok: 1}\nc: {input_per_mtok: 1}\n',
    );
    expect(() => loadPriceTable(path)).toThrow(
      new Error(`--prices ${path}: b.input_per_mtok: Too small: expected number to be >=0 ${HINT}`),
    );
  });
});

describe('applyPrices', () => {
  const BASE_URL = 'http://127.0.0.1:8000/v1';
  const price = (input: number, output = input * 4) => ({ input_per_mtok: input, output_per_mtok: output });
  const criteria = [{ id: 'correct', description: 'The answer is correct.' }];

  function spec(
    judgeModel: Record<string, unknown> | undefined,
    judgeModels: Array<Record<string, unknown> | undefined> = [undefined],
  ): RewardSpec {
    return validateSpecObject({
      ...(judgeModel ? { judge_model: judgeModel } : {}),
      judges: judgeModels.map((model, index) => ({ type: 'rubric', name: `judge_${index}`, criteria, ...(model ? { model } : {}) })),
    });
  }

  const local = { provider: 'openai-compatible', model: 'qwen', base_url: BASE_URL };

  it('returns the spec itself when there is no table', () => {
    const original = spec(local);
    expect(applyPrices(original, undefined)).toBe(original);
  });

  it('uses the "provider:model@base_url" entry first', () => {
    const table: PriceTable = { [`openai-compatible:qwen@${BASE_URL}`]: price(1), 'openai-compatible:qwen': price(2), qwen: price(3) };
    expect(applyPrices(spec(local), table).judge_model?.price).toEqual(price(1));
  });

  it('then the "provider:model" entry', () => {
    const table: PriceTable = {
      'openai-compatible:qwen@http://127.0.0.1:9999/v1': price(1),
      'openai-compatible:qwen': price(2),
      qwen: price(3),
    };
    expect(applyPrices(spec(local), table).judge_model?.price).toEqual(price(2));
  });

  it('then the bare "model" entry', () => {
    const table: PriceTable = { 'openai:qwen': price(1), qwen: price(3) };
    expect(applyPrices(spec(local), table).judge_model?.price).toEqual(price(3));
  });

  it('matches "provider:model" for a model without base_url', () => {
    const table: PriceTable = { 'openai:gpt-4o': price(2.5, 10), 'gpt-4o': price(9) };
    expect(applyPrices(spec({ provider: 'openai', model: 'gpt-4o' }), table).judge_model?.price).toEqual(price(2.5, 10));
  });

  it('leaves a model the table does not name without a price', () => {
    const priced = applyPrices(spec(local), { 'gpt-4o': price(2.5) });
    expect(priced.judge_model).toEqual(spec(local).judge_model);
    expect(priced.judge_model?.price).toBeUndefined();
  });

  it('keeps a price already in the spec', () => {
    const table: PriceTable = { [`openai-compatible:qwen@${BASE_URL}`]: price(1) };
    expect(applyPrices(spec({ ...local, price: price(7, 8) }), table).judge_model?.price).toEqual(price(7, 8));
  });

  it('prices each judge’s own model, and leaves judges without one as they are', () => {
    const original = spec(local, [undefined, { provider: 'openai', model: 'gpt-4o' }, { ...local, price: price(5) }]);
    const priced = applyPrices(original, { qwen: price(1), 'openai:gpt-4o': price(2.5, 10) });
    expect(priced.judge_model?.price).toEqual(price(1));
    expect(priced.judges[0]).toBe(original.judges[0]);
    expect(priced.judges[1]!.model?.price).toEqual(price(2.5, 10));
    expect(priced.judges[2]!.model?.price).toEqual(price(5));
  });

  it('keeps everything else in the spec', () => {
    const original = spec(local);
    const priced = applyPrices(original, { qwen: price(1) });
    expect(priced).toEqual({ ...original, judge_model: { ...original.judge_model, price: price(1) } });
  });

  it('does not modify the spec it was given', () => {
    const original = spec(local, [{ provider: 'openai', model: 'gpt-4o' }]);
    const before = structuredClone(original);
    applyPrices(original, { qwen: price(1), 'gpt-4o': price(2) });
    expect(original).toEqual(before);
  });

  it('works on a spec without a spec-level judge model', () => {
    const original = spec(undefined, [{ provider: 'openai', model: 'gpt-4o' }]);
    const priced = applyPrices(original, { 'gpt-4o': price(2) });
    expect(priced.judge_model).toBeUndefined();
    expect(priced.judges[0]!.model?.price).toEqual(price(2));
  });
});
