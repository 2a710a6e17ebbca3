/**
 * Every error class rewardkit throws on purpose is a RewardkitError, recognised by its marker (not instanceof), and
 * each marked class recognises only its own instances.
 */
import { describe, expect, it } from 'vitest';
import { CliError } from './cli/exit-codes.js';
import { RowError } from './input/row-error.js';
import { CasesFileError } from './judge-test/judge-test-cases.js';
import { LabError } from './lab/lab-error.js';
import { LocalModelError } from './models/local/local-model-error.js';
import { OpenRewardError } from './open-reward.js';
import { RewardkitError } from './rewardkit-error.js';
import { CircuitOpenError } from './runtime/circuit-breaker.js';
import { LambdaConfigError } from './serve/lambda-config.js';
import { HttpError } from './serve/request-error.js';
import { SpecError } from './spec/spec-error.js';

const ERRORS: Array<[string, Error]> = [
  ['SpecError', new SpecError([{ file: 'spec.yaml', path: 'judges', message: 'expected an array' }])],
  ['RowError', new RowError('messages', 'expected an array')],
  ['CliError', new CliError('score: --spec is required', 2)],
  ['LabError', new LabError('usage', '--input is required')],
  ['HttpError', new HttpError(400, 'invalid_request', 'rows: expected an array')],
  ['LambdaConfigError', new LambdaConfigError('REWARDKIT_SPEC: not found')],
  ['CasesFileError', new CasesFileError('cases file x: expected a list')],
  ['LocalModelError', new LocalModelError('file_missing', 'no such model file')],
  ['CircuitOpenError', new CircuitOpenError('circuit open')],
  ['OpenRewardError', new OpenRewardError('prices', '--prices x: cannot read: ENOENT')],
];

describe('RewardkitError', () => {
  it.each(ERRORS)('%s is a RewardkitError with its own name', (name, error) => {
    expect([RewardkitError.isInstance(error), error.name]).toEqual([true, name]);
  });

  it('a plain Error is not one; the marker, not the prototype, decides (a second copy of rewardkit)', () => {
    expect(RewardkitError.isInstance(new Error('x'))).toBe(false);
    expect(RewardkitError.isInstance(null)).toBe(false);
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('rewardkit.error')]: true,
      [Symbol.for('rewardkit.error.CliError')]: true,
    });
    expect([RewardkitError.isInstance(foreign), CliError.isInstance(foreign), LabError.isInstance(foreign)]).toEqual([true, true, false]);
  });

  it('each marked class recognises only its own', () => {
    const marked = [CliError, LabError, HttpError, LambdaConfigError, CasesFileError, OpenRewardError] as const;
    const table = marked.map((type) => ERRORS.filter(([, error]) => type.isInstance(error)).map(([name]) => name));
    expect(table).toEqual([['CliError'], ['LabError'], ['HttpError'], ['LambdaConfigError'], ['CasesFileError'], ['OpenRewardError']]);
  });
});
