/**
 * rewardkit `score` output files as lab input: one RewardResult per line (with its `line`), read back
 * by id so several files (repeats, judges) can be joined.
 */
import type { RewardResult } from '../../result.js';
import { LabError } from '../lab-error.js';
import { assertUniqueIds, readJsonlRecords } from './jsonl-records.js';

export interface ScoreOutput {
  path: string;
  /** In file order. */
  results: RewardResult[];
  byId: Map<string, RewardResult>;
}

export function readScoreOutput(path: string, flag = '--scored'): ScoreOutput {
  const records = readJsonlRecords(path, flag);
  const results = records.map(({ line, value }) => {
    const id = value.id;
    const reward = value.reward;
    if (typeof id !== 'string' || !(reward === null || typeof reward === 'number') || !Array.isArray(value.components)) {
      throw new LabError(
        'input',
        `${flag} ${path}:${line}: not a rewardkit score result (expected "id", "reward" and "components"; write it with rewardkit score --output)`,
      );
    }
    return value as unknown as RewardResult;
  });
  assertUniqueIds(
    results.map((result) => result.id),
    flag,
    path,
  );
  return { path, results, byId: new Map(results.map((result) => [result.id, result])) };
}

/** The ids of the first file, then any others only later files have. */
export function unionIds(outputs: readonly ScoreOutput[]): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const output of outputs) {
    for (const result of output.results) {
      if (seen.has(result.id)) continue;
      seen.add(result.id);
      ids.push(result.id);
    }
  }
  return ids;
}
