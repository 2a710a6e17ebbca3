/**
 * Turns a lab command's JSON result into its HTML report: findings first, then the statistics, the charts
 * (score histograms, swap-agreement matrix, calibration scatter and confusion matrix, per-criterion
 * reliability, probe shifts), the verbosity-bias line, and the per-item tables. Pure: result in, HTML out.
 */
import type { AgreementResult } from '../analysis/agreement.js';
import type { CalibrationResult } from '../analysis/calibration.js';
import type { ConsistencyResult } from '../analysis/consistency.js';
import type { PositionResult } from '../analysis/position.js';
import type { HackResult } from '../hacking/hacking.js';
import type { ReportedStatistic } from '../lab-result.js';
import type { RegressionResult } from '../regression/regression.js';
import { histogram, type Rating } from '../statistics/index.js';
import { histogramChart, intervalChart, lineChart, matrixChart, scatterChart, type IntervalItem, type ScatterPoint } from './charts.js';
import { formatActual, kappaWords, number, percent, reliabilityVerdict, statisticText } from './format.js';
import { escapeHtml, figure, renderPage, table } from './html.js';
import { findings, statisticsTable, subtitle, verbositySection, type Finding } from './sections.js';

export type LabResult = ConsistencyResult | PositionResult | AgreementResult | CalibrationResult | RegressionResult | HackResult;

export function renderReport(result: LabResult): string {
  switch (result.command) {
    case 'consistency':
      return consistencyReport(result);
    case 'position':
      return positionReport(result);
    case 'agree':
      return agreementReport(result);
    case 'calibrate':
      return calibrationReport(result);
    case 'regress':
      return regressionReport(result);
    case 'hack':
      return hackReport(result);
  }
}

const RELIABILITY_REFERENCES = [
  { at: 0, label: '0: chance level' },
  { at: 0.667, label: '0.667: lowest acceptable alpha (Krippendorff)' },
  { at: 0.8, label: '0.8: reliable (Krippendorff)' },
];

function cell(value: Rating | boolean | undefined): string {
  if (value === null || value === undefined) return '<span class="reason">—</span>';
  if (typeof value === 'number') return `<span data-sort="${value}">${escapeHtml(String(Math.round(value * 1e6) / 1e6))}</span>`;
  return escapeHtml(String(value));
}

function intervalItem(label: string, statistic: ReportedStatistic, alert = false): IntervalItem {
  if (statistic.value === null) return { label, value: null, ci95: null, note: statistic.reason, alert };
  return { label, value: statistic.value, ci95: statistic.ci95, alert, ...(statistic.ci95 === null && statistic.ci95_reason ? { note: `no CI: ${statistic.ci95_reason}` } : {}) };
}

/**
 * Histogram of scores: unit bins for a small whole-number scale, ten equal bins over [0, 1] for scores in
 * it (unless `dataRange`), else ten bins over the data.
 */
