/** What every lab runner is given: the bootstrap settings of the run and a line logger for progress (stderr). */
import type { LabSettings } from '../lab-result.js';

export interface RunContext {
  settings: LabSettings;
  /** Progress and notes for the user (stderr). */
  log: (message: string) => void;
}

/** "12.3 s" since `started` (performance.now()). */
export function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
