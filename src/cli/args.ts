/** Command-line flag parsing on node:util parseArgs, with errors that say which flag and what was expected. */
import { CliError, EXIT } from './exit-codes.js';

/** Runs a parseArgs call, turning its errors into a usage error that names the command. */
export function parseFlags<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify.*$/s, '');
    throw new CliError(`${command}: ${message}\nRun "rewardkit ${command} --help" for usage.`, EXIT.usage);
  }
}

export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new CliError(`${flag}: expected a positive whole number, got ${JSON.stringify(value)}`, EXIT.usage);
  return number;
}
