/**
 * `lab calibrate`: the calibration report: accuracy, confusion matrix, calibration scatter, best threshold (HTML,
 * pure: result in, page out), and its lines of the terminal summary.
 */
import type { CalibrationResult } from './calibration-analysis.js';
import { intervalChart, lineChart, matrixChart, scatterChart, type ScatterPoint } from '../report/charts.js';
import { chartGrid, intervalItem, RELIABILITY_REFERENCES, scoreHistogram, valueCell } from '../report/figures.js';
import { formatNumber, kappaWords, statisticText } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { type Finding, findings, statisticsTable, subtitle, verbositySection } from '../report/sections.js';
import { statisticLines } from '../report/terminal-summary-lines.js';

export function calibrationReport(result: CalibrationResult): string {
  const { statistics } = result;
  const found: Finding[] = [];
  const accuracy = statistics.accuracy.value;
  found.push({
    verdict: accuracy === null ? 'warn' : accuracy >= 0.85 ? 'good' : accuracy >= 0.7 ? 'warn' : 'bad',
    html: `Accuracy against the humans (${result.mode === 'pass_fail' ? 'pass/fail' : 'exact value'}): ${escapeHtml(statisticText(statistics.accuracy))}; Cohen's kappa ${escapeHtml(statisticText(statistics.cohen_kappa_unweighted))} (${kappaWords(statistics.cohen_kappa_unweighted.value)}).`,
  });
  if (statistics.spearman.value !== null) {
    found.push({
      verdict: statistics.spearman.value >= 0.7 ? 'good' : statistics.spearman.value >= 0.4 ? 'warn' : 'bad',
      html: `Rank correlation with the humans: Spearman ${escapeHtml(statisticText(statistics.spearman))}; Pearson ${escapeHtml(statisticText(statistics.pearson))}.`,
    });
  }
  if (statistics.mean_signed_error.value !== null)
    found.push({
      html: `Mean judge − human ${escapeHtml(statisticText(statistics.mean_signed_error))} (positive: the judge is more generous); mean absolute error ${escapeHtml(statisticText(statistics.mean_absolute_error))}.`,
    });
  const best = result.best_threshold;
  if (best.threshold !== null) {
    found.push({
      html: `Best pass threshold on the judge's score: <strong>${escapeHtml(formatNumber(best.threshold))}</strong> (pass iff score ≥ it) — ${best.metric} ${escapeHtml(formatNumber(best.value))} on these ${best.n} items (in-sample, so optimistic)${result.thresholds.judge.value !== null ? `; the report's threshold is ${escapeHtml(formatNumber(result.thresholds.judge.value))} (${escapeHtml(result.thresholds.judge.source)})` : ''}.`,
    });
  }
  for (const criterion of result.per_criterion) {
    const rho = criterion.statistics.spearman;
    if (rho.value !== null)
      found.push({
        verdict: rho.value >= 0.6 ? 'good' : rho.value >= 0.3 ? 'warn' : 'bad',
        html: `Criterion <code>${escapeHtml(criterion.criterion)}</code>: Spearman ${escapeHtml(statisticText(rho))} with the humans (n = ${criterion.n}).`,
      });
  }

  const judgeNumbers = result.per_item.map((item) => (typeof item.judge === 'number' ? item.judge : null));
  const humanNumbers = result.per_item.map((item) => (typeof item.human === 'number' ? item.human : null));
  const points: ScatterPoint[] = result.per_item.flatMap((item, index) =>
    judgeNumbers[index] !== null && humanNumbers[index] !== null
      ? [{ x: humanNumbers[index]!, y: judgeNumbers[index]!, label: item.id, group: item.judge_label === item.human_label ? 0 : 3 }]
      : [],
  );
  const figures: string[] = [];
  figures.push(
    figure(
      matrixChart({
        title: 'Confusion matrix',
        rowLabels: result.confusion_matrix.labels.map(String),
        columnLabels: result.confusion_matrix.labels.map(String),
        counts: result.confusion_matrix.matrix,
        rowAxis: 'human',
        columnAxis: 'judge',
      }),
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
          ...(result.thresholds.human.value !== null
            ? { verticalLine: { at: result.thresholds.human.value, label: `human pass threshold ${result.thresholds.human.value}` } }
            : {}),
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
            {
              name: 'kappa',
              points: best.curve.flatMap((point) => (point.cohen_kappa === null ? [] : [{ x: point.threshold, y: point.cohen_kappa }])),
            },
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
    const items = result.per_criterion.flatMap((criterion) => [
      intervalItem(`${criterion.criterion} spearman`, criterion.statistics.spearman),
      intervalItem(`${criterion.criterion} alpha (interval)`, criterion.statistics.krippendorff_alpha_interval),
    ]);
    figures.push(
      figure(
        intervalChart({
          title: 'Per-criterion agreement with the humans',
          items,
          domain: [-1, 1],
          xLabel: 'coefficient',
          references: RELIABILITY_REFERENCES,
        }),
        'Judge verdict line (mean over items) against the human label for that criterion.',
      ),
    );
  }
  const verbosityPoints = [
    ...result.per_item.flatMap((item, index) =>
      item.length !== null && judgeNumbers[index] !== null
        ? [{ x: item.length, y: judgeNumbers[index]!, label: `judge: ${item.id}`, group: 0 }]
        : [],
    ),
    ...result.per_item.flatMap((item, index) =>
      item.length !== null && humanNumbers[index] !== null
        ? [{ x: item.length, y: humanNumbers[index]!, label: `human: ${item.id}`, group: 1 }]
        : [],
    ),
  ];
  const verbosity = verbositySection(result.verbosity_bias, verbosityPoints, 'score (blue: judge, orange: human)');
  const thresholdText = (choice: CalibrationResult['thresholds']['judge']) =>
    choice.value === null ? choice.source : `${formatNumber(choice.value)} (${choice.source})`;
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
    chartGrid(...figures),
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
      result.per_item.map((item) => [
        escapeHtml(item.id),
        valueCell(item.judge),
        valueCell(item.human),
        valueCell(item.judge_label),
        valueCell(item.human_label),
        valueCell(item.length),
      ]),
      {
        numeric: [1, 2, 5],
        alertRows: result.per_item.flatMap((item, index) =>
          item.judge_label !== null && item.human_label !== null && item.judge_label !== item.human_label ? [index] : [],
        ),
      },
    ),
  ];
  return renderPage({
    title: 'rewardkit lab calibrate — does the judge agree with the humans?',
    subtitle: subtitle(result.source, result.settings),
    body: body.join('\n'),
    data: result,
  });
}

/** The command's lines of the terminal summary. */
export function calibrationSummaryLines(result: CalibrationResult): string[] {
  const lines: string[] = [];
  lines.push(
    `calibrate: ${result.judge} against ${result.human}, ${result.items.with_both} of ${result.items.total} items, ${result.mode === 'pass_fail' ? 'pass/fail' : 'same scale'}`,
  );
  lines.push(...statisticLines(result.statistics, 'accuracy'));
  const best = result.best_threshold;
  lines.push(
    best.threshold === null
      ? `  best threshold: n/a (${best.reason})`
      : `  best threshold: pass iff score ≥ ${formatNumber(best.threshold)} (${best.metric} ${formatNumber(best.value)}, in-sample)`,
  );
  for (const criterion of result.per_criterion)
    lines.push(`  criterion ${criterion.criterion}: spearman ${statisticText(criterion.statistics.spearman)}, n = ${criterion.n}`);
  return lines;
}
