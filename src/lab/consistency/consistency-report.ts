/**
 * `lab consistency`: the consistency report: reliability, flip rates per verdict line, per-row spread (HTML, pure:
 * result in, page out), and its lines of the terminal summary.
 */
import type { ConsistencyResult } from './consistency-analysis.js';
import { intervalChart } from '../report/charts.js';
import { chartGrid, intervalItem, RELIABILITY_REFERENCES, scoreHistogram, valueCell } from '../report/figures.js';
import { percent, reliabilityVerdict, statisticText } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { type Finding, findings, statisticsTable, subtitle, verbositySection } from '../report/sections.js';
import { statisticLines } from '../report/terminal-summary-lines.js';

export function consistencyReport(result: ConsistencyResult): string {
  const { statistics } = result;
  const alpha = statistics.krippendorff_alpha_interval;
  const reading = reliabilityVerdict(alpha.value);
  const judged = result.per_row.filter((row) => row.status === 'judged');
  const found: Finding[] = [];
  found.push(
    reading
      ? {
          verdict: reading.verdict,
          html: `Reliability of the reward over ${result.repeats} repeats: Krippendorff's alpha (interval) ${escapeHtml(statisticText(alpha))} — ${escapeHtml(reading.words)}.`,
        }
      : { verdict: 'warn', html: `Krippendorff's alpha is undefined: ${escapeHtml(alpha.value === null ? alpha.reason : '')}.` },
  );
  found.push({
    verdict: (statistics.share_rows_changed.value ?? 0) > 0.2 ? 'warn' : 'good',
    html: `${escapeHtml(percent(statistics.share_rows_changed.value))} of judged rows changed reward between repeats; mean per-row standard deviation ${escapeHtml(statisticText(statistics.mean_row_std))}.`,
  });
  const flippy = result.criteria
    .filter((criterion) => (criterion.statistics.flip_rate.value ?? 0) > 0)
    .sort((a, b) => (b.statistics.flip_rate.value ?? 0) - (a.statistics.flip_rate.value ?? 0));
  if (flippy.length > 0) {
    const worst = flippy[0]!;
    found.push({
      verdict: 'warn',
      html: `Least stable verdict line: <code>${escapeHtml(`${worst.judge}.${worst.line}`)}</code> changes in ${escapeHtml(percent(worst.statistics.flip_rate.value))} of units (${worst.changed_units}/${worst.units}).`,
    });
  } else if (result.criteria.length > 0) {
    found.push({ verdict: 'good', html: 'No verdict line changed between repeats.' });
  }
  const excluded = Object.entries(result.rows.excluded)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  found.push({
    html: `${result.rows.judged} of ${result.rows.total} rows were judged${excluded.length ? `; left out (no judge saw them): ${escapeHtml(excluded.join(', '))}` : ''}${result.rows.judge_errors ? `; ${result.rows.judge_errors} row-repeats had a judge error (treated as missing)` : ''}.`,
  });
  const verbosity = verbositySection(
    result.verbosity_bias,
    judged.filter((row) => row.length !== null && row.mean !== null).map((row) => ({ x: row.length!, y: row.mean!, label: row.id })),
    'mean reward',
  );

  const reliabilityItems = [
    intervalItem('reward (alpha, interval)', alpha),
    intervalItem('reward (ICC 1)', statistics.icc1),
    ...result.components.map((component) => intervalItem(`${component.name} score`, component.statistics.krippendorff_alpha_interval)),
    ...result.criteria.map((criterion) =>
      intervalItem(`${criterion.judge}.${criterion.line} (${criterion.alpha_level})`, criterion.statistics.krippendorff_alpha),
    ),
  ];
  const flipItems = result.criteria.map((criterion) =>
    intervalItem(`${criterion.judge}.${criterion.line}`, criterion.statistics.flip_rate, (criterion.statistics.flip_rate.value ?? 0) > 0),
  );
  const body = [
    findings([...found, ...verbosity.findings]),
    '<h2>Statistics</h2>',
    statisticsTable(statistics, {
      headline: 'krippendorff_alpha_interval',
      notes: {
        krippendorff_alpha_interval: 'rows × repeats; 1 = identical every time',
        icc1: 'one-way random, single measure (repeats are interchangeable)',
        mean_row_std: 'in reward units',
        share_rows_changed: 'rows whose reward was not identical in every repeat',
      },
    }),
    '<h2>Charts</h2>',
    chartGrid(
      figure(
        intervalChart({
          title: 'Per-criterion reliability (Krippendorff alpha)',
          items: reliabilityItems,
          domain: [Math.min(0, ...reliabilityItems.map((item) => item.ci95?.[0] ?? item.value ?? 0)), 1],
          xLabel: 'alpha',
          references: RELIABILITY_REFERENCES,
        }),
        'Dot: estimate; whiskers: 95% CI. Dashed lines at 0.667 and 0.8 (Krippendorff).',
      ),
      flipItems.length > 0
        ? figure(
            intervalChart({
              title: 'Flip rate per verdict line',
              items: flipItems,
              domain: [0, 1],
              xLabel: 'share of units whose verdict changed',
            }),
            'Units are (row, item); the CI resamples rows.',
          )
        : '',
      figure(
        scoreHistogram(
          'Per-row standard deviation of the reward',
          judged.map((row) => row.std),
          'std over repeats',
          3,
          true,
        ),
        'A judge that gives the same answer twice piles up at 0.',
      ),
      figure(
        scoreHistogram(
          'Mean reward per row',
          judged.map((row) => row.mean),
          'reward',
        ),
        'Distribution of the judged rows’ mean reward.',
      ),
    ),
    '<h2>Verdict lines</h2>',
    result.criteria.length === 0
      ? '<p class="reason">No verdict lines (no rubric or preference judge scored).</p>'
      : table(
          ['judge', 'line', 'kind', 'units', 'changed', 'flip rate [95% CI]', 'alpha [95% CI]'],
          result.criteria.map((criterion) => [
            escapeHtml(criterion.judge),
            escapeHtml(criterion.line),
            escapeHtml(criterion.kind),
            String(criterion.units),
            String(criterion.changed_units),
            escapeHtml(statisticText(criterion.statistics.flip_rate)),
            escapeHtml(`${statisticText(criterion.statistics.krippendorff_alpha)} (${criterion.alpha_level})`),
          ]),
          { numeric: [3, 4] },
        ),
    verbosity.html,
    '<h2>Rows (least stable first)</h2>',
    table(
      ['id', 'status', ...Array.from({ length: result.repeats }, (_unused, r) => `repeat ${r + 1}`), 'mean', 'std', 'range', 'length'],
      [...result.per_row]
        .sort((a, b) => (b.std ?? -1) - (a.std ?? -1))
        .map((row) => [
          escapeHtml(row.id),
          escapeHtml(row.status),
          ...row.rewards.map(valueCell),
          valueCell(row.mean),
          valueCell(row.std),
          valueCell(row.range),
          valueCell(row.length),
        ]),
      { numeric: Array.from({ length: result.repeats + 4 }, (_unused, i) => i + 2) },
    ),
  ];
  return renderPage({
    title: 'rewardkit lab consistency — does the judge give the same answer twice?',
    subtitle: subtitle(result.source, result.settings, [`${result.repeats} repeats`]),
    body: body.join('\n'),
    data: result,
  });
}

/** The command's lines of the terminal summary. */
export function consistencySummaryLines(result: ConsistencyResult): string[] {
  const lines: string[] = [];
  const left = Object.entries(result.rows.excluded)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  lines.push(
    `consistency: ${result.rows.judged} of ${result.rows.total} rows judged ${result.repeats} times${left.length ? ` (left out: ${left.join(', ')})` : ''}`,
  );
  lines.push(...statisticLines(result.statistics, 'krippendorff_alpha_interval'));
  const changed = result.criteria.filter((criterion) => criterion.changed_units > 0);
  lines.push(
    changed.length === 0
      ? '  no verdict line changed between repeats'
      : `  lines that changed: ${changed.map((criterion) => `${criterion.judge}.${criterion.line} ${percent(criterion.statistics.flip_rate.value)}`).join(', ')}`,
  );
  return lines;
}
