/**
 * The lab is a subpath export: package.json maps `rewardkit/lab` to dist/lab/index.js. This test builds src/lab/index.ts
 * (and what it imports) the way `npm run build` does, into a scratch copy of the package, and imports `rewardkit/lab`
 * there by its package name in a fresh Node process — the resolution a user's code goes through.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGE = join(ROOT, '.scratch', `lab-subpath-${process.pid}`);

/** Emits src/lab/index.ts and its imports with the build's compiler options into PACKAGE/dist. */
function buildLab(): void {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([join(ROOT, 'src/lab/index.ts')], { ...options, outDir: join(PACKAGE, 'dist'), sourceMap: false });
  program.emit();
}

afterAll(() => rmSync(PACKAGE, { recursive: true, force: true }));

describe('rewardkit/lab', () => {
  it('is exported by package.json and imports by its package name from the build', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(manifest.exports['./lab']).toEqual({ types: './dist/lab/index.d.ts', import: './dist/lab/index.js' });

    mkdirSync(PACKAGE, { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(PACKAGE, 'package.json'));
    buildLab();
    expect(existsSync(join(PACKAGE, 'dist/lab/index.js'))).toBe(true);
    expect(existsSync(join(PACKAGE, 'dist/lab/index.d.ts'))).toBe(true);

    const script = `
      const lab = await import('rewardkit/lab');
      const result = lab.analyseAgreement({
        source: { kind: 'external', input: 'verdicts.jsonl' }, settings: { resamples: 50, seed: 1 }, raters: ['a', 'b'], rating: 'verdict',
        ids: ['1', '2', '3', '4'], ratings: [['good', 'good'], ['bad', 'bad'], ['good', 'bad'], ['good', 'good']], lengths: null, lengthReason: 'none',
      });
      console.log(JSON.stringify({
        kappa: result.statistics.cohen_kappa_unweighted.value,
        report: lab.renderReport(result).slice(0, 15),
        summary: lab.summaryText(result).split('\\n')[0],
        alpha: lab.statistics.krippendorffAlpha([[1, 1], [2, 2]], 'interval').value,
      }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: PACKAGE });
    // po = 3/4; a (good 3, bad 1), b (good 2, bad 2): pe = 1/2; kappa = (3/4 − 1/2) / (1/2) = 1/2
    expect(JSON.parse(stdout)).toEqual({
      kappa: 0.5,
      report: '<!doctype html>',
      summary: 'agree: a, b on 4 items (4 rated twice or more), level nominal',
      alpha: 1,
    });
  }, 120_000);
});
