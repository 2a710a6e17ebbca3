/**
 * Inline SVG charts for the lab reports, written by hand so a report is one self-contained file that
 * renders offline: histogram, heat-map matrix, scatter plot, interval (forest) plot and line chart. Each
 * returns an `<svg class="chart">` string with explicit width and height; every mark has a `<title>`
 * tooltip. Pure string building — all text goes through `escapeHtml`.
 */
import { escapeHtml } from './html.js';

const WIDTH = 520;
const HEIGHT = 300;
const MARGIN = { top: 34, right: 18, bottom: 48, left: 56 };
const PALETTE = ['#3b6fb6', '#d9822b', '#3a9a5b', '#b8434b', '#7d5ba6', '#8c6d46', '#c2569b', '#5f6b73'];

export function colour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** "Nice" tick values covering [low, high]. */
export function ticks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const values: number[] = [];
  for (let k = Math.ceil(low / step - 1e-9); k * step <= high + step * 1e-9; k += 1) values.push(Number((k * step).toPrecision(12)));
  return values;
}

function tickLabel(value: number): string {
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  return String(Math.round(value * 1000) / 1000);
}

interface Frame {
  x: (value: number) => number;
  y: (value: number) => number;
  parts: string[];
}

function svgOpen(kind: string, title: string, width = WIDTH, height = HEIGHT): string {
  return (
    `<svg class="chart" data-chart="${kind}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<text class="chart-title" x="${MARGIN.left}" y="20">${escapeHtml(title)}</text>`
  );
}

/** Axes with ticks and labels for numeric x and y domains. */
function frame(
  xDomain: [number, number],
  yDomain: [number, number],
  xLabel: string,
  yLabel: string,
  options: { xTicks?: number[]; width?: number; height?: number } = {},
): Frame {
  const width = options.width ?? WIDTH;
  const height = options.height ?? HEIGHT;
  const [x0, x1] = widen(xDomain);
  const [y0, y1] = widen(yDomain);
  const x = (value: number) => MARGIN.left + ((value - x0) / (x1 - x0)) * (width - MARGIN.left - MARGIN.right);
  const y = (value: number) => height - MARGIN.bottom - ((value - y0) / (y1 - y0)) * (height - MARGIN.top - MARGIN.bottom);
  const parts: string[] = [];
  const bottom = height - MARGIN.bottom;
  for (const tick of ticks(y0, y1)) {
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}"/>`,
    );
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${tickLabel(tick)}</text>`);
  }
  for (const tick of options.xTicks ?? ticks(x0, x1)) {
    parts.push(`<line class="axis" x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${bottom}" y2="${bottom + 4}"/>`);
    parts.push(`<text class="tick" x="${x(tick).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${tickLabel(tick)}</text>`);
  }
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>`);
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}"/>`);
  parts.push(
    `<text class="axis-label" x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
  );
  parts.push(
    `<text class="axis-label" transform="translate(14 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
  );
  return { x, y, parts };
}

function widen([low, high]: [number, number]): [number, number] {
  if (high > low) return [low, high];
  return [low - 0.5, high + 0.5];
}

export interface HistogramChart {
  title: string;
  edges: readonly number[];
  counts: readonly number[];
  xLabel: string;
  colourIndex?: number;
}

export function histogramChart(chart: HistogramChart): string {
  const max = Math.max(1, ...chart.counts);
  const first = chart.edges[0] ?? 0;
  const last = chart.edges[chart.edges.length - 1] ?? 1;
  const f = frame([first, last], [0, max], chart.xLabel, 'count', { xTicks: ticks(first, last, 6) });
  const bars = chart.counts.map((count, i) => {
    const x0 = f.x(chart.edges[i]!);
    const x1 = f.x(chart.edges[i + 1]!);
    const top = f.y(count);
    const label = `[${tickLabel(chart.edges[i]!)}, ${tickLabel(chart.edges[i + 1]!)}${i === chart.counts.length - 1 ? ']' : ')'}: ${count}`;
    return `<rect class="bar" x="${(x0 + 1).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, x1 - x0 - 2).toFixed(1)}" height="${Math.max(0, f.y(0) - top).toFixed(1)}" fill="${colour(chart.colourIndex ?? 0)}"><title>${escapeHtml(label)}</title></rect>`;
  });
  return `${svgOpen('histogram', chart.title)}${f.parts.join('')}${bars.join('')}</svg>`;
}

