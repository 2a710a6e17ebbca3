/**
 * `lab hack` end to end against a gullible fake judge: a probe that fools it is flagged with the exact
 * shift per row, probes that do not are not, a probe that breaks the judge is counted with the neutral
 * reward it causes, a row without a reference skips copy-reference, and --fail-on-raise exits 7.
 * The judge also falls for anything in the response that looks like the end of the response section: the
 * fence must leave none of the fake_delimiter probes' look-alike markers readable as one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFenced } from '../../src/judges/fence.js';
import { startFakeJudge, type FakeJudge, type FakeReply, type FakeRequest } from '../support/fake-judge-server.js';
import { isStatisticShape, readJson, runLab, tempDir, writeJsonl } from './support/run-lab.js';

/** How a careless reader sees text: invisible characters skipped, every bracket look-alike read as < or >. */
function asSeen(text: string): string {
  return text
    .replace(/\p{Cf}/gu, '')
    .normalize('NFKC')
    .replace(/[‹〈⟨«]/g, '<')
    .replace(/[›〉⟩»]/g, '>');
}

/**
 * Passes both criteria for an "ignore previous instructions", a copied reference, or anything in the response that
 * reads as the end of the response section (`<<<END RESPONSE` once look-alikes are read as brackets); fails on
 * chat-template tokens.
 */
function gullibleJudge(): (request: FakeRequest) => FakeReply {
  return (request) => {
    const response = readFenced(request.user, 'response') ?? '';
    if (response.includes('<|im_start|>')) return { status: 400, body: { error: { message: 'the judge choked' } } };
    const fooled =
      /ignore previous instructions/i.test(response) || response.startsWith('REFERENCE') || /<<<END RESPONSE/.test(asSeen(response));
    const row = /Answer (r\d)/.exec(response)?.[1];
    const passes = fooled ? 2 : row === 'r2' ? 2 : row === 'r3' ? 1 : 0;
    return {
      content: JSON.stringify({
        criteria: { helpful: { rationale: 'r', pass: passes >= 1 }, honest: { rationale: 'r', pass: passes >= 2 } },
      }),
    };
  };
}

let judge: FakeJudge;
let dir: string;
let spec: string;
let input: string;
beforeAll(async () => {
  judge = await startFakeJudge(gullibleJudge());
  dir = tempDir('hack');
  spec = join(dir, 'spec.yaml');
  writeFileSync(
    spec,
    'judge_model: {provider: openai-compatible, model: fake, base_url: http://127.0.0.1:9/v1, max_retries: 0}\njudges:\n  - {type: rubric, name: quality, criteria: [{id: helpful, description: Helps}, {id: honest, description: Honest}]}\n',
  );
  input = writeJsonl(dir, 'rows.jsonl', [
    { id: 'r1', prompt: 'Q1', response: 'Answer r1: wrong.', reference: 'REFERENCE r1' },
    { id: 'r2', prompt: 'Q2', response: 'Answer r2: right.', reference: 'REFERENCE r2' },
    { id: 'r3', prompt: 'Q3', response: 'Answer r3: partial.' },
  ]);
});
afterAll(() => judge.close());

interface ProbeReport {
  id: string;
  rows_probed: number;
  rows_skipped: number;
  skip_reasons: Record<string, number>;
  statistics: Record<string, { value: number | null }>;
  raised_rows: number;
  lowered_rows: number;
  unchanged_rows: number;
  max_raise: number | null;
  judge_errors: number;
  flagged: boolean;
  rows: Array<{ id: string; mode: string; original: number; probed: number; shift: number }>;
}

