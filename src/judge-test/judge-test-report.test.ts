import { describe, expect, it } from 'vitest';
import { judgeTestReport, latencyFigures, type CaseJudgement, type JudgedCase } from './judge-test-report.js';

const JUDGE = { name: 'quality', type: 'rubric', model: 'openai-compatible:m@http://127.0.0.1:1/v1' };

function judged(id: string, expect: JudgedCase['expect'], score: number | null, latencies: number[]): JudgedCase {
  const judgement: CaseJudgement = {
    score,
    status: score === null ? 'error' : 'scored',
    calls: latencies.map((latency, index) => ({
      label: `item ${index + 1}`,
      latency_ms: latency,
      parsed: score !== null,
      output_tokens: 10,
      ...(score === null ? { error: { kind: 'out_of_scale' as const, message: 'score 9 is outside 1–5' } } : {}),
    })),
  };
  return { id, expect, judges: { quality: judgement } };
}

describe('latencyFigures', () => {
  it('is the nearest-rank p50 (an observed latency) and the max; null without calls', () => {
    expect(latencyFigures([30, 10, 20, 40])).toEqual({ p50: 20, max: 40 });
    expect(latencyFigures([5, 1, 9])).toEqual({ p50: 5, max: 9 });
    expect(latencyFigures([7])).toEqual({ p50: 7, max: 7 });
    expect(latencyFigures([])).toBeNull();
  });
});

describe('judgeTestReport', () => {
  it('passes a judge whose every verdict parsed and whose lowest good score is above its highest bad one', () => {
    const report = judgeTestReport(
      [JUDGE],
      [
        judged('g1', 'good', 0.8, [12]),
        judged('g2', 'good', 0.9, [30]),
        judged('b1', 'bad', 0.2, [20]),
        judged('m', 'borderline', 0.95, [8]),
      ],
    );
    expect(report.passed).toBe(true);
    expect(report.judges[0]).toEqual({
      ...JUDGE,
      calls: 4,
      parsed: 4,
      failed: {},
      latency_ms: { p50: 12, max: 30 },
      scores: { good: [0.8, 0.9], bad: [0.2], borderline: [0.95] },
      good_min: 0.8,
      bad_max: 0.2,
      ranks_good_above_bad: true,
      borderline_between: false,
      passed: true,
      problems: [],
    });
  });

  it('a tie between a good and a bad case is not a ranking; a failed call is counted by kind', () => {
    const report = judgeTestReport(
      [JUDGE],
      [judged('g', 'good', 0.5, [10]), judged('b', 'bad', 0.5, [10]), judged('m', 'borderline', null, [10, 11])],
    );
    expect(report.passed).toBe(false);
    expect(report.judges[0]!.failed).toEqual({ out_of_scale: 2 });
    expect(report.judges[0]!.problems).toEqual([
      '2 of 4 verdicts did not parse or failed (2 out_of_scale)',
      'a good case scored 0.5 and a bad case 0.5: expected every good case above every bad one',
    ]);
  });

  it('a judge that sent no call for a case fails: the case does not exercise it (an empty foreach list)', () => {
    const report = judgeTestReport([JUDGE], [judged('g', 'good', 1, [10]), judged('b', 'bad', 0, [])]);
    expect(report.judges[0]!.ranks_good_above_bad).toBe(true);
    expect(report.judges[0]!.problems).toEqual([
      'sent no call for 1 of 2 cases (b): these cases do not exercise this judge (an empty foreach list, an empty response) — pass cases that fit it with --cases FILE',
    ]);
    expect(report.passed).toBe(false);
  });
});