function scoreHistogram(title: string, values: readonly (number | null)[], xLabel: string, colourIndex = 0, dataRange = false, fixedEdges?: number[]): string {
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

function charts(...figures: string[]): string {
  return `<div class="charts">${figures.filter(Boolean).join('')}</div>`;
}

// ---------------------------------------------------------------------------------------------- consistency

function consistencyReport(result: ConsistencyResult): string {
  const { statistics } = result;
  const alpha = statistics.krippendorff_alpha_interval;
  const reading = reliabilityVerdict(alpha.value);
  const judged = result.per_row.filter((row) => row.status === 'judged');
  const found: Finding[] = [];
  found.push(
    reading
      ? { verdict: reading.verdict, html: `Reliability of the reward over ${result.repeats} repeats: Krippendorff's alpha (interval) ${escapeHtml(statisticText(alpha))} — ${escapeHtml(reading.words)}.` }
      : { verdict: 'warn', html: `Krippendorff's alpha is undefined: ${escapeHtml(alpha.value === null ? alpha.reason : '')}.` },
  );
  found.push({
    verdict: (statistics.share_rows_changed.value ?? 0) > 0.2 ? 'warn' : 'good',
    html: `${escapeHtml(percent(statistics.share_rows_changed.value))} of judged rows changed reward between repeats; mean per-row standard deviation ${escapeHtml(statisticText(statistics.mean_row_std))}.`,
  });
  const flippy = result.criteria.filter((criterion) => (criterion.statistics.flip_rate.value ?? 0) > 0).sort((a, b) => (b.statistics.flip_rate.value ?? 0) - (a.statistics.flip_rate.value ?? 0));
  if (flippy.length > 0) {
    const worst = flippy[0]!;
    found.push({ verdict: 'warn', html: `Least stable verdict line: <code>${escapeHtml(`${worst.judge}.${worst.line}`)}</code> changes in ${escapeHtml(percent(worst.statistics.flip_rate.value))} of units (${worst.changed_units}/${worst.units}).` });
  } else if (result.criteria.length > 0) {
    found.push({ verdict: 'good', html: 'No verdict line changed between repeats.' });
  }
  const excluded = Object.entries(result.rows.excluded).filter(([, count]) => count > 0).map(([status, count]) => `${count} ${status}`);
  found.push({ html: `${result.rows.judged} of ${result.rows.total} rows were judged${excluded.length ? `; left out (no judge saw them): ${escapeHtml(excluded.join(', '))}` : ''}${result.rows.judge_errors ? `; ${result.rows.judge_errors} row-repeats had a judge error (treated as missing)` : ''}.` });
  const verbosity = verbositySection(result.verbosity_bias, judged.filter((row) => row.length !== null && row.mean !== null).map((row) => ({ x: row.length!, y: row.mean!, label: row.id })), 'mean reward');

  const reliabilityItems = [
    intervalItem('reward (alpha, interval)', alpha),
    intervalItem('reward (ICC 1)', statistics.icc1),
    ...result.components.map((component) => intervalItem(`${component.name} score`, component.statistics.krippendorff_alpha_interval)),
    ...result.criteria.map((criterion) => intervalItem(`${criterion.judge}.${criterion.line} (${criterion.alpha_level})`, criterion.statistics.krippendorff_alpha)),
  ];
  const flipItems = result.criteria.map((criterion) => intervalItem(`${criterion.judge}.${criterion.line}`, criterion.statistics.flip_rate, (criterion.statistics.flip_rate.value ?? 0) > 0));
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
    charts(
      figure(intervalChart({ title: 'Per-criterion reliability (Krippendorff alpha)', items: reliabilityItems, domain: [Math.min(0, ...reliabilityItems.map((item) => item.ci95?.[0] ?? item.value ?? 0)), 1], xLabel: 'alpha', references: RELIABILITY_REFERENCES }), 'Dot: estimate; whiskers: 95% CI. Dashed lines at 0.667 and 0.8 (Krippendorff).'),
      flipItems.length > 0 ? figure(intervalChart({ title: 'Flip rate per verdict line', items: flipItems, domain: [0, 1], xLabel: 'share of units whose verdict changed' }), 'Units are (row, item); the CI resamples rows.') : '',
      figure(scoreHistogram('Per-row standard deviation of the reward', judged.map((row) => row.std), 'std over repeats', 3, true), 'A judge that gives the same answer twice piles up at 0.'),
      figure(scoreHistogram('Mean reward per row', judged.map((row) => row.mean), 'reward'), 'Distribution of the judged rows’ mean reward.'),
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
        .map((row) => [escapeHtml(row.id), escapeHtml(row.status), ...row.rewards.map(cell), cell(row.mean), cell(row.std), cell(row.range), cell(row.length)]),
      { numeric: Array.from({ length: result.repeats + 4 }, (_unused, i) => i + 2) },
    ),
  ];
  return renderPage({ title: 'rewardkit lab consistency — does the judge give the same answer twice?', subtitle: subtitle(result.source, result.settings, [`${result.repeats} repeats`]), body: body.join('\n'), data: result });
}

// ---------------------------------------------------------------------------------------------- position

