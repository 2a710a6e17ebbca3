/** Report building blocks: escaping (ids and rationales come from untrusted rows), embedded JSON, axis ticks. */
import { describe, expect, it } from 'vitest';
import { analyseAgreement } from '../agree/agreement-analysis.js';
import { ticks } from './charts.js';
import { escapeHtml, scriptJson } from './html.js';
import { renderReport } from '../lab-commands.js';
import { statisticText } from './format.js';

describe('report escaping', () => {
  it('escapes text and keeps embedded JSON inert', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(scriptJson({ id: '</script><script>alert(1)</script>' })).toBe(
      '{"id":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}',
    );
  });

  it('never lets an item id or rater name become markup', () => {
    const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    const result = analyseAgreement({
      source: { kind: 'external', input: 'v.jsonl' },
      settings: { resamples: 50, seed: 1 },
      raters: [hostile, 'b'],
      rating: 'fields',
      ids: [hostile, 'two', 'three'],
      ratings: [
        [1, 2],
        [2, 2],
        [3, 1],
      ],
      lengths: null,
      lengthReason: 'no lengths',
    });
    const html = renderReport(result);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<script/g)).toHaveLength(2); // the embedded JSON and the page script
  });
});

describe('chart helpers', () => {
  it('picks round tick values', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(-1, 1)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(ticks(0, 2385)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(ticks(3, 3)).toEqual([3]);
  });

  it('writes a statistic with its interval or its reason', () => {
    expect(statisticText({ value: 0.81234, ci95: [0.7, 0.9] })).toBe('0.812 [0.700, 0.900]');
    expect(statisticText({ value: 0.5, ci95: null, ci95_reason: 'fewer than 2 items' })).toBe('0.500 (no CI: fewer than 2 items)');
    expect(statisticText({ value: null, reason: 'constant' })).toBe('n/a — constant');
  });
});
