/**
 * The HTML report of `rewardkit compare --html`: one self-contained page (the lab's page shell, charts and tables)
 * with the findings, the reward delta and its CI, win/tie/loss, per-component deltas, length drift and the
 * reward–length curves, the prompts that were not compared, and the gate. The full JSON result is embedded.
 */
import { round6 } from '../../round6.js';
import { histogramChart, intervalChart, lineChart, type IntervalItem } from '../report/charts.js';
import { chartGrid } from '../report/figures.js';
import { formatNumber, percent } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { findings } from '../report/sections.js';
import type { ReportedStatistic } from '../lab-result.js';
import type { CompareResult, Histograms, LengthSummary, PromptRef, RewardLength, RewardSummary } from './compare-result.js';

export function renderCompareReport(result: CompareResult): string {
  const s = result.settings;
  const files = (side: CompareResult['before']) =>
    `<code>${escapeHtml(side.scored)}</code>${side.input ? ` (rollouts <code>${escapeHtml(side.input)}</code>)` : ''}`;
  const subtitle = [
    `before ${files(result.before)}`,
    `after ${files(result.after)}`,
    `paired by ${escapeHtml(s.pair_by)}`,
    `95% CIs: paired percentile bootstrap over prompts, ${s.resamples} resamples, seed ${s.seed}`,
  ].join(' · ');
  const body = [
    findings(result.findings.map((finding) => ({ verdict: finding.level, html: escapeHtml(finding.text) }))),
    rewardSection(result),
    componentSection(result),
    lengthSection(result),
    promptSection(result),
    gateSection(result),
  ].join('\n');
  return renderPage({ title: 'rewardkit compare: before → after', subtitle, body, data: result });
}

