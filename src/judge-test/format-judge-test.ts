/** The text form of a `rewardkit judge test` report (stdout without --json) and its per-case progress lines. */
import { EXPECTATIONS } from './judge-test-cases.js';
import type { JudgedCase, JudgeReport, JudgeTestReport } from './judge-test-report.js';

const score = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/** One line per finished case, e.g. `[2/6] boiling-point-bad (bad): quality 0.00 (1 call, 14 ms)`. */
export function formatCaseLine(judged: JudgedCase, index: number, total: number): string {
  const parts = Object.entries(judged.judges).map(([name, judgement]) => {
    const latency = judgement.calls.reduce((sum, call) => sum + call.latency_ms, 0);
    const failed = judgement.calls.filter((call) => !call.parsed).map((call) => call.error!.kind);
    const calls = `${judgement.calls.length} call${judgement.calls.length === 1 ? '' : 's'}, ${latency} ms${failed.length > 0 ? `, ${failed.join(', ')}` : ''}`;
    return `${name} ${judgement.score === null ? judgement.status : score(judgement.score)} (${calls})`;
  });
  return `[${index + 1}/${total}] ${judged.id} (${judged.expect}): ${parts.join(' · ')}`;
}

function formatJudge(judge: JudgeReport): string {
  const lines = [`judge ${judge.name} (${judge.type}, ${judge.model}): ${judge.passed ? 'PASS' : 'FAIL'}`];
  lines.push(
    `  verdicts parsed   ${judge.parsed}/${judge.calls}${
      Object.keys(judge.failed).length > 0
        ? `  (failed: ${Object.entries(judge.failed)
            .map(([kind, count]) => `${count} ${kind}`)
            .join(', ')})`
        : ''
    }`,
  );
  lines.push(`  latency per call  ${judge.latency_ms ? `p50 ${judge.latency_ms.p50} ms · max ${judge.latency_ms.max} ms` : '— (no call)'}`);
  for (const label of EXPECTATIONS) {
    if (judge.scores[label].length === 0) continue;
    lines.push(`  ${label.padEnd(16)}  ${judge.scores[label].map(score).join(' ')}`);
  }
  lines.push(
    `  good > bad        ${judge.ranks_good_above_bad ? 'yes' : 'no'} (lowest good ${score(judge.good_min)}, highest bad ${score(judge.bad_max)})`,
  );
  if (judge.borderline_between !== null)
    lines.push(
      `  borderline        ${judge.borderline_between ? 'between bad and good' : 'outside [highest bad, lowest good]'} (reported; never decides the pass)`,
    );
  for (const problem of judge.problems) lines.push(`  problem: ${problem}`);
  return lines.join('\n');
}

export function formatJudgeTestReport(report: JudgeTestReport, about: { cases: string; count: number }): string {
  const verdict = report.passed
    ? 'judge test passed: every verdict parsed and every judge scored each good case above each bad one'
    : `judge test FAILED: ${report.judges
        .filter((judge) => !judge.passed)
        .map((judge) => judge.name)
        .join(', ')} (see problems above)`;
  return [
    `${about.count} cases from ${about.cases}; calls sent one at a time, checks left out`,
    '',
    ...report.judges.map(formatJudge),
    '',
    verdict,
  ].join('\n');
}