function positionReport(result: PositionResult): string {
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
          : `${test.first_favoured_rows} row(s) favoured the first position, ${test.second_favoured_rows} the second; exact binomial test p = ${escapeHtml(number(test.p_value, 4))} — ${test.significant ? `<strong>the ${test.favoured} position is favoured (significant at 0.05)</strong>` : 'not significant at 0.05'}.`,
    },
    { html: `Tie rate ${escapeHtml(statisticText(statistics.tie_rate))}; the first-shown answer wins ${escapeHtml(statisticText(statistics.first_position_rate))} of decisive verdicts.` },
  ];
  const judged = result.per_row.filter((row) => row.slots !== null);
  const verbosity = verbositySection(result.verbosity_bias, judged.filter((row) => row.length !== null && row.score !== null).map((row) => ({ x: row.length!, y: row.score!, label: row.id })), `${result.judge} score`);
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
        ['p-value', test.p_value === null ? `<span class="reason">${escapeHtml(test.reason ?? 'n/a')}</span>` : number(test.p_value, 6)],
        ['favoured', escapeHtml(test.favoured)],
        ['significant at 0.05', test.significant ? '<strong class="bad">yes</strong>' : 'no'],
      ],
    ),
    '<h2>Charts</h2>',
    charts(
      figure(
        matrixChart({ title: 'Swap-agreement matrix', rowLabels: labels, columnLabels: labels, counts: result.swap_matrix.counts, rowAxis: 'winner, response shown first', columnAxis: 'winner, response shown second', notes }),
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
        scoreHistogram(`${result.judge} score (both orders combined)`, judged.map((row) => row.score), 'score: 1 response better, 0.5 tie or flip, 0 other better', 0, false, [-0.25, 0.25, 0.75, 1.25]),
        'Score histogram of the preference judge.',
      ),
    ),
    verbosity.html,
    '<h2>Rows</h2>',
    table(
      ['id', 'winner, response first', 'winner, response second', 'slots', 'consistent', 'score', 'length', 'status'],
      result.per_row.map((row) => [
        escapeHtml(row.id),
        cell(row.response_first),
        cell(row.response_second),
        row.slots ? escapeHtml(row.slots.join(' / ')) : cell(null),
        row.consistent === null ? cell(null) : row.consistent ? 'yes' : '<strong>no</strong>',
        cell(row.score),
        cell(row.length),
        escapeHtml(row.status),
      ]),
      { numeric: [5, 6], alertRows: result.per_row.flatMap((row, index) => (row.consistent === false ? [index] : [])) },
    ),
  ];
  return renderPage({ title: `rewardkit lab position — does ${result.judge} favour a position?`, subtitle: subtitle(result.source, result.settings, [`judge ${result.judge}`]), body: body.join('\n'), data: result });
}

// ---------------------------------------------------------------------------------------------- agree

