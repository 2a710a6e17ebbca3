/**
 * `lab regress`: the regression report: cases that failed or moved, reward per case (HTML, pure: result in, page
 * out), and its lines of the terminal summary.
 */
import type { RegressionResult } from './regression-analysis.js';
import { intervalChart, type IntervalItem } from '../report/charts.js';
import { chartGrid, scoreHistogram, valueCell } from '../report/figures.js';
import { formatActual, formatNumber } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { type Finding, findings, subtitle, verbositySection } from '../report/sections.js';

export function regressionReport(result: RegressionResult): string {
  const { summary } = result;
  const found: Finding[] = [
    {
      verdict: summary.failed + summary.errored === 0 ? 'good' : 'bad',
      html: `${summary.passed} of ${summary.cases} cases pass; ${summary.failed} failed, ${summary.errored} could not be judged${result.baseline ? `; ${summary.moved} moved against the baseline, ${summary.newly_failing} newly failing` : ''}.`,
    },
  ];
  const verbosity = verbositySection(
    result.verbosity_bias,
    result.cases.flatMap((entry) =>
      entry.length !== null && entry.reward !== null ? [{ x: entry.length, y: entry.reward, label: entry.name }] : [],
    ),
    'reward',
  );
  const items: IntervalItem[] = result.cases.map((entry) => {
    const expected = rewardRange(entry.expectations.find((outcome) => outcome.what === 'reward')?.expected);
    return {
      label: entry.name,
      value: entry.reward,
      ci95: expected,
      alert: entry.status !== 'pass',
      note: `${entry.status}${expected ? '; whiskers: the expected reward range' : ''}${entry.error ? `; ${entry.error}` : ''}`,
    };
  });
  const rewards = result.cases.map((entry) => entry.reward).filter((reward): reward is number => reward !== null);
  const attention = result.cases.filter((entry) => entry.status !== 'pass' || entry.moved);
  const caseRow = (entry: RegressionResult['cases'][number]) => [
    escapeHtml(entry.name),
    `<span class="${entry.status === 'pass' ? 'good' : 'bad'}">${entry.status}</span>`,
    valueCell(entry.reward),
    entry.baseline ? `${escapeHtml(entry.baseline.status)} / ${valueCell(entry.baseline.reward)}` : valueCell(null),
    valueCell(entry.reward_delta),
    entry.moved ? '<strong>yes</strong>' : 'no',
    entry.error
      ? `<span class="bad">${escapeHtml(entry.error)}</span>`
      : entry.expectations
          .map(
            (outcome) =>
              `<span class="${outcome.ok ? 'good' : 'bad'}">${outcome.ok ? '✓' : '✗'}</span> ${escapeHtml(outcome.what)} ${escapeHtml(outcome.expected)} (got ${escapeHtml(formatActual(outcome.actual))})`,
          )
          .join('<br>'),
  ];
  const headers = ['case', 'status', 'reward', 'baseline', 'Δ reward', 'moved', 'expectations'];
  const body = [
    findings([...found, ...verbosity.findings]),
    '<h2>Cases that failed or moved</h2>',
    attention.length === 0 ? '<p class="good">None.</p>' : table(headers, attention.map(caseRow), { numeric: [2, 4] }),
    '<h2>Charts</h2>',
    chartGrid(
      figure(
        intervalChart({ title: 'Reward per case', items, domain: [Math.min(0, ...rewards), Math.max(1, ...rewards)], xLabel: 'reward' }),
        'Dot: the reward; whiskers: the expected reward range, when the case sets one; red: failed or errored.',
      ),
      figure(scoreHistogram('Rewards of the suite', rewards, 'reward'), 'Score histogram over the cases.'),
    ),
    verbosity.html,
    '<h2>All cases</h2>',
    table(headers, result.cases.map(caseRow), {
      numeric: [2, 4],
      alertRows: result.cases.flatMap((entry, index) => (entry.status !== 'pass' ? [index] : [])),
    }),
  ];
  return renderPage({
    title: 'rewardkit lab regress — judge test suite',
    subtitle: subtitle(result.source, result.settings, [
      `suite ${result.suite}`,
      ...(result.baseline ? [`baseline ${result.baseline}`] : []),
    ]),
    body: body.join('\n'),
    data: result,
  });
}

/** The expected reward range from an expectation's description ("in [a, b]", "≥ a", "≤ b", "= a"); clamped by the chart. */
function rewardRange(expected: string | undefined): [number, number] | null {
  if (!expected) return null;
  const value = (text: string | undefined) => Number(text);
  const between = /^in \[(\S+), (\S+)\]$/.exec(expected);
  if (between) return [value(between[1]), value(between[2])];
  const bound = /^([≥≤=]) (\S+)$/.exec(expected);
  if (!bound) return null;
  const at = value(bound[2]);
  if (!Number.isFinite(at)) return null;
  return bound[1] === '≥' ? [at, Number.MAX_VALUE] : bound[1] === '≤' ? [-Number.MAX_VALUE, at] : [at, at];
}

/** The command's lines of the terminal summary. */
export function regressionSummaryLines(result: RegressionResult): string[] {
  const lines: string[] = [];
  const { summary } = result;
  lines.push(
    `regress: ${summary.passed}/${summary.cases} cases pass, ${summary.failed} failed, ${summary.errored} errored${result.baseline ? `, ${summary.moved} moved` : ''}`,
  );
  const shown = result.cases.filter((entry) => entry.status !== 'pass' || entry.moved);
  if (shown.length > 0) {
    const width = Math.max(4, ...shown.map((entry) => entry.name.length));
    lines.push(`  ${'case'.padEnd(width)}  status  reward    ${result.baseline ? 'baseline    ' : ''}what failed or moved`);
    for (const entry of shown) {
      const failed =
        entry.error ??
        entry.expectations
          .filter((outcome) => !outcome.ok)
          .map((outcome) => `${outcome.what} ${outcome.expected}, got ${formatActual(outcome.actual)}`)
          .join('; ');
      const baseline = result.baseline
        ? `${(entry.baseline ? `${entry.baseline.status} ${formatNumber(entry.baseline.reward)}` : 'new').padEnd(12)}`
        : '';
      lines.push(
        `  ${entry.name.padEnd(width)}  ${entry.status.padEnd(6)}  ${formatNumber(entry.reward).padEnd(8)}  ${baseline}${failed || (entry.moved ? `reward ${entry.reward_delta !== null && entry.reward_delta > 0 ? '+' : ''}${formatNumber(entry.reward_delta)}` : '')}`,
      );
    }
  }
  return lines;
}
