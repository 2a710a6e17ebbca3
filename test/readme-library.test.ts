/**
 * The README's Library example is real code: this test takes the ```ts block of its "## Library" section, points its
 * `from 'rewardkit'` at src/index.ts, type-checks it with the project's compiler options, and runs it with tsx against
 * the fake judge — asserting its exact output.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractReviewJudge } from './support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge } from './support/fake-judge-server.js';

const ROOT = resolve(import.meta.dirname, '..');
const SCRATCH = join(ROOT, '.scratch');
const EXAMPLE = join(SCRATCH, `readme-library-${process.pid}.ts`);

/** The one ```ts block of the README's "## Library" section. */
function libraryExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library\n'), readme.indexOf('\n## ', readme.indexOf('\n## Library\n') + 1));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

function typeErrors(file: string): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

let judge: FakeJudge;
beforeAll(async () => {
  judge = await startFakeJudge(contractReviewJudge());
  mkdirSync(SCRATCH, { recursive: true });
});
afterAll(async () => {
  rmSync(EXAMPLE, { force: true });
  await judge.close();
});

describe('README Library example', () => {
  it('imports only from rewardkit (and node:), type-checks, and prints the exact rewards', async () => {
    const code = libraryExample();
    const imports = [...code.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports).toEqual(['node:fs', 'rewardkit']);
    writeFileSync(EXAMPLE, code.replace("from 'rewardkit'", "from '../src/index.js'"));

    expect(typeErrors(EXAMPLE)).toEqual([]);

    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), [EXAMPLE], {
      cwd: ROOT,
      env: { ...process.env, JUDGE_BASE_URL: judge.url },
    });
    expect(stdout.trim().split('\n')).toEqual([
      // the same rewards `rewardkit score` gives these rows (test/cli.test.ts)
      'nda-good 0.983333 ',
      'nda-excerpt-ref 0.583333 ',
      'nda-vague 0.8 ',
      'nda-good 0.983333 cached=0',
      'SpecError: no-such-spec.yaml  (spec): cannot read spec file: ENOENT',
    ]);
  }, 60_000);
});
