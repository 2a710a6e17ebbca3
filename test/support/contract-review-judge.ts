/**
 * A scripted judge for the contract-review example: it finds the comment_id of the comment being judged
 * in the prompt and answers with the verdict recorded for it in examples/contract-review/fake-verdicts.json.
 * No model is involved; this only exercises the real client, parsing and composition code end to end.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFenced } from '../../src/judges/fence.js';
import type { FakeReply, FakeRequest } from './fake-judge-server.js';

export type Verdicts = Record<string, { grounding: number; reference_consistency: number; actionability: number }>;

export function loadFakeVerdicts(): Verdicts {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL('../../examples/contract-review/fake-verdicts.json', import.meta.url)), 'utf8'),
  ) as Verdicts;
}

export function contractReviewJudge(verdicts: Verdicts = loadFakeVerdicts()): (request: FakeRequest) => FakeReply {
  return (request) => {
    if (request.preflight) return { content: '{"ok": true}' }; // rewardkit's one check per judge before a run
    const item = readFenced(request.user, 'item') ?? '';
    const match = /"comment_id":\s*"([^"]+)"/.exec(item);
    const verdict = match ? verdicts[match[1]!] : undefined;
    if (!verdict)
      return { status: 400, body: { error: { message: `fake judge: no scripted verdict for comment ${match?.[1] ?? '(none found)'}` } } };
    const line = (score: number, what: string) => ({ rationale: `${what} scored ${score} by the scripted fake judge`, score });
    return {
      content: JSON.stringify({
        dimensions: {
          grounding: line(verdict.grounding, 'grounding'),
          reference_consistency: line(verdict.reference_consistency, 'reference consistency'),
          actionability: line(verdict.actionability, 'actionability'),
        },
      }),
      usage: { prompt_tokens: 1000, completion_tokens: 60 },
    };
  };
}
