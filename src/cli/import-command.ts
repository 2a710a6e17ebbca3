/**
 * `rewardkit import openai-grader | promptfoo FILE`: turns another tool's grader definition into a reward spec. The
 * importer (src/import/) builds the spec, its template files and notes; this command writes them (the notes as comments
 * at the top of the spec, the templates beside it), refuses to overwrite without --force, and loads the written spec
 * back (loadSpec) before it reports success. Without --output the spec goes to stdout and the notes to stderr.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Document } from 'yaml';
import { ImportError, type ImportedSpec } from '../import/imported-spec.js';
import { importOpenAiGrader } from '../import/openai-grader/import-openai-grader.js';
import { importPromptfoo, type PromptfooImportOptions } from '../import/promptfoo/import-promptfoo.js';
import { parseJudgeFlag } from '../spec/judge-override.js';
import { parseSpec } from '../spec/load-spec.js';
import { loadSpecWithJudge } from '../spec/load-spec-with-judge.js';
import { parseFlags } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import type { CommandIo } from './score-command.js';

export const IMPORT_HELP = `Usage: rewardkit import openai-grader GRADER.json [--output SPEC.yaml] [--force]
       rewardkit import promptfoo promptfooconfig.yaml [--output SPEC.yaml] [--force]
                        [--judge PROVIDER:MODEL [--judge-base-url URL]] [--g-eval-steps FILE]

Turns graders you already have into a rewardkit reward spec:
  openai-grader  an OpenAI grader (string_check, text_similarity, score_model, label_model, multi), a
                 {"grader": …} payload, or an RFT job with method.reinforcement.grader
  promptfoo      a promptfoo config's assertions (llm-rubric, g-eval, factuality, model-graded-closedqa,
                 contains, icontains, regex, equals, is-json, contains-json)
Nothing is guessed: a feature with no exact rewardkit equivalent stops the import with every problem listed
(file:line:column, field, value found, what was expected). What the user should know about a mapping is
written as comments at the top of the spec.

Options:
  --output SPEC.yaml  write the spec there, and its judge templates beside it (templates/NAME.yaml);
                      without it the spec is printed (a spec that needs template files needs --output)
  --force             overwrite existing files

promptfoo only:
  --judge PROVIDER:MODEL  the grader when the config names none (promptfoo picks one from your API keys): it
                          becomes the spec's judge_model, and writes g-eval's evaluation steps at import
  --judge-base-url URL    its endpoint (e.g. http://127.0.0.1:8000/v1)
  --g-eval-steps FILE     g-eval's evaluation steps instead of asking the grader at import (offline): YAML or
                          JSON, a list of steps or {"steps": [...]} for every g-eval assertion, or a mapping
                          from the judge's name to one
g-eval makes one grader call at import per assertion (its evaluation steps, written from the criteria alone and
kept in the spec for review), then one per row.

Examples:
  rewardkit import openai-grader grader.json --output spec.yaml
  rewardkit import promptfoo promptfooconfig.yaml --output spec.yaml
  rewardkit import promptfoo promptfooconfig.yaml --output spec.yaml --g-eval-steps steps.yaml

Exit codes: 0 imported, and the written spec validates · 2 bad usage · 4 the file cannot be read · 3 it cannot be imported (every problem
            listed; the same code if the imported spec did not validate, which is a bug: please report it)`;

/** The flags only the promptfoo import reads. */
const PROMPTFOO_FLAGS = ['judge', 'judge-base-url', 'g-eval-steps'] as const;
type PromptfooFlags = Partial<Record<(typeof PROMPTFOO_FLAGS)[number], string>>;

const IMPORTERS: Record<string, { what: string; run: (path: string, flags: PromptfooFlags) => ImportedSpec | Promise<ImportedSpec> }> = {
  'openai-grader': { what: 'OpenAI grader', run: importOpenAiGrader },
  promptfoo: { what: 'promptfoo config', run: (path, flags) => importPromptfoo(path, promptfooOptions(flags)) },
};

