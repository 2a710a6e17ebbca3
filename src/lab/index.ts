/**
 * `rewardkit/lab` — the judge lab as a library: each command's analysis (judgements in, JSON result out), its runner
 * (a spec over rollouts, or files, through the reward engine), the HTML report and terminal summary of any result,
 * and the statistics core. The `rewardkit lab` command line (src/cli/lab-command.ts) is a thin face over the same.
 */
export { analyseConsistency, type ConsistencyInput, type ConsistencyResult } from './consistency/consistency-analysis.js';
export { runConsistency, type ConsistencyOptions } from './consistency/run-consistency.js';
export { analysePosition, type PositionInput, type PositionResult } from './position/position-analysis.js';
export { runPosition, type PositionOptions } from './position/run-position.js';
export { AGREEMENT_STATISTICS, analyseAgreement, type AgreementInput, type AgreementResult } from './agree/agreement-analysis.js';
export { runAgree, type AgreeOptions } from './agree/run-agree.js';
export {
  analyseCalibration,
  CALIBRATION_STATISTICS,
  type CalibrationInput,
  type CalibrationOptions,
  type CalibrationResult,
} from './calibrate/calibration-analysis.js';
export { runCalibrate, type CalibrateOptions } from './calibrate/run-calibrate.js';
export { analyseRegression, readBaseline, type RegressionInput, type RegressionResult } from './regress/regression-analysis.js';
export { loadSuite, type JudgeSuite, type SuiteCase } from './regress/judge-suite.js';
export { runRegress, type RegressOptions } from './regress/run-regress.js';
export { analyseHacking, type HackInput, type HackResult } from './hack/hacking-analysis.js';
export { PROBES, selectProbes, type Probe, type ProbeFamily } from './hack/probes.js';
export { runHack, type HackOptions } from './hack/run-hack.js';
export { analyseNoise, NOISE_STATISTICS, type NoiseInput, type NoiseResult, type NoiseSource } from './noise/noise-analysis.js';
export { runNoise, type NoiseOptions } from './noise/run-noise.js';
export { renderReport, summaryText, type LabResult } from './lab-commands.js';
export type { RunContext } from './command/run-context.js';
export type { EngineFlags } from './engine/engine-flags.js';
export { LAB_RESULT_VERSION, toJson, type LabCommandName, type LabSettings, type LabSource, type ReportedStatistic } from './lab-result.js';
export { LabError, type LabErrorKind } from './lab-error.js';
export type { MeasurementLevel } from './rating-values.js';
export * as statistics from './statistics/index.js';
