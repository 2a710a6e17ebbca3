/**
 * `lab noise`: the noise report — the reward's signal-to-noise ratio over groups, each group's spread against the
 * judge's noise, per-judge statistics and the slot bias of group judges (HTML, pure: result in, page out), and its
 * lines of the terminal summary.
 */
import { ROLLOUT_LABELS } from '../../judges/group-prompt.js';
import { intervalChart, scatterChart } from '../report/charts.js';
import { chartGrid, intervalItem, scoreHistogram, valueCell } from '../report/figures.js';
import { formatNumber, percent, statisticText } from '../report/format.js';
import { escapeHtml, figure, renderPage, table } from '../report/html.js';
import { type Finding, findings, statisticsTable, subtitle, verbositySection } from '../report/sections.js';
import { statisticLines } from '../report/terminal-summary-lines.js';
import { mean } from '../statistics/index.js';
import type { NoiseJudge, NoiseResult } from './noise-analysis.js';

/** Slot letters as the group judge labels them. */
const slotLabel = (slot: number) => ROLLOUT_LABELS[slot] ?? String(slot + 1);

/** "A 0.62 · B 0.55 · C 0.51", for the mean score by slot. */
function slotsText(bySlot: readonly (number | null)[]): string {
  return bySlot.map((value, slot) => `${slotLabel(slot)} ${formatNumber(value)}`).join(' · ');
}

