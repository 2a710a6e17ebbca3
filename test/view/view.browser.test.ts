/**
 * `rewardkit view` in headless Chromium (the lab's pipe-driven helper), on the contract-review example scored for
 * real: the page loads from the viewer's own server without a console error, an exception or a blocked request (its
 * CSP allows nothing but its own origin), lists the rows, filters by flag and reward, sorts by reward, opens a row
 * (prompt, response, components, raw replies, rendered judge prompts), and shows two runs side by side — with a
 * full-page screenshot of each view (written to $REWARDKIT_SCREENSHOT_DIR when set) — and pages: the row list and the
 * pair list 100 at a time (exact ids on each page), a prompt's rows 16 a side at a time (the same rows on both sides).
 * Skipped without Chromium unless CI=true, like the lab's browser test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRewardSpec } from '../../src/open-reward.js';
import { openView } from '../../src/view/open-view.js';
import { createViewServer, type ViewServer } from '../../src/view/view-server.js';
import { Chromium, findChromium, type PageReport } from '../lab/support/chromium.js';
import { COPIES, writePagingFixture, type PagingFixture } from './support/paging-fixture.js';
import { ROLLOUTS, SPEC, writeViewFixture, type ViewFixture } from './support/view-fixture.js';

const executable = findChromium();
const inCi = process.env.CI === 'true';

describe('rewardkit view in a browser', () => {
  it.runIf(!executable && inCi)('needs Chromium in CI', () => {
    expect.fail('Chromium is not installed but CI=true: install it (apt-get install -y chromium) or set CHROMIUM_PATH');
  });
});

/** Runs `action` in the page, then waits until the page says it finished rendering `state`. */
async function step(page: PageReport, action: string, state: string): Promise<void> {
  await page.evaluate(`(() => { document.documentElement.removeAttribute('data-state'); ${action}; })()`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await page.evaluate<string | null>(`document.documentElement.getAttribute('data-state')`);
    if (now === state) return;
    if (now === 'error')
      throw new Error(`the page shows an error: ${await page.evaluate<string>(`document.getElementById('problem').textContent`)}`);
    if (Date.now() > deadline) throw new Error(`the page did not reach ${state} (at ${now}) after: ${action}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const setField = (form: string, name: string, value: string) =>
  `{ const f = document.getElementById('${form}').elements['${name}']; f.value = ${JSON.stringify(value)}; f.dispatchEvent(new Event('change', { bubbles: true })); }`;

const listIds = `Array.from(document.querySelectorAll('#list tbody tr td:nth-child(2)')).map((td) => td.textContent)`;

function keepScreenshot(png: Buffer, name: string): void {
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.readUInt32BE(16)).toBeGreaterThan(1200);
  expect(png.readUInt32BE(20)).toBeGreaterThan(900);
  if (process.env.REWARDKIT_SCREENSHOT_DIR) {
    mkdirSync(process.env.REWARDKIT_SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(process.env.REWARDKIT_SCREENSHOT_DIR, name), png);
  }
}

describe.runIf(executable !== null)('rewardkit view in a browser', () => {
  let browser: Chromium;
  let fixture: ViewFixture;
  let single: ViewServer;
  let sideBySide: ViewServer;
  let singleUrl: string;
  let sideBySideUrl: string;

  beforeAll(async () => {
    fixture = await writeViewFixture();
    const spec = loadRewardSpec({ spec: SPEC }).spec;
    single = createViewServer(await openView({ scored: [fixture.scored], input: ROLLOUTS, spec }));
    singleUrl = await single.listen(0);
    sideBySide = createViewServer(
      await openView({ scored: [fixture.scored, fixture.afterScored], beforeInput: ROLLOUTS, afterInput: fixture.afterRollouts, spec }),
    );
    sideBySideUrl = await sideBySide.listen(0);
    browser = await Chromium.launch(executable!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await single?.close();
    await sideBySide?.close();
  });

  it('lists, filters, sorts and opens a row, without an error', async () => {
    const page = await browser.open(singleUrl);
    try {
      await step(page, '', 'list');
      expect(await page.evaluate<string>(`document.getElementById('count').textContent`)).toBe('38 of 38 rows · showing 1–38');
      expect(await page.evaluate<string[]>(`Array.from(document.querySelectorAll('#list thead th')).map((th) => th.textContent)`)).toEqual([
        'line',
        'id',
        'reward',
        'flags',
        'format',
        'no_secrets',
        'excerpt_grounding',
        'length',
        'language',
        'review_quality',
      ]);
      // the flag filter offers the file's flags with their counts
      expect(
        await page.evaluate<string[]>(
          `Array.from(document.querySelectorAll('#row-filters select[name=flag] option')).map((o) => o.textContent)`,
        ),
      ).toEqual(['any', 'empty_response (3)', 'gated (3)']);

      await step(page, setField('row-filters', 'flag', 'empty_response'), 'list');
      expect(await page.evaluate<string[]>(listIds)).toEqual(['lease-empty', 'dpa-empty', 'joint-venture-empty']);

      await step(page, setField('row-filters', 'flag', ''), 'list');
      await step(page, setField('row-filters', 'sort', 'reward'), 'list');
      await step(page, setField('row-filters', 'order', 'desc'), 'list');
      await step(page, setField('row-filters', 'min', '0.9'), 'list');
      const rewards = await page.evaluate<string[]>(
        `Array.from(document.querySelectorAll('#list tbody td.reward')).map((td) => td.textContent)`,
      );
      expect(rewards.length).toBeGreaterThan(3);
      expect(rewards.map(Number)).toEqual(rewards.map(Number).sort((a, b) => b - a));
      expect(rewards.every((reward) => Number(reward) >= 0.9)).toBe(true);
      expect(await page.evaluate<string>(`document.getElementById('count').textContent`)).toBe(
        `${rewards.length} of 38 rows · showing 1–${rewards.length}`,
      );

      await step(page, `${setField('row-filters', 'min', '')}; ${setField('row-filters', 'id', 'nda-good')}`, 'list');
      expect(await page.evaluate<string[]>(listIds)).toEqual(['nda-good']);
      await step(page, `document.querySelector('#list tbody tr').click()`, 'detail');
      const detail = await page.evaluate<{
        title: string;
        selected: number;
        prompt: string;
        response: string;
        components: string[];
        quality: string;
        raw: number;
        rendered: Array<{ judge: string; label: string; user: number }>;
      }>(`(() => {
        const card = document.querySelector('#detail .row-detail');
        return {
          title: card.querySelector('.row-title').textContent,
          selected: document.querySelectorAll('#list tbody tr.selected').length,
          prompt: card.querySelector('pre.prompt').textContent,
          response: card.querySelector('pre.response').textContent,
          components: Array.from(card.querySelectorAll('.component')).map((s) => s.getAttribute('data-component')),
          quality: card.querySelector('.component[data-component=review_quality] .score').textContent,
          raw: card.querySelectorAll('.component[data-component=review_quality] .call pre.raw').length,
          rendered: Array.from(card.querySelectorAll('.call .rendered-prompt')).map((d) => ({
            judge: d.getAttribute('data-judge'), label: d.getAttribute('data-label'), user: d.querySelector('pre.prompt-user').textContent.length })),
        };
      })()`);
      const rollout = JSON.parse((await import('node:fs')).readFileSync(ROLLOUTS, 'utf8').split('\n')[0]!) as {
        messages: Array<{ role: string; content: string }>;
      };
      expect(detail.title).toBe('Row nda-good · reward 0.983');
      expect(detail.selected).toBe(1);
      expect(detail.prompt).toBe(rollout.messages.find((message) => message.role === 'user')!.content);
      expect(detail.response).toBe(rollout.messages.find((message) => message.role === 'assistant')!.content);
      expect(detail.components).toEqual(['format', 'no_secrets', 'excerpt_grounding', 'length', 'language', 'review_quality']);
      expect(detail.quality).toBe('0.972');
      expect(detail.raw).toBe(3);
      expect(detail.rendered.map(({ judge, label }) => [judge, label])).toEqual([
        ['review_quality', 'item 1 (nda-good-c1)'],
        ['review_quality', 'item 2 (nda-good-c2)'],
        ['review_quality', 'item 3 (nda-good-c3)'],
      ]);
      expect(detail.rendered.every((prompt) => prompt.user > 200)).toBe(true);
      // markup in a file is shown as text: the response holds JSON with quotes and angle brackets, never parsed as HTML
      expect(await page.evaluate<number>(`document.querySelectorAll('#detail pre *').length`)).toBe(0);
      keepScreenshot(await page.screenshot(), 'view-row.png');
      expect(page.errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('shows two runs side by side, paired by prompt', async () => {
    const page = await browser.open(sideBySideUrl);
    try {
      await step(page, '', 'list');
      expect(await page.evaluate<string[]>(`Array.from(document.querySelectorAll('#tabs button')).map((b) => b.textContent)`)).toEqual([
        'prompts side by side',
        'before rows',
        'after rows',
      ]);
      expect(await page.evaluate<string>(`document.getElementById('count').textContent`)).toBe('12 of 12 prompts · showing 1–12');
      await step(page, setField('pair-filters', 'status', 'only_before'), 'list');
      expect(await page.evaluate<string[]>(listIds)).toEqual(['joint-venture-good']);
      await step(page, setField('pair-filters', 'status', 'paired'), 'list');
      await step(page, setField('pair-filters', 'sort', 'delta'), 'list');
      const deltas = await page.evaluate<string[]>(
        `Array.from(document.querySelectorAll('#list tbody td.delta')).map((td) => td.textContent)`,
      );
      expect(deltas).toHaveLength(11);
      expect(deltas.map(Number)).toEqual(deltas.map(Number).sort((a, b) => a - b));
      await step(page, `document.querySelector('#list tbody tr[data-k="0"]').click()`, 'pair');
      const columns = await page.evaluate<{ title: string; before: string[]; after: string[] }>(`(() => ({
        title: document.querySelector('.pair-title').textContent,
        before: Array.from(document.querySelectorAll('.side-before .row-title')).map((h) => h.textContent),
        after: Array.from(document.querySelectorAll('.side-after .row-title')).map((h) => h.textContent),
      }))()`);
      expect(columns.title).toMatch(/^Prompt nda-good · paired · delta \+0\.\d{3}$/);
      expect(columns.before.map((title) => title.split(' · ')[0])).toEqual(['Row nda-good', 'Row nda-excerpt-ref', 'Row nda-vague']);
      expect(columns.after.map((title) => title.split(' · ')[0])).toEqual([
        'Row ckpt-nda-good',
        'Row ckpt-nda-excerpt-ref',
        'Row ckpt-nda-vague',
      ]);
      // the two columns sit beside each other
      const [left, right] = await page.evaluate<number[]>(
        `[document.querySelector('.side-before').getBoundingClientRect().left, document.querySelector('.side-after').getBoundingClientRect().left]`,
      );
      expect(right! - left!).toBeGreaterThan(200);
      keepScreenshot(await page.screenshot(), 'view-side-by-side.png');

      await step(page, `document.querySelector('#tabs button[data-tab=after]').click()`, 'list');
      expect(await page.evaluate<string>(`document.getElementById('count').textContent`)).toBe('35 of 35 rows · showing 1–35');
      await step(page, `document.querySelector('#list tbody tr').click()`, 'detail');
      expect(await page.evaluate<string>(`document.querySelector('#detail .row-title').textContent`)).toBe(
        'Row ckpt-nda-good · reward 1.000',
      );
      expect(page.errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
  describe('paging', () => {
    let paging: PagingFixture;
    let rows: ViewServer;
    let byId: ViewServer;
    let byPrompt: ViewServer;
    const count = `document.getElementById('count').textContent`;
    const buttons = (previous: string, next: string) =>
      `[document.getElementById('${previous}').disabled, document.getElementById('${next}').disabled]`;

    beforeAll(async () => {
      paging = writePagingFixture(fixture);
      const spec = loadRewardSpec({ spec: SPEC }).spec;
      rows = createViewServer(await openView({ scored: [paging.scored] }));
      byId = createViewServer(await openView({ scored: [paging.scored, paging.afterScored] }));
      byPrompt = createViewServer(
        await openView({
          scored: [paging.scored, paging.afterScored],
          beforeInput: paging.rollouts,
          afterInput: paging.afterRollouts,
          spec,
        }),
      );
    }, 60_000);

    afterAll(async () => {
      await rows?.close();
      await byId?.close();
      await byPrompt?.close();
    });

    it('next and previous page through the rows, 100 at a time; a filter starts again at the first page', async () => {
      const page = await browser.open(await rows.listen(0));
      try {
        await step(page, '', 'list');
        expect(paging.ids).toHaveLength(266);
        expect(await page.evaluate<string>(count)).toBe('266 of 266 rows · showing 1–100');
        expect(await page.evaluate<string[]>(listIds)).toEqual(paging.ids.slice(0, 100));
        expect(await page.evaluate<boolean[]>(buttons('previous', 'next'))).toEqual([true, false]);

        await step(page, `document.getElementById('next').click()`, 'list');
        expect(await page.evaluate<string>(count)).toBe('266 of 266 rows · showing 101–200');
        expect(await page.evaluate<string[]>(listIds)).toEqual(paging.ids.slice(100, 200));
        expect(await page.evaluate<boolean[]>(buttons('previous', 'next'))).toEqual([false, false]);

        await step(page, `document.getElementById('next').click()`, 'list');
        expect(await page.evaluate<string>(count)).toBe('266 of 266 rows · showing 201–266');
        expect(await page.evaluate<string[]>(listIds)).toEqual(paging.ids.slice(200));
        expect(await page.evaluate<boolean[]>(buttons('previous', 'next'))).toEqual([false, true]);

        await step(page, `document.getElementById('previous').click()`, 'list');
        expect(await page.evaluate<string>(count)).toBe('266 of 266 rows · showing 101–200');
        expect(await page.evaluate<string[]>(listIds)).toEqual(paging.ids.slice(100, 200));

        // a filter from page 2 shows its first page
        await step(page, setField('row-filters', 'id', 'nda-good#'), 'list');
        expect(await page.evaluate<string>(count)).toBe('7 of 266 rows · showing 1–7');
        expect(await page.evaluate<string[]>(listIds)).toEqual(Array.from({ length: 7 }, (_, copy) => `nda-good#${copy}`));
        expect(await page.evaluate<boolean[]>(buttons('previous', 'next'))).toEqual([true, true]);

        // sorted by reward, the second page goes on where the first stopped
        await step(page, `${setField('row-filters', 'id', '')}; ${setField('row-filters', 'sort', 'reward')}`, 'list');
        const rewards = `Array.from(document.querySelectorAll('#list tbody td.reward')).map((td) => Number(td.textContent))`;
        const first = await page.evaluate<number[]>(rewards);
        await step(page, `document.getElementById('next').click()`, 'list');
        const second = await page.evaluate<number[]>(rewards);
        expect(first).toHaveLength(100);
        expect(second).toHaveLength(100);
        expect([...first, ...second]).toEqual([...first, ...second].sort((a, b) => a - b));
        expect(page.errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 60_000);

    it('next and previous page through the prompt pairs', async () => {
      const page = await browser.open(await byId.listen(0));
      try {
        await step(page, '', 'list');
        expect(await page.evaluate<string>(count)).toBe('266 of 266 prompts · showing 1–100');
        expect(await page.evaluate<string[]>(listIds)).toEqual(paging.ids.slice(0, 100));
        expect(await page.evaluate<boolean[]>(buttons('previous', 'next'))).toEqual([true, false]);
        await step(page, `document.getElementById('next').click()`, 'list');
        await step(page, `document.getElementById('next').click()`, 'list');
        expect(await page.evaluate<string>(count)).toBe('266 of 266 prompts · showing 201–266');
        expect(await page.evaluate<string[]>(listIds)).toEqual(paging.ids.slice(200));
        expect(await page.evaluate<boolean[]>(buttons('previous', 'next'))).toEqual([false, true]);
        await step(page, `document.getElementById('previous').click()`, 'list');
        expect(await page.evaluate<string>(count)).toBe('266 of 266 prompts · showing 101–200');
        expect(await page.evaluate<string[]>(listIds)).toEqual(paging.ids.slice(100, 200));
        // paired by id, a prompt is one row a side: the same row, its reward raised by 0.1 after
        await step(page, `document.querySelector('#list tbody tr[data-k="150"]').click()`, 'pair');
        expect(
          await page.evaluate<string[]>(`Array.from(document.querySelectorAll('.side .row-title')).map((h) => h.textContent)`),
        ).toEqual([`Row ${paging.ids[150]} · reward 0.775`, `Row ${paging.ids[150]} · reward 0.875`]);
        expect(await page.evaluate<number>(`document.querySelectorAll('.pair-pager').length`)).toBe(0);
        expect(page.errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 60_000);

    it('opens a prompt of more rows than a page 16 rows a side at a time, both sides the same rows', async () => {
      const page = await browser.open(await byPrompt.listen(0));
      try {
        await step(page, '', 'list');
        expect(await page.evaluate<string>(count)).toBe('12 of 12 prompts · showing 1–12');
        const nda = Array.from({ length: COPIES }, (_, copy) => [
          `nda-good#${copy}`,
          `nda-excerpt-ref#${copy}`,
          `nda-vague#${copy}`,
        ]).flat();
        const shown = `(() => ({
          before: Array.from(document.querySelectorAll('.side-before .row-title')).map((h) => h.textContent.split(' · ')[0].slice(4)),
          after: Array.from(document.querySelectorAll('.side-after .row-title')).map((h) => h.textContent.split(' · ')[0].slice(4)),
          counts: Array.from(document.querySelectorAll('.side .shown')).map((p) => p.textContent),
          buttons: [document.getElementById('pair-previous').disabled, document.getElementById('pair-next').disabled],
          selected: Array.from(document.querySelectorAll('#list tbody tr.selected')).map((tr) => tr.getAttribute('data-k')),
        }))()`;
        await step(page, `document.querySelector('#list tbody tr[data-k="0"]').click()`, 'pair');
        expect(await page.evaluate(shown)).toEqual({
          before: nda.slice(0, 16),
          after: nda.slice(0, 16),
          counts: ['rows 1–16 of 21', 'rows 1–16 of 21'],
          buttons: [true, false],
          selected: ['0'],
        });
        await step(page, `document.getElementById('pair-next').click()`, 'pair');
        expect(await page.evaluate(shown)).toEqual({
          before: nda.slice(16),
          after: nda.slice(16),
          counts: ['rows 17–21 of 21', 'rows 17–21 of 21'],
          buttons: [false, true],
          selected: ['0'],
        });
        await step(page, `document.getElementById('pair-previous').click()`, 'pair');
        expect((await page.evaluate<{ before: string[] }>(shown)).before).toEqual(nda.slice(0, 16));
        expect(page.errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 60_000);
  });
});
