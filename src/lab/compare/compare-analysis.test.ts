/**
 * compare's pairing and statistics on a fixture small enough to check by hand: three paired prompts (one with two
 * rollouts), one prompt on each side only, one without a reward before; then the bootstrap, the reward-hacking
 * signal on a synthetic case where the after side pays for length, and the gate.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapCi, mean, mulberry32 } from '../statistics/index.js';
import { analyseComparison } from './compare-analysis.js';
import { ComparedSide, type ComparedRow } from './compared-side.js';
import { pairPrompts } from './compare-pairing.js';
import type { CompareSettings } from './compare-result.js';

const SETTINGS: CompareSettings = {
  pair_by: 'prompt',
  resamples: 2000,
  seed: 1,
  tie_tolerance: 0,
  include_neutral: false,
  min_delta: null,
};

function row(
  line: number,
  key: string,
  reward: number | null,
  quality: number | null,
  format: number | null,
  chars: number | null,
): ComparedRow {
  return {
    line,
    id: `${key}-${line}`,
    reward,
    excluded: reward === null ? 'row_error' : null,
    components:
      reward === null
        ? []
        : [
            { name: 'quality', score: quality },
            { name: 'format', score: format },
          ],
    key,
    chars,
    words: chars === null ? null : chars / 5,
  };
}

function side(name: string, rows: ComparedRow[], specHash = 'abc'): ComparedSide {
  return ComparedSide.fromRows(`${name}.jsonl`, `${name}.rollouts.jsonl`, rows, [specHash]);
}

// before: p1 has rewards 0.2 and 0.4 (mean 0.3), p2 0.5, p3 0.9, p4 only here, p5 unreadable here
const BEFORE = side('before', [
  row(1, 'p1', 0.2, 0.2, 1, 30),
  row(2, 'p1', 0.4, 0.4, 1, 10),
  row(3, 'p2', 0.5, 0.5, 1, 20),
  row(4, 'p3', 0.9, 0.9, 1, 40),
  row(5, 'p4', 0.1, 0.1, 1, 5),
  row(6, 'p5', null, null, null, null),
]);
// after: p1 0.6 and 0.8 (mean 0.7), p2 0.5 (format skipped), p3 0.7 (format failed), p6 only here, p5 scored
const AFTER = side('after', [
  row(1, 'p1', 0.6, 0.6, 1, 10),
  row(2, 'p1', 0.8, 0.8, 1, 40),
  row(3, 'p2', 0.5, 0.5, null, 20),
  row(4, 'p3', 0.7, 0.7, 0, 30),
  row(5, 'p6', 0.3, 0.3, 1, 5),
  row(6, 'p5', 0.4, 0.4, 1, 5),
]);

describe('pairPrompts', () => {
  it('pairs by key, averages rollouts, and lists every prompt it cannot compare', () => {
    const pairing = pairPrompts(BEFORE, AFTER);
    expect(pairing.paired.map((prompt) => [prompt.key, prompt.before.reward, prompt.after.reward, prompt.before.rollouts])).toEqual([
      ['p1', expect.closeTo(0.3, 15), 0.7, 2],
      ['p2', 0.5, 0.5, 1],
      ['p3', 0.9, 0.7, 1],
    ]);
    expect(pairing.onlyBefore).toEqual([{ key: 'p4', id: 'p4-5', line: 5, missing: 'after' }]);
    expect(pairing.onlyAfter).toEqual([{ key: 'p6', id: 'p6-5', line: 5, missing: 'before' }]);
    expect(pairing.noReward).toEqual([{ key: 'p5', id: 'p5-6', line: 6, missing: 'before' }]);
    // the rows of the paired prompts only, in file order
    expect(pairing.rows.after.rewards).toEqual([0.6, 0.8, 0.5, 0.7]);
    expect(pairing.rows.before.chars).toEqual([30, 10, 20, 40]);
  });
});

describe('analyseComparison', () => {
  const result = analyseComparison(BEFORE, AFTER, pairPrompts(BEFORE, AFTER), SETTINGS);

  it('mean delta, win/tie/loss and the sign test, by hand', () => {
    // prompt deltas: p1 0.7 − 0.3 = 0.4, p2 0, p3 0.7 − 0.9 = −0.2 → mean 0.2/3
    expect(result.reward.delta.value).toBeCloseTo(0.2 / 3, 15);
    expect(result.reward).toMatchObject({ wins: 1, ties: 1, losses: 1, sign_test_p: 1 });
    expect(result.reward.before).toEqual({
      mean: expect.closeTo(1.7 / 3, 15),
      median: 0.5,
      std: expect.closeTo(0.3055050463303894, 14),
      rows: 4,
    });
    expect(result.reward.after).toEqual({
      mean: expect.closeTo(1.9 / 3, 15),
      median: 0.7,
      std: expect.closeTo(0.11547005383792512, 14),
      rows: 4,
    });
    expect(result.prompts).toMatchObject({ paired: 3, only_before: 1, only_after: 1, no_reward: 1 });
    expect(result.before).toMatchObject({
      rows: 6,
      compared_rows: 5,
      prompts: 5,
      excluded: { row_error: 1, no_reward: 0, neutral: 0, unreadable_input: 0 },
    });
  });

  it('the delta CI is the paired percentile bootstrap over prompts (bootstrapCi of the prompt deltas, same seed)', () => {
    const reference = bootstrapCi([0.4, 0, 0.7 - 0.9], (sample: readonly number[]) => mean(sample), { resamples: 2000, seed: 1 });
    const ci = (result.reward.delta as { ci95: [number, number] }).ci95;
    expect(ci[0]).toBeCloseTo(reference.ci95![0], 12);
    expect(ci[1]).toBeCloseTo(reference.ci95![1], 12);
    // three prompts: the resample means are thirds of sums of {0.4, 0, −0.2}: the extremes are −0.2 and 0.4
    expect(ci).toEqual([expect.closeTo(-0.2, 12), expect.closeTo(0.4, 12)]);
  });

  it('component deltas over the prompts where the component scored on both sides', () => {
    expect(result.components.map((c) => [c.name, c.prompts, c.before_mean, c.after_mean, c.delta.value])).toEqual([
      // format: p1 1 → 1, p2 skipped after, p3 1 → 0
      ['format', 2, 1, 0.5, -0.5],
      ['quality', 3, expect.closeTo(1.7 / 3, 15), expect.closeTo(1.9 / 3, 15), expect.closeTo(0.2 / 3, 15)],
    ]);
  });

  it('length drift and the reward–length correlations (scipy: spearmanr 0.4 / 0.8, pearsonr 0.5262348115842175 / 0.8)', () => {
    const length = result.length;
    expect(length.reason).toBeNull();
    expect(length.before).toEqual({ rows: 4, mean_chars: 25, median_chars: 25, mean_words: 5, median_words: 5 });
    // per prompt mean chars: p1 20 → 25, p2 20 → 20, p3 40 → 30: mean change −5/3
    expect(length.delta_chars.value).toBeCloseTo(-5 / 3, 12);
    expect(length.delta_words.value).toBeCloseTo(-1 / 3, 12);
    expect(length.reward_length.before!.spearman.value).toBeCloseTo(0.4, 12);
    expect(length.reward_length.before!.pearson.value).toBeCloseTo(0.5262348115842175, 12);
    expect(length.reward_length.after!.spearman.value).toBeCloseTo(0.8, 12);
    expect(length.reward_length.after!.pearson.value).toBeCloseTo(0.8, 12);
    expect(length.reward_length.spearman_change).toBeCloseTo(0.4, 12);
    // strong and grew, but 4 rows: the before rho lies inside the after rho's wide CI, so no signal
    expect(length.reward_length.signal).toBe(false);
  });

  it('histograms share their edges across sides and count every compared row of a paired prompt', () => {
    const h = result.histograms;
    expect(h.reward_edges).toHaveLength(21);
    expect(h.reward_edges[0]).toBe(0);
    expect(h.reward_edges[20]).toBe(1);
    expect(h.reward_before.reduce((a, b) => a + b, 0)).toBe(4);
    expect(h.reward_after.reduce((a, b) => a + b, 0)).toBe(4);
    expect(h.delta_counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(h.length_edges[20]).toBe(40);
  });

  it('findings name the unclear change and the prompts not compared', () => {
    expect(result.findings.map((finding) => finding.level)).toEqual(['warn', 'warn']);
    expect(result.findings[1]!.text).toBe('3 prompts not compared: 1 only before, 1 only after, 1 without a reward on a side.');
  });

  it('a tie tolerance turns small moves into ties', () => {
    const tolerant = analyseComparison(BEFORE, AFTER, pairPrompts(BEFORE, AFTER), { ...SETTINGS, tie_tolerance: 0.25 });
    expect(tolerant.reward).toMatchObject({ wins: 1, ties: 2, losses: 0, sign_test_p: 1 });
  });

  it('the gate holds the lower CI bound against --min-delta', () => {
    const gated = (minDelta: number) =>
      analyseComparison(BEFORE, AFTER, pairPrompts(BEFORE, AFTER), { ...SETTINGS, min_delta: minDelta }).gate!;
    expect(gated(-0.25)).toMatchObject({ compared: 'ci95_low', value: expect.closeTo(-0.2, 12), passed: true });
    expect(gated(-0.1)).toMatchObject({ passed: false });
  });
});

describe('the reward-hacking signal', () => {
  // 400 prompts × 1 rollout: before, the reward ignores length; after, it follows it (and responses got longer)
  const random = mulberry32(5);
  const before: ComparedRow[] = [];
  const after: ComparedRow[] = [];
  for (let i = 0; i < 400; i += 1) {
    const quality = random();
    const lengthBefore = 200 + Math.floor(random() * 200);
    const lengthAfter = 200 + Math.floor(random() * 600);
    before.push(row(i + 1, `q${i}`, quality, quality, 1, lengthBefore));
    after.push(row(i + 1, `q${i}`, 0.3 * quality + 0.7 * (lengthAfter / 800), quality, 1, lengthAfter));
  }
  const result = analyseComparison(
    side('before', before),
    side('after', after),
    pairPrompts(side('before', before), side('after', after)),
    SETTINGS,
  );

  it('fires when the after side pays for length and the before side did not', () => {
    expect(result.length.reward_length.before!.spearman.value!).toBeLessThan(0.15);
    expect(result.length.reward_length.after!.spearman.value!).toBeGreaterThan(0.8);
    expect(result.length.reward_length.signal).toBe(true);
    expect(result.findings.map((finding) => finding.level)).toContain('bad');
    expect(result.findings.some((finding) => finding.text.startsWith('Responses got longer by'))).toBe(true);
  });

  it('flags scored files from different specs', () => {
    const mixed = analyseComparison(
      side('before', before, 'one'),
      side('after', after, 'two'),
      pairPrompts(side('before', before), side('after', after)),
      SETTINGS,
    );
    expect(mixed.findings.some((finding) => finding.text.includes('2 different reward specs'))).toBe(true);
  });
});

describe('the delta CI on a synthetic case with a known true delta', () => {
  it('covers the true mean delta 0.05, is reproducible by seed, and changes with it', () => {
    // 500 prompts × 2 rollouts; after = before + 0.05 + uniform noise on [−0.2, 0.2] per rollout: true delta 0.05
    const random = mulberry32(99);
    const before: ComparedRow[] = [];
    const after: ComparedRow[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const base = random();
      before.push(row(i + 1, `s${i >> 1}`, base, base, 1, null));
      after.push(row(i + 1, `s${i >> 1}`, base + 0.05 + (random() - 0.5) * 0.4, base, 1, null));
    }
    const run = (seed: number) =>
      analyseComparison(side('b', before), side('a', after), pairPrompts(side('b', before), side('a', after)), { ...SETTINGS, seed }).reward
        .delta as {
        value: number;
        ci95: [number, number];
      };
    const first = run(3);
    expect(first.ci95[0]).toBeLessThan(0.05);
    expect(first.ci95[1]).toBeGreaterThan(0.05);
    // the standard error of the mean of 500 prompt deltas (sd 0.4/√12/√2 ≈ 0.082) is ≈ 0.0037: a 95% CI ≈ ±0.0072
    expect(first.ci95[1] - first.ci95[0]).toBeGreaterThan(0.012);
    expect(first.ci95[1] - first.ci95[0]).toBeLessThan(0.017);
    expect(run(3)).toEqual(first);
    expect(run(4).ci95).not.toEqual(first.ci95);
  });
});
