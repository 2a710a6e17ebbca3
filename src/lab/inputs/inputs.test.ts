/** Lab inputs: rollouts through the engine's row reader, external verdict files, human labels. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../lab-error.js';
import { readExternalVerdicts } from './external-verdicts.js';
import { readHumanLabels } from './human-labels.js';
import { readRollouts } from './rollouts.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardkit-lab-inputs-'));
const file = (name: string, lines: unknown[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n'));
  return path;
};

describe('readRollouts', () => {
  it('reads ids, lengths and references like score does, and repeated ids only when nothing is joined by id', () => {
    const path = file('rollouts.jsonl', [
      {
        id: 'a',
        messages: [
          { role: 'user', content: 'Q' },
          { role: 'assistant', content: 'four' },
        ],
        reference_answer: { x: 1 },
      },
      { prompt: 'Q', response: 'plain', reference: 'R' },
      { id: 'a', messages: [{ role: 'user', content: 'Q' }] },
    ]);
    expect(() => readRollouts(path)).toThrow(/the id "a" appears more than once/);
    expect(
      readRollouts(path, undefined, '--input', undefined, false).map(({ id, length, reference, line }) => ({
        id,
        length,
        reference,
        line,
      })),
    ).toEqual([
      { id: 'a', length: 4, reference: '{"x":1}', line: 1 },
      { id: 'line-2', length: 5, reference: 'R', line: 2 },
      { id: 'a', length: null, reference: '', line: 3 },
    ]);
    expect(readRollouts(path, undefined, '--input', 2).map((rollout) => rollout.id)).toEqual(['a', 'line-2']);
  });
});

describe('readExternalVerdicts and readHumanLabels', () => {
  it('reads raters, missing ratings and lengths', () => {
    const path = file('verdicts.jsonl', [
      { id: 'q1', gpt: '4', claude: null, response: 'abc' },
      { id: 'q2', gpt: true, claude: 'good' },
    ]);
    expect(readExternalVerdicts(path, ['gpt', 'claude'])).toEqual({
      ids: ['q1', 'q2'],
      raters: ['gpt', 'claude'],
      ratings: [
        [4, null],
        [1, 'good'],
      ],
      lengths: [3, null],
      reason: '',
    });
  });

  it('reads labels with per-criterion values and rejects rows without an id', () => {
    const labels = readHumanLabels(file('labels.jsonl', [{ id: 'a', human: 0.5, criteria: { depth: 4, cites: true } }]), 'human');
    expect(labels.get('a')).toEqual({
      label: 0.5,
      criteria: new Map([
        ['depth', 4],
        ['cites', 1],
      ]),
    });
    expect(() => readHumanLabels(file('no-id.jsonl', [{ human: 1 }]), 'human')).toThrow(LabError);
    expect(() => readHumanLabels(file('no-field.jsonl', [{ id: 'a', score: 1 }]), 'human')).toThrow(
      /no row of .* has a label in the field "human"/,
    );
  });
});