export interface MatrixChart {
  title: string;
  rowLabels: readonly string[];
  columnLabels: readonly string[];
  counts: readonly (readonly number[])[];
  rowAxis: string;
  columnAxis: string;
  /** Per-cell notes for tooltips (e.g. "favours the first position"). */
  notes?: readonly (readonly string[])[];
  /** Outline the diagonal as agreement (default true; false when rows and columns are different things). */
  diagonal?: boolean;
}

export function matrixChart(chart: MatrixChart): string {
  const rows = chart.rowLabels.length;
  const columns = chart.columnLabels.length;
  const cell = Math.min(84, Math.floor(300 / Math.max(rows, columns, 1)));
  const left = 130;
  const top = 70;
  const width = left + columns * cell + 30;
  const height = top + rows * cell + 20;
  const max = Math.max(1, ...chart.counts.flat());
  const parts: string[] = [];
  parts.push(
    `<text class="axis-label" x="${left + (columns * cell) / 2}" y="${top - 30}" text-anchor="middle">${escapeHtml(chart.columnAxis)}</text>`,
  );
  parts.push(
    `<text class="axis-label" transform="translate(16 ${top + (rows * cell) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.rowAxis)}</text>`,
  );
  chart.columnLabels.forEach((label, j) =>
    parts.push(`<text class="tick" x="${left + j * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${escapeHtml(label)}</text>`),
  );
  chart.rowLabels.forEach((label, i) => {
    parts.push(`<text class="tick" x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${escapeHtml(label)}</text>`);
    chart.columnLabels.forEach((columnLabel, j) => {
      const count = chart.counts[i]?.[j] ?? 0;
      const shade = count / max;
      const fill = `rgba(59, 111, 182, ${(0.08 + 0.82 * shade).toFixed(3)})`;
      const note = chart.notes?.[i]?.[j];
      const tooltip = `${chart.rowAxis}: ${label}; ${chart.columnAxis}: ${columnLabel} — ${count}${note ? ` (${note})` : ''}`;
      parts.push(
        `<rect class="cell${i === j && chart.diagonal !== false ? ' diagonal' : ''}" x="${left + j * cell}" y="${top + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="${fill}"><title>${escapeHtml(tooltip)}</title></rect>`,
      );
      parts.push(
        `<text class="cell-label${shade > 0.55 ? ' on-dark' : ''}" x="${left + j * cell + cell / 2 - 1}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle">${count}</text>`,
      );
    });
  });
  return `${svgOpen('matrix', chart.title, width, height)}${parts.join('')}</svg>`;
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  group?: number;
}

export interface ScatterChart {
  title: string;
  points: readonly ScatterPoint[];
  xLabel: string;
  yLabel: string;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Draws y = x (same-scale calibration). */
  diagonal?: boolean;
  verticalLine?: { at: number; label: string };
  horizontalLine?: { at: number; label: string };
}

