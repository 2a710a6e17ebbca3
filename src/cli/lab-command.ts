/**
 * `rewardkit lab <consistency|position|agree|calibrate|regress|hack|noise>`: the thin dispatcher. Each command's flags,
 * help, run, analysis and report live in its folder (src/lab/<command>/); this file parses the command line, hands
 * the command its flags, prints the summary, writes --json and --html, and turns unmet requirements (--min, and each
 * command's own: regress, hack --fail-on-raise) and the lab's typed errors into documented exit codes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { LabFlags, RewardFlagsOfCli } from '../lab/command/lab-command-definition.js';
import { LAB_EXIT, LAB_HELP } from '../lab/command/lab-flags.js';
import type { RunContext } from '../lab/command/run-context.js';
import type { EngineFlags } from '../lab/engine/engine-flags.js';
import { LAB_COMMANDS, labCommandNamed, renderReport, summaryText, type LabResult } from '../lab/lab-commands.js';
import { LabError } from '../lab/lab-error.js';
import { toJson, type LabCommandName, type LabSettings, type ReportedStatistic } from '../lab/lab-result.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../lab/statistics/index.js';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { CACHE_POLICY_HELP, PRICES_AND_CACHE_POLICY_FLAGS, PRICES_HELP, pricesAndCachePolicyOf } from './reward-flags.js';
import type { CommandIo } from './score-command.js';

export { LAB_EXIT, LAB_HELP };

/** The reward-opening flags the lab shares with score and serve. */
const REWARD_FLAGS: RewardFlagsOfCli = {
  options: PRICES_AND_CACHE_POLICY_FLAGS,
  cachePolicyHelp: CACHE_POLICY_HELP,
  pricesHelp: PRICES_HELP,
};

const LAB_ERROR_EXIT: Record<LabError['kind'], number> = {
  usage: EXIT.usage,
  input: EXIT.inputUnreadable,
  spec: EXIT.invalidSpec,
  judge_unreachable: EXIT.judgeUnreachable,
};

type ParsedFlags = Record<string, string | string[] | boolean | undefined>;

export async function labCommand(argv: string[], io: CommandIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (!subcommand || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout.write(`${LAB_HELP}\n`);
    return subcommand ? EXIT.ok : EXIT.usage;
  }
  if (!(subcommand in LAB_COMMANDS)) {
    throw new CliError(
      `lab: unknown command "${subcommand}"; expected one of ${Object.keys(LAB_COMMANDS).join(', ')}\nRun "rewardkit lab --help" for usage.`,
      EXIT.usage,
    );
  }
  const name = subcommand as LabCommandName;
  const command = labCommandNamed(name);
  const { values } = parseFlags(`lab ${name}`, () =>
    parseArgs({ args: rest, options: command.flags(REWARD_FLAGS), strict: true, allowPositionals: false }),
  );
  const parsed = values as ParsedFlags;
  if (parsed.help) {
    io.stdout.write(`${command.help(REWARD_FLAGS)}\n`);
    return EXIT.ok;
  }
  const flags = labFlagsOf(parsed);
  const listing = command.listing?.(flags);
  if (listing !== undefined) {
    io.stdout.write(`${listing}\n`);
    return EXIT.ok;
  }
  const context: RunContext = { settings: settingsOf(parsed, name), log: (message) => io.stderr.write(`${message}\n`) };
  const minimums =
    command.minFlagStatistics === null ? [] : parseMinimums(parsed.min as string[] | undefined, name, command.minFlagStatistics);
  let result: LabResult;
  try {
    result = await command.run(flags, context);
  } catch (error) {
    if (LabError.isInstance(error)) throw new CliError(`lab ${name}: ${error.message}`, LAB_ERROR_EXIT[error.kind]);
    throw error;
  }
  writeOutputs(result, parsed, io, name);
  if (!parsed.quiet) io.stdout.write(summaryText(result));
  if (command.exitCode) return command.exitCode(result, flags, (line) => io.stderr.write(`${line}\n`));
  return minimumsExitCode(result, minimums, io);
}

