/**
 * The scripted fake judge for fixtures/qa-spec.yaml (not a model). It reads the fenced response and
 * reference from the prompt: `correct` passes when the response contains the reference (a JSON
 * reference's "answer" field), `polite` fails on "[rude]". "[fail]" answers HTTP 500, "[hang]" never
 * answers, and "[gate]" waits until the test opens the gate. Expected rewards with the fixture spec
 * (length 1 under 40 words, weight 1; judge weight 3): both pass → 1, one fails → 0.625.
 */
import { readFenced } from '../../../src/judges/fence.js';
import type { FakeReply, FakeRequest } from '../../support/fake-judge-server.js';
import { criteriaVerdict } from '../../support/test-spec.js';

export function fenced(text: string, name: string): string {
  return readFenced(text, name) ?? '';
}

export interface QaJudge {
  script: (request: FakeRequest) => Promise<FakeReply>;
  /** Lets every "[gate]" request waiting so far (and later ones) answer. */
  openGate(): void;
  closeGate(): void;
}

export function qaJudge(): QaJudge {
  let release: (() => void) | undefined;
  let gate = Promise.resolve();
  const closeGate = () => {
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  return {
    openGate: () => release?.(),
    closeGate,
    script: async (request) => {
      const response = fenced(request.user, 'RESPONSE');
      if (response.includes('[hang]')) return { hang: true };
      if (response.includes('[fail]')) return { status: 500, body: { error: { message: 'scripted failure' } } };
      if (response.includes('[gate]')) await gate;
      let reference = fenced(request.user, 'REFERENCE');
      try {
        const parsed = JSON.parse(reference) as { answer?: unknown };
        if (parsed && typeof parsed.answer === 'string') reference = parsed.answer;
      } catch {
        // a text reference
      }
      const correct = reference.trim() !== '' && response.toLowerCase().includes(reference.trim().toLowerCase());
      return {
        content: criteriaVerdict({ correct, polite: !response.includes('[rude]') }),
        usage: { prompt_tokens: 100, completion_tokens: 20 },
      };
    },
  };
}
