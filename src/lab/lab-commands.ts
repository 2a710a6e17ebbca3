/**
 * The seven lab commands, one folder each (src/lab/<command>/: flags and help, run, analysis, report), and the two
 * things every result gets whatever its command: its HTML report and its terminal summary.
 */
import { agreeCommand } from './agree/agree-command.js';
import type { AgreementResult } from './agree/agreement-analysis.js';
import { calibrateCommand } from './calibrate/calibrate-command.js';
import type { CalibrationResult } from './calibrate/calibration-analysis.js';
import type { LabCommandDefinition } from './command/lab-command-definition.js';
import { consistencyCommand } from './consistency/consistency-command.js';
import type { ConsistencyResult } from './consistency/consistency-analysis.js';
import { hackCommand } from './hack/hack-command.js';
import type { HackResult } from './hack/hacking-analysis.js';
import type { LabCommandName } from './lab-result.js';
import { noiseCommand } from './noise/noise-command.js';
import type { NoiseResult } from './noise/noise-analysis.js';
import { positionCommand } from './position/position-command.js';
import type { PositionResult } from './position/position-analysis.js';
import { regressCommand } from './regress/regress-command.js';
import type { RegressionResult } from './regress/regression-analysis.js';
import { verbosityLines } from './report/terminal-summary-lines.js';

export type LabResult =
  ConsistencyResult | PositionResult | AgreementResult | CalibrationResult | RegressionResult | HackResult | NoiseResult;

/** Every lab command by name, in the order `rewardkit lab --help` lists them. */
export const LAB_COMMANDS = {
  consistency: consistencyCommand,
  position: positionCommand,
  agree: agreeCommand,
  calibrate: calibrateCommand,
  regress: regressCommand,
  hack: hackCommand,
  noise: noiseCommand,
} as const satisfies Record<LabCommandName, LabCommandDefinition<LabResult>>;

/** The command of that name, typed for any lab result (each command only ever receives its own). */
export function labCommandNamed(name: LabCommandName): LabCommandDefinition<LabResult> {
  return LAB_COMMANDS[name];
}

/** A lab result's self-contained HTML report. */
export function renderReport(result: LabResult): string {
  return labCommandNamed(result.command).report(result);
}

/** A lab result's short plain-text summary for the terminal: the command's lines, then the verbosity line. */
export function summaryText(result: LabResult): string {
  const lines = [...labCommandNamed(result.command).summaryLines(result), ...verbosityLines(result.verbosity_bias)];
  return `${lines.join('\n')}\n`;
}
