/**
 * The rewardkit command line: dispatches to one command per file, turns every expected failure into a
 * clear message and a documented exit code (never a stack trace).
 */
import { createRequire } from 'node:module';
import { SpecError } from '../spec/spec-error.js';
import { CliError, EXIT } from './exit-codes.js';
import type { CommandIo } from './score-command.js';

const HELP = `rewardkit — LLM-as-a-judge reward functions for reinforcement fine-tuning

Usage: rewardkit <command> [options]

Commands:
  score      score rollouts (JSONL) with a reward spec (--queue: on workers)
  worker     score the chunks of "score --queue" runs from a Redis queue (run any number, anywhere)
  validate   check a reward spec without scoring
  schema     print the reward spec's JSON Schema
  serve      serve a reward spec over HTTP to trainers (OpenRLHF, verl, TRL, Nova RFT payloads)
  lab        validate a judge before training: consistency, position, agree, calibrate, regress, hack, noise
  judge      judge test: send known good, bad and borderline cases through the spec's judges (run it first)
  compare    compare two scored files of the same prompts (before/after training): reward delta with a 95% CI
  import     turn OpenAI graders (openai-grader) or promptfoo assertions (promptfoo) into a reward spec
  data       data validate: check an RFT dataset (Nova, OpenAI, verl); data convert: between Nova, OpenAI, verl, TRL
  view       browse scored rows in a local web viewer: filter, sort, open a row; two files side by side
  plan       forecast a run's judge calls, tokens, cost and least wall time per step (--sample or --from)
  rollouts   baseline rollouts: n samples per dataset prompt from a policy model, as Nova rows ready for score

Run "rewardkit <command> --help" for a command's options and examples.

Exit codes: 0 ok · 1 internal error · 2 bad usage · 3 invalid spec · 4 unreadable input ·
            5 judge unreachable · 6 finished, but some input lines were not readable rows ·
            7 lab: a requirement not met (regression, --min, a probe raised the reward) ·
            8 lab regress: no case failed, but the judge could not judge some ·
            9 score: more than --max-judge-error-rate of the judge calls failed (re-judge with --retry-errors) ·
              rollouts: some samples failed after their retries (not written: run again with --resume) ·
            10 judge test: a verdict did not parse, or a judge did not score good above bad ·
            11 compare: the mean reward delta's 95% CI lower bound is below --min-delta ·
            130 interrupted`;

type Command = (argv: string[], io: CommandIo) => number | Promise<number>;

/** Each command's module is loaded when it runs: a CLI start pays only for the command it runs (serve's fastify, the importers' parsers, …). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  score: async () => (await import('./score-command.js')).scoreCommand,
  worker: async () => (await import('./worker-command.js')).workerCommand,
  validate: async () => (await import('./validate-command.js')).validateCommand,
  schema: async () => (await import('./schema-command.js')).schemaCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  lab: async () => (await import('./lab-command.js')).labCommand,
  judge: async () => (await import('./judge-test-command.js')).judgeCommand,
  compare: async () => (await import('./compare-command.js')).compareCommand,
  import: async () => (await import('./import-command.js')).importCommand,
  data: async () => (await import('./data-command.js')).dataCommand,
  view: async () => (await import('./view-command.js')).viewCommand,
  plan: async () => (await import('./plan-command.js')).planCommand,
  rollouts: async () => (await import('./rollouts-command.js')).rolloutsCommand,
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
  const load = COMMANDS[command];
  if (!load) {
    io.stderr.write(`rewardkit: unknown command "${command}"; expected one of ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT.usage;
  }
  try {
    const run = await load();
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
