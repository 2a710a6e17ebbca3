/**
 * The Lambda's batch warnings, in a process of its own as a warm Lambda container would run them (one module,
 * several invocations, logs on stdout): the rate-limited neutral-share warning naming the judge's error, the
 * neutral share on every "scored" line, and one warning for an invocation in which no sample has a reference.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useFakeJudge } from '../support/use-fake-judge.js';
import { qaJudge } from './support/qa-judge.js';
import { applyJudgeOverride, parseJudgeFlag } from '../../src/spec/judge-override.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { specHash } from '../../src/spec/spec-hash.js';
import { REWARDKIT_VERSION } from '../../src/version.js';

const run = promisify(execFile);
const judge = useFakeJudge(qaJudge().script);

/** Invokes the handler once per event, in order, in one fresh process; its JSON log lines. */
async function invokeInOrder(events: unknown[], env: Record<string, string> = {}): Promise<Array<Record<string, unknown>>> {
  const script = `const { handler } = await import('./src/serve/lambda-handler.ts');
for (const event of JSON.parse(process.argv[1])) await handler(event);`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(events)], {
    env: {
      ...process.env,
      REWARDKIT_SPEC: `${process.cwd()}/test/serve/fixtures/qa-spec.yaml`,
      REWARDKIT_JUDGE: 'openai-compatible:fake',
      REWARDKIT_JUDGE_BASE_URL: judge.url,
      ...env,
    },
  });
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const sample = (id: string, answer: string, reference?: string) => ({
  id,
  messages: [
    { role: 'user', content: 'What is the capital of France?' },
    { role: 'assistant', content: answer },
  ],
  ...(reference === undefined ? {} : { reference_answer: reference }),
});

describe('the Lambda warns about batches a trainer cannot learn from', () => {
  it('a mostly neutral batch: one warning per interval naming the judge error, and neutral_share on every scored line', async () => {
    const failing = [sample('a', 'Paris [fail]', 'Paris'), sample('b', 'Paris [fail] again', 'Paris'), sample('c', 'Paris.', 'Paris')];
    const logs = await invokeInOrder([failing, failing, [sample('d', 'Paris.', 'Paris')]]);
    const warnings = logs.filter((line) => String(line.msg).includes('neutral fallback'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      rows: 3,
      neutral: 2,
      neutral_share: 0.6667,
      threshold: 0.5,
      cause: { kind: 'server_error', rows: 2 },
      suppressed: 0,
    });
    expect(String(warnings[0]!.msg)).toMatch(
      /^2 of 3 rewards in this batch \(67%\) are the neutral fallback, above REWARDKIT_NEUTRAL_WARN_SHARE 0\.5/,
    );
    expect(logs.filter((line) => line.msg === 'scored').map((line) => line.neutral_share)).toEqual([0.6667, 0.6667, 0]);
    // provenance on the log lines: the served spec's hash (not its Nova-reading twin's) and rewardkit's version
    const served = applyJudgeOverride(
      loadSpec('test/serve/fixtures/qa-spec.yaml', { defaultJudgeModel: parseJudgeFlag('openai-compatible:fake', judge.url) }).spec,
      parseJudgeFlag('openai-compatible:fake', judge.url),
    );
    expect(logs.filter((line) => line.msg === 'scored').map((line) => [line.spec_hash, line.rewardkit_version])).toEqual(
      Array.from({ length: 3 }, () => [specHash(served), REWARDKIT_VERSION]),
    );
  });

  it('an invocation in which no sample has a reference: one warning naming the components left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-lambda-no-reference-'));
    writeFileSync(
      join(dir, 'spec.yaml'),
      'name: exact\nchecks:\n  - {type: match, name: exact, mode: contains}\n  - {type: length, name: length, max: 40}\naggregate: {range: [0, 1]}\n',
    );
    const logs = await invokeInOrder(
      [
        [sample('a', 'Paris.'), sample('b', 'Lyon.')],
        [sample('c', 'Paris.'), sample('d', 'Paris.', 'Paris')],
      ],
      { REWARDKIT_SPEC: join(dir, 'spec.yaml') },
    );
    const warnings = logs.filter((line) => String(line.msg).startsWith('no row of this request has a reference'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, rows: 2, components: ['exact'] });
    expect(String(warnings[0]!.msg)).toBe(
      'no row of this request has a reference: the components that need one (exact) were left out of all 2 rewards (flag no_reference); send reference_answer in each sample (at the root or under metadata)',
    );
  });

  it('REWARDKIT_NEUTRAL_WARN_SHARE raises the threshold', async () => {
    const failing = [sample('a', 'Paris [fail]', 'Paris'), sample('b', 'Paris.', 'Paris')];
    const logs = await invokeInOrder([failing], { REWARDKIT_NEUTRAL_WARN_SHARE: '0.9' });
    expect(logs.filter((line) => String(line.msg).includes('neutral fallback'))).toEqual([]);
  });
});
