/**
 * Files → what the viewer serves: one scored file (with its rollouts and spec when given), or two — before and after —
 * opened side by side and paired by prompt as `rewardkit compare` pairs them. The library entry behind `rewardkit view`.
 */
import type { RewardSpec } from '../spec/schema.js';
import { pairSides, type ViewPairs } from './view-pairs.js';
import { openSide, type ViewSide } from './view-side.js';

export interface ViewFiles {
  /** One scored file, or two (before, after). */
  scored: [string] | [string, string];
  /** The rollouts of the one scored file. */
  input?: string;
  beforeInput?: string;
  afterInput?: string;
  /** Renders the judge prompts again and says how to read the input rows (only its `input` section, and no judge is called). */
  spec?: RewardSpec;
}

export interface OpenedView {
  sides: ViewSide[];
  pairs: ViewPairs | null;
}

export async function openView(files: ViewFiles): Promise<OpenedView> {
  const spec = files.spec ?? null;
  if (files.scored.length === 1) {
    const side = await openSide(
      { name: 'scored', scored: files.scored[0], input: files.input, scoredWhat: 'SCORED.jsonl', inputWhat: '--input' },
      spec,
    );
    return { sides: [side], pairs: null };
  }
  const [before, after] = await Promise.all([
    openSide(
      { name: 'before', scored: files.scored[0], input: files.beforeInput, scoredWhat: 'BEFORE.jsonl', inputWhat: '--before-input' },
      spec,
    ),
    openSide(
      { name: 'after', scored: files.scored[1], input: files.afterInput, scoredWhat: 'AFTER.jsonl', inputWhat: '--after-input' },
      spec,
    ),
  ]);
  const pairs = await pairSides(before, after, {
    ...(files.beforeInput ? { beforeInput: files.beforeInput } : {}),
    ...(files.afterInput ? { afterInput: files.afterInput } : {}),
    ...(spec ? { inputSpec: spec.input } : {}),
  });
  return { sides: [before, after], pairs };
}
