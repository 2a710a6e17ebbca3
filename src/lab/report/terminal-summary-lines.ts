/**
 * Lines every lab command's terminal summary shares: the statistics with their 95% CIs (the headline and kappas
 * read in words) and the verbosity line. Each command adds its own lines (src/lab/<command>/<command>-report.ts).
 */
import type { ReportedStatistic } from '../lab-result.js';
import type { VerbosityBias } from '../verbosity-bias.js';
import { kappaWords, reliabilityVerdict, statisticText } from './format.js';

export function statisticLines(statistics: Record<string, ReportedStatistic>, headline?: string): string[] {
  const width = Math.max(...Object.keys(statistics).map((name) => name.length));
  return Object.entries(statistics).map(([name, statistic]) => {
    let reading = '';
    if (name === headline && statistic.value !== null)
      reading = name.startsWith('krippendorff') || name === 'icc1' ? `  ← ${reliabilityVerdict(statistic.value)!.words}` : '  ←';
    else if (name.startsWith('cohen_kappa') && statistic.value !== null) reading = `  ${kappaWords(statistic.value)}`;
    return `  ${name.padEnd(width)}  ${statisticText(statistic)}${reading}`;
  });
}

export function verbosityLines(bias: VerbosityBias): string[] {
  if (bias.reason) return [`  verbosity bias: n/a (${bias.reason})`];
  return bias.series.map(
    (series) => `  verbosity bias (${series.name}): spearman(score, length) ${statisticText(series.spearman)}, n = ${series.n}`,
  );
}
