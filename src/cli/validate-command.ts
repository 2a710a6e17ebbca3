/** `rewardkit validate`: checks a reward spec (schema, files it names, judge templates) and does nothing else. */
import { createReward } from '../reward.js';
import { loadSpecWithJudge } from '../spec/load-spec-with-judge.js';
import { componentNameOf } from '../spec/schema.js';
import { parseArgs } from 'node:util';
import { parseFlags } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import type { CommandIo } from './score-command.js';

export const VALIDATE_HELP = `Usage: rewardkit validate --spec SPEC

Checks a reward spec without scoring anything or calling a judge: every problem is listed with
file:line:column, the field path, the value found and what was expected. A spec that names no judge
model is valid: score, serve and the lab then use the local judge (llama.cpp in the process), unless
--judge names another.

Example:
  rewardkit validate --spec examples/contract-review/spec.yaml

Exit codes: 0 valid · 2 bad usage · 3 invalid spec`;

export function validateCommand(argv: string[], io: CommandIo): number {
  const { values } = parseFlags('validate', () =>
    parseArgs({ args: argv, options: { spec: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }),
  );
  if (values.help) {
    io.stdout.write(`${VALIDATE_HELP}\n`);
    return EXIT.ok;
  }
  if (!values.spec) throw new CliError('validate: --spec is required\nRun "rewardkit validate --help" for usage.', EXIT.usage);
  const { spec, judgeModelDefaulted } = loadSpecWithJudge(values.spec);
  const reward = createReward(spec); // builds checks and judges: template problems surface here
  const parts = [
    ...spec.checks.map((check) => `check ${componentNameOf(check)} (${check.type}, weight ${check.weight}${check.gate ? ', gate' : ''})`),
    ...reward.judges.map((judge) => `judge ${judge.name} (${judge.type}, weight ${judge.weight}, model ${judge.modelKey})`),
  ];
  const defaulted = judgeModelDefaulted
    ? '  no judge model in the spec: its judges use the local judge (local:default, llama.cpp in the process) unless --judge names another\n'
    : '';
  io.stdout.write(
    `${values.spec}: valid — ${spec.name}\n${parts.map((part) => `  ${part}`).join('\n')}\n  reward range [${spec.aggregate.range.join(', ')}]\n${defaulted}`,
  );
  return EXIT.ok;
}
