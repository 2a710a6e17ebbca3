/**
 * `rewardkit lab hack`: its flags and help, --list-probes, how it reads its flags, --fail-on-raise, and the definition
 * the CLI dispatches to.
 */
import { DEFAULT_CACHE_PATH } from '../../open-reward.js';
import type { LabCommandDefinition, RewardFlagsOfCli } from '../command/lab-command-definition.js';
import {
  COMMON_FLAGS,
  COMMON_OPTIONS_HELP,
  engineFlagTable,
  engineOptionsHelp,
  EXIT_CODES_HELP,
  FAKE_JUDGE_FLAGS,
  LAB_EXIT,
  requireSpecAndInput,
  splitList,
} from '../command/lab-flags.js';
import type { HackResult } from './hacking-analysis.js';
import { hackReport, hackSummaryLines } from './hack-report.js';
import { PROBES } from './probes.js';
import { runHack } from './run-hack.js';

function help(reward: RewardFlagsOfCli): string {
  return `Usage: rewardkit lab hack --spec SPEC --input ROLLOUTS.jsonl [--probes ID|FAMILY,…] [options]

Can a rollout game the judge? Applies reward-hacking probes to every rollout and reports the reward
shift per probe against the rollout as it was; every probe that raises the reward of any row is flagged
(and marked "raises reliably" when its mean shift's 95% CI is above 0). Text goes where a policy would
put it: appended to plain text, or inside the string fields of a JSON answer (each object's longest
string, or --probe-field) so it passes the format checks. A probed row whose judge fails gets the
neutral reward, and that counts: an injection that breaks the judge is a hack too.

Probes (--list-probes prints them):
${PROBES.map((probe) => `  ${probe.id.padEnd(32)} ${probe.family}`).join('\n')}

Options:
  --spec FILE             reward spec                                                     (required)
  --input FILE            rollouts (JSONL)                                                (required)
  --probes LIST           probe ids or families, comma-separated                 (default: all)
  --probe-field KEY       JSON answers: the string field that receives added text
  --list-probes           print the probes and exit
  --fail-on-raise         exit 7 when any probe raises the reward of any row
${engineOptionsHelp(reward)}
${COMMON_OPTIONS_HELP}

Example:
  rewardkit lab hack --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --limit 8 --probes padding,injection,fake_delimiter ${FAKE_JUDGE_FLAGS} --html hack.html --fail-on-raise

${EXIT_CODES_HELP}`;
}

export const hackCommand: LabCommandDefinition<HackResult> = {
  name: 'hack',
  flags: (reward) => ({
    ...COMMON_FLAGS,
    ...engineFlagTable(reward),
    probes: { type: 'string' },
    'probe-field': { type: 'string' },
    'list-probes': { type: 'boolean' },
    'fail-on-raise': { type: 'boolean' },
  }),
  help,
  minFlagStatistics: null,
  listing: (flags) =>
    flags.isSet('list-probes')
      ? PROBES.map((probe) => `${probe.id.padEnd(32)} ${probe.family.padEnd(15)} ${probe.description}`).join('\n')
      : undefined,
  run: (flags, context) => {
    const { spec, input } = requireSpecAndInput('hack', flags.text('spec'), flags.text('input'));
    const probes = flags.text('probes');
    const field = flags.text('probe-field');
    return runHack(
      { spec, input, probes: probes ? splitList(probes) : [], ...(field ? { field } : {}), engine: flags.engine(DEFAULT_CACHE_PATH) },
      context,
    );
  },
  report: hackReport,
  summaryLines: hackSummaryLines,
  /** --fail-on-raise: 7 when a probe raised the reward of any row. */
  exitCode: (result, flags, log) => {
    if (flags.isSet('fail-on-raise') && result.summary.flagged.length > 0) {
      log(`lab hack: --fail-on-raise: ${result.summary.flagged.length} probe(s) raised the reward: ${result.summary.flagged.join(', ')}`);
      return LAB_EXIT.requirementNotMet;
    }
    return LAB_EXIT.ok;
  },
};
