/**
 * The terminal summary of `rewardkit compare`: the prompts paired, the reward delta with its CI and win/tie/loss,
 * a table of component deltas, length drift and the reward–length correlations, then the findings.
 */
import type { ReportedStatistic } from '../lab-result.js';
import type { CompareResult } from './compare-result.js';

function signed(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return 'n/a';
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

function plain(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined ? 'n/a' : value.toFixed(digits);
}

function withCi(statistic: ReportedStatistic, digits = 4, format = signed): string {
  if (statistic.value === null) return `n/a (${statistic.reason})`;
  if (statistic.ci95 === null) return `${format(statistic.value, digits)} (no CI: ${statistic.ci95_reason ?? 'withheld'})`;
  return `${format(statistic.value, digits)} [95% CI ${format(statistic.ci95[0], digits)}, ${format(statistic.ci95[1], digits)}]`;
}

/** "= 0.0312", or "< 1e-15" where the double has run out of digits. */
function signTestText(p: number | null): string {
  if (p === null) return 'n/a';
  return p < 1e-15 ? '< 1e-15' : `= ${p.toPrecision(3)}`;
}

function columns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_cell, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) =>
    `  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`.trimEnd(),
  );
}

export function compareSummary(result: CompareResult): string {
  const { prompts, reward, length } = result;
  const lines: string[] = [];
  lines.push(`rewardkit compare: ${result.before.scored} → ${result.after.scored} (paired by ${result.settings.pair_by})`);
  lines.push(
    `  prompts        ${prompts.paired} paired · ${prompts.only_before} only before · ${prompts.only_after} only after · ${prompts.no_reward} without a reward on a side`,
  );
  lines.push(`  reward         before ${plain(reward.before.mean)} → after ${plain(reward.after.mean)} (mean of prompt means)`);
  lines.push(`  mean delta     ${withCi(reward.delta)}  (${result.settings.resamples} resamples, seed ${result.settings.seed})`);
  lines.push(
    `  win/tie/loss   ${reward.wins} / ${reward.ties} / ${reward.losses} prompts  (sign test p ${signTestText(reward.sign_test_p)})`,
  );
  if (result.components.length > 0) {
    lines.push('');
    const rows = [['component', 'prompts', 'before', 'after', 'delta', '95% CI']];
    for (const component of result.components) {
      const delta = component.delta;
      rows.push([
        component.name,
        String(component.prompts),
        plain(component.before_mean),
        plain(component.after_mean),
        delta.value === null ? 'n/a' : signed(delta.value),
        delta.value === null
          ? delta.reason
          : delta.ci95 === null
            ? `(${delta.ci95_reason ?? 'no CI'})`
            : `[${signed(delta.ci95[0])}, ${signed(delta.ci95[1])}]`,
      ]);
    }
    lines.push(...columns(rows));
  }
  lines.push('');
  if (length.reason !== null) lines.push(`  length         n/a (${length.reason})`);
  else {
    lines.push(
      `  length (chars) mean ${plain(length.before!.mean_chars, 1)} → ${plain(length.after!.mean_chars, 1)}, median ${plain(length.before!.median_chars, 1)} → ${plain(length.after!.median_chars, 1)}; per prompt ${withCi(length.delta_chars, 1)}`,
    );
    lines.push(
      `  length (words) mean ${plain(length.before!.mean_words, 1)} → ${plain(length.after!.mean_words, 1)}, median ${plain(length.before!.median_words, 1)} → ${plain(length.after!.median_words, 1)}`,
    );
    const rl = length.reward_length;
    lines.push(
      `  reward~length  Spearman ρ before ${withCi(rl.before!.spearman, 3, plain)} → after ${withCi(rl.after!.spearman, 3, plain)}; Pearson r ${plain(rl.before!.pearson.value, 3)} → ${plain(rl.after!.pearson.value, 3)}${rl.signal ? '  ← reward-hacking signal' : ''}`,
    );
  }
  if (result.findings.length > 0) {
    lines.push('');
    for (const finding of result.findings)
      lines.push(`  ${finding.level === 'good' ? 'ok     ' : finding.level === 'warn' ? 'check  ' : 'problem'}  ${finding.text}`);
  }
  return `${lines.join('\n')}\n`;
}
