/**
 * `rewardkit data validate FILE` and `rewardkit data convert`: check an RFT dataset against the platform's documented
 * rules before uploading it, and move it between Nova RFT, OpenAI RFT, verl and TRL. The engines are src/data/
 * (validate-dataset.ts, convert.ts); this command maps flags in, and problems, reports and exit codes out.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertDataset } from '../data/convert.js';
import type { ConvertReport } from '../data/convert-report.js';
import {
  SOURCE_FORMATS,
  TARGET_FORMATS,
  VALIDATE_FORMATS,
  fileKindOf,
  type SourceFormat,
  type TargetFormat,
  type ValidateFormat,
} from '../data/dataset-formats.js';
import { PLATFORMS, type Platform } from '../data/dataset-limits.js';
import type { DatasetProblem } from '../data/dataset-problem.js';
import { DEFAULT_MAPPING } from '../data/dataset-row.js';
import { validateDataset, type DatasetSummary } from '../data/validate-dataset.js';
import { parseFlags } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import type { CommandIo } from './score-command.js';

export const DATA_HELP = `Usage: rewardkit data validate FILE [--format nova|openai|verl|auto] [--platform bedrock|sagemaker|none] [--json]
       rewardkit data convert --from openai|chat|nova|hf-jsonl|csv|parquet --to nova|openai|verl|trl INPUT --output OUT
                              [--prompt-field F] [--reference-field F] [--id-field F] [--system TEXT]
                              [--data-source NAME] [--ability NAME] [--reward-style STYLE] [--force] [--json]

validate  checks every row of an RFT training set (JSONL, or verl parquet) against the rules the platform documents
          and lists every problem with its line (parquet: row), the field, the value found and what was expected,
          then a summary: rows, problems by kind, roles, reference answers, duplicate ids. Streams the file.
  --format nova     Amazon Nova RFT (SageMaker, HyperPod, Bedrock): messages with at least one user message, a
                    system message only first, id / reference_answer / tools well-formed, other fields passed through
  --format openai   OpenAI RFT: the same message checks, and the last message must be the user's
  --format verl     verl parquet: data_source, prompt, reward_model.ground_truth, ability, extra_info
  --format auto     verl for a .parquet file, nova otherwise (default)
  --platform        whose documented row-count limits apply: bedrock (100 to 20,000 rows; the default for nova),
                    sagemaker (no fixed number: at least the recipe's global batch size), none

convert   rewrites a dataset in another format, row by row, and reports what it dropped or changed (counts per field)
  --from   nova | openai | chat (a final assistant turn becomes the reference answer) | hf-jsonl | csv |
           parquet (verl's layout when the file has it, else records like hf-jsonl)
  --to     nova | openai | verl (parquet) | trl (prompt-only conversational JSONL)
  --prompt-field F     the prompt's field in hf-jsonl, csv and parquet records (default prompt): text or messages
  --reference-field F  the reference answer's field (default reference_answer; for records the first of
                       reference_answer, ground_truth, solution, answer)
  --id-field F         the id's field (default id)
  --system TEXT        a system message for every row that has none
  --data-source, --ability, --reward-style   verl's data_source, ability and reward_model.style for rows that do
                       not carry their own (defaults rewardkit, general, model)
  --force              overwrite OUT if it exists

Examples:
  rewardkit data validate train.jsonl
  rewardkit data validate train.jsonl --format openai --json
  rewardkit data convert --from openai --to nova rft.jsonl --output nova.jsonl
  rewardkit data convert --from nova --to verl train.jsonl --output train.parquet --data-source contract-review

Exit codes: 0 valid / converted · 2 bad usage · 4 the file cannot be read ·
            6 some rows have problems (validate) or could not be converted (convert; the others are written)`;

export async function dataCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'validate') return validate(rest, io);
  if (sub === 'convert') return convert(rest, io);
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    io.stdout.write(`${DATA_HELP}\n`);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  throw new CliError(`data: unknown subcommand "${sub}"; expected validate or convert\nRun "rewardkit data --help" for usage.`, EXIT.usage);
}

async function validate(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseFlags('data validate', () =>
    parseArgs({
      args: argv,
      options: {
        format: { type: 'string', default: 'auto' },
        platform: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout.write(`${DATA_HELP}\n`);
    return EXIT.ok;
  }
  const file = onePath(positionals, 'data validate', 'FILE');
  const format = oneOf(values.format, VALIDATE_FORMATS, '--format') as ValidateFormat;
  const platform = values.platform === undefined ? undefined : (oneOf(values.platform, PLATFORMS, '--platform') as Platform);
  const where = (line: number) => (line === 0 ? file : fileKindOf(file) === 'parquet' ? `${file}:row ${line}` : `${file}:${line}`);
  let first = true;
  if (values.json) io.stdout.write(`{"file":${JSON.stringify(file)},"problems":[`);
  const onProblem = (problem: DatasetProblem) => {
    if (values.json) {
      io.stdout.write(`${first ? '' : ','}\n${JSON.stringify(problem)}`);
      first = false;
    } else io.stdout.write(`${problemLine(where(problem.line), problem)}\n`);
  };
  const summary = await readable(file, () => validateDataset(file, { format, ...(platform ? { platform } : {}) }, onProblem));
  const valid = summary.problems === 0;
  if (values.json) io.stdout.write(`${first ? '' : '\n'}],"summary":${JSON.stringify(summary)},"valid":${valid}}\n`);
  else io.stdout.write(summaryText(summary));
  return valid ? EXIT.ok : EXIT.badRows;
}

async function convert(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseFlags('data convert', () =>
    parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'prompt-field': { type: 'string' },
        'reference-field': { type: 'string' },
        'id-field': { type: 'string' },
        system: { type: 'string' },
        'data-source': { type: 'string', default: 'rewardkit' },
        ability: { type: 'string', default: 'general' },
        'reward-style': { type: 'string', default: 'model' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout.write(`${DATA_HELP}\n`);
    return EXIT.ok;
  }
  const input = onePath(positionals, 'data convert', 'INPUT');
  if (values.from === undefined) throw usage('data convert: --from is required');
  if (values.to === undefined) throw usage('data convert: --to is required');
  if (values.output === undefined) throw usage('data convert: --output is required');
  const from = oneOf(values.from, SOURCE_FORMATS, '--from') as SourceFormat;
  const to = oneOf(values.to, TARGET_FORMATS, '--to') as TargetFormat;
  const output = values.output;
  if (resolve(output) === resolve(input)) throw usage(`data convert: --output ${output} is the input file; write elsewhere`);
  if (existsSync(output) && !values.force) throw usage(`data convert: ${output} exists; pass --force to overwrite it`);
  if (to === 'verl' && !output.toLowerCase().endsWith('.parquet'))
    throw usage(`data convert: --to verl writes parquet: expected an --output ending in .parquet, got ${JSON.stringify(output)}`);
  const mapping = {
    promptField: values['prompt-field'] ?? DEFAULT_MAPPING.promptField,
    idField: values['id-field'] ?? DEFAULT_MAPPING.idField,
    ...(values['reference-field'] === undefined ? {} : { referenceField: values['reference-field'] }),
    ...(values.system === undefined ? {} : { system: values.system }),
  };
  const verl = { dataSource: values['data-source'], ability: values.ability, rewardStyle: values['reward-style'] };
  const skipped: string[] = [];
  const report = await readable(input, () =>
    convertDataset(input, { from, to, output, mapping, verl }, (problem) => {
      const line = problemLine(from === 'parquet' ? `${input}:row ${problem.line}` : `${input}:${problem.line}`, problem);
      if (values.json) skipped.push(line);
      else io.stderr.write(`skipped ${line}\n`);
    }),
  );
  io.stdout.write(values.json ? `${JSON.stringify({ ...report, skippedRows: skipped })}\n` : reportText(report));
  return report.skipped > 0 ? EXIT.badRows : EXIT.ok;
}

function problemLine(where: string, problem: DatasetProblem): string {
  return `${where}: ${problem.field}: found ${problem.found}; expected ${problem.expected} [${problem.kind}]`;
}

function summaryText(summary: DatasetSummary): string {
  const counts = (record: Record<string, number | undefined>) =>
    Object.entries(record)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ') || 'none';
  const verdict = summary.problems === 0 ? 'valid' : `${summary.problems} problem${summary.problems === 1 ? '' : 's'}`;
  return [
    `${summary.file}: ${verdict} (${summary.format} rows, ${summary.platform === 'none' ? 'no platform row limits' : `${summary.platform} limits`})`,
    `  rows               ${summary.rows} (${summary.validRows} without problems)`,
    `  problems by kind   ${counts(summary.problemsByKind)}`,
    `  roles              ${counts(summary.roles)}`,
    `  reference answers  text ${summary.referenceAnswers.string}, object ${summary.referenceAnswers.object}, none ${summary.referenceAnswers.none}`,
    `  ids                ${summary.rowsWithId} rows with an id, ${summary.duplicateIds} repeating an earlier row's id`,
    `  tools              ${summary.rowsWithTools} rows`,
    '',
  ].join('\n');
}

function reportText(report: ConvertReport): string {
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([key, value]) => `    ${key}: ${value} row${value === 1 ? '' : 's'}`)
      .join('\n') || '    nothing';
  return [
    `${report.input} (${report.from}) → ${report.output} (${report.to}): ${report.rowsWritten} of ${report.rowsRead} rows written, ${report.skipped} skipped`,
    `  reference answers from\n${counts(report.referenceFrom)}`,
    `  dropped\n${counts(report.dropped)}`,
    `  changed\n${counts(report.changed)}`,
    ...(Object.keys(report.warnings).length > 0 ? [`  warnings\n${counts(report.warnings)}`] : []),
    '',
  ].join('\n');
}

/** Runs `read`, turning a file that cannot be read (missing, not parquet, broken CSV) into exit code 4. */
async function readable<T>(file: string, read: () => Promise<T>): Promise<T> {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`, EXIT.inputUnreadable);
  try {
    return await read();
  } catch (error) {
    if (!isReadError(error)) throw error;
    throw new CliError(`${file}: cannot be read: ${(error as Error).message}`, EXIT.inputUnreadable);
  }
}

/** An error of reading the file itself: the file system's (EACCES, EISDIR, …), csv-parse's (CSV_…), hyparquet's ("parquet …"). */
function isReadError(error: unknown): boolean {
  if (!(error instanceof Error) || CliError.isInstance(error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || /^parquet\b/i.test(error.message);
}

function onePath(positionals: string[], command: string, name: string): string {
  if (positionals.length !== 1)
    throw usage(
      `${command}: expected one ${name}, got ${positionals.length === 0 ? 'none' : positionals.map((path) => JSON.stringify(path)).join(' ')}`,
    );
  return positionals[0]!;
}

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): string {
  if (value === undefined || !allowed.includes(value))
    throw usage(`${flag}: expected one of ${allowed.join(' | ')}, got ${JSON.stringify(value)}`);
  return value;
}

function usage(message: string): CliError {
  return new CliError(`${message}\nRun "rewardkit data --help" for usage.`, EXIT.usage);
}