function signed(value: number | null, digits = 4): string {
  if (value === null) return 'n/a';
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

function statisticCells(statistic: ReportedStatistic, digits = 4): [string, string] {
  if (statistic.value === null) return ['n/a', `<span class="reason">${escapeHtml(statistic.reason)}</span>`];
  const value = `<span data-sort="${statistic.value}">${signed(statistic.value, digits)}</span>`;
  if (statistic.ci95 === null) return [value, `<span class="reason">${escapeHtml(statistic.ci95_reason ?? 'none')}</span>`];
  return [value, `[${signed(statistic.ci95[0], digits)}, ${signed(statistic.ci95[1], digits)}]`];
}

function numberCell(value: number | null, digits = 4): string {
  return value === null ? '<span class="reason">—</span>' : `<span data-sort="${value}">${escapeHtml(formatNumber(value, digits))}</span>`;
}

function intervalItem(label: string, statistic: ReportedStatistic): IntervalItem {
  if (statistic.value === null) return { label, value: null, ci95: null, note: statistic.reason };
  return { label, value: statistic.value, ci95: statistic.ci95, alert: statistic.ci95 !== null && statistic.ci95[1] < 0 };
}

function rewardSection(result: CompareResult): string {
  const { reward } = result;
  const summaryRow = (name: string, summary: RewardSummary) => [
    name,
    numberCell(summary.mean),
    numberCell(summary.median),
    numberCell(summary.std),
    String(summary.rows),
  ];
  const [delta, ci] = statisticCells(reward.delta);
  const decisive = reward.wins + reward.ties + reward.losses;
  const share = (count: number) => (decisive === 0 ? 'n/a' : percent(count / decisive));
  const items = [
    intervalItem('reward', reward.delta),
    ...result.components.map((component) => intervalItem(component.name, component.delta)),
  ];
  const bounds = items.flatMap((item) => (item.value === null ? [] : [item.value, ...(item.ci95 ?? [])]));
  const extent = Math.max(0.05, ...bounds.map(Math.abs), Math.abs(result.settings.min_delta ?? 0));
  const references = [{ at: 0, label: '0: no change' }];
  if (result.settings.min_delta !== null)
    references.push({ at: result.settings.min_delta, label: `--min-delta ${result.settings.min_delta}` });
  const h = result.histograms;
  return `<h2 id="reward">Reward</h2>
<p>Each prompt counts once: its mean reward over its compared rollouts. The delta is the mean over paired prompts of (after − before).</p>
${table(['side', 'mean (of prompt means)', 'median', 'std', 'rows'], [summaryRow('before', reward.before), summaryRow('after', reward.after)], { numeric: [1, 2, 3, 4] })}
${table(
  ['mean delta', '95% CI', 'wins', 'ties', 'losses', 'sign test p'],
  [
    [
      delta,
      ci,
      `${reward.wins} (${share(reward.wins)})`,
      `${reward.ties} (${share(reward.ties)})`,
      `${reward.losses} (${share(reward.losses)})`,
      numberCell(reward.sign_test_p),
    ],
  ],
  { numeric: [0, 2, 3, 4, 5] },
)}
<p class="meta">A win is a prompt whose mean reward rose by more than the tie tolerance (${result.settings.tie_tolerance}); the sign test compares wins with losses.</p>
${chartGrid(
  figure(
    intervalChart({ title: 'Mean delta (after − before) with 95% CI', items, domain: [-extent, extent], xLabel: 'delta', references }),
    'The reward and each component (scores 0–1). Whiskers: paired bootstrap 95% CI over prompts; red: the whole interval is below 0.',
  ),
  figure(
    histogramChart({ title: 'Rewards before (rows)', edges: h.reward_edges, counts: h.reward_before, xLabel: 'reward', colourIndex: 0 }),
    'Row-level rewards of the paired prompts, before.',
  ),
  figure(
    histogramChart({ title: 'Rewards after (rows)', edges: h.reward_edges, counts: h.reward_after, xLabel: 'reward', colourIndex: 1 }),
    'The same bins, after.',
  ),
  figure(
    lineChart({
      title: 'Share of rows with reward ≤ x',
      series: [
        { name: 'before', points: cumulative(h.reward_edges, h.reward_before) },
        { name: 'after', points: cumulative(h.reward_edges, h.reward_after) },
      ],
      xLabel: 'reward',
      yLabel: 'share of rows',
      yDomain: [0, 1],
    }),
    'The distributions on one chart: a curve further right and lower is a higher reward.',
  ),
  figure(
    histogramChart({
      title: 'Per-prompt delta (after − before)',
      edges: h.delta_edges,
      counts: h.delta_counts,
      xLabel: 'delta of the prompt mean reward',
      colourIndex: 2,
    }),
    'Right of 0: prompts that gained; left: prompts that lost.',
  ),
)}`;
}

/** The empirical distribution function at each bin's right edge. */
function cumulative(edges: readonly number[], counts: readonly number[]): Array<{ x: number; y: number }> {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return [];
  let running = 0;
  return [{ x: edges[0]!, y: 0 }, ...counts.map((count, i) => ({ x: edges[i + 1]!, y: round6((running += count) / total) }))];
}

function componentSection(result: CompareResult): string {
  if (result.components.length === 0)
    return '<h2 id="components">Components</h2>\n<p class="reason">No component scored on both sides.</p>';
  const rows = result.components.map((component) => {
    const [delta, ci] = statisticCells(component.delta);
    return [
      escapeHtml(component.name),
      String(component.prompts),
      numberCell(component.before_mean),
      numberCell(component.after_mean),
      delta,
      ci,
    ];
  });
  const alerts = result.components.flatMap((component, i) =>
    component.delta.value !== null && component.delta.ci95 !== null && component.delta.ci95[1] < 0 ? [i] : [],
  );
  return `<h2 id="components">Components</h2>
<p>Per prompt, the mean score (0–1) of each component over the rollouts where it scored; the delta over the paired prompts where it scored on both sides.</p>
${table(['component', 'prompts', 'before', 'after', 'delta', '95% CI'], rows, { numeric: [1, 2, 3, 4, 5], alertRows: alerts })}`;
}

function lengthSection(result: CompareResult): string {
  const length = result.length;
  if (length.reason !== null) return `<h2 id="length">Length</h2>\n<p class="reason">No length drift: ${escapeHtml(length.reason)}.</p>`;
  const summaryRow = (name: string, summary: LengthSummary) => [
    name,
    String(summary.rows),
    numberCell(summary.mean_chars, 1),
    numberCell(summary.median_chars, 1),
    numberCell(summary.mean_words, 1),
    numberCell(summary.median_words, 1),
  ];
  const [charsDelta, charsCi] = statisticCells(length.delta_chars, 1);
  const [wordsDelta, wordsCi] = statisticCells(length.delta_words, 1);
  const correlationRow = (name: string, side: RewardLength) => {
    const cells = (statistic: ReportedStatistic) => {
      if (statistic.value === null) return ['n/a', `<span class="reason">${escapeHtml(statistic.reason)}</span>`];
      return [
        `<span data-sort="${statistic.value}">${formatNumber(statistic.value)}</span>`,
        statistic.ci95 ? `[${formatNumber(statistic.ci95[0])}, ${formatNumber(statistic.ci95[1])}]` : '',
      ];
    };
    return [name, String(side.rows), ...cells(side.spearman), ...cells(side.pearson)];
  };
  const rl = length.reward_length;
  const signal = rl.signal
    ? `<p class="bad"><strong>Reward-hacking signal:</strong> the reward follows the response length after (Spearman ρ up ${formatNumber(rl.spearman_change)}). Check that quality, not length, is paid for: <code>rewardkit lab calibrate</code> against humans, <code>rewardkit lab hack</code>'s padding probes.</p>`
    : `<p class="good">No reward-hacking signal (${escapeHtml(rl.rule)}).</p>`;
  const h: Histograms = result.histograms;
  const curve = (values: readonly (number | null)[]) =>
    values.flatMap((value, i) =>
      value === null ? [] : [{ x: round6((h.length_edges[i]! + h.length_edges[i + 1]!) / 2), y: round6(value) }],
    );
  const rewardValues = [...h.reward_by_length_before, ...h.reward_by_length_after].filter((value): value is number => value !== null);
  return `<h2 id="length">Length</h2>
<p>Response length of the compared rows of paired prompts, in characters and words; the drift is the mean over paired prompts of the change in the prompt's mean length.</p>
${table(['side', 'rows', 'mean chars', 'median chars', 'mean words', 'median words'], [summaryRow('before', length.before!), summaryRow('after', length.after!)], { numeric: [1, 2, 3, 4, 5] })}
${table(
  ['drift', 'mean change per prompt', '95% CI'],
  [
    ['characters', charsDelta, charsCi],
    ['words', wordsDelta, wordsCi],
  ],
  { numeric: [1, 2] },
)}
<h3>Reward against length</h3>
<p>Correlation of the row reward with the response length (characters) on each side; 95% CIs from Fisher's z. A reward that starts to follow length after training is how padding gets paid.</p>
${table(['side', 'rows', 'Spearman ρ', '95% CI', 'Pearson r', '95% CI'], [correlationRow('before', rl.before!), correlationRow('after', rl.after!)], { numeric: [1, 2, 4], alertRows: rl.signal ? [1] : [] })}
${signal}
${chartGrid(
  figure(
    histogramChart({
      title: 'Response length before (rows)',
      edges: h.length_edges,
      counts: h.length_before,
      xLabel: 'characters',
      colourIndex: 0,
    }),
    'Row-level response lengths of the paired prompts, before.',
  ),
  figure(
    histogramChart({
      title: 'Response length after (rows)',
      edges: h.length_edges,
      counts: h.length_after,
      xLabel: 'characters',
      colourIndex: 1,
    }),
    'The same bins, after.',
  ),
  figure(
    lineChart({
      title: 'Mean reward by response length',
      series: [
        { name: 'before', points: curve(h.reward_by_length_before) },
        { name: 'after', points: curve(h.reward_by_length_after) },
      ],
      xLabel: 'characters (bin centre)',
      yLabel: 'mean reward',
      yDomain: [Math.min(0, ...rewardValues), Math.max(1, ...rewardValues)],
    }),
    'Each point: the mean reward of the rows in one length bin. A curve that climbs with length is the signal to check.',
  ),
)}`;
}

function promptSection(result: CompareResult): string {
  const p = result.prompts;
  const row = (ref: PromptRef, why: string) => [escapeHtml(ref.id), String(ref.line), why];
  const rows = [
    ...p.examples.only_before.map((ref) => row(ref, 'only before')),
    ...p.examples.only_after.map((ref) => row(ref, 'only after')),
    ...p.examples.no_reward.map((ref) =>
      row(ref, ref.missing === 'both' ? 'no compared reward on either side' : `no compared reward ${ref.missing}`),
    ),
  ];
  const side = (name: string, summary: CompareResult['before']) => [
    name,
    String(summary.rows),
    String(summary.compared_rows),
    String(summary.prompts),
    String(summary.excluded.row_error),
    String(summary.excluded.no_reward),
    String(summary.excluded.neutral),
    String(summary.excluded.unreadable_input),
  ];
  return `<h2 id="prompts">Prompts and rows</h2>
<p><strong>${p.paired}</strong> prompts paired · <strong>${p.only_before}</strong> only before · <strong>${p.only_after}</strong> only after · <strong>${p.no_reward}</strong> on both sides without a compared reward on one.</p>
${table(['side', 'rows', 'compared rows', 'prompts', 'row_error', 'no reward', 'neutral (left out)', 'unreadable input'], [side('before', result.before), side('after', result.after)], { numeric: [1, 2, 3, 4, 5, 6, 7] })}
${rows.length > 0 ? `<h3>Prompts not compared (first ${rows.length})</h3>\n${table(['first row id', 'line (scored file)', 'why'], rows, { numeric: [1] })}` : ''}`;
}

function gateSection(result: CompareResult): string {
  const gate = result.gate;
  if (!gate) return '';
  return `<h2 id="gate">Gate</h2>
<p class="${gate.passed ? 'good' : 'bad'}"><span class="badge ${gate.passed ? 'good' : 'bad'}">${gate.passed ? 'passed' : 'failed'}</span> --min-delta ${gate.min_delta}: ${escapeHtml(gate.reason)}.</p>`;
}
