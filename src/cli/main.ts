/**
 * The rewardkit command line: dispatches to one command per file, turns every expected failure into a
 * clear message and a documented exit code (never a stack trace).
 */
import { createRequire } from 'node:module';
import { SpecError } from '../spec/spec-error.js';
import { CliError, EXIT } from './exit-codes.js';
import { judgeCommand } from './judge-test-command.js';
import { labCommand } from './lab-command.js';
import { schemaCommand } from './schema-command.js';
import { scoreCommand, type CommandIo } from './score-command.js';
import { serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';

const HELP = `rewardkit — LLM-as-a-judge reward functions for reinforcement fine-tuning

Usage: rewardkit <command> [options]

Commands:
  score      score rollouts (JSONL) with a reward spec
  validate   check a reward spec without scoring
  schema     print the reward spec's JSON Schema
  serve      serve a reward spec over HTTP to trainers (OpenRLHF, verl, TRL, Nova RFT payloads)
  lab        validate a judge before training: consistency, position, agree, calibrate, regress, hack, noise
  judge      judge test: send known good, bad and borderline cases through the spec's judges (run it first)

Run "rewardkit <command> --help" for a command's options and examples.

Exit codes: 0 ok · 1 internal error · 2 bad usage · 3 invalid spec · 4 unreadable input ·
            5 judge unreachable · 6 finished, but some input lines were not readable rows ·
            7 lab: a requirement not met (regression, --min, a probe raised the reward) ·
            8 lab regress: no case failed, but the judge could not judge some ·
            9 score: more than --max-judge-error-rate of the judge calls failed (re-judge with --retry-errors) ·
            10 judge test: a verdict did not parse, or a judge did not score good above bad ·
            130 interrupted`;

const COMMANDS: Record<string, (argv: string[], io: CommandIo) => number | Promise<number>> = {
  score: scoreCommand,
  validate: validateCommand,
  schema: schemaCommand,
  serve: serveCommand,
  lab: labCommand,
  judge: judgeCommand,
};

export async function main(argv: string[], io: CommandIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(`${HELP}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
    io.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`rewardkit: unknown command "${command}"; expected one of ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT.usage;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (CliError.isInstance(error)) {
      io.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (SpecError.isInstance(error)) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.invalidSpec;
    }
    io.stderr.write(
      `rewardkit ${command}: unexpected error: ${(error as Error).message}\n(this is a bug; please report it with the command you ran)\n`,
    );
    if (process.env.REWARDKIT_DEBUG) io.stderr.write(`${(error as Error).stack}\n`);
    return EXIT.internal;
  }
}
