/**
 * The figures and table cells several lab reports share: a value cell that sorts by number, an interval-chart item
 * from a reported statistic, the score histogram, the grid the charts sit in, and the reliability reference lines.
 */
import { round6 } from '../../round6.js';
import { histogram, type Rating } from '../statistics/index.js';
import type { ReportedStatistic } from '../lab-result.js';
import { histogramChart, type IntervalItem } from './charts.js';
import { escapeHtml } from './html.js';

/** Krippendorff's bands, drawn as dashed lines on reliability charts. */
export const RELIABILITY_REFERENCES = [
  { at: 0, label: '0: chance level' },
  { at: 0.667, label: '0.667: lowest acceptable alpha (Krippendorff)' },
  { at: 0.8, label: '0.8: reliable (Krippendorff)' },
];

/** A table cell for a rating: numbers rounded to 6 decimals and sortable, a dash for none. */
export function valueCell(value: Rating | boolean | undefined): string {
  if (value === null || value === undefined) return '<span class="reason">—</span>';
  if (typeof value === 'number') return `<span data-sort="${value}">${escapeHtml(String(round6(value)))}</span>`;
  return escapeHtml(String(value));
}

/** One row of an interval chart: the estimate and its CI, or n/a with the reason. */
export function intervalItem(label: string, statistic: ReportedStatistic, alert = false): IntervalItem {
  if (statistic.value === null) return { label, value: null, ci95: null, note: statistic.reason, alert };
  return {
    label,
    value: statistic.value,
    ci95: statistic.ci95,
    alert,
    ...(statistic.ci95 === null && statistic.ci95_reason ? { note: `no CI: ${statistic.ci95_reason}` } : {}),
  };
}

/**
 * Histogram of scores: unit bins for a small whole-number scale, ten equal bins over [0, 1] for scores in
 * it (unless `dataRange`), else ten bins over the data.
 */
export function scoreHistogram(
  title: string,
  values: readonly (number | null)[],
  xLabel: string,
  colourIndex = 0,
  dataRange = false,
  fixedEdges?: number[],
): string {
  const present = values.filter((value): value is number => value !== null);
  if (fixedEdges) {
    const bins = histogram(present, { edges: fixedEdges });
    return histogramChart({ title, edges: bins.edges, counts: bins.counts, xLabel, colourIndex });
  }
  const integers = present.length > 0 && present.every(Number.isInteger) && new Set(present).size <= 12 && !dataRange;
  const low = present.length > 0 ? Math.min(...present) : 0;
  const high = present.length > 0 ? Math.max(...present) : 1;
  let edges: number[];
  if (integers) edges = Array.from({ length: high - low + 2 }, (_unused, i) => low - 0.5 + i);
  else if (dataRange) edges = histogram(present, { bins: 10, range: [0, high > 0 ? high : 1] }).edges;
  else if (low >= 0 && high <= 1) edges = Array.from({ length: 11 }, (_unused, i) => i / 10);
  else edges = histogram(present, { bins: 10 }).edges;
  const bins = histogram(present, { edges });
  return histogramChart({ title, edges: bins.edges, counts: bins.counts, xLabel, colourIndex });
}

/** The grid of figures under "Charts". */
export function chartGrid(...figures: string[]): string {
  return `<div class="charts">${figures.filter(Boolean).join('')}</div>`;
}
