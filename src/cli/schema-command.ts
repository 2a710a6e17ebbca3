/** `rewardkit schema`: prints the JSON Schema of reward specs (generated from the zod schema) for editors. */
import { writeFileSync } from 'node:fs';
import { rewardSpecJsonSchema } from '../spec/json-schema.js';
import { parseArgs } from 'node:util';
import { parseFlags } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import type { CommandIo } from './score-command.js';

export const SCHEMA_HELP = `Usage: rewardkit schema [--output FILE]

Prints the JSON Schema of the reward spec, for editor autocompletion and validation
(the repository keeps a copy in schema/reward-spec.schema.json).

Example (VS Code YAML extension): add to the top of your spec
  # yaml-language-server: $schema=./node_modules/rewardkit/schema/reward-spec.schema.json`;

export function schemaCommand(argv: string[], io: CommandIo): number {
  const { values } = parseFlags('schema', () =>
    parseArgs({ args: argv, options: { output: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }),
  );
  if (values.help) {
    io.stdout.write(`${SCHEMA_HELP}\n`);
    return EXIT.ok;
  }
  const text = `${JSON.stringify(rewardSpecJsonSchema(), null, 2)}\n`;
  if (values.output) {
    try {
      writeFileSync(values.output, text);
    } catch (error) {
      throw new CliError(
        `schema: cannot write --output ${values.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        EXIT.usage,
      );
    }
  } else io.stdout.write(text);
  return EXIT.ok;
}