/** The parsed flags as the lab reads them; numbers and the engine flags are parsed here, like every command's. */
function labFlagsOf(flags: ParsedFlags): LabFlags {
  return {
    text: (flag) => flags[flag] as string | undefined,
    list: (flag) => (flags[flag] as string[] | undefined) ?? [],
    isSet: (flag) => Boolean(flags[flag]),
    positiveInteger: (flag) => positiveInteger(flags[flag] as string | undefined, `--${flag}`),
    engine: (defaultCache) => engineFlags(flags, defaultCache),
  };
}

function engineFlags(flags: ParsedFlags, defaultCache: string | null): EngineFlags {
  if (typeof flags.cache === 'string' && flags['no-cache']) throw new CliError('lab: use either --cache FILE or --no-cache', EXIT.usage);
  const single = (value: unknown) => (Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined));
  return {
    ...(single(flags.judge) ? { judge: single(flags.judge) } : {}),
    ...(single(flags['judge-base-url']) ? { judgeBaseUrl: single(flags['judge-base-url']) } : {}),
    concurrency: positiveInteger(flags.concurrency as string | undefined, '--concurrency'),
    limit: positiveInteger(flags.limit as string | undefined, '--limit'),
    cache: flags['no-cache'] ? null : ((flags.cache as string | undefined) ?? defaultCache),
    ...pricesAndCachePolicyOf(flags),
    preflight: !flags['no-preflight'],
  };
}

function settingsOf(flags: ParsedFlags, name: string): LabSettings {
  const resamples = positiveInteger(flags.resamples as string | undefined, '--resamples') ?? DEFAULT_RESAMPLES;
  const seedText = flags.seed as string | undefined;
  const seed = seedText === undefined ? DEFAULT_SEED : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new CliError(`lab ${name}: --seed: expected a whole number from 0 to 4294967295, got ${JSON.stringify(seedText)}`, EXIT.usage);
  return { resamples, seed };
}

interface Minimum {
  name: string;
  value: number;
}

function parseMinimums(values: string[] | undefined, name: LabCommandName, statistics: readonly string[]): Minimum[] {
  return (values ?? []).map((entry) => {
    const match = /^([a-z0-9_]+)=(-?\d+(\.\d+)?)$/.exec(entry.trim());
    if (!match)
      throw new CliError(
        `lab ${name}: --min: expected NAME=VALUE such as krippendorff_alpha_interval=0.8, got ${JSON.stringify(entry)}`,
        EXIT.usage,
      );
    if (!statistics.includes(match[1]!))
      throw new CliError(`lab ${name}: --min ${match[1]}: no such statistic; choose one of ${statistics.join(', ')}`, EXIT.usage);
    return { name: match[1]!, value: Number(match[2]) };
  });
}

function writeOutputs(result: LabResult, flags: ParsedFlags, io: CommandIo, name: string): void {
  const write = (path: string, content: string, what: string) => {
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, 'utf8');
    } catch (error) {
      throw new CliError(
        `lab ${name}: cannot write --${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        EXIT.usage,
      );
    }
    io.stderr.write(`wrote ${path}\n`);
  };
  if (typeof flags.json === 'string') write(flags.json, toJson(result), 'json');
  if (typeof flags.html === 'string') write(flags.html, renderReport(result), 'html');
}

/** The exit code of the --min requirements on `statistics`. */
function minimumsExitCode(result: LabResult, minimums: readonly Minimum[], io: CommandIo): number {
  const statistics = result.statistics as Record<string, ReportedStatistic>;
  let failed = false;
  for (const minimum of minimums) {
    const statistic = statistics[minimum.name];
    if (!statistic || statistic.value === null || statistic.value < minimum.value) {
      failed = true;
      io.stderr.write(
        `lab ${result.command}: --min ${minimum.name}=${minimum.value} not met: ${!statistic ? 'missing' : statistic.value === null ? `undefined (${statistic.reason})` : statistic.value.toFixed(4)}\n`,
      );
    }
  }
  return failed ? LAB_EXIT.requirementNotMet : EXIT.ok;
}
