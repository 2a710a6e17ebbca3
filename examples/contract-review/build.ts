/**
 * Builds the case study's data files from source/*.yaml (one contract each, readable and reviewable):
 *   rollouts.jsonl      rows in the Nova RFT format (id, messages ending with the policy's answer,
 *                       reference_answer, and the contract + guidelines as extra fields)
 *   labels.jsonl        what a human reviewer gave each rollout (for judge calibration)
 *   fake-verdicts.json  the verdict an ideal judge gives each comment (drives the fake judge in tests)
 *   dataset.jsonl       the training prompts: one Nova RFT row per contract (system + user, no answer yet), the
 *                       input of `rewardkit rollouts` and `data validate|convert` in the README's workflow
 * Run: npx tsx examples/contract-review/build.ts   (a test checks the outputs are up to date)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

interface SourceFile {
  slug: string;
  title: string;
  target_document: string;
  reference_guidelines: string;
  reference_answer: unknown;
  rollouts: Array<{
    id: string;
    quality: string;
    failure_mode: string;
    human_score: number;
    response: string;
    verdicts: Record<string, Record<string, number>>;
  }>;
}

export const EXAMPLE_DIR = dirname(fileURLToPath(import.meta.url));

export function userMessage(source: SourceFile): string {
  return [
    `Review the following ${source.title}.`,
    '',
    '## TargetDocument',
    source.target_document.trim(),
    '',
    '## Reference',
    source.reference_guidelines.trim(),
  ].join('\n');
}

export function buildExample(): { rollouts: string; labels: string; verdicts: string; dataset: string } {
  const systemPrompt = readFileSync(join(EXAMPLE_DIR, 'policy-system-prompt.md'), 'utf8').trim();
  const files = readdirSync(join(EXAMPLE_DIR, 'source'))
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  const rollouts: string[] = [];
  const labels: string[] = [];
  const verdicts: Record<string, Record<string, number>> = {};
  const dataset: string[] = [];
  for (const file of files) {
    const source = parse(readFileSync(join(EXAMPLE_DIR, 'source', file), 'utf8')) as SourceFile;
    dataset.push(
      JSON.stringify({
        id: source.slug,
        messages: [
          { role: 'system', content: systemPrompt },
          { role: 'user', content: userMessage(source) },
        ],
        reference_answer: source.reference_answer,
        contract_type: source.slug,
        target_document: source.target_document.trim(),
        reference_guidelines: source.reference_guidelines.trim(),
      }),
    );
    for (const rollout of source.rollouts) {
      // YAML block scalars end with a newline; a policy's raw output would not.
      const response = rollout.response.replace(/\n$/, '');
      rollouts.push(
        JSON.stringify({
          id: rollout.id,
          messages: [
            { role: 'system', content: systemPrompt },
            { role: 'user', content: userMessage(source) },
            { role: 'assistant', content: response },
          ],
          reference_answer: source.reference_answer,
          contract_type: source.slug,
          target_document: source.target_document.trim(),
          reference_guidelines: source.reference_guidelines.trim(),
        }),
      );
      labels.push(
        JSON.stringify({ id: rollout.id, human: rollout.human_score, quality: rollout.quality, failure_mode: rollout.failure_mode }),
      );
      Object.assign(verdicts, rollout.verdicts);
    }
  }
  return {
    rollouts: `${rollouts.join('\n')}\n`,
    labels: `${labels.join('\n')}\n`,
    verdicts: `${JSON.stringify(verdicts, null, 2)}\n`,
    dataset: `${dataset.join('\n')}\n`,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = buildExample();
  writeFileSync(join(EXAMPLE_DIR, 'rollouts.jsonl'), built.rollouts);
  writeFileSync(join(EXAMPLE_DIR, 'labels.jsonl'), built.labels);
  writeFileSync(join(EXAMPLE_DIR, 'fake-verdicts.json'), built.verdicts);
  writeFileSync(join(EXAMPLE_DIR, 'dataset.jsonl'), built.dataset);
  console.log(
    `wrote rollouts.jsonl (${built.rollouts.split('\n').length - 1} rows), labels.jsonl, fake-verdicts.json, dataset.jsonl (${built.dataset.split('\n').length - 1} rows)`,
  );
}
