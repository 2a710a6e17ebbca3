import { describe, expect, it } from 'vitest';
import { classifyTemplate, selectorFor, templatePieces, templateVariableFor } from './template-variables.js';

describe('templatePieces / classifyTemplate', () => {
  it('splits text and {{ variables }}, trimming the inside of the braces', () => {
    expect(templatePieces('Reference: {{ item.reference_answer }}. Model answer: {{sample.output_text}}')).toEqual([
      { text: 'Reference: ' },
      { variable: 'item.reference_answer' },
      { text: '. Model answer: ' },
      { variable: 'sample.output_text' },
    ]);
  });

  it('tells one variable, a fixed text and a mix apart (surrounding spaces are text: OpenAI keeps them)', () => {
    expect(classifyTemplate('{{ sample.output_text }}')).toEqual({ kind: 'variable', variable: 'sample.output_text' });
    expect(classifyTemplate('yes')).toEqual({ kind: 'literal', text: 'yes' });
    expect(classifyTemplate(' {{item.label}}')).toEqual({ kind: 'mixed' });
    expect(classifyTemplate('{"smiles": "{{item.smiles}}"}')).toEqual({ kind: 'mixed' });
  });
});

describe('selectorFor', () => {
  it.each([
    ['sample.output_text', 'response'],
    ['sample.output_json', 'response_json'],
    ['sample.output_json.email', 'response_json.email'],
    ['sample.output_json.items[2].name', 'response_json.items[2].name'],
    ['item.reference_answer', 'reference'],
    ['item.reference_answer.value', 'reference.value'],
    ['item.label', 'metadata.label'],
    ['item.response', 'metadata.response'],
    ['item.answers[0]', 'metadata.answers[0]'],
    ['item.user-id', 'metadata.user-id'],
  ])('{{%s}} → %s', (variable, selector) => {
    expect(selectorFor(variable)).toEqual({ ok: true, value: selector });
  });

  it.each([
    [
      'sample.output_tools[0].function.name',
      /sample\.output_tools\[0\]\.function\.name}} is not supported: the rollout's tool calls have no rewardkit selector/,
    ],
    ['sample.choices', /the chat completion choices have no selector/],
    ['sample.output_audio', /audio output has no selector/],
    ['sample.output_text.length', /sample\.output_text is the answer text; it has no fields/],
    ['sample.text', /expected sample\.output_text or sample\.output_json/],
    ['item', /expected a field of the row, item\.FIELD/],
    ['item.messages[0].content', /rewardkit reads the row field "messages" itself \(id, messages, metadata\)/],
    ['item.id', /rewardkit reads the row field "id" itself/],
    ['item.metadata.source', /rewardkit reads the row field "metadata" itself/],
    ['row.label', /OpenAI templates read only the item and sample namespaces/],
    ['item["label"]', /not a variable rewardkit can read/],
    ['#item', /not a variable rewardkit can read/],
  ])('{{%s}} is a problem', (variable, message) => {
    const mapped = selectorFor(variable);
    expect(mapped.ok).toBe(false);
    expect(mapped.ok ? '' : mapped.message).toMatch(message);
  });
});

describe('templateVariableFor', () => {
  it.each([
    ['sample.output_text', 'response'],
    ['item.reference_answer', 'reference'],
    ['item.response', 'metadata.response'],
    ['item.case.title', 'metadata.case.title'],
  ])('{{%s}} → {{%s}}', (variable, name) => {
    expect(templateVariableFor(variable)).toEqual({ ok: true, value: name });
  });

  it.each([
    ['sample.output_json', /not supported in a model grader's message: rewardkit judge templates show the answer as text/],
    ['sample.output_json.name', /show the answer as text/],
    ['item.answers[0]', /a template variable cannot index a list/],
    ['item.reference_answer.value', /the reference is shown whole/],
    ['sample.output_tools', /tool calls have no rewardkit selector/],
  ])('{{%s}} is a problem', (variable, message) => {
    const mapped = templateVariableFor(variable);
    expect(mapped.ok ? '' : mapped.message).toMatch(message);
  });
});
