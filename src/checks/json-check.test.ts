import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { InputSpecSchema, JsonCheckSchema } from '../spec/schema.js';
import type { CheckOutcome } from './check.js';
import { jsonCheck } from './json-check.js';

const input = InputSpecSchema.parse({});

async function runJson(spec: Record<string, unknown>, response: string): Promise<CheckOutcome> {
  const check = jsonCheck(JsonCheckSchema.parse({ type: 'json', ...spec }));
  return check(createRowContext(toRowView({ response }, input, 'row-1')));
}

describe('json check', () => {
  it('scores 1 for a plain JSON response', async () => {
    expect(await runJson({}, '{"a": 1}')).toEqual({ score: 1, message: 'valid JSON', details: { fenced: false } });
  });

  it('scores 1 for JSON in a fenced block and says so', async () => {
    expect(await runJson({}, 'Here you go:\n```json\n{"a": 1}\n```')).toEqual({
      score: 1,
      message: 'valid JSON (from a fenced block)',
      details: { fenced: true },
    });
  });

  it('scores 0 for an empty response with the reason', async () => {
    expect(await runJson({}, '   ')).toEqual({ score: 0, message: 'response is empty' });
  });

  it('scores 0 for text that is not JSON, with the parse error', async () => {
    const outcome = await runJson({}, 'just words');
    expect(outcome.score).toBe(0);
    expect(outcome.message.startsWith('invalid JSON: ')).toBe(true);
    expect(outcome.details).toBeUndefined();
  });

  it('scores 1 when the parsed value satisfies the schema', async () => {
    const schema = { type: 'object', required: ['a'], properties: { a: { type: 'number' } } };
    expect(await runJson({ schema }, '{"a": 3}')).toEqual({ score: 1, message: 'valid JSON', details: { fenced: false } });
  });

  it('scores 0 and reports every schema error with its path', async () => {
    const schema = { type: 'object', required: ['a', 'b'], properties: { a: { type: 'number' } } };
    expect(await runJson({ schema }, '{"a": "x"}')).toEqual({
      score: 0,
      message: "schema: / must have required property 'b'; /a must be number",
      details: { schema_errors: ["/ must have required property 'b'", '/a must be number'] },
    });
  });

  it('lists at most five schema errors in the message and counts the rest', async () => {
    const schema = { type: 'array', items: { type: 'number' } };
    const outcome = await runJson({ schema }, '[1, "a", "b", "c", "d", "e", "f"]');
    expect(outcome.score).toBe(0);
    expect(outcome.message).toBe(
      'schema: /1 must be number; /2 must be number; /3 must be number; /4 must be number; /5 must be number (+1 more)',
    );
    expect(outcome.details).toEqual({
      schema_errors: [
        '/1 must be number',
        '/2 must be number',
        '/3 must be number',
        '/4 must be number',
        '/5 must be number',
        '/6 must be number',
      ],
    });
  });

  it('validates a fenced response against the schema too', async () => {
    const schema = { type: 'object', required: ['verdict'] };
    const outcome = await runJson({ schema }, '```json\n{"other": 1}\n```');
    expect(outcome).toEqual({
      score: 0,
      message: "schema: / must have required property 'verdict'",
      details: { schema_errors: ["/ must have required property 'verdict'"] },
    });
  });

  it('with allow_fenced: false, rejects JSON that is only inside a fence', async () => {
    const outcome = await runJson({ allow_fenced: false }, 'Here:\n```json\n{"a": 1}\n```');
    expect(outcome.score).toBe(0);
    expect(outcome.message).toMatch(/^invalid JSON: /);
  });
});

describe('json check, extract: anywhere (promptfoo contains-json)', () => {
  const schema = { type: 'object', required: ['score'], properties: { score: { type: 'number' } } };

  it('passes on any object in the text, read leniently', async () => {
    expect(await runJson({ extract: 'anywhere' }, 'Sure: {score: 0.5, // how sure\n tags: [a]} done')).toEqual({
      score: 1,
      message: 'found 1 JSON object',
      details: { objects: 1 },
    });
  });

  it('fails when no object is found (a brace in a string cuts the only candidate short)', async () => {
    expect(await runJson({ extract: 'anywhere' }, 'Output: {"note": "use } carefully", "n": 1}')).toEqual({
      score: 0,
      message: 'no JSON object found in the response',
      details: { objects: 0 },
    });
  });

  it('passes when one object satisfies the schema, whichever it is', async () => {
    expect(await runJson({ extract: 'anywhere', schema }, 'first {"score": "high"} then {"score": 0.9')).toEqual({
      score: 1,
      message: 'object 2 of 2 satisfies the schema',
      details: { objects: 2, matched: 2 },
    });
  });

  it("fails with the last object's schema errors when none satisfies it", async () => {
    expect(await runJson({ extract: 'anywhere', schema }, '{"score": "high"} and {"grade": 3}')).toEqual({
      score: 0,
      message: "none of 2 JSON objects satisfies the schema; the last: schema: / must have required property 'score'",
      details: { objects: 2, schema_errors: ["/ must have required property 'score'"] },
    });
  });

  it('negate scores 1 − the check (promptfoo not-contains-json)', async () => {
    expect(await runJson({ extract: 'anywhere', schema, negate: true }, 'no JSON at all')).toEqual({
      score: 1,
      message: 'negated: no JSON object found in the response',
      details: { objects: 0 },
    });
    expect((await runJson({ extract: 'anywhere', negate: true }, 'x {"a": 1}')).score).toBe(0);
  });

  it('negate works on the whole-response reading too (promptfoo not-is-json)', async () => {
    expect((await runJson({ allow_fenced: false, negate: true }, 'plain words')).score).toBe(1);
    expect((await runJson({ allow_fenced: false, negate: true }, '{"a": 1}')).score).toBe(0);
  });
});
