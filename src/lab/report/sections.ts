/**
 * Report sections every lab command uses: the subtitle naming the inputs, the findings box, the statistics
 * table, and the verbosity-bias section (the line plus a score-vs-length scatter).
 */
import type { LabSettings, LabSource, ReportedStatistic } from '../lab-result.js';
import type { VerbosityBias } from '../verbosity-bias.js';
import { scatterChart, type ScatterPoint } from './charts.js';
import { escapeHtml, figure, table } from './html.js';
import { formatNumber, statisticText, verbosityVerdict, type Verdict } from './format.js';

export function subtitle(source: LabSource, settings: LabSettings, extra: string[] = []): string {
  const parts: string[] = [];
  if (source.spec) parts.push(`spec <code>${escapeHtml(source.spec)}</code>`);
  if (source.input) parts.push(`${source.kind === 'external' ? 'verdicts' : 'rows'} <code>${escapeHtml(source.input)}</code>`);
  if (source.files && source.files.length > 0)
    parts.push(`files ${source.files.map((file) => `<code>${escapeHtml(file)}</code>`).join(', ')}`);
  if (source.judge_models && source.judge_models.length > 0)
    parts.push(`judge ${source.judge_models.map((model) => `<code>${escapeHtml(model)}</code>`).join(', ')}`);
  parts.push(...extra.map(escapeHtml));
  parts.push(`95% CIs: percentile bootstrap over items, ${settings.resamples} resamples, seed ${settings.seed}`);
  return parts.join(' · ');
}

export interface Finding {
  verdict?: Verdict;
  /** Already-escaped HTML. */
  html: string;
}

export function findings(items: readonly Finding[]): string {
  if (items.length === 0) return '';
  const list = items
    .map(
      (item) =>
        `<li>${item.verdict ? `<span class="badge ${item.verdict}">${item.verdict === 'good' ? 'ok' : item.verdict === 'warn' ? 'check' : 'problem'}</span> ` : ''}${item.html}</li>`,
    )
    .join('\n');
  return `<section class="findings"><strong>Findings</strong><ul>\n${list}\n</ul></section>`;
}

/** name | value | 95% CI | note, with undefined statistics showing their reason. */
export function statisticsTable(
  statistics: Record<string, ReportedStatistic>,
  options: { headline?: string; notes?: Record<string, string> } = {},
): string {
  const rows = Object.entries(statistics).map(([name, statistic]) => {
    const label = name === options.headline ? `<strong>${escapeHtml(name)}</strong> (headline)` : escapeHtml(name);
    if (statistic.value === null) return [label, 'n/a', '', `<span class="reason">${escapeHtml(statistic.reason)}</span>`];
    const ci = statistic.ci95
      ? `[${formatNumber(statistic.ci95[0])}, ${formatNumber(statistic.ci95[1])}]`
      : `<span class="reason">${escapeHtml(statistic.ci95_reason ?? 'none')}</span>`;
    return [
      label,
      `<span data-sort="${statistic.value}">${formatNumber(statistic.value)}</span>`,
      ci,
      escapeHtml(options.notes?.[name] ?? ''),
    ];
  });
  return table(['statistic', 'value', '95% CI', 'note'], rows, { numeric: [1, 2] });
}

/** The verbosity line(s) and, when lengths are known, a scatter of score against length. */
export function verbositySection(
  bias: VerbosityBias,
  points: readonly ScatterPoint[],
  scoreLabel: string,
): { html: string; findings: Finding[] } {
  const found: Finding[] = [];
  const lines = bias.series.map((series) => {
    const reading = verbosityVerdict(series.spearman.value);
    if (reading && series.spearman.value !== null) {
      found.push({
        verdict: reading.verdict,
        html: `Verbosity bias (${escapeHtml(series.name)}): Spearman ρ with response length ${escapeHtml(statisticText(series.spearman))} — ${escapeHtml(reading.words)}.`,
      });
    }
    return `<li><strong>${escapeHtml(series.name)}</strong>: Spearman ρ(score, length) = ${escapeHtml(statisticText(series.spearman))}; Pearson r = ${escapeHtml(statisticText(series.pearson))}; n = ${series.n}${reading ? ` — <span class="${reading.verdict}">${escapeHtml(reading.words)}</span>` : ''}</li>`;
  });
  const chart =
    points.length > 0
      ? figure(
          scatterChart({
            title: 'Score against response length',
            points,
            xLabel: `response length (${bias.length_unit})`,
            yLabel: scoreLabel,
            xDomain: [0, Math.max(1, ...points.map((point) => point.x))],
          }),
          'Each dot is one item. A rising cloud means higher scores go with longer responses: check whether quality or length is being paid for.',
        )
      : '';
  const reason = bias.reason ? `<p class="reason">No verbosity line: ${escapeHtml(bias.reason)}.</p>` : '';
  return {
    html: `<h2 id="verbosity">Verbosity bias</h2>\n<p>Correlation of the score with the response length, in ${bias.length_unit}. A judge that pays for length is gamed by padding; but better answers are often longer too, so compare with the humans (<code>lab calibrate</code>) and the padding probes (<code>lab hack</code>).</p>\n${reason}<ul>${lines.join('')}</ul>\n<div class="charts">${chart}</div>`,
    findings: found,
  };
}
