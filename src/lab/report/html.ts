/**
 * The page every lab report shares: one self-contained HTML file — inline CSS, a few lines of inline
 * JavaScript (sortable tables), the full JSON result embedded for reuse, and a Content-Security-Policy that
 * forbids loading anything from anywhere, so the report provably renders offline.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element (no "</script>", no HTML comment openers). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { color-scheme: light; --ink: #1f2933; --muted: #5f6b73; --line: #d8dee4; --accent: #3b6fb6; --bad: #b8434b; --good: #3a9a5b; --warn: #b7791f; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #f6f8fa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
p, li { max-width: 920px; }
.meta { color: var(--muted); font-size: 13px; }
.findings { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--accent); padding: 10px 16px; margin: 16px 0; }
.findings li { margin: 3px 0; }
.good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; font-weight: 600; }
.badge.good { background: #e3f4e8; } .badge.bad { background: #f8e1e3; } .badge.warn { background: #fbf0dc; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: 8px; }
figcaption { color: var(--muted); font-size: 12px; max-width: 520px; margin-top: 4px; }
table { border-collapse: collapse; background: #fff; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f6; cursor: pointer; user-select: none; white-space: nowrap; }
th[data-sorted="asc"]::after { content: " ▲"; } th[data-sorted="desc"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.alert td { background: #fdf1f2; }
.reason { color: var(--muted); font-style: italic; }
code { background: #eef2f6; padding: 0 4px; border-radius: 3px; }
details { margin: 8px 0; }
svg.chart { display: block; background: #fff; }
svg .chart-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg .tick { font-size: 11px; fill: var(--muted); }
svg .tick.alert { fill: var(--bad); font-weight: 600; }
svg .axis-label { font-size: 12px; fill: var(--ink); }
svg .axis { stroke: #8a949c; stroke-width: 1; }
svg .grid { stroke: #edf0f3; stroke-width: 1; }
svg .reference { stroke: #8a949c; stroke-dasharray: 4 3; stroke-width: 1; }
svg .threshold { stroke: var(--bad); stroke-dasharray: 5 3; stroke-width: 1.5; }
svg .bar { fill-opacity: 0.85; }
svg rect.bar:not([fill]) { fill: var(--accent); }
svg rect.bar.alert { fill: var(--bad); }
svg .whisker { stroke: var(--ink); stroke-width: 1.4; }
svg .estimate { fill: var(--ink); }
svg .point { fill-opacity: 0.75; stroke: #fff; stroke-width: 0.8; }
svg .line { fill: none; stroke-width: 2; }
svg .cell.diagonal { stroke: var(--good); stroke-width: 2; }
svg .cell-label { font-size: 13px; fill: var(--ink); }
svg .cell-label.on-dark { fill: #fff; }
svg .missing { font-size: 11px; fill: var(--muted); font-style: italic; }
`;

/** Click a header to sort its table (numbers numerically, n/a last). */
const SCRIPT = `
(function () {
  'use strict';
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return { number: NaN, text: '' };
    var raw = cell.getAttribute('data-sort');
    var text = raw !== null ? raw : cell.textContent.trim();
    return { number: parseFloat(text), text: text };
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) return;
    var direction = header.getAttribute('data-sorted') === 'asc' ? 'desc' : 'asc';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var xn = !isNaN(x.number), yn = !isNaN(y.number);
      var order;
      if (xn && yn) order = x.number - y.number;
      else if (xn !== yn) return xn ? -1 : 1;
      else order = x.text.localeCompare(y.text);
      return direction === 'asc' ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.querySelectorAll('th'), function (th) { th.removeAttribute('data-sorted'); });
    header.setAttribute('data-sorted', direction);
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll('thead th'), function (header, index) {
      header.addEventListener('click', function () { sortBy(table, index, header); });
    });
  });
  document.documentElement.setAttribute('data-report-ready', 'true');
})();
`;

export interface Page {
  title: string;
  /** One line under the title: the inputs. */
  subtitle: string;
  body: string;
  /** Embedded as JSON (id "lab-result") so the numbers travel with the report. */
  data: unknown;
}

export function renderPage(page: Page): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
<p class="meta">${page.subtitle}</p>
${page.body}
</main>
<script type="application/json" id="lab-result">${scriptJson(page.data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** A sortable table; cells are already-escaped HTML; `numeric` columns are right-aligned. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { numeric?: readonly number[]; alertRows?: readonly number[]; caption?: string } = {},
): string {
  const numeric = new Set(options.numeric ?? []);
  const alerts = new Set(options.alertRows ?? []);
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('');
  const body = rows
    .map(
      (row, r) =>
        `<tr${alerts.has(r) ? ' class="alert"' : ''}>${row.map((cell, c) => `<td${numeric.has(c) ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table class="sortable">${options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}
