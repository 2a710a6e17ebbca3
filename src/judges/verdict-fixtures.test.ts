/**
 * Real judge outputs from a public repository (test/fixtures/verdicts/README.md names repository, path, commit and
 * licence): the `rating` format reads from each reply exactly the verdict that repository's own code extracted.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractRating } from './verdict-format.js';

interface FastChatSingleJudgment {
  question_id: string;
  judge: [string, string];
  judgment: string;
  score: number;
}

const fastchat = readFileSync(new URL('../../test/fixtures/verdicts/fastchat-single-math-v1.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as FastChatSingleJudgment);

describe('FastChat MT-Bench single-answer judgments (lm-sys/FastChat @ 396a8b2, Apache-2.0)', () => {
  it('holds the four records', () => {
    expect(fastchat.map((record) => [record.question_id, record.judge[1], record.score])).toEqual([
      ['dfe95dfde6ce4b8788b97b2d6beb84af', 'single-math-v1', 7],
      ['e714da953ec44f4498f9bb9ede9eeb45', 'single-math-v1', 9],
      ['18b8de4b51a645f6a82d6ecd0422ccbb', 'single-math-v1', 9],
      ['56033d0763f24a9a86bcf70b77b1987f', 'single-math-v1', 3],
    ]);
  });

  it.each(fastchat.map((record) => [record.question_id, record] as const))('%s: the rating is FastChat’s score', (_id, record) => {
    const read = extractRating(record.judgment, undefined, [1, 10]);
    expect(read).toEqual({ ok: true, verdict: { label: String(record.score), score: (record.score - 1) / 9, value: record.score } });
  });
});
