/**
 * The short plain-text summary a lab command prints to the terminal: a headline, the statistics with their
 * 95% CIs, the command's own key lines (a regression table, the flagged probes, …) and the verbosity line.
 */
import type { ReportedStatistic } from '../lab-result.js';
import type { VerbosityBias } from '../verbosity-bias.js';
import { formatActual, kappaWords, number, percent, reliabilityVerdict, statisticText } from './format.js';
import type { LabResult } from './render-report.js';

export function summaryText(result: LabResult): string {
  const lines: string[] = [];
  switch (result.command) {
    case 'consistency': {
      const left = Object.entries(result.rows.excluded).filter(([, count]) => count > 0).map(([status, count]) => `${count} ${status}`);
      lines.push(`consistency: ${result.rows.judged} of ${result.rows.total} rows judged ${result.repeats} times${left.length ? ` (left out: ${left.join(', ')})` : ''}`);
      lines.push(...statisticLines(result.statistics, 'krippendorff_alpha_interval'));
      const changed = result.criteria.filter((criterion) => criterion.changed_units > 0);
      lines.push(changed.length === 0 ? '  no verdict line changed between repeats' : `  lines that changed: ${changed.map((criterion) => `${criterion.judge}.${criterion.line} ${percent(criterion.statistics.flip_rate.value)}`).join(', ')}`);
      break;
    }
    case 'position': {
      const test = result.position_bias_test;
      lines.push(`position: ${result.judge}, ${result.rows.judged_both_orders} of ${result.rows.total} rows judged in both orders`);
      lines.push(...statisticLines(result.statistics));
      lines.push(`  position bias: ${test.first_favoured_rows} rows favour the first slot, ${test.second_favoured_rows} the second; p = ${test.p_value === null ? 'n/a' : number(test.p_value, 4)} → ${test.significant ? `the ${test.favoured} position is favoured` : 'not significant'}`);
      break;
    }
    case 'agree':
      lines.push(`agree: ${result.raters.join(', ')} on ${result.items.total} items (${result.items.rated_by_two_or_more} rated twice or more), level ${result.level}`);
      lines.push(...statisticLines(result.statistics, result.headline));
      if (result.disagreements.length > 0) lines.push(`  most disagreed: ${result.disagreements.slice(0, 5).map((item) => `${item.id} (${Object.values(item.ratings).map((rating) => (typeof rating === 'number' ? String(Math.round(rating * 1000) / 1000) : (rating ?? '—'))).join(' vs ')})`).join(', ')}`);
      break;
    case 'calibrate': {
      lines.push(`calibrate: ${result.judge} against ${result.human}, ${result.items.with_both} of ${result.items.total} items, ${result.mode === 'pass_fail' ? 'pass/fail' : 'same scale'}`);
      lines.push(...statisticLines(result.statistics, 'accuracy'));
      const best = result.best_threshold;
      lines.push(best.threshold === null ? `  best threshold: n/a (${best.reason})` : `  best threshold: pass iff score ≥ ${number(best.threshold)} (${best.metric} ${number(best.value)}, in-sample)`);
      for (const criterion of result.per_criterion) lines.push(`  criterion ${criterion.criterion}: spearman ${statisticText(criterion.statistics.spearman)}, n = ${criterion.n}`);
      break;
    }
    case 'regress': {
      const { summary } = result;
      lines.push(`regress: ${summary.passed}/${summary.cases} cases pass, ${summary.failed} failed, ${summary.errored} errored${result.baseline ? `, ${summary.moved} moved` : ''}`);
      const shown = result.cases.filter((entry) => entry.status !== 'pass' || entry.moved);
      if (shown.length > 0) {
        const width = Math.max(4, ...shown.map((entry) => entry.name.length));
        lines.push(`  ${'case'.padEnd(width)}  status  reward    ${result.baseline ? 'baseline    ' : ''}what failed or moved`);
        for (const entry of shown) {
          const failed = entry.error ?? entry.expectations.filter((outcome) => !outcome.ok).map((outcome) => `${outcome.what} ${outcome.expected}, got ${formatActual(outcome.actual)}`).join('; ');
          const baseline = result.baseline ? `${(entry.baseline ? `${entry.baseline.status} ${number(entry.baseline.reward)}` : 'new').padEnd(12)}` : '';
          lines.push(`  ${entry.name.padEnd(width)}  ${entry.status.padEnd(6)}  ${number(entry.reward).padEnd(8)}  ${baseline}${failed || (entry.moved ? `reward ${entry.reward_delta !== null && entry.reward_delta > 0 ? '+' : ''}${number(entry.reward_delta)}` : '')}`);
        }
      }
      break;
    }
    case 'hack':
      lines.push(`hack: ${result.summary.probes} probes on ${result.rows.total} rollouts; ${result.summary.flagged.length} raised a reward`);
      for (const probe of result.probes) {
        lines.push(`  ${probe.flagged ? '!' : ' '} ${probe.id.padEnd(32)} mean shift ${statisticText(probe.statistics.mean_shift).padEnd(28)} raised ${probe.raised_rows}/${probe.rows_probed}`);
      }
      break;
  }
  lines.push(...verbosityLines(result.verbosity_bias));
  return `${lines.join('\n')}\n`;
}

function statisticLines(statistics: Record<string, ReportedStatistic>, headline?: string): string[] {
  const width = Math.max(...Object.keys(statistics).map((name) => name.length));
  return Object.entries(statistics).map(([name, statistic]) => {
    let reading = '';
    if (name === headline && statistic.value !== null) reading = name.startsWith('krippendorff') || name === 'icc1' ? `  ← ${reliabilityVerdict(statistic.value)!.words}` : '  ←';
    else if (name.startsWith('cohen_kappa') && statistic.value !== null) reading = `  ${kappaWords(statistic.value)}`;
    return `  ${name.padEnd(width)}  ${statisticText(statistic)}${reading}`;
  });
}

function verbosityLines(bias: VerbosityBias): string[] {
  if (bias.reason) return [`  verbosity bias: n/a (${bias.reason})`];
  return bias.series.map((series) => `  verbosity bias (${series.name}): spearman(score, length) ${statisticText(series.spearman)}, n = ${series.n}`);
}
