/**
 * The fake judge's group answerer: reads the rollouts of a group judge prompt (`<<<BEGIN ROLLOUT_A …>>>` sections)
 * and answers a group verdict whose scores depend on each rollout's text (`scoreOf`), plus an optional bias by slot
 * (`slotBias`, to exercise order debiasing), a shift for the whole call (`callShift`, to exercise chunk anchoring)
 * and a wrong label set (`answerLabels`, to exercise wrong counts). Scripted, not a model.
 */
import { readFenced } from '../../src/judges/fence.js';
import { ROLLOUT_LABELS, rolloutVariable } from '../../src/judges/group-prompt.js';
import type { JudgeCaller } from '../../src/judges/judge.js';
import type { JudgeRequest } from '../../src/models/judge-model.js';
import type { FakeReply, FakeRequest } from './fake-judge-server.js';

export interface GroupScript {
  /** The score (on the judge's scale) of a rollout's text as the judge reads it. */
  scoreOf(text: string): number;
  /** Added to the score of the rollout at `slot` (0-based) of a call with `size` rollouts. */
  slotBias?: (slot: number, size: number) => number;
  /** Added to every score of a call, given the call's rollout texts in slot order. */
  callShift?: (texts: readonly string[]) => number;
  /** The labels the reply gives entries for (default: exactly the labels of the call). */
  answerLabels?: (labels: readonly string[]) => string[];
}

/** The rollouts of a group judge prompt in slot order, as the judge reads them. */
export function groupRollouts(user: string): Array<{ label: string; text: string }> {
  const rollouts: Array<{ label: string; text: string }> = [];
  for (const label of ROLLOUT_LABELS) {
    const text = readFenced(user, rolloutVariable(label));
    if (text === undefined) break;
    rollouts.push({ label, text });
  }
  return rollouts;
}

/** The fake judge's reply to a group judge request (a preflight gets `{"ok": true}`). */
export function groupJudgeReply(request: FakeRequest, script: GroupScript): FakeReply {
  if (request.preflight) return { content: '{"ok": true}' };
  const rollouts = groupRollouts(request.user);
  if (rollouts.length === 0) return { status: 400, body: { error: { message: 'fake group judge: no ROLLOUT_A section in the prompt' } } };
  const texts = rollouts.map((rollout) => rollout.text);
  const shift = script.callShift?.(texts) ?? 0;
  const labels = rollouts.map((rollout) => rollout.label);
  const answered = script.answerLabels?.(labels) ?? labels;
  const entries = answered.map((label) => {
    const slot = labels.indexOf(label);
    const text = slot < 0 ? '' : texts[slot]!;
    const score = script.scoreOf(text) + (slot < 0 ? 0 : (script.slotBias?.(slot, labels.length) ?? 0)) + shift;
    return [label, { rationale: `scripted score ${score}`, score }] as const;
  });
  return {
    content: JSON.stringify({ rollouts: Object.fromEntries(entries) }),
    usage: { prompt_tokens: 100 * labels.length, completion_tokens: 20 * answered.length },
  };
}

/** An in-process judge caller answering with the fake judge's replies, recording the requests and accepted verdicts. */
export interface RecordingCaller {
  caller: JudgeCaller;
  requests: JudgeRequest[];
  /** How many replies were accepted as verdicts (what the cache would store). */
  readonly accepted: number;
}

/**
 * A `JudgeCaller` without HTTP or scheduler, for judge-level tests: `answer` is a GroupScript (answered by
 * `groupJudgeReply`) or any fake judge script; an HTTP-status reply becomes a failed call (`server_error`).
 */
export function groupJudgeCaller(answer: GroupScript | ((request: FakeRequest) => FakeReply)): RecordingCaller {
  const requests: JudgeRequest[] = [];
  let accepted = 0;
  const reply = (request: FakeRequest): FakeReply => (typeof answer === 'function' ? answer(request) : groupJudgeReply(request, answer));
  const caller: JudgeCaller = (request) => {
    const index = requests.push(request) - 1;
    const fake: FakeRequest = {
      index,
      path: '/v1/chat/completions',
      headers: {},
      body: {},
      model: 'fake-judge',
      system: request.system,
      user: request.user,
      receivedAt: 0,
    };
    const answered = reply(fake);
    const facts = {
      source: 'model' as const,
      model: 'openai-compatible:fake-judge',
      attempts: 1,
      latencyMs: 5,
      accept: () => (accepted += 1),
    };
    if ('content' in answered) {
      const usage = { input_tokens: answered.usage?.prompt_tokens ?? 0, output_tokens: answered.usage?.completion_tokens ?? 0 };
      const finishReason = answered.finishReason === 'content_filter' ? 'content-filter' : (answered.finishReason ?? 'stop');
      return Promise.resolve({ ...facts, ok: true, usage, reply: { text: answered.content, finishReason, usage } });
    }
    const status = 'status' in answered ? answered.status : 0;
    return Promise.resolve({
      ...facts,
      ok: false,
      usage: { input_tokens: 0, output_tokens: 0 },
      error: { kind: 'server_error', message: `fake judge answered HTTP ${status}`, status },
    });
  };
  return {
    caller,
    requests,
    get accepted() {
      return accepted;
    },
  };
}
