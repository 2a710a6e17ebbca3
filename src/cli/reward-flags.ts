/**
 * The flags every command that opens a reward shares beyond --judge / --concurrency — `--prices`, `--cache-ttl-days`,
 * `--cache-max-entries` — with one help text and one parser, so `score`, `serve` and the lab cannot drift apart; and
 * the mapping of openReward's typed errors to the CLI's exit codes (src/open-reward.ts).
 */
import { OpenRewardError, type JudgeCachePolicy } from '../open-reward.js';
import { positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';

/** parseArgs options of the shared flags. */
export const PRICES_AND_CACHE_POLICY_FLAGS = {
  prices: { type: 'string' },
  'cache-ttl-days': { type: 'string' },
  'cache-max-entries': { type: 'string' },
} as const;

/** Help lines of --cache-ttl-days and --cache-max-entries (score, serve and the lab show the same). */
export const CACHE_POLICY_HELP = `  --cache-ttl-days N      cached verdicts older than N days are asked again (default 30)
  --cache-max-entries N   beyond N entries the least recently used are dropped (default 1000000)`;

/** Help line of --prices. */
export const PRICES_HELP = `  --prices FILE           YAML/JSON map "provider:model" → {input_per_mtok, output_per_mtok} (USD)`;

export interface PricesAndCachePolicy {
  /** The --prices file, read by openReward. */
  prices?: string;
  cachePolicy: JudgeCachePolicy;
}

/** Reads the shared flags (a bad number is a usage error naming the flag). */
export function pricesAndCachePolicyOf(values: {
  prices?: unknown;
  'cache-ttl-days'?: unknown;
  'cache-max-entries'?: unknown;
}): PricesAndCachePolicy {
  const ttlDays = positiveInteger(values['cache-ttl-days'] as string | undefined, '--cache-ttl-days');
  const maxEntries = positiveInteger(values['cache-max-entries'] as string | undefined, '--cache-max-entries');
  return {
    ...(typeof values.prices === 'string' ? { prices: values.prices } : {}),
    cachePolicy: { ...(ttlDays === undefined ? {} : { ttlDays }), ...(maxEntries === undefined ? {} : { maxEntries }) },
  };
}

export interface OpenFailureWording {
  /** What was not done, after "cannot reach the judge, so " (e.g. "no row was scored"). */
  notDone: string;
  /** The advice under the list of unreachable judges. */
  advice: string;
  /** Added to a cache that cannot be opened (e.g. "use --cache FILE elsewhere, or --no-cache"). */
  cacheHint?: string;
}

/** The CliError for an OpenRewardError of `command` (other errors are returned as they are). */
export function cliErrorOf(command: string, error: unknown, wording: OpenFailureWording): unknown {
  if (!OpenRewardError.isInstance(error)) return error;
  if (error.kind === 'judge_unreachable') {
    return new CliError(
      `${command}: cannot reach the judge, so ${wording.notDone}:\n${error.problems}\n${wording.advice}`,
      EXIT.judgeUnreachable,
    );
  }
  const hint = error.kind === 'cache' && wording.cacheHint ? ` (${wording.cacheHint})` : '';
  return new CliError(`${command}: ${error.message}${hint}`, EXIT.usage);
}
