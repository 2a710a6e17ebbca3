/**
 * The viewer's JSON API on the contract-review example scored for real: the file's summary, filtering and sorting
 * with exact rows, refusals naming the parameter, a row's detail (the record read back by offset, the input row's
 * prompt and response, the judge prompts rendered again — equal to what the judge received), the reasons when the
 * input or spec is missing, and the side-by-side pairing, checked against `rewardkit compare` on the same files.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRewardSpec } from '../../src/open-reward.js';
import { openView } from '../../src/view/open-view.js';
import { createViewServer, MAX_PAIR_ROWS, type ViewServer } from '../../src/view/view-server.js';
import { VIEW_CSP } from '../../src/view/view-page.js';
import { runCli } from '../support/run-cli.js';
import { COPIES, writePagingFixture, type PagingFixture } from './support/paging-fixture.js';
import { DROPPED_PROMPT, ROLLOUTS, SPEC, scoredRecords, writeViewFixture, type ViewFixture } from './support/view-fixture.js';

let fixture: ViewFixture;
let server: ViewServer;

const spec = loadRewardSpec({ spec: SPEC }).spec;

beforeAll(async () => {
  fixture = await writeViewFixture();
  server = createViewServer(await openView({ scored: [fixture.scored], input: ROLLOUTS, spec }));
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const get = async (url: string, on: ViewServer = server) => {
  const reply = await on.app.inject(url);
  return { status: reply.statusCode, body: reply.json<Record<string, unknown>>() };
};

const COMPONENTS = ['format', 'no_secrets', 'excerpt_grounding', 'length', 'language', 'review_quality'];

describe('GET /api/meta and /api/rows', () => {
  it('summarises the file: rows, components in order, flags with counts', async () => {
    expect(await get('/api/meta')).toEqual({
      status: 200,
      body: {
        mode: 'single',
        sides: [
          {
            name: 'scored',
            scored: fixture.scored,
            input: ROLLOUTS,
            spec: true,
            rows: 38,
            components: COMPONENTS,
            flags: [
              { flag: 'empty_response', rows: 3 },
              { flag: 'gated', rows: 3 },
            ],
            partial_last_line: null,
          },
        ],
        pairs: null,
      },
    });
  });

  it('filters by flag', async () => {
    const empty = (n: number, id: string) => ({
      n,
      line: n + 1,
      id,
      reward: 0,
      neutral: false,
      gated_by: null,
      flags: ['empty_response'],
      components: [],
    });
    expect(await get('/api/rows?flag=empty_response')).toEqual({
      status: 200,
      body: {
        total: 38,
        matched: 3,
        offset: 0,
        rows: [empty(13, 'lease-empty'), empty(24, 'dpa-empty'), empty(37, 'joint-venture-empty')],
      },
    });
  });

  it('filters by component status: the gated rows skipped the judge', async () => {
    const { body } = await get('/api/rows?component=review_quality&status=skipped');
    const rows = body.rows as Array<{
      id: string;
      gated_by: string;
      reward: number;
      components: Array<{ name: string; score: number | null; status: string }>;
    }>;
    expect(rows.map((row) => [row.id, row.gated_by, row.reward])).toEqual([
      ['saas-malformed', 'format', 0],
      ['licensing-malformed', 'format', 0],
      ['loan-malformed', 'format', 0],
    ]);
    expect(rows[0]!.components.find((component) => component.name === 'review_quality')).toEqual({
      name: 'review_quality',
      score: null,
      status: 'skipped',
    });
  });

  it('filters by reward range and sorts by reward, ties in file order, a page at a time', async () => {
    const records = scoredRecords(fixture.scored);
    const expected = records
      .map((record, n) => ({ n, id: record.id, reward: record.reward! }))
      .filter((row) => row.reward >= 0.5 && row.reward <= 0.95)
      .sort((a, b) => b.reward - a.reward || a.n - b.n);
    expect(expected.length).toBeGreaterThan(6);
    const { body } = await get('/api/rows?min=0.5&max=0.95&sort=reward&order=desc&offset=2&limit=4');
    expect(body.matched).toBe(expected.length);
    expect((body.rows as Array<{ n: number; id: string; reward: number }>).map(({ n, id, reward }) => ({ n, id, reward }))).toEqual(
      expected.slice(2, 6),
    );
  });

  it('sorts by a component score, rows without one last whichever the order', async () => {
    const records = scoredRecords(fixture.scored);
    const scoreOf = (record: Record<string, unknown>) =>
      (record.components as Array<{ name: string; score: number | null }>).find((component) => component.name === 'review_quality')
        ?.score ?? null;
    const withScore = records.map((record, n) => ({ n, score: scoreOf(record) }));
    const scored = withScore.filter((row) => row.score !== null);
    const unscored = withScore.filter((row) => row.score === null).map((row) => row.n);
    const ascending = [...scored].sort((a, b) => a.score! - b.score! || a.n - b.n).map((row) => row.n);
    const descending = [...scored].sort((a, b) => b.score! - a.score! || a.n - b.n).map((row) => row.n);
    const order = async (direction: string) =>
      ((await get(`/api/rows?sort=component:review_quality&order=${direction}&limit=1000`)).body.rows as Array<{ n: number }>).map(
        (row) => row.n,
      );
    expect(unscored.length).toBe(6);
    expect(await order('asc')).toEqual([...ascending, ...unscored]);
    expect(await order('desc')).toEqual([...descending, ...unscored]);
  });

  it('finds rows by a part of their id, case-insensitively', async () => {
    const { body } = await get('/api/rows?id=NDA-&limit=3');
    expect((body.rows as Array<{ id: string }>).map((row) => row.id)).toEqual(['nda-good', 'nda-excerpt-ref', 'nda-vague']);
  });

  it('refuses a bad query with the parameter, the value found and what was expected', async () => {
    const names = '"format", "no_secrets", "excerpt_grounding", "length", "language", "review_quality"';
    expect(await get('/api/rows?sort=component:tone')).toEqual({
      status: 400,
      body: {
        error: { field: 'sort', message: `sort: expected line, reward or component:NAME with NAME one of ${names}, got "component:tone"` },
      },
    });
    expect(await get('/api/rows?min=high')).toEqual({
      status: 400,
      body: { error: { field: 'min', message: 'min: expected a number, got "high"' } },
    });
    expect(await get('/api/rows?status=failed')).toEqual({
      status: 400,
      body: { error: { field: 'status', message: 'status: expected one of scored, undetermined, skipped, error, got "failed"' } },
    });
    expect(await get('/api/rows?limit=5000')).toEqual({
      status: 400,
      body: { error: { field: 'limit', message: 'limit: expected a whole number from 0 to 1000, got "5000"' } },
    });
    expect(await get('/api/rows?flags=gated')).toEqual({
      status: 400,
      body: {
        error: {
          field: 'flags',
          message: 'flags: not a query parameter; expected one of sort, order, min, max, flag, id, component, status, offset, limit',
        },
      },
    });
    expect(await get('/api/rows?component=tone')).toEqual({
      status: 400,
      body: { error: { field: 'component', message: `component: expected one of ${names}, got "tone"` } },
    });
    expect(await get('/api/rows/38')).toEqual({
      status: 404,
      body: { error: { field: 'n', message: 'n: expected a whole number from 0 to 37, got "38"' } },
    });
    expect(await get('/api/pairs')).toEqual({
      status: 404,
      body: { error: { field: 'pairs', message: 'pairs: only in the side-by-side view (rewardkit view BEFORE.jsonl AFTER.jsonl)' } },
    });
  });
});

describe('GET /api/rows/:n', () => {
  it('reads the record back by offset, joins the input row and renders the judge prompts the judge received', async () => {
    const { status, body } = await get('/api/rows/0');
    expect(status).toBe(200);
    const rollout = JSON.parse(readFileSync(ROLLOUTS, 'utf8').split('\n')[0]!) as { messages: Array<{ role: string; content: string }> };
    const content = (role: string) => rollout.messages.find((message) => message.role === role)!.content;
    expect(body.record).toEqual(scoredRecords(fixture.scored)[0]);
    expect(body).toMatchObject({ side: 'scored', n: 0, line: 1, input_reason: null, prompts_reason: null, prompts_not_rendered: [] });
    expect(body.input).toMatchObject({
      line: 1,
      id: 'nda-good',
      system: content('system'),
      prompt: content('user'),
      response: content('assistant'),
    });
    const prompts = body.prompts as Array<{ judge: string; label: string; system: string; user: string }>;
    const calls = (body.record as { components: Array<{ name: string; calls?: Array<{ label: string; raw: string }> }> }).components.find(
      (component) => component.name === 'review_quality',
    )!.calls!;
    // one rendered prompt per call, with the call's label, and each is exactly a request the judge received
    expect(prompts.map((prompt) => [prompt.judge, prompt.label])).toEqual(calls.map((call) => ['review_quality', call.label]));
    expect(prompts.map((prompt) => prompt.label)).toEqual(['item 1 (nda-good-c1)', 'item 2 (nda-good-c2)', 'item 3 (nda-good-c3)']);
    for (const prompt of prompts) expect(fixture.requests).toContainEqual({ system: prompt.system, user: prompt.user });
    expect(calls.every((call) => call.raw.length > 0)).toBe(true);
  });

  it('says what is missing without the input or the spec', async () => {
    const bare = createViewServer(await openView({ scored: [fixture.scored] }));
    const inputOnly = createViewServer(await openView({ scored: [fixture.scored], input: ROLLOUTS }));
    try {
      expect((await get('/api/rows/0', bare)).body).toMatchObject({
        input: null,
        input_reason: 'score output has no prompt or response: start the viewer with --input ROLLOUTS.jsonl (the file that was scored)',
        prompts: null,
        prompts_reason: 'start the viewer with --spec SPEC (and --input) to see the rendered judge prompts',
      });
      expect((await get('/api/rows/0', inputOnly)).body).toMatchObject({
        input: { id: 'nda-good' },
        input_reason: null,
        prompts: null,
        prompts_reason: 'start the viewer with --spec SPEC to see the rendered judge prompts',
      });
    } finally {
      await bare.close();
      await inputOnly.close();
    }
  });

  it('warns when the input line has another id (the wrong file was given)', async () => {
    const wrong = join(fixture.dir, 'wrong.rollouts.jsonl');
    writeFileSync(wrong, readFileSync(ROLLOUTS, 'utf8').replace('"id":"nda-good"', '"id":"other"'));
    const view = createViewServer(await openView({ scored: [fixture.scored], input: wrong }));
    try {
      expect((await get('/api/rows/0', view)).body.input_reason).toBe(
        'input line 1 has id "other" but the scored row has id "nda-good": is it the file that was scored?',
      );
    } finally {
      await view.close();
    }
  });
});

describe('reading score output', () => {
  it('leaves out a partial last line (a file still being written) and says so', async () => {
    const growing = join(fixture.dir, 'growing.jsonl');
    copyFileSync(fixture.scored, growing);
    appendFileSync(growing, '{"line":39,"id":"cut-off","rew');
    const opened = await openView({ scored: [growing] });
    expect(opened.sides[0]!.index.rows.length).toBe(38);
    expect(opened.sides[0]!.index.partialLastLine).toBe(39);
  });

  it('refuses a file that is not score output, naming the line and the field', async () => {
    const rollouts = openView({ scored: [ROLLOUTS] });
    await expect(rollouts).rejects.toThrow(`SCORED.jsonl ${ROLLOUTS}:1: "reward": expected a number or null, got nothing`);
  });
});

describe('side by side: two scored files paired by prompt', () => {
  let view: ViewServer;
  beforeAll(async () => {
    view = createViewServer(
      await openView({
        scored: [fixture.scored, fixture.afterScored],
        beforeInput: ROLLOUTS,
        afterInput: fixture.afterRollouts,
        spec,
      }),
    );
  });
  afterAll(async () => {
    await view?.close();
  });

  it('pairs as rewardkit compare does: the same counts and the same mean delta', async () => {
    const json = join(fixture.dir, 'compare.json');
    const run = await runCli(
      'compare',
      fixture.scored,
      fixture.afterScored,
      '--before-input',
      ROLLOUTS,
      '--after-input',
      fixture.afterRollouts,
      '--json',
      json,
      '--quiet',
      '--resamples',
      '200',
    );
    expect(run.code, run.stderr).toBe(0);
    const compared = JSON.parse(readFileSync(json, 'utf8')) as { prompts: Record<string, number>; reward: { delta: { value: number } } };
    const meta = (await get('/api/meta', view)).body;
    expect(meta.mode).toBe('compare');
    expect(meta.pairs).toEqual({
      pair_by: 'prompt',
      paired: compared.prompts.paired,
      only_before: compared.prompts.only_before,
      only_after: compared.prompts.only_after,
      no_reward: compared.prompts.no_reward,
    });
    expect(meta.pairs).toEqual({ pair_by: 'prompt', paired: 11, only_before: 1, only_after: 0, no_reward: 0 });
    const pairs = (await get('/api/pairs?status=paired&limit=1000', view)).body.pairs as Array<{ delta: number }>;
    const mean = pairs.reduce((sum, pair) => sum + pair.delta, 0) / pairs.length;
    expect(mean).toBeCloseTo(compared.reward.delta.value, 9);
  });

  it('lists the prompt only before, and sorts pairs by delta', async () => {
    const { body } = await get('/api/pairs?status=only_before', view);
    expect(body).toEqual({
      total: 12,
      matched: 1,
      offset: 0,
      pairs: [
        {
          k: 11,
          id: `${DROPPED_PROMPT}-good`,
          status: 'only_before',
          before_rows: [35, 36, 37],
          after_rows: [],
          before_mean: expect.any(Number),
          after_mean: null,
          delta: null,
        },
      ],
    });
    const sorted = (await get('/api/pairs?sort=delta&order=desc', view)).body.pairs as Array<{ delta: number | null }>;
    const deltas = sorted.map((pair) => pair.delta);
    expect(deltas.at(-1)).toBeNull();
    const known = deltas.slice(0, -1) as number[];
    expect(known).toEqual([...known].sort((a, b) => b - a));
  });

  it('opens a prompt with its rows on both sides in detail', async () => {
    const { status, body } = await get('/api/pairs/0', view);
    expect(status).toBe(200);
    const pair = body.pair as { id: string; status: string; before_rows: number[]; after_rows: number[] };
    const ids = (side: unknown) => (side as Array<{ record: { id: string } }>).map((detail) => detail.record.id);
    expect(pair).toMatchObject({ id: 'nda-good', status: 'paired' });
    expect(ids(body.before)).toEqual(['nda-good', 'nda-excerpt-ref', 'nda-vague']);
    expect(ids(body.after)).toEqual(['ckpt-nda-good', 'ckpt-nda-excerpt-ref', 'ckpt-nda-vague']);
    const after = (body.after as Array<{ side: string; input: { id: string; response: string }; prompts: unknown[] }>)[0]!;
    const before = (body.before as Array<{ input: { response: string } }>)[0]!;
    expect(after.side).toBe('after');
    expect(after.input.id).toBe('ckpt-nda-good');
    expect(after.input.response).toBe(before.input.response);
    expect(after.prompts).toHaveLength(3);
  });

  it("refuses a page past a prompt's rows, or an unknown parameter", async () => {
    expect(await get('/api/pairs/0?offset=0', view)).toMatchObject({ status: 200, body: { offset: 0, rows_per_page: MAX_PAIR_ROWS } });
    expect(await get('/api/pairs/0?offset=3', view)).toEqual({
      status: 400,
      body: {
        error: { field: 'offset', message: 'offset: expected a whole number below 3 (the most rows of this prompt on a side), got "3"' },
      },
    });
    expect(await get('/api/pairs/0?offset=-1', view)).toEqual({
      status: 400,
      body: { error: { field: 'offset', message: `offset: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "-1"` } },
    });
    expect(await get('/api/pairs/0?page=2', view)).toEqual({
      status: 400,
      body: { error: { field: 'page', message: 'page: not a query parameter; expected one of offset' } },
    });
  });
});

describe('side by side: a prompt with more rows than a page', () => {
  let view: ViewServer;
  let paging: PagingFixture;
  beforeAll(async () => {
    paging = writePagingFixture(fixture);
    view = createViewServer(
      await openView({
        scored: [paging.scored, paging.afterScored],
        beforeInput: paging.rollouts,
        afterInput: paging.afterRollouts,
        spec,
      }),
    );
  });
  afterAll(async () => {
    await view?.close();
  });

  it(`opens ${MAX_PAIR_ROWS} rows a side at a time, from offset`, async () => {
    const ids = (side: unknown) => (side as Array<{ record: { id: string } }>).map((detail) => detail.record.id);
    // nda's 3 rollouts in each of the 7 copies: 21 rows a side, in file order
    const nda = Array.from({ length: COPIES }, (_, copy) => [`nda-good#${copy}`, `nda-excerpt-ref#${copy}`, `nda-vague#${copy}`]).flat();
    const first = await get('/api/pairs/0', view);
    expect(first.body).toMatchObject({ pair: { id: 'nda-good#0', status: 'paired' }, offset: 0, rows_per_page: 16 });
    expect((first.body.pair as { before_rows: number[] }).before_rows).toHaveLength(21);
    expect(ids(first.body.before)).toEqual(nda.slice(0, 16));
    expect(ids(first.body.after)).toEqual(nda.slice(0, 16));
    const second = await get('/api/pairs/0?offset=16', view);
    expect(second.body.offset).toBe(16);
    expect(ids(second.body.before)).toEqual(nda.slice(16));
    expect(ids(second.body.after)).toEqual(nda.slice(16));
    expect((await get('/api/pairs/0?offset=21', view)).status).toBe(400);
  });
});

describe('the page', () => {
  it('is served with a CSP that allows only its own origin, with its script and style', async () => {
    const page = await server.app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(VIEW_CSP);
    expect(VIEW_CSP).toContain("default-src 'none'");
    expect(page.body).toContain('<script src="/view.js" defer></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
    const script = await server.app.inject('/view.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).not.toMatch(/https?:\/\//);
    expect((await server.app.inject('/view.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('listens on 127.0.0.1 over real HTTP', async () => {
    const live = createViewServer(await openView({ scored: [fixture.scored] }));
    try {
      const url = await live.listen(0);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const reply = await fetch(`${url}api/rows?limit=1`);
      expect(await reply.json()).toMatchObject({ total: 38, matched: 38, offset: 0, rows: [{ n: 0, id: 'nda-good' }] });
    } finally {
      await live.close();
    }
  });
});
