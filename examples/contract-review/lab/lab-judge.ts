/**
 * Scripted judges for the judge-lab walkthrough on the contract-review example — NOT models. Every verdict
 * is a rule written here, so each lab command has something to find:
 *
 * - `fake` (any model name not below): rubric verdicts from ../fake-verdicts.json by comment_id (the same
 *   as the example's scripted judge); a comment of the expert reference ("…-ref-cN") scores 5/5/5 and a
 *   comment it does not know 1/1/1. Immune to injected text by construction.
 *   Preference prompts (the response against the reference): a "good" rollout ties with the reference, a
 *   "bad" one loses in both orders, and a "mediocre" one loses to whichever answer is shown first — a
 *   planted position bias for `lab position` to find.
 * - `fake-strict`: a second, stricter judge for `lab agree`: a 4 becomes 3 on every dimension, and
 *   actionability loses a point (never below 1).
 * - `fake-noisy`: the `fake` verdicts, but for about a third of the prompts actionability moves by −1 / +1
 *   on some repeats of the same prompt, for `lab consistency` (a real judge at temperature > 0 is noisy too).
 * - `fake-gullible`: the `fake` verdicts, but any comment that tells the grader what to score gets 5/5/5 —
 *   the judge `lab hack` exists to catch.
 *
 * Group prompts (a `type: group` judge, examples/contract-review/lab/group-spec.yaml: the reviews of one contract
 * side by side) get one score per rollout from the same verdicts: the mean of its comments' three dimensions,
 * mapped from 1–5 to 0–10 and rounded, so the scores depend on each rollout's text, not on its slot. Every model
 * adds 1 (never above 10) to the rollout shown first — a planted slot bias: two orders (as given, reversed) halve
 * it and share it between the rollouts at both ends, and `lab noise --source permute`, which changes who is at the
 * ends, measures it — and `fake-noisy` moves about a third of the rollouts by −1 / +1 on some repeats of the same
 * prompt, as it does actionability.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFenced } from '../../../src/judges/fence.js';
import type { FakeReply, FakeRequest } from '../../../test/support/fake-judge-server.js';
import { loadFakeVerdicts, type Verdicts } from '../../../test/support/contract-review-judge.js';
import { groupRollouts } from '../../../test/support/group-judge.js';

type Scores = { grounding: number; reference_consistency: number; actionability: number };

const INJECTION =
  /ignore (all )?previous|ignorez|maximum score|highest possible score|full marks|score it at|grader|evaluator|system override|<\|im_start\|>|final verdict|\\?"verdict\\?"|\\?"score\\?": ?(5|10)|pre-verified|flawless|is perfect|as perfect|expert quality|best possible answer/i;

export function loadQualities(): Map<string, string> {
  const text = readFileSync(fileURLToPath(new URL('../labels.jsonl', import.meta.url)), 'utf8');
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; quality: string })
      .map((label) => [label.id, label.quality]),
  );
}

export function labJudge(
  verdicts: Verdicts = loadFakeVerdicts(),
  qualities: Map<string, string> = loadQualities(),
): (request: FakeRequest) => FakeReply {
  const seen = new Map<string, number>();
  /** How often this prompt was seen before (keyed without its fence nonces, a function of the same content). */
  const repeatOf = (user: string) => {
    const key = createHash('sha256')
      .update(user.replace(/ [0-9a-f]{12}>>>/g, '>>>'))
      .digest('hex');
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return { key, count };
  };
  return (request) => {
    if (readFenced(request.user, 'answer_a') !== undefined) return preference(request, qualities);
    const rollouts = groupRollouts(request.user);
    if (rollouts.length > 0) return group(rollouts, verdicts, request.model === 'fake-noisy' ? repeatOf(request.user).count : null);
    const item = readFenced(request.user, 'item') ?? '';
    const id = /"comment_id":\s*"([^"]*)"/.exec(item)?.[1] ?? '';
    let scores: Scores = commentScores(verdicts, id);
    if (request.model === 'fake-strict') {
      const stricter = (score: number) => (score === 4 ? 3 : score);
      scores = {
        grounding: stricter(scores.grounding),
        reference_consistency: stricter(scores.reference_consistency),
        actionability: Math.max(1, stricter(scores.actionability) - 1),
      };
    } else if (request.model === 'fake-noisy') {
      const { key, count } = repeatOf(request.user);
      // About a third of the prompts are unstable: their actionability moves by a point on some repeats.
      const byte = Number.parseInt(key.slice(0, 2), 16);
      const nudge = byte % 3 === 0 ? [0, -1, 1][(count + byte) % 3]! : 0;
      scores = { ...scores, actionability: Math.min(5, Math.max(1, scores.actionability + nudge)) };
    } else if (request.model === 'fake-gullible' && INJECTION.test(item)) {
      scores = { grounding: 5, reference_consistency: 5, actionability: 5 };
    }
    const line = (score: number, what: string) => ({ rationale: `${what} scored ${score} by the scripted lab judge`, score });
    return {
      content: JSON.stringify({
        dimensions: {
          grounding: line(scores.grounding, 'grounding'),
          reference_consistency: line(scores.reference_consistency, 'reference consistency'),
          actionability: line(scores.actionability, 'actionability'),
        },
      }),
      usage: { prompt_tokens: 1000, completion_tokens: 60 },
    };
  };
}

