/**
 * `lab position`: the position report: swap agreement, the swap matrix, the exact binomial test (HTML, pure: result
 * in, page out), and its lines of the terminal summary.
 */
import type { PositionResult } from './position-analysis.js';
import { matrixChart } from '../report/charts.js';
import { chartGrid, scoreHistogram, valueCell } from '../report/figures.js';
import { formatNumber, percent, statisticText } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { type Finding, findings, statisticsTable, subtitle, verbositySection } from '../report/sections.js';
import { statisticLines } from '../report/terminal-summary-lines.js';

export function positionReport(result: PositionResult): string {
  const { statistics, position_bias_test: test } = result;
  const agreement = statistics.swap_agreement.value;
  const found: Finding[] = [
    {
      verdict: agreement === null ? 'warn' : agreement >= 0.9 ? 'good' : agreement >= 0.75 ? 'warn' : 'bad',
      html: `The verdict survives swapping the answers in ${escapeHtml(percent(agreement))} of rows (${escapeHtml(statisticText(statistics.swap_agreement))}); Cohen's kappa between the orders ${escapeHtml(statisticText(statistics.cohen_kappa_unweighted))}.`,
    },
    {
      verdict: test.significant ? 'bad' : test.first_favoured_rows + test.second_favoured_rows > 0 ? 'warn' : 'good',
      html:
        test.p_value === null
          ? `No row followed the slot (chose A both times or B both times): no sign of position bias.`
          : `${test.first_favoured_rows} row(s) favoured the first position, ${test.second_favoured_rows} the second; exact binomial test p = ${escapeHtml(formatNumber(test.p_value, 4))} — ${test.significant ? `<strong>the ${test.favoured} position is favoured (significant at 0.05)</strong>` : 'not significant at 0.05'}.`,
    },
    {
      html: `Tie rate ${escapeHtml(statisticText(statistics.tie_rate))}; the first-shown answer wins ${escapeHtml(statisticText(statistics.first_position_rate))} of decisive verdicts.`,
    },
  ];
  const judged = result.per_row.filter((row) => row.slots !== null);
  const verbosity = verbositySection(
    result.verbosity_bias,
    judged.filter((row) => row.length !== null && row.score !== null).map((row) => ({ x: row.length!, y: row.score!, label: row.id })),
    `${result.judge} score`,
  );
  const labels = result.swap_matrix.labels;
  const notes = labels.map((first) =>
    labels.map((second) => {
      if (first === second) return 'same verdict in both orders';
      const firstSlot = first === 'response' ? 'A' : first === 'other' ? 'B' : 'tie';
      const secondSlot = second === 'response' ? 'B' : second === 'other' ? 'A' : 'tie';
      if (firstSlot === 'A' && secondSlot === 'A') return 'chose the first answer both times: favours the first position';
      if (firstSlot === 'B' && secondSlot === 'B') return 'chose the second answer both times: favours the second position';
      return 'changed with the order';
    }),
  );
  const body = [
    findings([...found, ...verbosity.findings]),
    '<h2>Statistics</h2>',
    statisticsTable(statistics, {
      headline: 'swap_agreement',
      notes: {
        swap_agreement: 'same winner with the response first and second',
        cohen_kappa_unweighted: 'winner (response / tie / other) in one order vs the other',
        tie_rate: 'share of all verdicts that were ties',
        first_position_rate: 'share of decisive verdicts that chose the answer shown first (0.5 = no bias)',
      },
    }),
    table(
      ['position test', 'value'],
      [
        ['test', escapeHtml(test.test)],
        ['rows favouring the first position', String(test.first_favoured_rows)],
        ['rows favouring the second position', String(test.second_favoured_rows)],
        [
          'p-value',
          test.p_value === null ? `<span class="reason">${escapeHtml(test.reason ?? 'n/a')}</span>` : formatNumber(test.p_value, 6),
        ],
        ['favoured', escapeHtml(test.favoured)],
        ['significant at 0.05', test.significant ? '<strong class="bad">yes</strong>' : 'no'],
      ],
    ),
    '<h2>Charts</h2>',
    chartGrid(
      figure(
        matrixChart({
          title: 'Swap-agreement matrix',
          rowLabels: labels,
          columnLabels: labels,
          counts: result.swap_matrix.counts,
          rowAxis: 'winner, response shown first',
          columnAxis: 'winner, response shown second',
          notes,
        }),
        'Diagonal (green outline): the verdict survived the swap. response→other and other→response cells are verdicts that followed the slot (position bias).',
      ),
      figure(
        matrixChart({
          title: 'Slot chosen in each order',
          rowLabels: ['response first', 'response second'],
          columnLabels: ['A (first)', 'B (second)', 'tie'],
          counts: [
            [result.slot_counts.response_first.A, result.slot_counts.response_first.B, result.slot_counts.response_first.tie],
            [result.slot_counts.response_second.A, result.slot_counts.response_second.B, result.slot_counts.response_second.tie],
          ],
          rowAxis: 'order',
          columnAxis: 'slot the judge chose',
          diagonal: false,
        }),
        'Without position bias, A and B are chosen about equally often over both orders.',
      ),
      figure(
        scoreHistogram(
          `${result.judge} score (both orders combined)`,
          judged.map((row) => row.score),
          'score: 1 response better, 0.5 tie or flip, 0 other better',
          0,
          false,
          [-0.25, 0.25, 0.75, 1.25],
        ),
        'Score histogram of the preference judge.',
      ),
    ),
    verbosity.html,
    '<h2>Rows</h2>',
    table(
      ['id', 'winner, response first', 'winner, response second', 'slots', 'consistent', 'score', 'length', 'status'],
      result.per_row.map((row) => [
        escapeHtml(row.id),
        valueCell(row.response_first),
        valueCell(row.response_second),
        row.slots ? escapeHtml(row.slots.join(' / ')) : valueCell(null),
        row.consistent === null ? valueCell(null) : row.consistent ? 'yes' : '<strong>no</strong>',
        valueCell(row.score),
        valueCell(row.length),
        escapeHtml(row.status),
      ]),
      { numeric: [5, 6], alertRows: result.per_row.flatMap((row, index) => (row.consistent === false ? [index] : [])) },
    ),
  ];
  return renderPage({
    title: `rewardkit lab position — does ${result.judge} favour a position?`,
    subtitle: subtitle(result.source, result.settings, [`judge ${result.judge}`]),
    body: body.join('\n'),
    data: result,
  });
}

/** The command's lines of the terminal summary. */
export function positionSummaryLines(result: PositionResult): string[] {
  const lines: string[] = [];
  const test = result.position_bias_test;
  lines.push(`position: ${result.judge}, ${result.rows.judged_both_orders} of ${result.rows.total} rows judged in both orders`);
  lines.push(...statisticLines(result.statistics));
  lines.push(
    `  position bias: ${test.first_favoured_rows} rows favour the first slot, ${test.second_favoured_rows} the second; p = ${test.p_value === null ? 'n/a' : formatNumber(test.p_value, 4)} → ${test.significant ? `the ${test.favoured} position is favoured` : 'not significant'}`,
  );
  return lines;
}
