/**
 * Every lab report opened in headless Chromium: it must load without a console error, an uncaught
 * exception or a blocked request (the page's CSP forbids loading anything), run its script, and draw its
 * charts — each SVG chart present with a non-zero size and marks in it. The reports come from real runs
 * of the seven commands on the contract-review example against the scripted lab judges, plus an external
 * verdict file. Skipped with a message when Chromium is absent — except in CI (CI=true), where that fails.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labJudge } from '../../examples/contract-review/lab/lab-judge.js';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { Chromium, findChromium } from './support/chromium.js';
import { runLab, tempDir, writeJsonl } from './support/run-lab.js';

const executable = findChromium();
const inCi = process.env.CI === 'true';

if (!executable && !inCi) {
  console.warn(
    'lab report browser test skipped: Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH); in CI (CI=true) this fails instead.',
  );
}

describe('lab reports in a browser', () => {
  it.runIf(!executable && inCi)('needs Chromium in CI', () => {
    expect.fail('Chromium is not installed but CI=true: install it (apt-get install -y chromium) or set CHROMIUM_PATH');
  });
});

const EXAMPLE = ['--input', 'examples/contract-review/rollouts.jsonl'];
const SPEC = ['--spec', 'examples/contract-review/spec.yaml'];

/** Each report, the command that makes it, and the chart kinds it must draw (at least these many). */
const REPORTS: Array<{ name: string; args: (url: string) => string[]; charts: Record<string, number> }> = [
  {
    name: 'consistency',
    args: (url) => [
      'consistency',
      ...SPEC,
      ...EXAMPLE,
      '--limit',
      '12',
      '--repeats',
      '3',
      '--judge',
      'openai-compatible:fake-noisy',
      '--judge-base-url',
      url,
    ],
    charts: { interval: 2, histogram: 2, scatter: 1 },
  },
  {
    name: 'position',
    args: (url) => [
      'position',
      '--spec',
      'examples/contract-review/lab/preference-spec.yaml',
      ...EXAMPLE,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      url,
    ],
    charts: { matrix: 2, histogram: 1, scatter: 1 },
  },
  {
    name: 'agree',
    args: (url) => [
      'agree',
      ...SPEC,
      ...EXAMPLE,
      '--limit',
      '16',
      '--judge',
      'openai-compatible:fake',
      '--judge',
      'openai-compatible:fake-strict',
      '--judge-base-url',
      url,
    ],
    charts: { interval: 1, scatter: 2, histogram: 2 },
  },
  {
    name: 'calibrate',
    args: (url) => [
      'calibrate',
      ...SPEC,
      ...EXAMPLE,
      '--labels',
      'examples/contract-review/lab/human-labels.jsonl',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      url,
    ],
    charts: { matrix: 1, scatter: 2, line: 1, histogram: 2, interval: 1 },
  },
  {
    name: 'regress',
    args: (url) => [
      'regress',
      '--suite',
      'examples/contract-review/judge-suite.yaml',
      '--judge',
      'openai-compatible:fake-strict',
      '--judge-base-url',
      url,
    ],
    charts: { interval: 1, histogram: 1, scatter: 1 },
  },
  {
    name: 'hack',
    args: (url) => [
      'hack',
      ...SPEC,
      ...EXAMPLE,
      '--limit',
      '4',
      '--probes',
      'padding,injection,copy_reference',
      '--judge',
      'openai-compatible:fake-gullible',
      '--judge-base-url',
      url,
    ],
    charts: { interval: 1, histogram: 1, scatter: 1 },
  },
  {
    name: 'noise',
    args: (url) => [
      'noise',
      '--spec',
      'examples/contract-review/lab/group-spec.yaml',
      ...EXAMPLE,
      '--repeats',
      '3',
      '--source',
      'permute',
      '--judge',
      'openai-compatible:fake-noisy',
      '--judge-base-url',
      url,
    ],
    charts: { histogram: 1, scatter: 2, interval: 2 },
  },
  {
    name: 'agree-external',
    args: () => ['agree', '--input', 'EXTERNAL', '--raters', 'gpt,claude,human'],
    charts: { interval: 2, histogram: 3 },
  },
];

interface ChartInfo {
  kind: string;
  width: number;
  height: number;
  marks: number;
}

describe.runIf(executable !== null)('lab reports in a browser', () => {
  let judge: FakeJudge;
  let browser: Chromium;
  let dir: string;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    judge = await startFakeJudge(labJudge());
    dir = tempDir('browser');
    const external = writeJsonl(
      dir,
      'verdicts.jsonl',
      Array.from({ length: 20 }, (_unused, i) => ({
        id: `q${i}`,
        gpt: (i % 5) + 1,
        claude: ((i * 3) % 5) + 1,
        human: i % 7 === 0 ? null : (i % 5) + 1,
      })),
    );
    const runs = await Promise.all(
      REPORTS.map(async (report) => {
        const html = join(dir, `${report.name}.html`);
        const args = report.args(judge.url).map((arg) => (arg === 'EXTERNAL' ? external : arg));
        const run = await runLab(...args, '--no-preflight', '--no-cache', '--resamples', '100', '--html', html, '--quiet');
        return { name: report.name, html, run };
      }),
    );
    for (const { name, html, run } of runs) {
      expect(run.stderr, `${name}: ${run.stderr}`).toContain(`wrote ${html}`);
      pages.set(name, html);
    }
    browser = await Chromium.launch(executable!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await judge?.close();
  });

  for (const report of REPORTS) {
    it(`${report.name}: loads without errors and draws its charts`, async () => {
      const page = await browser.open(pathToFileURL(pages.get(report.name)!).href);
      try {
        const state = await page.evaluate<{ ready: string | null; command: string; charts: ChartInfo[] }>(`(() => ({
          ready: document.documentElement.getAttribute('data-report-ready'),
          command: JSON.parse(document.getElementById('lab-result').textContent).command,
          charts: Array.from(document.querySelectorAll('svg.chart')).map((svg) => {
            const box = svg.getBoundingClientRect();
            return { kind: svg.getAttribute('data-chart'), width: box.width, height: box.height,
                     marks: svg.querySelectorAll('rect.bar, rect.cell, circle.point, circle.estimate, path.line, text.missing').length };
          }),
        }))()`);
        expect(page.errors).toEqual([]);
        expect(state.ready).toBe('true');
        expect(state.command).toBe(report.name.replace('-external', ''));
        for (const chart of state.charts) {
          expect(chart.width, `${chart.kind} width`).toBeGreaterThan(100);
          expect(chart.height, `${chart.kind} height`).toBeGreaterThan(100);
          expect(chart.marks, `${chart.kind} marks`).toBeGreaterThan(0);
        }
        const kinds: Record<string, number> = {};
        for (const chart of state.charts) kinds[chart.kind] = (kinds[chart.kind] ?? 0) + 1;
        for (const [kind, count] of Object.entries(report.charts)) expect(kinds[kind] ?? 0, `${kind} charts`).toBeGreaterThanOrEqual(count);
        // The tables' script works: a click sorts.
        const sorted = await page.evaluate<string | null>(
          `(() => { const th = document.querySelector('table.sortable thead th'); th.click(); return th.getAttribute('data-sorted'); })()`,
        );
        expect(sorted).toBe('asc');
        expect(page.errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
