/**
 * The shape of one lab command, as its folder (src/lab/<command>/) defines it and the CLI's thin dispatcher
 * (src/cli/lab-command.ts) runs it: its flags and help, how it reads its flags and runs, its HTML report, its
 * terminal summary, and the exit requirements it adds. The CLI owns parsing, writing files and exit codes; it hands
 * the lab what it needs from the command line through `LabFlags` and `RewardFlagsOfCli`.
 */
import type { ParseArgsConfig } from 'node:util';
import type { EngineFlags } from '../engine/engine-flags.js';
import type { VerbosityBias } from '../verbosity-bias.js';
import type { RunContext } from './run-context.js';

/** node:util parseArgs options. */
export type FlagTable = NonNullable<ParseArgsConfig['options']>;

/** The reward-opening flags `score`, `serve` and the lab share (src/cli/reward-flags.ts), handed in by the CLI. */
export interface RewardFlagsOfCli {
  /** parseArgs options of --prices, --cache-ttl-days, --cache-max-entries. */
  options: FlagTable;
  /** Help lines of --cache-ttl-days and --cache-max-entries. */
  cachePolicyHelp: string;
  /** Help line of --prices. */
  pricesHelp: string;
}

/** The parsed flags of one command line, as a lab command reads them (the CLI implements it). */
export interface LabFlags {
  /** A string flag (the raw value; undefined when absent). */
  text(flag: string): string | undefined;
  /** A repeatable flag's values ([] when absent). */
  list(flag: string): string[];
  /** A boolean flag. */
  isSet(flag: string): boolean;
  /** A positive whole number, or undefined when absent (a usage error naming the flag otherwise). */
  positiveInteger(flag: string): number | undefined;
  /** The engine flags (--judge … --no-preflight); the cache defaults to `defaultCache` (null: none). */
  engine(defaultCache: string | null): EngineFlags;
}

/** What every command's JSON result carries that the dispatcher reads. */
export interface LabResultShape {
  command: string;
  verbosity_bias: VerbosityBias;
}

export interface LabCommandDefinition<Result extends LabResultShape> {
  name: Result['command'];
  /** parseArgs options of the command. */
  flags(reward: RewardFlagsOfCli): FlagTable;
  /** `rewardkit lab <command> --help`. */
  help(reward: RewardFlagsOfCli): string;
  /** The `statistics` names --min NAME=VALUE accepts; null when the command has no --min. */
  minFlagStatistics: readonly string[] | null;
  /** Text to print instead of running (e.g. hack --list-probes), or undefined to run. */
  listing?(flags: LabFlags): string | undefined;
  /** Reads the command's flags (usage errors are LabErrors) and runs it. */
  run(flags: LabFlags, context: RunContext): Promise<Result>;
  /** The self-contained HTML report. */
  report(result: Result): string;
  /** The command's lines of the terminal summary (the verbosity line is added after them). */
  summaryLines(result: Result): string[];
  /** The command's own exit code (regress, hack); without it, --min decides. `log` writes a line to stderr. */
  exitCode?(result: Result, flags: LabFlags, log: (line: string) => void): number;
}
