/**
 * What mapping one OpenAI grader gives (a rewardkit check or judge, and the grader's own score range) and what each
 * mapper is handed (where the grader is, the name its component gets, the problems and notes, the files to write).
 */
import type { ImportedFile } from '../imported-spec.js';
import type { GraderPath, ImportProblems } from './import-problems.js';

export interface MappedComponent {
  section: 'checks' | 'judges';
  /** The check or judge as a spec object. */
  component: Record<string, unknown>;
  /** The grader's own score range (score_model's `range`, else [0, 1]); rewardkit scores the component in [0, 1]. */
  range: readonly [number, number];
}

export interface MapContext {
  /** Where the grader is in the file. */
  path: GraderPath;
  /** The component's name: the multi grader key, else the grader's name in snake_case. */
  name: string;
  problems: ImportProblems;
  /** Template files the spec refers to, written beside it. */
  files: ImportedFile[];
}
