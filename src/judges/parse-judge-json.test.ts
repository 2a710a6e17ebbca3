import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJudgeJson } from './parse-judge-json.js';

/** One corpus case: a reply and either the object it parses to or the exact failure. */
const CaseSchema = z.union([
  z.strictObject({ name: z.string().min(1), reply: z.string(), value: z.record(z.string(), z.unknown()), repaired: z.boolean() }),
  z.strictObject({ name: z.string().min(1), reply: z.string(), error: z.string().min(1) }),
]);

const corpus = z
  .array(CaseSchema)
  .min(1)
  .parse(parseYaml(readFileSync(new URL('./__fixtures__/judge-replies.yaml', import.meta.url), 'utf8')));
const successes = corpus.filter((entry) => 'value' in entry);
const failures = corpus.filter((entry) => 'error' in entry);

describe('parseJudgeJson corpus (__fixtures__/judge-replies.yaml)', () => {
  it('has uniquely named cases', () => {
    const names = corpus.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(successes)('parses: $name', (entry) => {
    expect(parseJudgeJson(entry.reply)).toEqual({ ok: true, value: entry.value, repaired: entry.repaired });
  });

  it.each(failures)('fails: $name', (entry) => {
    expect(parseJudgeJson(entry.reply)).toEqual({ ok: false, error: entry.error });
  });
});

describe('parseJudgeJson', () => {
  it('quotes at most the first 120 characters of an unparseable reply in the error', () => {
    const reply = `${'word '.repeat(40)}end`;
    expect(parseJudgeJson(reply)).toEqual({
      ok: false,
      error: `no JSON object found in judge reply: ${JSON.stringify(reply.slice(0, 120))}`,
    });
  });

  it('never returns a value alongside a failure', () => {
    const result = parseJudgeJson('no verdict here');
    expect(Object.keys(result).sort()).toEqual(['error', 'ok']);
  });
});
