/**
 * `lab agree`: the agreement report: coefficients, pairwise table, most disagreed items (HTML, pure: result in, page
 * out), and its lines of the terminal summary.
 */
import type { AgreementResult } from './agreement-analysis.js';
import type { Rating } from '../statistics/index.js';
import { intervalChart, matrixChart, scatterChart, type ScatterPoint } from '../report/charts.js';
import { chartGrid, intervalItem, RELIABILITY_REFERENCES, scoreHistogram, valueCell } from '../report/figures.js';
import { formatNumber, kappaWords, reliabilityVerdict, statisticText } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { type Finding, findings, statisticsTable, subtitle, verbositySection } from '../report/sections.js';
import { statisticLines } from '../report/terminal-summary-lines.js';

export function agreementReport(result: AgreementResult): string {
  const headline = result.statistics[result.headline];
  const reading = reliabilityVerdict(headline.value);
  const found: Finding[] = [
    reading
      ? {
          verdict: reading.verdict,
          html: `${escapeHtml(result.raters.join(' vs '))}: ${escapeHtml(result.headline)} ${escapeHtml(statisticText(headline))} — ${escapeHtml(reading.words)}.`,
        }
      : {
          verdict: 'warn',
          html: `${escapeHtml(result.headline)} is undefined: ${escapeHtml(headline.value === null ? headline.reason : '')}.`,
        },
  ];
  const kappa = result.raters.length === 2 ? result.statistics.cohen_kappa_unweighted : result.statistics.fleiss_kappa;
  if (kappa.value !== null)
    found.push({
      html: `${result.raters.length === 2 ? "Cohen's" : "Fleiss'"} kappa ${escapeHtml(statisticText(kappa))} (${kappaWords(kappa.value)}); percent agreement ${escapeHtml(statisticText(result.statistics.percent_agreement))}.`,
    });
  if (result.raters.length === 2 && result.statistics.spearman.value !== null)
    found.push({
      html: `Rank correlation: Spearman ${escapeHtml(statisticText(result.statistics.spearman))}, Kendall tau-b ${escapeHtml(statisticText(result.statistics.kendall_tau_b))}.`,
    });
  found.push({
    verdict: result.disagreements.length > 0 ? 'warn' : 'good',
    html: `${result.disagreements.length === 0 ? 'No item' : `${result.disagreements.length} item(s) listed below`} where the raters disagree${result.disagreements[0] ? `; largest spread ${escapeHtml(formatNumber(result.disagreements[0].spread))} on <code>${escapeHtml(result.disagreements[0].id)}</code>` : ''}.`,
  });

  const numbers = (j: number) => result.per_item.map((item) => toNumber(item.ratings[result.raters[j]!] ?? null, result.categories));
  const histograms = result.raters.map((rater, j) =>
    figure(scoreHistogram(`Scores of ${rater}`, numbers(j), result.rating, j), `Score histogram of ${escapeHtml(rater)}.`),
  );
  const extra: string[] = [];
  if (result.raters.length === 2) {
    const [a, b] = [result.raters[0]!, result.raters[1]!];
    const categories = categoriesOf(result);
    if (categories.length > 0 && categories.length <= 12) {
      const counts = categories.map((x) =>
        categories.map((y) => result.per_item.filter((item) => item.ratings[a] === x && item.ratings[b] === y).length),
      );
      extra.push(
        figure(
          matrixChart({
            title: `${a} vs ${b}`,
            rowLabels: categories.map(String),
            columnLabels: categories.map(String),
            counts,
            rowAxis: a,
            columnAxis: b,
          }),
          'Items by the rating each rater gave; the diagonal is agreement.',
        ),
      );
    }
    const xs = numbers(0);
    const ys = numbers(1);
    const points: ScatterPoint[] = result.per_item.flatMap((item, index) =>
      xs[index] !== null && ys[index] !== null ? [{ x: xs[index]!, y: ys[index]!, label: item.id }] : [],
    );
    if (points.length > 0)
      extra.push(
        figure(
          scatterChart({ title: `${a} against ${b}`, points, xLabel: a, yLabel: b, diagonal: true }),
          'Each dot is one item; the dashed line is perfect agreement.',
        ),
      );
  }
  if (result.pairwise.length > 1) {
    const items = result.pairwise.flatMap((pair) => [
      intervalItem(`${pair.raters.join(' / ')} kappa`, pair.statistics.cohen_kappa_unweighted),
      intervalItem(`${pair.raters.join(' / ')} spearman`, pair.statistics.spearman),
    ]);
    extra.push(
      figure(
        intervalChart({ title: 'Pairwise agreement', items, domain: [-1, 1], xLabel: 'coefficient', references: RELIABILITY_REFERENCES }),
        'Each pair of raters: unweighted kappa and Spearman with 95% CIs.',
      ),
    );
  }
  const statisticItems = Object.entries(result.statistics).map(([name, statistic]) => intervalItem(name, statistic));
  const verbosityPoints = result.raters.flatMap((rater, j) => {
    const values = numbers(j);
    return result.per_item.flatMap((item, index) =>
      item.length !== null && values[index] !== null
        ? [{ x: item.length, y: values[index]!, label: `${rater}: ${item.id}`, group: j }]
        : [],
    );
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
    chartGrid(
      figure(
        intervalChart({
          title: 'Agreement coefficients',
          items: statisticItems,
          domain: [-1, 1],
          xLabel: 'coefficient',
          references: RELIABILITY_REFERENCES,
        }),
        'Dot: estimate; whiskers: 95% bootstrap CI; n/a: undefined for these data (hover for why).',
      ),
      ...extra,
      ...histograms,
    ),
    result.pairwise.length > 0 ? '<h2>Pairwise</h2>' : '',
    result.pairwise.length > 0
      ? table(
          ['raters', 'n', 'percent agreement', 'kappa', 'kappa linear', 'kappa quadratic', 'spearman', 'kendall tau-b', 'pearson'],
          result.pairwise.map((pair) => [
            escapeHtml(pair.raters.join(' / ')),
            String(pair.n),
            ...(
              [
                'percent_agreement',
                'cohen_kappa_unweighted',
                'cohen_kappa_linear',
                'cohen_kappa_quadratic',
                'spearman',
                'kendall_tau_b',
                'pearson',
              ] as const
            ).map((name) => escapeHtml(statisticText(pair.statistics[name]))),
          ]),
          { numeric: [1] },
        )
      : '',
    '<h2>Most disagreed items</h2>',
    result.disagreements.length === 0
      ? '<p>None: every item rated twice or more got the same rating from everyone.</p>'
      : table(
          ['id', ...result.raters, 'spread'],
          result.disagreements.map((item) => [
            escapeHtml(item.id),
            ...result.raters.map((rater) => valueCell(item.ratings[rater])),
            valueCell(item.spread),
          ]),
          { numeric: [result.raters.length + 1] },
        ),
    verbosity.html,
    `<details><summary>All ${result.per_item.length} items</summary>${table(
      ['id', ...result.raters, 'length'],
      result.per_item.map((item) => [
        escapeHtml(item.id),
        ...result.raters.map((rater) => valueCell(item.ratings[rater])),
        valueCell(item.length),
      ]),
    )}</details>`,
  ];
  return renderPage({
    title: `rewardkit lab agree — do ${result.raters.join(', ')} agree?`,
    subtitle: subtitle(result.source, result.settings),
    body: body.join('\n'),
    data: result,
  });
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

/** The command's lines of the terminal summary. */
export function agreementSummaryLines(result: AgreementResult): string[] {
  const lines: string[] = [];
  lines.push(
    `agree: ${result.raters.join(', ')} on ${result.items.total} items (${result.items.rated_by_two_or_more} rated twice or more), level ${result.level}`,
  );
  lines.push(...statisticLines(result.statistics, result.headline));
  if (result.disagreements.length > 0)
    lines.push(
      `  most disagreed: ${result.disagreements
        .slice(0, 5)
        .map(
          (item) =>
            `${item.id} (${Object.values(item.ratings)
              .map((rating) => (typeof rating === 'number' ? String(Math.round(rating * 1000) / 1000) : (rating ?? '—')))
              .join(' vs ')})`,
        )
        .join(', ')}`,
    );
  return lines;
}