export function noiseReport(result: NoiseResult): string {
  const { statistics } = result;
  const snr = statistics.reward_snr.value;
  const within = statistics.share_groups_within_noise.value;
  const found: Finding[] = [
    snr === null
      ? {
          verdict: 'warn',
          html: `The reward's signal-to-noise ratio is undefined: ${escapeHtml(statistics.reward_snr.value === null ? statistics.reward_snr.reason : '')}.`,
        }
      : {
          verdict: snr >= 2 ? 'good' : snr >= 1 ? 'warn' : 'bad',
          html: `Within-group spread of the reward ÷ the judge's noise: SNR ${escapeHtml(statisticText(statistics.reward_snr))} (spread ${escapeHtml(formatNumber(statistics.reward_group_sd.value))}, noise ${escapeHtml(formatNumber(statistics.reward_noise_sd.value))}). ${snr < 1 ? 'The judge’s noise is larger than the differences GRPO learns from.' : snr < 2 ? 'The noise is a large part of the differences GRPO learns from.' : 'The differences within a group are mostly signal.'}`,
        },
    {
      verdict: within === null ? 'warn' : within > 0.3 ? 'bad' : within > 0.1 ? 'warn' : 'good',
      html: `${escapeHtml(percent(within))} of groups have a spread within the judge's noise (${escapeHtml(statisticText(statistics.share_groups_within_noise))}): GRPO learns mostly noise from such groups${result.per_group.some((group) => group.group_sd === 0) ? ', and nothing at all from a group with no spread' : ''}.`,
    },
    {
      html: `${result.rows.judged} of ${result.rows.total} rows judged ${result.repeats} times (${result.noise_source === 'sample' ? 'fresh samples' : 'groups shown in another order each repeat'}), in ${result.groups.judged} groups of two or more judged rows${result.groups.singletons ? ` and ${result.groups.singletons} single-row groups (no spread)` : ''}; ${formatNumber(result.calls.per_rollout)} judge calls per rollout.`,
    },
  ];
  for (const judge of result.judges.filter((candidate) => candidate.mean_by_slot && candidate.mean_by_slot.length > 1)) {
    const slots = judge.mean_by_slot!;
    found.push({
      html: `Group judge <code>${escapeHtml(judge.name)}</code>: mean score by slot ${escapeHtml(slotsText(slots))}; rank agreement between orders (Kendall τ) ${escapeHtml(statisticText(judge.statistics.mean_kendall_tau))}.`,
    });
  }
  const meanOfRow = (scores: readonly (number | null)[]) => mean(scores).value;
  const judged = result.per_row.filter((row) => row.status === 'judged');
  const verbosity = verbositySection(
    result.verbosity_bias,
    judged.flatMap((row) => {
      const score = meanOfRow(row.scores);
      return row.length === null || score === null ? [] : [{ x: row.length, y: score, label: row.id }];
    }),
    'mean reward',
  );
  const groupPoints = result.per_group
    .filter((group) => group.noise_sd !== null && group.group_sd !== null)
    .map((group) => ({
      x: group.noise_sd!,
      y: group.group_sd!,
      label: `${group.key} (${group.ids.length} rows)`,
      group: group.within_noise ? 3 : 0,
    }));
  const top = Math.max(0.05, ...groupPoints.flatMap((point) => [point.x, point.y]));
  const judgeItems = result.judges.map((judge) => intervalItem(`${judge.name} (${judge.type})`, judge.statistics.snr));
  const snrItems = [intervalItem('reward', statistics.reward_snr), ...judgeItems];
  const slotJudges = result.judges.filter((judge) => judge.mean_by_slot && judge.mean_by_slot.length > 0);

  const body = [
    findings([...found, ...verbosity.findings]),
    '<h2>Statistics</h2>',
    statisticsTable(statistics, {
      headline: 'reward_snr',
      notes: {
        reward_snr: 'mean within-group sd ÷ root-mean-square judge noise, over groups',
        share_groups_within_noise: 'groups whose spread is at most the judge noise on their rows',
        share_groups_above_noise: '1 − share_groups_within_noise',
        reward_noise_sd: 'root-mean-square per-row sd over repeats',
        reward_group_sd: 'mean over groups of the within-group sd per repeat',
      },
    }),
    '<h2>Judges</h2>',
    table(
      ['judge', 'type', 'SNR [95% CI]', 'share within noise', 'noise sd', 'group sd', 'Kendall τ between orders', 'mean score by slot'],
      result.judges.map((judge: NoiseJudge) => [
        escapeHtml(judge.name),
        escapeHtml(judge.type),
        escapeHtml(statisticText(judge.statistics.snr)),
        escapeHtml(statisticText(judge.statistics.share_groups_within_noise)),
        escapeHtml(statisticText(judge.statistics.noise_sd)),
        escapeHtml(statisticText(judge.statistics.group_sd)),
        judge.statistics.mean_kendall_tau ? escapeHtml(statisticText(judge.statistics.mean_kendall_tau)) : '—',
        judge.mean_by_slot ? escapeHtml(slotsText(judge.mean_by_slot)) : '—',
      ]),
    ),
    '<h2>Charts</h2>',
    chartGrid(
      figure(
        scoreHistogram(
          'Signal-to-noise ratio per group',
          result.per_group.map((group) => group.snr),
          'group sd ÷ judge noise',
          0,
          true,
        ),
        'One count per group of two or more judged rows (groups without noise have no ratio). Below 1, the judge’s noise exceeds the group’s spread.',
      ),
      groupPoints.length > 0
        ? figure(
            scatterChart({
              title: 'Group spread against judge noise',
              points: groupPoints,
              xLabel: 'judge noise on the group (sd)',
              yLabel: 'within-group spread (sd)',
              xDomain: [0, top],
              yDomain: [0, top],
              diagonal: true,
            }),
            'Each dot is a group; red: its spread is within the judge’s noise (on or below the diagonal y = x), so GRPO learns mostly noise from it.',
          )
        : '',
      figure(
        intervalChart({
          title: 'Signal-to-noise ratio',
          items: snrItems,
          domain: [0, Math.max(2, ...snrItems.map((item) => item.ci95?.[1] ?? item.value ?? 0))],
          xLabel: 'SNR',
          references: [{ at: 1, label: '1: the noise equals the spread' }],
        }),
        'Dot: estimate; whiskers: 95% CI (bootstrap over groups). Dashed line at 1.',
      ),
      ...slotJudges.map((judge) =>
        figure(
          intervalChart({
            title: `Mean score by slot: ${judge.name}`,
            items: judge.mean_by_slot!.map((value, slot) => ({ label: `slot ${slotLabel(slot)}`, value, ci95: null })),
            domain: [0, 1],
            xLabel: 'mean normalised score',
          }),
          'A judge without position bias gives every slot about the same mean (orders rotate the rollouts through the slots).',
        ),
      ),
    ),
    verbosity.html,
    '<h2>Groups (least signal first)</h2>',
    table(
      ['group', 'rows', 'noise sd', 'group sd', 'SNR', 'within noise'],
      [...result.per_group]
        .sort((a, b) => (a.snr ?? -1) - (b.snr ?? -1))
        .map((group) => [
          `<code>${escapeHtml(group.key)}</code>`,
          escapeHtml(group.ids.join(', ')),
          valueCell(group.noise_sd),
          valueCell(group.group_sd),
          valueCell(group.snr),
          group.within_noise === null ? '—' : group.within_noise ? 'yes' : 'no',
        ]),
      { numeric: [2, 3, 4] },
    ),
    '<h2>Rows (noisiest first)</h2>',
    table(
      ['id', 'group', 'status', ...Array.from({ length: result.repeats }, (_unused, r) => `repeat ${r + 1}`), 'sd'],
      [...result.per_row]
        .sort((a, b) => (b.sd ?? -1) - (a.sd ?? -1))
        .map((row) => [
          escapeHtml(row.id),
          row.group === null ? '—' : `<code>${escapeHtml(row.group)}</code>`,
          escapeHtml(row.status),
          ...row.scores.map(valueCell),
          valueCell(row.sd),
        ]),
      { numeric: Array.from({ length: result.repeats + 1 }, (_unused, i) => i + 3) },
    ),
  ];
  return renderPage({
    title: 'rewardkit lab noise — is the judge’s noise smaller than the group’s spread?',
    subtitle: subtitle(result.source, result.settings, [`${result.repeats} repeats`, `--source ${result.noise_source}`]),
    body: body.join('\n'),
    data: result,
  });
}

/** The command's lines of the terminal summary. */
export function noiseSummaryLines(result: NoiseResult): string[] {
  const left = Object.entries(result.rows.excluded)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  const lines = [
    `noise: ${result.rows.judged} of ${result.rows.total} rows judged ${result.repeats} times (--source ${result.noise_source})${left.length ? `; left out: ${left.join(', ')}` : ''}`,
    `  groups: ${result.groups.judged} of ${result.groups.total} with two or more judged rows${result.groups.singletons ? `, ${result.groups.singletons} single-row` : ''}; judge calls per rollout ${formatNumber(result.calls.per_rollout)}`,
    ...statisticLines(result.statistics, 'reward_snr'),
  ];
  for (const judge of result.judges) {
    const tau = judge.statistics.mean_kendall_tau ? `, Kendall τ between orders ${statisticText(judge.statistics.mean_kendall_tau)}` : '';
    lines.push(`  ${judge.name} (${judge.type}): snr ${statisticText(judge.statistics.snr)}${tau}`);
    if (judge.mean_by_slot && judge.mean_by_slot.length > 1) lines.push(`    mean score by slot: ${slotsText(judge.mean_by_slot)}`);
  }
  return lines;
}