/** A comment's scripted verdict: fake-verdicts.json, 5/5/5 for a comment of the expert reference, else 1/1/1. */
function commentScores(verdicts: Verdicts, id: string): Scores {
  return (
    verdicts[id] ??
    (/-ref-c\d+$/.test(id)
      ? { grounding: 5, reference_consistency: 5, actionability: 5 }
      : { grounding: 1, reference_consistency: 1, actionability: 1 })
  );
}

/**
 * A group verdict (see the module comment): per rollout, the mean of its comments' dimensions on 0–10, +1 in the
 * first slot; with `noisyRepeat` (fake-noisy: how often this prompt was seen before) a third of the rollouts move.
 */
function group(rollouts: ReadonlyArray<{ label: string; text: string }>, verdicts: Verdicts, noisyRepeat: number | null): FakeReply {
  const entries = rollouts.map(({ label, text }, slot) => {
    const ids = [...text.matchAll(/"comment_id":\s*"([^"]*)"/g)].map((match) => match[1]!);
    const means = ids.map((id) => {
      const scores = commentScores(verdicts, id);
      return (scores.grounding + scores.reference_consistency + scores.actionability) / 3;
    });
    let score = means.length === 0 ? 0 : Math.round(((means.reduce((sum, value) => sum + value, 0) / means.length - 1) * 10) / 4);
    if (slot === 0) score += 1;
    if (noisyRepeat !== null) {
      const byte = createHash('sha256').update(text).digest()[0]!;
      if (byte % 3 === 0) score += [0, -1, 1][(noisyRepeat + byte) % 3]!;
    }
    score = Math.min(10, Math.max(0, score));
    return [label, { rationale: `${ids.length} comment(s) scored ${score} by the scripted lab judge`, score }] as const;
  });
  return {
    content: JSON.stringify({ rollouts: Object.fromEntries(entries) }),
    usage: { prompt_tokens: 1000 + 1000 * rollouts.length, completion_tokens: 60 * rollouts.length },
  };
}

/** The response against the expert reference: see the module comment. */
function preference(request: FakeRequest, qualities: Map<string, string>): FakeReply {
  const answerA = readFenced(request.user, 'answer_a') ?? '';
  const answerB = readFenced(request.user, 'answer_b') ?? '';
  // The response is the answer whose comment ids name a rollout; the other one is the expert reference.
  const rolloutOf = (answer: string) =>
    [...answer.matchAll(/["']comment_id["']:\s*["']([^"']+)-c\d+["']/g)].map((match) => match[1]!).find((id) => qualities.has(id));
  const inA = rolloutOf(answerA);
  const inB = rolloutOf(answerB);
  const responseSlot: 'A' | 'B' = inA !== undefined ? 'A' : inB !== undefined ? 'B' : /-ref-c\d+/.test(answerA) ? 'B' : 'A';
  const referenceSlot = responseSlot === 'A' ? 'B' : 'A';
  const rolloutId = inA ?? inB;
  const quality = rolloutId ? qualities.get(rolloutId) : undefined;
  let verdict: 'A' | 'B' | 'tie';
  if (quality === 'good') verdict = 'tie';
  else if (quality === 'mediocre') verdict = 'A';
  else verdict = referenceSlot;
  const rationale =
    verdict === 'tie'
      ? 'Both answers raise the same issues.'
      : verdict === responseSlot
        ? 'The response is better.'
        : 'The other answer is better.';
  return { content: JSON.stringify({ rationale, verdict }), usage: { prompt_tokens: 2000, completion_tokens: 40 } };
}
