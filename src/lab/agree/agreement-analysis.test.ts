/** analyseAgreement on two raters' labels: percent agreement, Cohen's kappa and Krippendorff's alpha worked out by hand. */
import { describe, expect, it } from 'vitest';
import { analyseAgreement } from './agreement-analysis.js';

const settings = { resamples: 200, seed: 7 };

describe('analyseAgreement', () => {
  // gpt and claude agree on i1, i2, i4, disagree on i3; claude did not rate i5.
  const result = analyseAgreement({
    source: { kind: 'external', input: 'verdicts.jsonl' },
    settings,
    raters: ['gpt', 'claude'],
    rating: 'verdict',
    ids: ['i1', 'i2', 'i3', 'i4', 'i5'],
    ratings: [
      ['good', 'good'],
      ['bad', 'bad'],
      ['good', 'bad'],
      ['good', 'good'],
      ['good', null],
    ],
    lengths: null,
    lengthReason: 'no lengths',
  });

  it('reads labels as nominal and headlines the nominal alpha', () => {
    expect([result.level, result.level_source, result.headline]).toEqual(['nominal', 'inferred', 'krippendorff_alpha_nominal']);
    expect(result.items).toEqual({ total: 5, rated_by_two_or_more: 4 });
  });

  it('computes the statistics by hand', () => {
    // 3 of the 4 items rated by both.
    expect(result.statistics.percent_agreement.value).toBe(0.75);
    // po = 0.75; gpt (good 3, bad 1), claude (good 2, bad 2): pe = (3 × 2 + 1 × 2) / 16 = 0.5; kappa = 0.25 / 0.5 = 0.5.
    expect(result.statistics.cohen_kappa_unweighted.value).toBeCloseTo(0.5, 12);
    // Pairable values: good × 5, bad × 3 (n = 8). Do = 2 / 8 (i3's two ordered mismatches); De = 2 × 5 × 3 / (8 × 7) = 30/56;
    // alpha = 1 − (1/4) / (30/56) = 1 − 7/15 = 8/15.
    expect(result.statistics.krippendorff_alpha_nominal.value).toBeCloseTo(8 / 15, 12);
    // Fleiss' kappa needs three raters.
    expect(result.statistics.fleiss_kappa.value).toBeNull();
  });

  it('lists the disagreed item with the share of raters outside the majority', () => {
    expect(result.disagreements).toEqual([{ id: 'i3', ratings: { gpt: 'good', claude: 'bad' }, spread: 0.5 }]);
  });
});