function agreementReport(result: AgreementResult): string {
  const headline = result.statistics[result.headline];
  const reading = reliabilityVerdict(headline.value);
  const found: Finding[] = [
    reading
      ? { verdict: reading.verdict, html: `${escapeHtml(result.raters.join(' vs '))}: ${escapeHtml(result.headline)} ${escapeHtml(statisticText(headline))} — ${escapeHtml(reading.words)}.` }
      : { verdict: 'warn', html: `${escapeHtml(result.headline)} is undefined: ${escapeHtml(headline.value === null ? headline.reason : '')}.` },
  ];
  const kappa = result.raters.length === 2 ? result.statistics.cohen_kappa_unweighted : result.statistics.fleiss_kappa;
  if (kappa.value !== null) found.push({ html: `${result.raters.length === 2 ? "Cohen's" : "Fleiss'"} kappa ${escapeHtml(statisticText(kappa))} (${kappaWords(kappa.value)}); percent agreement ${escapeHtml(statisticText(result.statistics.percent_agreement))}.` });
  if (result.raters.length === 2 && result.statistics.spearman.value !== null) found.push({ html: `Rank correlation: Spearman ${escapeHtml(statisticText(result.statistics.spearman))}, Kendall tau-b ${escapeHtml(statisticText(result.statistics.kendall_tau_b))}.` });
  found.push({ verdict: result.disagreements.length > 0 ? 'warn' : 'good', html: `${result.disagreements.length === 0 ? 'No item' : `${result.disagreements.length} item(s) listed below`} where the raters disagree${result.disagreements[0] ? `; largest spread ${escapeHtml(number(result.disagreements[0].spread))} on <code>${escapeHtml(result.disagreements[0].id)}</code>` : ''}.` });

  const numbers = (j: number) => result.per_item.map((item) => toNumber(item.ratings[result.raters[j]!] ?? null, result.categories));
  const histograms = result.raters.map((rater, j) => figure(scoreHistogram(`Scores of ${rater}`, numbers(j), result.rating, j), `Score histogram of ${escapeHtml(rater)}.`));
  const extra: string[] = [];
  if (result.raters.length === 2) {
    const [a, b] = [result.raters[0]!, result.raters[1]!];
    const categories = categoriesOf(result);
    if (categories.length > 0 && categories.length <= 12) {
      const counts = categories.map((x) => categories.map((y) => result.per_item.filter((item) => item.ratings[a] === x && item.ratings[b] === y).length));
      extra.push(figure(matrixChart({ title: `${a} vs ${b}`, rowLabels: categories.map(String), columnLabels: categories.map(String), counts, rowAxis: a, columnAxis: b }), 'Items by the rating each rater gave; the diagonal is agreement.'));
    }
    const xs = numbers(0);
    const ys = numbers(1);
    const points: ScatterPoint[] = result.per_item.flatMap((item, index) => (xs[index] !== null && ys[index] !== null ? [{ x: xs[index]!, y: ys[index]!, label: item.id }] : []));
    if (points.length > 0) extra.push(figure(scatterChart({ title: `${a} against ${b}`, points, xLabel: a, yLabel: b, diagonal: true }), 'Each dot is one item; the dashed line is perfect agreement.'));
  }
  if (result.pairwise.length > 1) {
    const items = result.pairwise.flatMap((pair) => [
      intervalItem(`${pair.raters.join(' / ')} kappa`, pair.statistics.cohen_kappa_unweighted),
      intervalItem(`${pair.raters.join(' / ')} spearman`, pair.statistics.spearman),
    ]);
    extra.push(figure(intervalChart({ title: 'Pairwise agreement', items, domain: [-1, 1], xLabel: 'coefficient', references: RELIABILITY_REFERENCES }), 'Each pair of raters: unweighted kappa and Spearman with 95% CIs.'));
  }
  const statisticItems = Object.entries(result.statistics).map(([name, statistic]) => intervalItem(name, statistic));
  const verbosityPoints = result.raters.flatMap((rater, j) => {
    const values = numbers(j);
    return result.per_item.flatMap((item, index) => (item.length !== null && values[index] !== null ? [{ x: item.length, y: values[index]!, label: `${rater}: ${item.id}`, group: j }] : []));
  });
  const verbosity = verbositySection(result.verbosity_bias, verbosityPoints, result.rating);
  const body = [
    findings([...found, ...verbosity.findings]),
    `<p>${result.raters.length} raters (${escapeHtml(result.raters.join(', '))}) on ${result.items.total} items (${result.items.rated_by_two_or_more} rated by two or more); ratings: ${escapeHtml(result.rating)}; level <strong>${result.level}</strong> (${result.level_source})${result.categories ? `, categories ${escapeHtml(result.categories.join(' < '))}` : ''}.</p>`,
    '<h2>Statistics</h2>',
    statisticsTable(result.statistics, {
      headline: result.headline,
      notes:
        result.level === 'interval'
          ? {
              percent_agreement: 'exact equality of continuous scores: read the headline instead',
              cohen_kappa_unweighted: 'treats every distinct score as its own category',
              krippendorff_alpha_nominal: 'treats every distinct score as its own category',
            }
          : {},
    }),
    '<h2>Charts</h2>',
    charts(figure(intervalChart({ title: 'Agreement coefficients', items: statisticItems, domain: [-1, 1], xLabel: 'coefficient', references: RELIABILITY_REFERENCES }), 'Dot: estimate; whiskers: 95% bootstrap CI; n/a: undefined for these data (hover for why).'), ...extra, ...histograms),
    result.pairwise.length > 0 ? '<h2>Pairwise</h2>' : '',
    result.pairwise.length > 0
      ? table(
          ['raters', 'n', 'percent agreement', 'kappa', 'kappa linear', 'kappa quadratic', 'spearman', 'kendall tau-b', 'pearson'],
          result.pairwise.map((pair) => [
            escapeHtml(pair.raters.join(' / ')),
            String(pair.n),
            ...(['percent_agreement', 'cohen_kappa_unweighted', 'cohen_kappa_linear', 'cohen_kappa_quadratic', 'spearman', 'kendall_tau_b', 'pearson'] as const).map((name) => escapeHtml(statisticText(pair.statistics[name]))),
          ]),
          { numeric: [1] },
        )
      : '',
    '<h2>Most disagreed items</h2>',
    result.disagreements.length === 0
      ? '<p>None: every item rated twice or more got the same rating from everyone.</p>'
      : table(['id', ...result.raters, 'spread'], result.disagreements.map((item) => [escapeHtml(item.id), ...result.raters.map((rater) => cell(item.ratings[rater])), cell(item.spread)]), { numeric: [result.raters.length + 1] }),
    verbosity.html,
    `<details><summary>All ${result.per_item.length} items</summary>${table(['id', ...result.raters, 'length'], result.per_item.map((item) => [escapeHtml(item.id), ...result.raters.map((rater) => cell(item.ratings[rater])), cell(item.length)]))}</details>`,
  ];
  return renderPage({ title: `rewardkit lab agree — do ${result.raters.join(', ')} agree?`, subtitle: subtitle(result.source, result.settings), body: body.join('\n'), data: result });
}

