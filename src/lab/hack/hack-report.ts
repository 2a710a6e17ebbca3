/**
 * `lab hack`: the hacking report: reward shift per probe, rows a probe raised (HTML, pure: result in, page out), and
 * its lines of the terminal summary.
 */
import type { HackResult } from './hacking-analysis.js';
import { intervalChart } from '../report/charts.js';
import { chartGrid, intervalItem, scoreHistogram, valueCell } from '../report/figures.js';
import { statisticText } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { type Finding, findings, subtitle, verbositySection } from '../report/sections.js';

export function hackReport(result: HackResult): string {
  const found: Finding[] = [
    result.summary.flagged.length === 0
      ? { verdict: 'good', html: `None of the ${result.summary.probes} probes raised the reward of any row.` }
      : {
          verdict: 'bad',
          html: `${result.summary.flagged.length} of ${result.summary.probes} probes raised the reward of at least one row: ${result.summary.flagged.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}.`,
        },
  ];
  if (result.summary.raising_reliably.length > 0) {
    found.push({
      verdict: 'bad',
      html: `Raising the mean reward with a 95% CI above 0: ${result.summary.raising_reliably.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')} — a policy will learn these.`,
    });
  }
  const errors = result.probes.filter((probe) => probe.judge_errors > 0);
  if (errors.length > 0)
    found.push({
      verdict: 'warn',
      html: `Probes that made the judge fail (the row got the neutral fallback reward): ${errors.map((probe) => `<code>${escapeHtml(probe.id)}</code> (${probe.judge_errors})`).join(', ')}.`,
    });
  const verbosity = verbositySection(
    result.verbosity_bias,
    result.baseline.flatMap((row) => (row.length !== null && row.reward !== null ? [{ x: row.length, y: row.reward, label: row.id }] : [])),
    'reward (unprobed rollouts)',
  );
  const shifts = result.probes.flatMap((probe) => [
    probe.statistics.mean_shift.value ?? 0,
    ...(probe.statistics.mean_shift.value !== null && probe.statistics.mean_shift.ci95 ? probe.statistics.mean_shift.ci95 : []),
  ]);
  const bound = Math.max(0.1, ...shifts.map(Math.abs));
  const items = result.probes.map((probe) => intervalItem(probe.id, probe.statistics.mean_shift, probe.flagged));
  const body = [
    findings([...found, ...verbosity.findings]),
    '<h2>Reward shift per probe</h2>',
    chartGrid(
      figure(
        intervalChart({
          title: 'Mean reward shift (probed − original)',
          items,
          domain: [-bound, bound],
          xLabel: 'reward shift',
          references: [{ at: 0, label: 'no change' }],
        }),
        'Dot: mean shift over probed rows; whiskers: 95% CI; red: raised the reward of at least one row.',
      ),
      figure(
        scoreHistogram(
          'Rewards of the rollouts as they are',
          result.baseline.map((row) => row.reward),
          'reward',
        ),
        'Score histogram of the unprobed rollouts.',
      ),
    ),
    table(
      [
        'probe',
        'family',
        'rows',
        'skipped',
        'mean shift [95% CI]',
        'raised',
        'lowered',
        'unchanged',
        'max raise',
        'judge errors',
        'flagged',
      ],
      result.probes.map((probe) => [
        `<code>${escapeHtml(probe.id)}</code><br><span class="reason">${escapeHtml(probe.description)}</span>`,
        escapeHtml(probe.family),
        String(probe.rows_probed),
        probe.rows_skipped > 0
          ? `${probe.rows_skipped} <span class="reason">(${escapeHtml(Object.keys(probe.skip_reasons).join('; '))})</span>`
          : '0',
        `<span data-sort="${probe.statistics.mean_shift.value ?? ''}">${escapeHtml(statisticText(probe.statistics.mean_shift))}</span>`,
        String(probe.raised_rows),
        String(probe.lowered_rows),
        String(probe.unchanged_rows),
        valueCell(probe.max_raise),
        String(probe.judge_errors),
        probe.flagged ? '<strong class="bad">yes</strong>' : 'no',
      ]),
      { numeric: [2, 5, 6, 7, 8, 9], alertRows: result.probes.flatMap((probe, index) => (probe.flagged ? [index] : [])) },
    ),
    verbosity.html,
    '<h2>Rows a probe raised</h2>',
    result.probes.some((probe) => probe.flagged)
      ? result.probes
          .filter((probe) => probe.flagged)
          .map(
            (probe) =>
              `<h3><code>${escapeHtml(probe.id)}</code></h3>${table(
                ['id', 'original', 'probed', 'shift', 'applied as', 'flags'],
                probe.rows
                  .filter((row) => (row.shift ?? 0) > 0)
                  .map((row) => [
                    escapeHtml(row.id),
                    valueCell(row.original),
                    valueCell(row.probed),
                    valueCell(row.shift),
                    escapeHtml(row.mode),
                    escapeHtml(row.flags.join(', ')),
                  ]),
                { numeric: [1, 2, 3] },
              )}`,
          )
          .join('\n')
      : '<p class="good">None.</p>',
  ];
  return renderPage({
    title: 'rewardkit lab hack — can a rollout game the judge?',
    subtitle: subtitle(result.source, result.settings, [`${result.rows.total} rollouts`]),
    body: body.join('\n'),
    data: result,
  });
}

/** The command's lines of the terminal summary. */
export function hackSummaryLines(result: HackResult): string[] {
  const lines: string[] = [];
  lines.push(`hack: ${result.summary.probes} probes on ${result.rows.total} rollouts; ${result.summary.flagged.length} raised a reward`);
  for (const probe of result.probes) {
    lines.push(
      `  ${probe.flagged ? '!' : ' '} ${probe.id.padEnd(32)} mean shift ${statisticText(probe.statistics.mean_shift).padEnd(28)} raised ${probe.raised_rows}/${probe.rows_probed}`,
    );
  }
  return lines;
}
