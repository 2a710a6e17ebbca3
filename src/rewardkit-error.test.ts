/**
 * Every error class rewardkit throws on purpose is a RewardkitError, recognised by its marker (not instanceof, not its
 * name): each class recognises only its own instances, a plain Error that only looks like one is not one, and an
 * instance made by a second copy of rewardkit (same Symbol.for markers, other classes) is one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli/exit-codes.js';
import { RowError } from './input/row-error.js';
import { ImportError } from './import/imported-spec.js';
import { CasesFileError } from './judge-test/judge-test-cases.js';
import { LabError } from './lab/lab-error.js';
import { LocalModelError } from './models/local/local-model-error.js';
import { OpenRewardError } from './open-reward.js';
import { QueueError } from './queue/queue-error.js';
import { RewardkitError } from './rewardkit-error.js';
import { CircuitOpenError } from './runtime/circuit-breaker.js';
import { LambdaConfigError } from './serve/lambda-config.js';
import { HttpError } from './serve/request-error.js';
import { formatProblem, SpecError } from './spec/spec-error.js';
import { ViewError } from './view/view-error.js';

interface ErrorClass {
  readonly name: string;
  isInstance(error: unknown): boolean;
}

/** Every subclass, with one instance of it. */
const ERRORS: Array<[ErrorClass, Error]> = [
  [SpecError, new SpecError([{ file: 'spec.yaml', path: 'judges', message: 'expected an array' }])],
  [RowError, new RowError('messages', 'expected an array')],
  [CliError, new CliError('score: --spec is required', 2)],
  [LabError, new LabError('usage', '--input is required')],
  [HttpError, new HttpError(400, 'invalid_request', 'rows: expected an array')],
  [LambdaConfigError, new LambdaConfigError('REWARDKIT_SPEC: not found')],
  [CasesFileError, new CasesFileError('cases file x: expected a list')],
  [LocalModelError, new LocalModelError('file_missing', 'no such model file')],
  [CircuitOpenError, new CircuitOpenError('circuit open', { kind: 'server_error', message: '500: down', status: 500, body: 'down' })],
  [OpenRewardError, new OpenRewardError('prices', '--prices x: cannot read: ENOENT')],
  [
    ImportError,
    new ImportError(
      'OpenAI grader g.json',
      [{ file: 'g.json', line: 2, column: 3, path: 'type', message: 'python graders are not supported' }],
      formatProblem,
    ),
  ],
  [ViewError, new ViewError('input', 'view: scored.jsonl: not score output')],
  [QueueError, new QueueError('run_gone', 'run r1 has no producer any more')],
];
const NAMES = ERRORS.map(([type]) => type.name);
const CASES = ERRORS.map(([type, error]) => [type.name, type, error] as const);

/** A plain Error with the instance's name and every field of it (the old recognition by name and field accepted it). */
function lookalike(error: Error): Error {
  return Object.assign(new Error(error.message), Object.fromEntries(Object.entries(error)));
}

/** An error of a second copy of rewardkit: classes of its own, the same global markers. */
function fromSecondCopy(name: string): Error {
  const base: unique symbol = Symbol.for('rewardkit.error');
  const own: unique symbol = Symbol.for(`rewardkit.error.${name}`);
  class SecondCopyError extends Error {
    readonly [base] = true;
    readonly [own] = true;
  }
  const error = new SecondCopyError('from another copy of rewardkit');
  error.name = name;
  return error;
}

describe('RewardkitError', () => {
  it.each(CASES)('%s: its own isInstance and RewardkitError.isInstance accept it; its name is the class name', (_, type, error) => {
    expect([type.isInstance(error), RewardkitError.isInstance(error), error.name]).toEqual([true, true, type.name]);
  });

  it('each class recognises only its own instances (not another subclass, not a bare RewardkitError)', () => {
    const table = ERRORS.map(([type]) => ERRORS.filter(([, error]) => type.isInstance(error)).map(([other]) => other.name));
    expect(table).toEqual(NAMES.map((name) => [name]));
    expect(ERRORS.map(([type]) => type.isInstance(new RewardkitError('x')))).toEqual(NAMES.map(() => false));
  });

  it.each(CASES)('%s: a plain Error with the same name and fields is not one', (_, type, error) => {
    const plain = lookalike(error);
    expect([plain.name, type.isInstance(plain), RewardkitError.isInstance(plain)]).toEqual([type.name, false, false]);
  });

  it.each(CASES)('%s: an error of a second copy of rewardkit is one (the marker, not the class, decides)', (_, type) => {
    const foreign = fromSecondCopy(type.name);
    expect([foreign instanceof RewardkitError, type.isInstance(foreign), RewardkitError.isInstance(foreign)]).toEqual([false, true, true]);
    expect(ERRORS.filter(([other]) => other.isInstance(foreign)).map(([other]) => other.name)).toEqual([type.name]);
  });

  it('a plain Error, null, a string or a marker set to something other than true is not one', () => {
    const falsy = Object.assign(new Error('x'), { [Symbol.for('rewardkit.error')]: 1, [Symbol.for('rewardkit.error.SpecError')]: 'yes' });
    const candidates = [new Error('x'), null, undefined, 'SpecError', falsy];
    expect(candidates.map((candidate) => [RewardkitError.isInstance(candidate), SpecError.isInstance(candidate)])).toEqual(
      candidates.map(() => [false, false]),
    );
  });

  it('every class extending RewardkitError in src is listed above, and none is recognised by instanceof or by name', () => {
    const sources = sourceFiles(import.meta.dirname).map((file) => readFileSync(file, 'utf8'));
    const declared = sources.flatMap((text) => [...text.matchAll(/class (\w+) extends RewardkitError\b/g)].map((match) => match[1]!));
    expect(declared.sort()).toEqual([...NAMES].sort());
    const names = ['RewardkitError', ...NAMES].join('|');
    const byClass = new RegExp(`instanceof (${names})\\b|\\.name === '(${names})'|ErrorMarker\\b`);
    expect(sources.filter((text) => byClass.test(text)).map((text) => text.match(byClass)![0])).toEqual([]);
  });
});

/** The .ts files under `dir` that are not tests. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}
