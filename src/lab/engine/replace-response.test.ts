/** Replacing a row's response: Nova rows (last assistant message) and plain rows (the spec's field). */
import { describe, expect, it } from 'vitest';
import { InputSpecSchema } from '../../spec/schema.js';
import { LabError } from '../lab-error.js';
import { replaceResponse } from './replace-response.js';

const auto = InputSpecSchema.parse({});

describe('replaceResponse', () => {
  it('replaces the last assistant message of a Nova row and leaves the original alone', () => {
    const row = {
      id: 'n1',
      messages: [
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'old' },
      ],
      reference_answer: 'R',
    };
    const copy = replaceResponse(row, auto, 'new');
    expect(copy).toEqual({
      id: 'n1',
      messages: [
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'new' },
      ],
      reference_answer: 'R',
    });
    expect(row.messages[1]!.content).toBe('old');
  });

  it('recognises every assistant role AWS accepts, in any case (Assistant, BOT, nova_assistant)', () => {
    for (const role of ['Assistant', 'BOT', 'bot', 'nova_assistant']) {
      const copy = replaceResponse(
        {
          messages: [
            { role: 'User', content: 'Q' },
            { role, content: 'old' },
          ],
        },
        auto,
        'new',
      );
      expect(copy.messages).toEqual([
        { role: 'User', content: 'Q' },
        { role, content: 'new' },
      ]);
    }
  });

  it('writes plain rows at the spec’s response field, nested paths included', () => {
    expect(replaceResponse({ id: 'p', prompt: 'Q', response: 'old' }, auto, 'new')).toEqual({ id: 'p', prompt: 'Q', response: 'new' });
    const nested = InputSpecSchema.parse({ format: 'plain', response: 'output.text' });
    expect(replaceResponse({ output: { text: 'old', score: 1 } }, nested, 'new')).toEqual({ output: { text: 'new', score: 1 } });
  });

  it('refuses a Nova row without an assistant message last', () => {
    expect(() => replaceResponse({ messages: [{ role: 'user', content: 'Q' }] }, auto, 'x')).toThrow(LabError);
  });
});
