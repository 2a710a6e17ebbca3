/**
 * The `rewardkit compare --html` report opened in headless Chromium (the lab's pipe-driven helper): it loads without
 * a console error, an exception or a blocked request (the CSP forbids every load), embeds the JSON result, draws its
 * charts with marks in them, shows each section and the findings, sorts a table on click, and renders to a full-page
 * screenshot (written to $REWARDKIT_SCREENSHOT_DIR when set, for a person to look at). Skipped without Chromium
 * unless CI=true, like the lab's browser test.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lab/statistics/index.js';
import { Chromium, findChromium } from '../lab/support/chromium.js';
import { runCli } from '../support/run-cli.js';

const executable = findChromium();
const inCi = process.env.CI === 'true';

describe('compare report in a browser', () => {
  it.runIf(!executable && inCi)('needs Chromium in CI', () => {
    expect.fail('Chromium is not installed but CI=true: install it (apt-get install -y chromium) or set CHROMIUM_PATH');
  });
});

/** 60 prompts × 4 rollouts per side; after: higher rewards that follow length, longer answers, one prompt dropped. */
function writeFixture(dir: string): string[] {
  const random = mulberry32(11);
  const files: string[] = [];
  for (const side of ['before', 'after'] as const) {
    const inputs: string[] = [];
    const scored: string[] = [];
    let line = 0;
    for (let prompt = 0; prompt < (side === 'before' ? 60 : 59); prompt += 1) {
      for (let rollout = 0; rollout < 4; rollout += 1) {
        line += 1;
        const chars = side === 'before' ? 150 + Math.floor(random() * 150) : 200 + Math.floor(random() * 400);
        const quality = random();
        const reward = side === 'before' ? 0.5 * quality + 0.2 : Math.min(1, 0.3 * quality + 0.6 * (chars / 600) + 0.1);
        const id = `${side}-${prompt}-${rollout}`;
        inputs.push(
          JSON.stringify({ id, prompt: `Summarise clause ${prompt} <b>of</b> the contract.`, response: 'word '.repeat(chars / 5) }),
        );
        scored.push(
          JSON.stringify({
            line,
            id,
            reward,
            neutral: false,
            gated_by: null,
            flags: [],
            metrics: {},
            components: [
              { name: 'accuracy', kind: 'judge', type: 'rubric', score: quality, weight: 1, status: 'scored' },
              {
                name: 'format <json>',
                kind: 'check',
                type: 'json',
                score: side === 'after' && rollout === 0 ? 0 : 1,
                weight: 1,
                status: 'scored',
              },
            ],
          }),
        );
      }
    }
    writeFileSync(join(dir, `${side}.rollouts.jsonl`), `${inputs.join('\n')}\n`);
    writeFileSync(join(dir, `${side}.scored.jsonl`), `${scored.join('\n')}\n`);
    files.push(join(dir, `${side}.scored.jsonl`), join(dir, `${side}.rollouts.jsonl`));
  }
  return files;
}

interface ChartInfo {
  kind: string;
  width: number;
  height: number;
  marks: number;
}

describe.runIf(executable !== null)('compare report in a browser', () => {
  let browser: Chromium;
  let html: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-compare-browser-'));
    const [beforeScored, beforeInput, afterScored, afterInput] = writeFixture(dir);
    html = join(dir, 'compare.html');
    const run = await runCli(
      'compare',
      beforeScored!,
      afterScored!,
      '--before-input',
      beforeInput!,
      '--after-input',
      afterInput!,
      '--min-delta',
      '0.5',
      '--resamples',
      '1000',
      '--html',
      html,
      '--quiet',
    );
    expect(run.code, run.stderr).toBe(11);
    expect(run.stderr).toContain(`wrote ${html}`);
    browser = await Chromium.launch(executable!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads without errors, draws its charts, shows every section and renders a screenshot', async () => {
    const page = await browser.open(pathToFileURL(html).href);
    try {
      const state = await page.evaluate<{
        ready: string | null;
        version: number;
        paired: number;
        sections: string[];
        findings: string[];
        gate: string;
        components: string[];
        charts: ChartInfo[];
      }>(`(() => {
        const data = JSON.parse(document.getElementById('lab-result').textContent);
        return {
          ready: document.documentElement.getAttribute('data-report-ready'),
          version: data.rewardkit_compare,
          paired: data.prompts.paired,
          sections: Array.from(document.querySelectorAll('h2')).map((h) => h.id),
          findings: Array.from(document.querySelectorAll('.findings li')).map((li) => li.textContent),
          gate: document.querySelector('#gate + p').textContent,
          components: Array.from(document.querySelectorAll('#components ~ table tbody tr td:first-child')).map((td) => td.textContent),
          charts: Array.from(document.querySelectorAll('svg.chart')).map((svg) => {
            const box = svg.getBoundingClientRect();
            return { kind: svg.getAttribute('data-chart'), width: box.width, height: box.height,
                     marks: svg.querySelectorAll('rect.bar, circle.point, circle.estimate, path.line, text.missing').length };
          }),
        };
      })()`);
      expect(page.errors).toEqual([]);
      expect(state.ready).toBe('true');
      expect(state.version).toBe(1);
      expect(state.paired).toBe(59);
      expect(state.sections).toEqual(['reward', 'components', 'length', 'prompts', 'gate']);
      expect(state.findings[0]).toMatch(/^ok Mean reward delta \+0\.\d{4} \[95% CI \+0\.\d{4}, \+0\.\d{4}\] over 59 paired prompts; /);
      expect(state.findings.some((text) => text.startsWith('problem Reward-hacking signal'))).toBe(true);
      expect(state.findings.some((text) => text.startsWith('check 1 prompts not compared: 1 only before, 0 only after'))).toBe(true);
      expect(state.gate).toMatch(
        /^failed --min-delta 0\.5: the lower bound of the mean delta's 95% CI \(\+0\.\d{4}\) is below --min-delta 0\.5\.$/,
      );
      // a component name with markup is text, not HTML
      expect(state.components).toContain('format <json>');
      const kinds: Record<string, number> = {};
      for (const chart of state.charts) {
        kinds[chart.kind] = (kinds[chart.kind] ?? 0) + 1;
        expect(chart.width, `${chart.kind} width`).toBeGreaterThan(100);
        expect(chart.height, `${chart.kind} height`).toBeGreaterThan(100);
        expect(chart.marks, `${chart.kind} marks`).toBeGreaterThan(0);
      }
      expect(kinds).toEqual({ interval: 1, histogram: 5, line: 2 });
      const sorted = await page.evaluate<string | null>(
        `(() => { const th = document.querySelector('#components ~ table thead th:nth-child(5)'); th.click(); return th.getAttribute('data-sorted'); })()`,
      );
      expect(sorted).toBe('asc');
      const png = await page.screenshot();
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBeGreaterThan(1200);
      expect(png.readUInt32BE(20)).toBeGreaterThan(1500);
      if (process.env.REWARDKIT_SCREENSHOT_DIR) {
        mkdirSync(process.env.REWARDKIT_SCREENSHOT_DIR, { recursive: true });
        writeFileSync(join(process.env.REWARDKIT_SCREENSHOT_DIR, 'compare-report.png'), png);
      }
      expect(page.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
