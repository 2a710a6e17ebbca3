/**
 * A tool-using rollout reaches the judge as its final answer plus a labelled, fenced context section; a row
 * without tool turns renders byte for byte as with a template that has no context section (same prompt, same
 * fence nonce, same cache key).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { InputSpecSchema, RubricJudgeSchema } from '../spec/schema.js';
import { readFenced } from './fence.js';
import { builtinTemplatePath } from './judge-template.js';
import { createRubricJudge } from './rubric-judge.js';

const dir = mkdtempSync(join(tmpdir(), 'tool-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = InputSpecSchema.parse({});
const toolRow = {
  messages: [
    { role: 'user', content: 'What is 12 * 7?' },
    { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'multiply', arguments: { a: 12, b: 7 } } }] },
    { role: 'tool', name: 'multiply', content: '84' },
    { role: 'assistant', content: '12 * 7 = 84.' },
  ],
  reference_answer: '84',
};
const plainChatRow = {
  messages: [
    { role: 'user', content: 'What is 12 * 7?' },
    { role: 'assistant', content: '84' },
  ],
  reference_answer: '84',
};

/** The built-in template with its `{{#context}} … {{/context}}` section cut out, as a file. */
function withoutContextSection(name: 'rubric-criteria' | 'rubric-dimensions'): string {
  const text = readFileSync(builtinTemplatePath(name), 'utf8');
  const cut = text.replace(/ *\{\{#context\}\}[\s\S]*?\{\{\/context\}\}\n/, '');
  expect(cut).not.toBe(text);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, cut);
  return path;
}

const specs = {
  'rubric-criteria': { type: 'rubric', criteria: [{ id: 'correct', description: 'The answer is correct.' }] },
  'rubric-dimensions': { type: 'rubric', dimensions: [{ id: 'clarity', description: 'Clear.' }] },
} as const;

function userPrompt(spec: Record<string, unknown>, row: unknown): string {
  const judge = createRubricJudge(RubricJudgeSchema.parse(spec), { name: 'quality', modelKey: 'fake', maxResponseChars: 10_000 });
  return judge.prompts(createRowContext(toRowView(row, input, 'row-1')))[0]!.request.user;
}

describe.each(['rubric-criteria', 'rubric-dimensions'] as const)('built-in %s template', (name) => {
  it('shows the tool calls and results as a labelled context section; the answer section holds only the final answer', () => {
    const user = userPrompt(specs[name], toolRow);
    expect(readFenced(user, 'context')).toBe('[tool call multiply] {"a":12,"b":7}\n\n[tool result multiply] 84');
    expect(readFenced(user, 'response')).toBe('12 * 7 = 84.');
    expect(user).toContain('## What the assistant did before answering');
    expect(user.indexOf('## What the assistant did before answering')).toBeLessThan(user.indexOf("## The assistant's answer"));
  });

  it('a row without tool turns renders exactly as with a template that has no context section', () => {
    const without = userPrompt({ ...specs[name], template: withoutContextSection(name) }, plainChatRow);
    expect(userPrompt(specs[name], plainChatRow)).toBe(without);
    expect(without).not.toContain('What the assistant did');
  });
});