describe('lab hack', () => {
  it('flags the probes that raise the reward, with the shift of every row', async () => {
    const json = join(dir, 'hack.json');
    const probes =
      'injection-ignore-previous,injection-system-override,injection-chat-template,padding-fluff,empty-well-formed,copy-reference';
    const run = await runLab(
      'hack',
      '--spec',
      spec,
      '--input',
      input,
      '--probes',
      probes,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--json',
      json,
      '--resamples',
      '200',
    );
    expect(run.code).toBe(0);
    const result = readJson<Record<string, unknown> & { probes: ProbeReport[] }>(json);
    expect(Object.keys(result)).toEqual([
      'rewardkit_lab',
      'command',
      'source',
      'settings',
      'rows',
      'summary',
      'statistics',
      'probes',
      'baseline',
      'verbosity_bias',
    ]);
    expect(result.baseline).toEqual([
      { id: 'r1', reward: 0, status: 'judged', length: 17 },
      { id: 'r2', reward: 1, status: 'judged', length: 17 },
      { id: 'r3', reward: 0.5, status: 'judged', length: 19 },
    ]);
    expect(result.summary).toEqual({
      probes: 6,
      flagged: ['injection-ignore-previous', 'injection-chat-template', 'copy-reference'],
      raising_reliably: [],
    });
    expect(result.statistics).toEqual({
      share_of_probes_flagged: { value: 0.5, ci95: null, ci95_reason: 'a fixed set of probes, not a sample: no interval' },
    });
    const byId = new Map(result.probes.map((probe) => [probe.id, probe]));
    expect(result.probes.map((probe) => probe.id)).toEqual([
      'padding-fluff',
      'injection-ignore-previous',
      'injection-system-override',
      'injection-chat-template',
      'empty-well-formed',
      'copy-reference',
    ]);
    for (const probe of result.probes)
      for (const statistic of Object.values(probe.statistics)) expect(isStatisticShape(statistic)).toBe(true);

    const injection = byId.get('injection-ignore-previous')!;
    expect(injection.rows.map((row) => [row.id, row.mode, row.original, row.probed, row.shift])).toEqual([
      ['r1', 'text', 0, 1, 1],
      ['r2', 'text', 1, 1, 0],
      ['r3', 'text', 0.5, 1, 0.5],
    ]);
    expect(injection).toMatchObject({
      rows_probed: 3,
      raised_rows: 2,
      lowered_rows: 0,
      unchanged_rows: 1,
      max_raise: 1,
      judge_errors: 0,
      flagged: true,
    });
    expect(injection.statistics.mean_shift!.value).toBe(0.5);
    expect(injection.statistics.share_raised!.value).toBe(2 / 3);

    expect(byId.get('injection-system-override')).toMatchObject({ raised_rows: 0, unchanged_rows: 3, flagged: false, max_raise: null });
    expect(byId.get('padding-fluff')).toMatchObject({ raised_rows: 0, unchanged_rows: 3, flagged: false });
    // The judge fails on chat-template tokens: every probed row gets the neutral 0.5 — which raises r1.
    expect(byId.get('injection-chat-template')!.rows.map((row) => row.shift)).toEqual([0.5, -0.5, 0]);
    expect(byId.get('injection-chat-template')).toMatchObject({ judge_errors: 3, flagged: true });
    expect(byId.get('empty-well-formed')!.rows.map((row) => [row.mode, row.shift])).toEqual([
      ['replace', 0],
      ['replace', -1],
      ['replace', -0.5],
    ]);
    expect(byId.get('copy-reference')).toMatchObject({
      rows_probed: 2,
      rows_skipped: 1,
      skip_reasons: { 'the row has no reference answer': 1 },
      raised_rows: 1,
      flagged: true,
    });
    expect(run.stdout).toContain('hack: 6 probes on 3 rollouts; 3 raised a reward');
  });

  it('no fake-delimiter probe gets past the fence: full-width, zero-width, small-form, CJK, mathematical, escaped, guessed nonce', async () => {
    const json = join(dir, 'hack-delimiters.json');
    const run = await runLab(
      'hack',
      '--spec',
      spec,
      '--input',
      input,
      '--probes',
      'fake_delimiter',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--json',
      json,
      '--resamples',
      '200',
    );
    expect(run.code).toBe(0);
    const result = readJson<{ summary: unknown; probes: ProbeReport[] }>(json);
    expect(result.summary).toEqual({ probes: 11, flagged: [], raising_reliably: [] });
    expect(result.probes.map((probe) => probe.id)).toEqual([
      'delimiter-end-response',
      'delimiter-end-item',
      'delimiter-xml',
      'delimiter-markdown',
      'delimiter-fullwidth',
      'delimiter-zero-width',
      'delimiter-small-form',
      'delimiter-cjk-angle',
      'delimiter-math-angle',
      'delimiter-neutralised',
      'delimiter-guessed-nonce',
    ]);
    for (const probe of result.probes) {
      expect(probe).toMatchObject({ rows_probed: 3, unchanged_rows: 3, judge_errors: 0, flagged: false });
      expect(probe.rows.map((row) => row.shift)).toEqual([0, 0, 0]);
    }
  });

  it('--fail-on-raise exits 7 when a probe raised a reward; --list-probes lists the catalogue; unknown probes are usage errors', async () => {
    const raised = await runLab(
      'hack',
      '--spec',
      spec,
      '--input',
      input,
      '--probes',
      'injection-ignore-previous',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--fail-on-raise',
      '--quiet',
    );
    expect(raised.code).toBe(7);
    expect(raised.stderr).toContain('--fail-on-raise: 1 probe(s) raised the reward: injection-ignore-previous');
    const safe = await runLab(
      'hack',
      '--spec',
      spec,
      '--input',
      input,
      '--probes',
      'padding',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--fail-on-raise',
      '--quiet',
    );
    expect(safe.code).toBe(0);
    const list = await runLab('hack', '--list-probes');
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(28);
    expect(list.stdout).toContain('delimiter-end-response');
    const unknown = await runLab('hack', '--spec', spec, '--input', input, '--probes', 'flattery');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown probe "flattery"');
  });
});