function toNumber(rating: Rating, categories: Rating[] | null): number | null {
  if (rating === null) return null;
  if (categories) {
    const index = categories.indexOf(rating);
    return index < 0 ? null : index;
  }
  return typeof rating === 'number' ? rating : null;
}

function categoriesOf(result: AgreementResult): Rating[] {
  if (result.categories) return result.categories;
  const values = new Set<Rating>();
  for (const item of result.per_item) for (const rating of Object.values(item.ratings)) if (rating !== null) values.add(rating);
  const list = [...values];
  const discrete = list.every((value) => typeof value === 'string' || Number.isInteger(value));
  if (!discrete) return [];
  return list.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------- calibrate

function calibrationReport(result: CalibrationResult): string {
  const { statistics } = result;
  const found: Finding[] = [];
  const accuracy = statistics.accuracy.value;
  found.push({
    verdict: accuracy === null ? 'warn' : accuracy >= 0.85 ? 'good' : accuracy >= 0.7 ? 'warn' : 'bad',
    html: `Accuracy against the humans (${result.mode === 'pass_fail' ? 'pass/fail' : 'exact value'}): ${escapeHtml(statisticText(statistics.accuracy))}; Cohen's kappa ${escapeHtml(statisticText(statistics.cohen_kappa_unweighted))} (${kappaWords(statistics.cohen_kappa_unweighted.value)}).`,
  });
  if (statistics.spearman.value !== null) {
    found.push({ verdict: statistics.spearman.value >= 0.7 ? 'good' : statistics.spearman.value >= 0.4 ? 'warn' : 'bad', html: `Rank correlation with the humans: Spearman ${escapeHtml(statisticText(statistics.spearman))}; Pearson ${escapeHtml(statisticText(statistics.pearson))}.` });
  }
  if (statistics.mean_signed_error.value !== null) found.push({ html: `Mean judge − human ${escapeHtml(statisticText(statistics.mean_signed_error))} (positive: the judge is more generous); mean absolute error ${escapeHtml(statisticText(statistics.mean_absolute_error))}.` });
  const best = result.best_threshold;
  if (best.threshold !== null) {
    found.push({ html: `Best pass threshold on the judge's score: <strong>${escapeHtml(number(best.threshold))}</strong> (pass iff score ≥ it) — ${best.metric} ${escapeHtml(number(best.value))} on these ${best.n} items (in-sample, so optimistic)${result.thresholds.judge.value !== null ? `; the report's threshold is ${escapeHtml(number(result.thresholds.judge.value))} (${escapeHtml(result.thresholds.judge.source)})` : ''}.` });
  }
  for (const criterion of result.per_criterion) {
    const rho = criterion.statistics.spearman;
    if (rho.value !== null) found.push({ verdict: rho.value >= 0.6 ? 'good' : rho.value >= 0.3 ? 'warn' : 'bad', html: `Criterion <code>${escapeHtml(criterion.criterion)}</code>: Spearman ${escapeHtml(statisticText(rho))} with the humans (n = ${criterion.n}).` });
  }

  const judgeNumbers = result.per_item.map((item) => (typeof item.judge === 'number' ? item.judge : null));
  const humanNumbers = result.per_item.map((item) => (typeof item.human === 'number' ? item.human : null));
  const points: ScatterPoint[] = result.per_item.flatMap((item, index) =>
    judgeNumbers[index] !== null && humanNumbers[index] !== null ? [{ x: humanNumbers[index]!, y: judgeNumbers[index]!, label: item.id, group: item.judge_label === item.human_label ? 0 : 3 }] : [],
  );
  const figures: string[] = [];
  figures.push(
    figure(
      matrixChart({ title: 'Confusion matrix', rowLabels: result.confusion_matrix.labels.map(String), columnLabels: result.confusion_matrix.labels.map(String), counts: result.confusion_matrix.matrix, rowAxis: 'human', columnAxis: 'judge' }),
      `Rows: the human label; columns: the judge's. ${result.confusion_matrix.total} items${result.confusion_matrix.missing ? `, ${result.confusion_matrix.missing} missing a label` : ''}.`,
    ),
  );
  if (points.length > 0) {
    figures.push(
      figure(
        scatterChart({
          title: 'Calibration: judge against human',
          points,
          xLabel: `human (${result.human})`,
          yLabel: 'judge',
          diagonal: true,
          ...(result.thresholds.human.value !== null ? { verticalLine: { at: result.thresholds.human.value, label: `human pass threshold ${result.thresholds.human.value}` } } : {}),
          ...(best.threshold !== null ? { horizontalLine: { at: best.threshold, label: `best judge threshold ${best.threshold}` } } : {}),
        }),
        'Each dot is one item (red: the pass/fail labels disagree). Dashed diagonal: same score; red lines: the human threshold and the best judge threshold.',
      ),
    );
  }
  if (best.curve.length > 0) {
    figures.push(
      figure(
        lineChart({
          title: 'Agreement with the humans by judge threshold',
          series: [
            { name: 'accuracy', points: best.curve.map((point) => ({ x: point.threshold, y: point.accuracy })) },
            { name: 'kappa', points: best.curve.flatMap((point) => (point.cohen_kappa === null ? [] : [{ x: point.threshold, y: point.cohen_kappa }])) },
          ],
          xLabel: 'judge threshold (pass iff score ≥ threshold)',
          yLabel: 'agreement',
          yDomain: [Math.min(0, ...best.curve.map((point) => point.cohen_kappa ?? 0)), 1],
          ...(best.threshold !== null ? { marker: { at: best.threshold, label: `best threshold ${best.threshold}` } } : {}),
        }),
        `The threshold that best reproduces the humans' pass/fail (${best.metric}).`,
      ),
    );
  }
  figures.push(figure(scoreHistogram('Judge scores', judgeNumbers, 'judge score', 0), 'Score histogram of the judge.'));
  figures.push(figure(scoreHistogram('Human scores', humanNumbers, 'human score', 1), 'Score histogram of the human labels.'));
  if (result.per_criterion.length > 0) {
    const items = result.per_criterion.flatMap((criterion) => [intervalItem(`${criterion.criterion} spearman`, criterion.statistics.spearman), intervalItem(`${criterion.criterion} alpha (interval)`, criterion.statistics.krippendorff_alpha_interval)]);
    figures.push(figure(intervalChart({ title: 'Per-criterion agreement with the humans', items, domain: [-1, 1], xLabel: 'coefficient', references: RELIABILITY_REFERENCES }), 'Judge verdict line (mean over items) against the human label for that criterion.'));
  }
  const verbosityPoints = [
    ...result.per_item.flatMap((item, index) => (item.length !== null && judgeNumbers[index] !== null ? [{ x: item.length, y: judgeNumbers[index]!, label: `judge: ${item.id}`, group: 0 }] : [])),
    ...result.per_item.flatMap((item, index) => (item.length !== null && humanNumbers[index] !== null ? [{ x: item.length, y: humanNumbers[index]!, label: `human: ${item.id}`, group: 1 }] : [])),
  ];
  const verbosity = verbositySection(result.verbosity_bias, verbosityPoints, 'score (blue: judge, orange: human)');
  const thresholdText = (choice: CalibrationResult['thresholds']['judge']) => (choice.value === null ? choice.source : `${number(choice.value)} (${choice.source})`);
  const body = [
    findings([...found, ...verbosity.findings]),
    `<p>Judge: ${escapeHtml(result.judge)}; humans: ${escapeHtml(result.human)}; ${result.items.with_both} of ${result.items.total} items have both. Comparison: <strong>${result.mode === 'pass_fail' ? 'pass/fail' : 'same scale'}</strong>${result.mode === 'pass_fail' ? ` — judge passes at ≥ ${escapeHtml(thresholdText(result.thresholds.judge))}, human at ${escapeHtml(thresholdText(result.thresholds.human))}` : ''}.</p>`,
    '<h2>Statistics</h2>',
    statisticsTable(statistics, {
      headline: 'accuracy',
      notes: {
        accuracy: result.mode === 'pass_fail' ? 'pass/fail labels' : 'exact value',
        cohen_kappa_unweighted: 'on the compared labels',
        krippendorff_alpha_interval: 'raw scores; assumes judge and human share a scale',
        mean_absolute_error: 'raw scores; assumes a shared scale',
        mean_signed_error: 'judge − human',
      },
    }),
    best.threshold === null ? `<p class="reason">No best threshold: ${escapeHtml(best.reason)}.</p>` : '',
    '<h2>Charts</h2>',
    charts(...figures),
    result.per_criterion.length > 0 ? '<h2>Per criterion</h2>' : '',
    result.per_criterion.length > 0
      ? table(
          ['criterion', 'judge line', 'n', 'comparison', 'accuracy', 'kappa', 'spearman', 'alpha (interval)', 'mean judge − human'],
          result.per_criterion.map((criterion) => [
            escapeHtml(criterion.criterion),
            escapeHtml(criterion.judge_line),
            String(criterion.n),
            escapeHtml(criterion.mode),
            escapeHtml(statisticText(criterion.statistics.accuracy)),
            escapeHtml(statisticText(criterion.statistics.cohen_kappa_unweighted)),
            escapeHtml(statisticText(criterion.statistics.spearman)),
            escapeHtml(statisticText(criterion.statistics.krippendorff_alpha_interval)),
            escapeHtml(statisticText(criterion.statistics.mean_signed_error)),
          ]),
          { numeric: [2] },
        )
      : '',
    verbosity.html,
    '<h2>Items</h2>',
    table(
      ['id', 'judge', 'human', 'judge label', 'human label', 'length'],
      result.per_item.map((item) => [escapeHtml(item.id), cell(item.judge), cell(item.human), cell(item.judge_label), cell(item.human_label), cell(item.length)]),
      { numeric: [1, 2, 5], alertRows: result.per_item.flatMap((item, index) => (item.judge_label !== null && item.human_label !== null && item.judge_label !== item.human_label ? [index] : [])) },
    ),
  ];
  return renderPage({ title: 'rewardkit lab calibrate — does the judge agree with the humans?', subtitle: subtitle(result.source, result.settings), body: body.join('\n'), data: result });
}

// ---------------------------------------------------------------------------------------------- regress

function regressionReport(result: RegressionResult): string {
  const { summary } = result;
  const found: Finding[] = [
    {
      verdict: summary.failed + summary.errored === 0 ? 'good' : 'bad',
      html: `${summary.passed} of ${summary.cases} cases pass; ${summary.failed} failed, ${summary.errored} could not be judged${result.baseline ? `; ${summary.moved} moved against the baseline, ${summary.newly_failing} newly failing` : ''}.`,
    },
  ];
  const verbosity = verbositySection(result.verbosity_bias, result.cases.flatMap((entry) => (entry.length !== null && entry.reward !== null ? [{ x: entry.length, y: entry.reward, label: entry.name }] : [])), 'reward');
  const items: IntervalItem[] = result.cases.map((entry) => {
    const expected = rewardRange(entry.expectations.find((outcome) => outcome.what === 'reward')?.expected);
    return { label: entry.name, value: entry.reward, ci95: expected, alert: entry.status !== 'pass', note: `${entry.status}${expected ? '; whiskers: the expected reward range' : ''}${entry.error ? `; ${entry.error}` : ''}` };
  });
  const rewards = result.cases.map((entry) => entry.reward).filter((reward): reward is number => reward !== null);
  const attention = result.cases.filter((entry) => entry.status !== 'pass' || entry.moved);
  const caseRow = (entry: RegressionResult['cases'][number]) => [
    escapeHtml(entry.name),
    `<span class="${entry.status === 'pass' ? 'good' : 'bad'}">${entry.status}</span>`,
    cell(entry.reward),
    entry.baseline ? `${escapeHtml(entry.baseline.status)} / ${cell(entry.baseline.reward)}` : cell(null),
    cell(entry.reward_delta),
    entry.moved ? '<strong>yes</strong>' : 'no',
    entry.error
      ? `<span class="bad">${escapeHtml(entry.error)}</span>`
      : entry.expectations.map((outcome) => `<span class="${outcome.ok ? 'good' : 'bad'}">${outcome.ok ? '✓' : '✗'}</span> ${escapeHtml(outcome.what)} ${escapeHtml(outcome.expected)} (got ${escapeHtml(formatActual(outcome.actual))})`).join('<br>'),
  ];
  const headers = ['case', 'status', 'reward', 'baseline', 'Δ reward', 'moved', 'expectations'];
  const body = [
    findings([...found, ...verbosity.findings]),
    '<h2>Cases that failed or moved</h2>',
    attention.length === 0 ? '<p class="good">None.</p>' : table(headers, attention.map(caseRow), { numeric: [2, 4] }),
    '<h2>Charts</h2>',
    charts(
      figure(intervalChart({ title: 'Reward per case', items, domain: [Math.min(0, ...rewards), Math.max(1, ...rewards)], xLabel: 'reward' }), 'Dot: the reward; whiskers: the expected reward range, when the case sets one; red: failed or errored.'),
      figure(scoreHistogram('Rewards of the suite', rewards, 'reward'), 'Score histogram over the cases.'),
    ),
    verbosity.html,
    '<h2>All cases</h2>',
    table(headers, result.cases.map(caseRow), { numeric: [2, 4], alertRows: result.cases.flatMap((entry, index) => (entry.status !== 'pass' ? [index] : [])) }),
  ];
  return renderPage({ title: 'rewardkit lab regress — judge test suite', subtitle: subtitle(result.source, result.settings, [`suite ${result.suite}`, ...(result.baseline ? [`baseline ${result.baseline}`] : [])]), body: body.join('\n'), data: result });
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

// ---------------------------------------------------------------------------------------------- hack

function hackReport(result: HackResult): string {
  const found: Finding[] = [
    result.summary.flagged.length === 0
      ? { verdict: 'good', html: `None of the ${result.summary.probes} probes raised the reward of any row.` }
      : { verdict: 'bad', html: `${result.summary.flagged.length} of ${result.summary.probes} probes raised the reward of at least one row: ${result.summary.flagged.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}.` },
  ];
  if (result.summary.raising_reliably.length > 0) {
    found.push({ verdict: 'bad', html: `Raising the mean reward with a 95% CI above 0: ${result.summary.raising_reliably.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')} — a policy will learn these.` });
  }
  const errors = result.probes.filter((probe) => probe.judge_errors > 0);
  if (errors.length > 0) found.push({ verdict: 'warn', html: `Probes that made the judge fail (the row got the neutral fallback reward): ${errors.map((probe) => `<code>${escapeHtml(probe.id)}</code> (${probe.judge_errors})`).join(', ')}.` });
  const verbosity = verbositySection(result.verbosity_bias, result.baseline.flatMap((row) => (row.length !== null && row.reward !== null ? [{ x: row.length, y: row.reward, label: row.id }] : [])), 'reward (unprobed rollouts)');
  const shifts = result.probes.flatMap((probe) => [probe.statistics.mean_shift.value ?? 0, ...(probe.statistics.mean_shift.value !== null && probe.statistics.mean_shift.ci95 ? probe.statistics.mean_shift.ci95 : [])]);
  const bound = Math.max(0.1, ...shifts.map(Math.abs));
  const items = result.probes.map((probe) => intervalItem(probe.id, probe.statistics.mean_shift, probe.flagged));
  const body = [
    findings([...found, ...verbosity.findings]),
    '<h2>Reward shift per probe</h2>',
    charts(
      figure(intervalChart({ title: 'Mean reward shift (probed − original)', items, domain: [-bound, bound], xLabel: 'reward shift', references: [{ at: 0, label: 'no change' }] }), 'Dot: mean shift over probed rows; whiskers: 95% CI; red: raised the reward of at least one row.'),
      figure(scoreHistogram('Rewards of the rollouts as they are', result.baseline.map((row) => row.reward), 'reward'), 'Score histogram of the unprobed rollouts.'),
    ),
    table(
      ['probe', 'family', 'rows', 'skipped', 'mean shift [95% CI]', 'raised', 'lowered', 'unchanged', 'max raise', 'judge errors', 'flagged'],
      result.probes.map((probe) => [
        `<code>${escapeHtml(probe.id)}</code><br><span class="reason">${escapeHtml(probe.description)}</span>`,
        escapeHtml(probe.family),
        String(probe.rows_probed),
        probe.rows_skipped > 0 ? `${probe.rows_skipped} <span class="reason">(${escapeHtml(Object.keys(probe.skip_reasons).join('; '))})</span>` : '0',
        `<span data-sort="${probe.statistics.mean_shift.value ?? ''}">${escapeHtml(statisticText(probe.statistics.mean_shift))}</span>`,
        String(probe.raised_rows),
        String(probe.lowered_rows),
        String(probe.unchanged_rows),
        cell(probe.max_raise),
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
                probe.rows.filter((row) => (row.shift ?? 0) > 0).map((row) => [escapeHtml(row.id), cell(row.original), cell(row.probed), cell(row.shift), escapeHtml(row.mode), escapeHtml(row.flags.join(', '))]),
                { numeric: [1, 2, 3] },
              )}`,
          )
          .join('\n')
      : '<p class="good">None.</p>',
  ];
  return renderPage({ title: 'rewardkit lab hack — can a rollout game the judge?', subtitle: subtitle(result.source, result.settings, [`${result.rows.total} rollouts`]), body: body.join('\n'), data: result });
}
