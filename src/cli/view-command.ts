/**
 * `rewardkit view SCORED.jsonl` (or `view BEFORE.jsonl AFTER.jsonl`, side by side): serves the local web viewer
 * (src/view/) on 127.0.0.1 until Ctrl-C or SIGTERM, then closes and exits 0. This file owns the flags, the
 * announcement of the URL and the exit codes; indexing, the API and the page are src/view/.
 */
import { parseArgs } from 'node:util';
import { loadRewardSpec } from '../open-reward.js';
import { openView } from '../view/open-view.js';
import { ViewError } from '../view/view-error.js';
import { createViewServer } from '../view/view-server.js';
import { parseFlags } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { untilSignalled } from './signals.js';
import type { CommandIo } from './score-command.js';

export const VIEW_HELP = `Usage: rewardkit view SCORED.jsonl [--input ROLLOUTS.jsonl] [--spec SPEC] [--port P]
       rewardkit view BEFORE.jsonl AFTER.jsonl [--before-input F --after-input F] [--spec SPEC] [--port P]

A local web viewer of rewardkit score output, served on 127.0.0.1 until Ctrl-C: filter rows by reward range, flag,
id and component status; sort by reward or a component's score; open a row to see each component's score, status,
rationale and details, and every judge call with its raw reply. Nothing is loaded from the network: it works offline.

Score output has no prompt or response: give the rollouts that were scored (--input) to see them, and the spec
(--spec) to see the judge prompts rendered again from it (as score --dry-run renders them; no judge is called).

With two scored files (before and after training) the viewer pairs their prompts as rewardkit compare does — by
the prompt text with --before-input and --after-input, else by row id — and opens a prompt's rows side by side.

Options:
  --input FILE          the rollouts SCORED.jsonl was scored from (joined by the "line" score writes)
  --before-input FILE   the rollouts BEFORE.jsonl was scored from
  --after-input FILE    the rollouts AFTER.jsonl was scored from
  --spec FILE           the reward spec: renders each row's judge prompts and says how to read the input rows
  --port N              port on 127.0.0.1 (default 0: any free port; the URL is printed)
  -h, --help            this help

Examples:
  rewardkit view scored.jsonl --input rollouts.jsonl --spec spec.yaml
  rewardkit view base.scored.jsonl ckpt.scored.jsonl --before-input base.rollouts.jsonl --after-input ckpt.rollouts.jsonl

Exit codes: 0 stopped by Ctrl-C / SIGTERM · 2 bad usage (or the port is taken) · 3 invalid --spec ·
            4 a file is unreadable or is not score output`;

const FLAGS = {
  input: { type: 'string' },
  'before-input': { type: 'string' },
  'after-input': { type: 'string' },
  spec: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function viewCommand(argv: string[], io: CommandIo): Promise<number> {
  return runViewCommand(argv, io, untilSignalled);
}

/** The command with what stops it, awaited once the server listens (`viewCommand`: SIGINT or SIGTERM; a test: its own promise). */
export async function runViewCommand(argv: string[], io: CommandIo, stop: () => Promise<string>): Promise<number> {
  const { values, positionals } = parseFlags('view', () => parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: true }));
  if (values.help) {
    io.stdout.write(`${VIEW_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1 && positionals.length !== 2)
    throw new CliError(
      `view: expected one scored file (SCORED.jsonl) or two (BEFORE.jsonl AFTER.jsonl), got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}\nRun "rewardkit view --help" for usage.`,
      EXIT.usage,
    );
  const single = positionals.length === 1;
  if (single && (values['before-input'] || values['after-input']))
    throw new CliError(
      'view: --before-input and --after-input go with two scored files (BEFORE.jsonl AFTER.jsonl); with one, use --input',
      EXIT.usage,
    );
  if (!single && values.input)
    throw new CliError(
      'view: with two scored files give --before-input and --after-input (the rollouts each side was scored from), not --input',
      EXIT.usage,
    );
  if (Boolean(values['before-input']) !== Boolean(values['after-input']))
    throw new CliError('view: give both --before-input and --after-input, or neither', EXIT.usage);
  const port = portOf(values.port);
  // a bad spec throws SpecError: exit 3 with every problem listed (main.ts)
  const spec = values.spec ? loadRewardSpec({ spec: values.spec }).spec : undefined;
  const started = performance.now();
  let opened;
  try {
    opened = await openView({
      scored: positionals as [string] | [string, string],
      ...(values.input ? { input: values.input } : {}),
      ...(values['before-input'] ? { beforeInput: values['before-input'] } : {}),
      ...(values['after-input'] ? { afterInput: values['after-input'] } : {}),
      ...(spec ? { spec } : {}),
    });
  } catch (error) {
    if (ViewError.isInstance(error))
      throw new CliError(`view: ${error.message}`, error.kind === 'usage' ? EXIT.usage : EXIT.inputUnreadable);
    throw error;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  for (const side of opened.sides) {
    const partial = side.index.partialLastLine === null ? '' : ` (line ${side.index.partialLastLine} is a partial last line: left out)`;
    io.stderr.write(`${side.name}: ${side.index.path}: ${side.index.rows.length} rows${partial}\n`);
  }
  if (opened.pairs) {
    const { counts, pairBy } = opened.pairs;
    io.stderr.write(
      `paired by ${pairBy}: ${counts.paired} prompts paired, ${counts.only_before} only before, ${counts.only_after} only after, ${counts.no_reward} without a reward on a side\n`,
    );
  }
  const server = createViewServer(opened);
  let url: string;
  try {
    url = await server.listen(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(
        `view: --port ${port}: address already in use on 127.0.0.1; pick another port (or 0 for any free one)`,
        EXIT.usage,
      );
    throw error;
  }
  io.stderr.write(`indexed in ${seconds} s\n`);
  io.stdout.write(`rewardkit view: ${url} (Ctrl-C stops)\n`);
  const signal = await stop();
  await server.close();
  io.stderr.write(`rewardkit view: stopped (${signal})\n`);
  return EXIT.ok;
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new CliError(`view: --port: expected a whole number from 0 to 65535, got ${JSON.stringify(text)}`, EXIT.usage);
  return port;
}