export async function importCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseFlags('import', () =>
    parseArgs({
      args: argv,
      options: {
        output: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        judge: { type: 'string' },
        'judge-base-url': { type: 'string' },
        'g-eval-steps': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    io.stdout.write(`${IMPORT_HELP}\n`);
    return EXIT.ok;
  }
  const [kind, file, ...extra] = positionals;
  const importer = kind === undefined ? undefined : IMPORTERS[kind];
  if (!importer) {
    throw usage(
      kind === undefined
        ? `expected what to import: one of ${Object.keys(IMPORTERS).join(', ')}`
        : `unknown import "${kind}"; expected one of ${Object.keys(IMPORTERS).join(', ')}`,
    );
  }
  if (file === undefined) throw usage(`expected the file to import: rewardkit import ${kind} FILE`);
  if (extra.length > 0) throw usage(`expected one file to import, got also ${extra.join(' ')}`);
  const promptfooFlags: PromptfooFlags = Object.fromEntries(
    PROMPTFOO_FLAGS.filter((flag) => values[flag] !== undefined).map((flag) => [flag, values[flag]]),
  );
  if (kind !== 'promptfoo' && Object.keys(promptfooFlags).length > 0) {
    throw usage(
      `${Object.keys(promptfooFlags)
        .map((flag) => `--${flag}`)
        .join(', ')}: only for "rewardkit import promptfoo"`,
    );
  }
  if (promptfooFlags['judge-base-url'] !== undefined && promptfooFlags.judge === undefined) {
    throw usage('--judge-base-url needs --judge PROVIDER:MODEL');
  }

  let imported: ImportedSpec;
  try {
    imported = await importer.run(file, promptfooFlags);
  } catch (error) {
    if (!ImportError.isInstance(error)) throw error;
    io.stderr.write(`${error.message}\n`);
    // the file to import is the spec-to-be: its problems are a spec's problems; a file that cannot be read is unreadable input
    return isReadable(file) ? EXIT.invalidSpec : EXIT.inputUnreadable;
  }
  const text = specText(imported, kind!, file);
  if (values.output === undefined) {
    if (imported.files.length > 0) {
      throw usage(
        `the imported spec refers to ${imported.files.map((each) => each.path).join(', ')}; give --output SPEC.yaml to write ${imported.files.length === 1 ? 'it' : 'them'} beside the spec`,
      );
    }
    parseSpec(text, '<imported spec>'); // a spec that does not validate is a SpecError (exit 3), never printed
    io.stdout.write(text);
    if (imported.notes.length > 0) io.stderr.write(`${notesText(imported.notes)}\n`);
    return EXIT.ok;
  }
  const specPath = resolve(values.output);
  const targets = [specPath, ...imported.files.map((each) => join(dirname(specPath), each.path))];
  const existing = targets.filter((target) => existsSync(target));
  if (existing.length > 0 && !values.force) {
    throw usage(`not overwriting ${existing.join(', ')}; give --force to replace ${existing.length === 1 ? 'it' : 'them'}`);
  }
  try {
    for (const [index, target] of targets.entries()) {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, index === 0 ? text : imported.files[index - 1]!.content);
    }
  } catch (error) {
    throw usage(`cannot write ${values.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { spec } = loadSpecWithJudge(values.output); // the written spec must load as `score` loads it: else a SpecError (exit 3)
  const written = [values.output, ...imported.files.map((each) => join(dirname(values.output!), each.path))];
  io.stdout.write(
    `imported ${importer.what} ${file} → ${written.join(', ')} (${spec.checks.length} checks, ${spec.judges.length} judges); the spec validates\n` +
      (imported.notes.length > 0 ? `${notesText(imported.notes)}\n` : ''),
  );
  return EXIT.ok;
}

/** The promptfoo importer's options from its flags (a bad --judge is a usage error). */
function promptfooOptions(flags: PromptfooFlags): PromptfooImportOptions {
  let judge: PromptfooImportOptions['judge'];
  if (flags.judge !== undefined) {
    try {
      const { provider, model, base_url } = parseJudgeFlag(flags.judge, flags['judge-base-url']);
      judge = { provider, model, ...(base_url ? { base_url } : {}) };
    } catch (error) {
      throw usage((error as Error).message);
    }
  }
  return { ...(judge ? { judge } : {}), ...(flags['g-eval-steps'] !== undefined ? { gEvalStepsFile: flags['g-eval-steps'] } : {}) };
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function usage(message: string): CliError {
  return new CliError(`import: ${message}\nRun "rewardkit import --help" for usage.`, EXIT.usage);
}

/** The spec as YAML, the notes as comments at its top. */
function specText(imported: ImportedSpec, kind: string, file: string): string {
  const document = new Document(imported.spec);
  const lines = [` Imported by "rewardkit import ${kind}" from ${file}.`];
  if (imported.notes.length > 0)
    lines.push(
      ' Notes on the mapping:',
      ...imported.notes.flatMap((note) => wrap(note, 112).map((line, index) => `${index === 0 ? ' - ' : '   '}${line}`)),
    );
  document.commentBefore = lines.join('\n');
  return document.toString({ lineWidth: 0 });
}

function notesText(notes: readonly string[]): string {
  return `Notes on the mapping:\n${notes
    .map((note) =>
      wrap(note, 112)
        .map((line, index) => `${index === 0 ? '  - ' : '    '}${line}`)
        .join('\n'),
    )
    .join('\n')}`;
}

/** Splits `text` into lines of at most `width` characters at spaces (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