export function scatterChart(chart: ScatterChart): string {
  const xs = chart.points.map((point) => point.x);
  const ys = chart.points.map((point) => point.y);
  const xDomain = chart.xDomain ?? [Math.min(0, ...xs), Math.max(1, ...xs)];
  const yDomain = chart.yDomain ?? [Math.min(0, ...ys), Math.max(1, ...ys)];
  const f = frame(xDomain, yDomain, chart.xLabel, chart.yLabel);
  const parts = [...f.parts];
  if (chart.diagonal) {
    const low = Math.max(xDomain[0], yDomain[0]);
    const high = Math.min(xDomain[1], yDomain[1]);
    parts.push(
      `<line class="reference" x1="${f.x(low).toFixed(1)}" y1="${f.y(low).toFixed(1)}" x2="${f.x(high).toFixed(1)}" y2="${f.y(high).toFixed(1)}"><title>y = x</title></line>`,
    );
  }
  if (chart.verticalLine) {
    const at = f.x(chart.verticalLine.at).toFixed(1);
    parts.push(
      `<line class="threshold" x1="${at}" x2="${at}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}"><title>${escapeHtml(chart.verticalLine.label)}</title></line>`,
    );
  }
  if (chart.horizontalLine) {
    const at = f.y(chart.horizontalLine.at).toFixed(1);
    parts.push(
      `<line class="threshold" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${at}" y2="${at}"><title>${escapeHtml(chart.horizontalLine.label)}</title></line>`,
    );
  }
  // Identical points are stacked with a small deterministic jitter so each stays visible.
  const seen = new Map<string, number>();
  for (const point of chart.points) {
    const key = `${point.x}|${point.y}`;
    const copies = seen.get(key) ?? 0;
    seen.set(key, copies + 1);
    const dx = copies === 0 ? 0 : Math.cos(copies * 2.4) * Math.min(8, 2 + copies);
    const dy = copies === 0 ? 0 : Math.sin(copies * 2.4) * Math.min(8, 2 + copies);
    parts.push(
      `<circle class="point" cx="${(f.x(point.x) + dx).toFixed(1)}" cy="${(f.y(point.y) + dy).toFixed(1)}" r="4" fill="${colour(point.group ?? 0)}"><title>${escapeHtml(`${point.label}: ${tickLabel(point.x)}, ${tickLabel(point.y)}`)}</title></circle>`,
    );
  }
  return `${svgOpen('scatter', chart.title)}${parts.join('')}</svg>`;
}

export interface IntervalItem {
  label: string;
  value: number | null;
  ci95: [number, number] | null;
  /** Shown in the tooltip (e.g. the reason a value is missing). */
  note?: string;
  /** Highlights the row (e.g. a flagged probe). */
  alert?: boolean;
}

export interface IntervalChart {
  title: string;
  items: readonly IntervalItem[];
  domain: [number, number];
  xLabel: string;
  /** Vertical reference lines, e.g. 0 and Krippendorff's 0.667 / 0.8. */
  references?: ReadonlyArray<{ at: number; label: string }>;
}

/** Characters of an interval chart's row label that fit its 200 px label column at 11 px. */
const LABEL_CHARS = 29;

