/**
 * Stand-ins for the two models of the README's workflow walkthrough ("The RFT workflow, end to end"), on one
 * OpenAI-compatible server on 127.0.0.1 — NOT models, scripts:
 * - a scripted **policy**: asked to review one of the example's contracts (dataset.jsonl's prompt, matched exactly),
 *   it answers with one of the hand-written reviews of that contract in rollouts.jsonl. Model `base` (the model before
 *   training) draws from all of them but the empty ones; model `tuned` (the checkpoint after training) only from the
 *   reviews labelled good or mediocre in labels.jsonl. Sample k asks with seed S + k (`rollouts --seed S`) and gets
 *   review (S + k) mod count, so a run is reproducible; without a seed, the requests for a prompt take turns.
 * - the scripted **judge** (test/support/contract-review-judge.ts): any other model name. Its verdicts come from
 *   fake-verdicts.json, keyed by comment id, so it can judge every review the policy gives.
 *   npx tsx examples/contract-review/scripted-models.ts [--port 0]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { contractReviewJudge } from '../../test/support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge, type FakeReply, type FakeRequest } from '../../test/support/fake-judge-server.js';

const EXAMPLE_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The policy models the script answers as: which hand-written reviews each one draws from. */
export const SCRIPTED_POLICIES = {
  base: ['good', 'mediocre', 'bad'],
  tuned: ['good', 'mediocre'],
} as const satisfies Record<string, readonly string[]>;

interface Review {
  id: string;
  quality: string;
  text: string;
}

function readJsonl<T>(name: string): T[] {
  return readFileSync(join(EXAMPLE_DIR, name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

/** The non-empty hand-written reviews of each contract, keyed by the review prompt (the user message). */
function reviewsByPrompt(): Map<string, Review[]> {
  const quality = new Map(readJsonl<{ id: string; quality: string }>('labels.jsonl').map((label) => [label.id, label.quality]));
  const byPrompt = new Map<string, Review[]>();
  for (const row of readJsonl<{ id: string; messages: Array<{ role: string; content: string }> }>('rollouts.jsonl')) {
    const user = row.messages.find((message) => message.role === 'user')!.content;
    const text = row.messages.at(-1)!.content;
    if (text.trim() === '') continue;
    const reviews = byPrompt.get(user) ?? [];
    reviews.push({ id: row.id, quality: quality.get(row.id)!, text });
    byPrompt.set(user, reviews);
  }
  return byPrompt;
}

/** The scripted policy and judge as one script for the fake OpenAI-compatible server. */
export function scriptedModels(): (request: FakeRequest) => FakeReply {
  const reviews = reviewsByPrompt();
  const judge = contractReviewJudge();
  const turns = new Map<string, number>();
  return (request) => {
    const qualities = SCRIPTED_POLICIES[request.model as keyof typeof SCRIPTED_POLICIES] as readonly string[] | undefined;
    if (!qualities || request.preflight) return judge(request);
    const candidates = (reviews.get(request.user) ?? []).filter((review) => qualities.includes(review.quality));
    if (candidates.length === 0)
      return { status: 400, body: { error: { message: 'scripted policy: this prompt is not one of the contract-review dataset' } } };
    const turnKey = `${request.model}\n${request.user}`;
    const turn = typeof request.body.seed === 'number' ? request.body.seed : (turns.get(turnKey) ?? 0);
    turns.set(turnKey, turn + 1);
    const review = candidates[turn % candidates.length]!;
    return {
      content: review.text,
      usage: { prompt_tokens: Math.ceil(request.user.length / 4), completion_tokens: Math.ceil(review.text.length / 4) },
    };
  };
}

export function startScriptedModels(port = 0): Promise<FakeJudge> {
  return startFakeJudge(scriptedModels(), { port });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const server = await startScriptedModels(Number(values.port));
  console.log(`scripted policy (models: ${Object.keys(SCRIPTED_POLICIES).join(', ')}) and judge (any other model) listening:`);
  console.log(`export POLICY_URL=${server.url} JUDGE_URL=${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
