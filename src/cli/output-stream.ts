/** The output file of a streaming command (score, rollouts), opened up front so a bad path fails before any model call. */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { CliError, EXIT } from './exit-codes.js';

export function openOutputStream(command: string, path: string, append: boolean): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, append ? 'a' : 'w');
  } catch (error) {
    throw new CliError(
      `${command}: cannot write --output ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      EXIT.usage,
    );
  }
  return createWriteStream('', { fd, encoding: 'utf8' });
}