/** A forest plot: one row per item, the point estimate as a dot and bar from the domain's base, the CI as whiskers. */
export function intervalChart(chart: IntervalChart): string {
  const rowHeight = 24;
  const left = 200;
  const width = WIDTH;
  const height = MARGIN.top + 18 + chart.items.length * rowHeight + MARGIN.bottom;
  const [d0, d1] = widen(chart.domain);
  const x = (value: number) => left + ((Math.min(d1, Math.max(d0, value)) - d0) / (d1 - d0)) * (width - left - MARGIN.right);
  const bottom = height - MARGIN.bottom;
  const parts: string[] = [];
  for (const tick of ticks(d0, d1)) {
    parts.push(`<line class="grid" x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${MARGIN.top}" y2="${bottom}"/>`);
    parts.push(`<text class="tick" x="${x(tick).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${tickLabel(tick)}</text>`);
  }
  for (const reference of chart.references ?? []) {
    if (reference.at < d0 || reference.at > d1) continue;
    parts.push(
      `<line class="reference" x1="${x(reference.at).toFixed(1)}" x2="${x(reference.at).toFixed(1)}" y1="${MARGIN.top}" y2="${bottom}"><title>${escapeHtml(reference.label)}</title></line>`,
    );
  }
  const base = x(Math.max(d0, Math.min(d1, 0)));
  chart.items.forEach((item, i) => {
    const cy = MARGIN.top + 12 + i * rowHeight + rowHeight / 2;
    parts.push(
      `<text class="tick${item.alert ? ' alert' : ''}" x="${left - 8}" y="${cy + 4}" text-anchor="end">${escapeHtml(truncate(item.label, LABEL_CHARS))}<title>${escapeHtml(item.label)}</title></text>`,
    );
    if (item.value === null) {
      parts.push(
        `<text class="missing" x="${left + 6}" y="${cy + 4}">n/a<title>${escapeHtml(item.note ?? 'undefined for this data')}</title></text>`,
      );
      return;
    }
    const cx = x(item.value);
    const tooltip = `${item.label}: ${tickLabel(item.value)}${item.ci95 ? ` [${tickLabel(item.ci95[0])}, ${tickLabel(item.ci95[1])}]` : ''}${item.note ? ` — ${item.note}` : ''}`;
    parts.push(
      `<rect class="bar${item.alert ? ' alert' : ''}" x="${Math.min(base, cx).toFixed(1)}" y="${(cy - 6).toFixed(1)}" width="${Math.max(1, Math.abs(cx - base)).toFixed(1)}" height="12"><title>${escapeHtml(tooltip)}</title></rect>`,
    );
    if (item.ci95) {
      const lo = x(item.ci95[0]).toFixed(1);
      const hi = x(item.ci95[1]).toFixed(1);
      parts.push(
        `<line class="whisker" x1="${lo}" x2="${hi}" y1="${cy}" y2="${cy}"/><line class="whisker" x1="${lo}" x2="${lo}" y1="${cy - 5}" y2="${cy + 5}"/><line class="whisker" x1="${hi}" x2="${hi}" y1="${cy - 5}" y2="${cy + 5}"/>`,
      );
    }
    parts.push(`<circle class="estimate" cx="${cx.toFixed(1)}" cy="${cy}" r="4"><title>${escapeHtml(tooltip)}</title></circle>`);
  });
  parts.push(`<line class="axis" x1="${left}" x2="${width - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>`);
  parts.push(
    `<text class="axis-label" x="${(left + width - MARGIN.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`,
  );
  return `${svgOpen('interval', chart.title, width, height)}${parts.join('')}</svg>`;
}

export interface LineChart {
  title: string;
  series: ReadonlyArray<{ name: string; points: ReadonlyArray<{ x: number; y: number }> }>;
  xLabel: string;
  yLabel: string;
  yDomain?: [number, number];
  marker?: { at: number; label: string };
}

export function lineChart(chart: LineChart): string {
  const xs = chart.series.flatMap((series) => series.points.map((point) => point.x));
  const ys = chart.series.flatMap((series) => series.points.map((point) => point.y));
  const f = frame(
    xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1],
    chart.yDomain ?? [Math.min(0, ...ys), Math.max(1, ...ys)],
    chart.xLabel,
    chart.yLabel,
  );
  const parts = [...f.parts];
  if (chart.marker) {
    const at = f.x(chart.marker.at).toFixed(1);
    parts.push(
      `<line class="threshold" x1="${at}" x2="${at}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}"><title>${escapeHtml(chart.marker.label)}</title></line>`,
    );
  }
  chart.series.forEach((series, index) => {
    const path = series.points.map((point, i) => `${i === 0 ? 'M' : 'L'}${f.x(point.x).toFixed(1)},${f.y(point.y).toFixed(1)}`).join(' ');
    if (series.points.length > 0)
      parts.push(`<path class="line" d="${path}" stroke="${colour(index)}"><title>${escapeHtml(series.name)}</title></path>`);
    for (const point of series.points) {
      parts.push(
        `<circle class="point small" cx="${f.x(point.x).toFixed(1)}" cy="${f.y(point.y).toFixed(1)}" r="3" fill="${colour(index)}"><title>${escapeHtml(`${series.name} at ${tickLabel(point.x)}: ${tickLabel(point.y)}`)}</title></circle>`,
      );
    }
    // the legend sits on its own line under the title, so a long title never runs into it
    parts.push(
      `<rect x="${WIDTH - 190 + index * 90}" y="23" width="9" height="9" fill="${colour(index)}"/><text class="tick" x="${WIDTH - 177 + index * 90}" y="31">${escapeHtml(series.name)}</text>`,
    );
  });
  return `${svgOpen('line', chart.title)}${parts.join('')}</svg>`;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
