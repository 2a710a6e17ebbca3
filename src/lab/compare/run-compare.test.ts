/**
 * runCompare with and without its helper thread: the same files give the same result, field for field (the after
 * side read in the worker, half of the bootstrap's resamples computed there), and an input error found in the worker
 * comes back as the LabError the calling thread would have thrown.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../lab-error.js';
import { mulberry32 } from '../statistics/index.js';
import { CompareThread } from './compare-thread.js';
import { runCompare, type CompareOptions } from './run-compare.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardkit-run-compare-'));

/** 300 prompts × 2 rollouts with two components, lengths and a few rows without a reward. */
function writeSide(name: string, lift: number): { scored: string; input: string } {
  const random = mulberry32(name === 'before' ? 1 : 2);
  const inputs: string[] = [];
  const scored: string[] = [];
  for (let line = 1; line <= 600; line += 1) {
    const prompt = Math.ceil(line / 2);
    const quality = random();
    const reward = line % 97 === 0 ? null : Math.min(1, 0.7 * quality + lift);
    inputs.push(
      JSON.stringify({ id: `${name}-${line}`, prompt: `Prompt ${prompt}`, response: 'word '.repeat(5 + Math.floor(random() * 60)) }),
    );
    scored.push(
      JSON.stringify({
        line,
        id: `${name}-${line}`,
        spec_hash: 'h1',
        reward,
        neutral: false,
        flags: reward === null ? ['row_error'] : [],
        components:
          reward === null
            ? []
            : [
                { name: 'quality', score: quality },
                { name: 'format', score: line % 5 === 0 ? 0 : 1 },
              ],
      }),
    );
  }
  const paths = { scored: join(dir, `${name}.scored.jsonl`), input: join(dir, `${name}.rollouts.jsonl`) };
  writeFileSync(paths.input, `${inputs.join('\n')}\n`);
  writeFileSync(paths.scored, `${scored.join('\n')}\n`);
  return paths;
}

const before = writeSide('before', 0.1);
const after = writeSide('after', 0.15);
const options: CompareOptions = {
  before: before.scored,
  after: after.scored,
  beforeInput: before.input,
  afterInput: after.input,
  resamples: 3001,
  seed: 7,
};

describe('runCompare: the helper thread', () => {
  it('starts here (from the TypeScript sources, through tsx) and reads a side', async () => {
    const thread = new CompareThread();
    try {
      expect(await thread.started()).toBe(true);
      const side = await thread.readSide({
        side: 'after',
        scored: after.scored,
        input: after.input,
        pairBy: 'prompt',
        includeNeutral: false,
      });
      expect(side.rowCount).toBe(600);
      expect(side.columns.keys).toHaveLength(300);
      expect(side.rows[0]).toMatchObject({ line: 1, id: 'after-1', excluded: null, chars: expect.any(Number) });
    } finally {
      await thread.close();
    }
  });

  it('gives exactly the result of one thread', async () => {
    const one = await runCompare({ ...options, helperThread: 'never' });
    const two = await runCompare({ ...options, helperThread: 'always' });
    expect(two).toEqual(one);
    // the comparison is not trivial: 300 prompts paired, every interval computed
    expect(one.prompts.paired).toBe(300);
    expect(one.reward.delta).toHaveProperty('ci95', [expect.any(Number), expect.any(Number)]);
    expect(one.components.map((component) => component.name)).toEqual(['format', 'quality']);
  });

  it('reports an error in the side the worker reads as the calling thread would', async () => {
    const broken = join(dir, 'broken.scored.jsonl');
    writeFileSync(broken, '{"line": 1, "id": "after-1", "reward": 0.5, "components": []}\nnot json\n');
    const failure = (helperThread: 'never' | 'always') =>
      runCompare({ ...options, after: broken, helperThread }).then(
        () => null,
        (error: unknown) => error,
      );
    const inThread = await failure('never');
    const inWorker = await failure('always');
    expect(LabError.isInstance(inWorker)).toBe(true);
    expect(inWorker).toMatchObject({ kind: 'input', message: (inThread as LabError).message });
    expect((inThread as LabError).message).toMatch(/^--after .*broken\.scored\.jsonl:2: not valid JSON/);
  });
});
