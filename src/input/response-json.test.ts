import { describe, expect, it } from 'vitest';
import { parseResponseJson } from './response-json.js';

/** The message JSON.parse gives for `text`, so expected errors do not depend on the engine's wording. */
function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be invalid JSON`);
}

describe('parseResponseJson', () => {
  it('parses a plain JSON object, not fenced', () => {
    expect(parseResponseJson('{"a": 1, "b": [true, null]}')).toEqual({ ok: true, value: { a: 1, b: [true, null] }, fenced: false });
  });

  it('ignores surrounding whitespace', () => {
    expect(parseResponseJson('\n  {"a": 1}  \n')).toEqual({ ok: true, value: { a: 1 }, fenced: false });
  });

  it('accepts any JSON value, not only objects', () => {
    expect(parseResponseJson('42')).toEqual({ ok: true, value: 42, fenced: false });
    expect(parseResponseJson('"text"')).toEqual({ ok: true, value: 'text', fenced: false });
    expect(parseResponseJson('[1, 2]')).toEqual({ ok: true, value: [1, 2], fenced: false });
  });

  it('reads a ```json fenced block and marks it fenced', () => {
    expect(parseResponseJson('```json\n{"a": 1}\n```')).toEqual({ ok: true, value: { a: 1 }, fenced: true });
  });

  it('reads a fenced block with prose before and after it', () => {
    expect(parseResponseJson('Sure, here it is:\n```json\n{"a": 1}\n```\nLet me know.')).toEqual({
      ok: true,
      value: { a: 1 },
      fenced: true,
    });
  });

  it('reads a fence with no language tag, an uppercase JSON tag, and CRLF line ends', () => {
    expect(parseResponseJson('```\n{"a": 2}\n```')).toEqual({ ok: true, value: { a: 2 }, fenced: true });
    expect(parseResponseJson('```JSON\r\n[1]\r\n```')).toEqual({ ok: true, value: [1], fenced: true });
  });

  it('reads a fence whose closing backticks follow the JSON on the same line', () => {
    expect(parseResponseJson('```json\n{"a": 1}```')).toEqual({ ok: true, value: { a: 1 }, fenced: true });
  });

  it('takes the last fenced block when several parse', () => {
    expect(parseResponseJson('```json\n{"a": 1}\n```\nrevised:\n```json\n{"a": 2}\n```')).toEqual({
      ok: true,
      value: { a: 2 },
      fenced: true,
    });
  });

  it('falls back to an earlier fenced block when the last one is invalid', () => {
    expect(parseResponseJson('```json\n{"a": 1}\n```\n```json\n{broken}\n```')).toEqual({ ok: true, value: { a: 1 }, fenced: true });
  });

  it('does not read a fence tagged with another language', () => {
    const text = '```js\n{"a": 1}\n```';
    expect(parseResponseJson(text)).toEqual({ ok: false, error: `invalid JSON: ${jsonParseMessage(text)}` });
  });

  it('refuses a fenced block when fences are not allowed, reporting the direct parse error', () => {
    const text = 'Sure:\n```json\n{"a": 1}\n```';
    expect(parseResponseJson(text, false)).toEqual({ ok: false, error: `invalid JSON: ${jsonParseMessage(text)}` });
  });

  it('does not repair almost-JSON (trailing comma)', () => {
    expect(parseResponseJson('{"a": 1,}')).toEqual({ ok: false, error: `invalid JSON: ${jsonParseMessage('{"a": 1,}')}` });
  });

  it('does not take JSON embedded in prose without a fence', () => {
    const text = 'The result is {"a": 1}';
    expect(parseResponseJson(text)).toEqual({ ok: false, error: `invalid JSON: ${jsonParseMessage(text)}` });
  });

  it('reports an empty or whitespace-only response as empty', () => {
    expect(parseResponseJson('')).toEqual({ ok: false, error: 'response is empty' });
    expect(parseResponseJson(' \n\t ')).toEqual({ ok: false, error: 'response is empty' });
  });
});
