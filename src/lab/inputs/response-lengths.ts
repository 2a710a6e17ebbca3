/**
 * Response lengths for the verbosity line when the judgements come from files (score output, verdicts) that do not
 * carry the response: joined by id from a --rollouts file, or none with the reason the report shows.
 */
import { lengthsById, readRollouts } from './rollouts.js';

export interface Lengths {
  lengths: (number | null)[] | null;
  reason: string;
}

/** Lengths for ids from a rollouts file (joined by id), or none with the reason. */
export function lengthsFromRollouts(ids: readonly string[], rolloutsPath: string | undefined, what: string): Lengths {
  if (!rolloutsPath)
    return { lengths: null, reason: `${what} do not carry the response text: pass --rollouts ROLLOUTS.jsonl to get the verbosity line` };
  const byId = lengthsById(readRollouts(rolloutsPath, undefined, '--rollouts'));
  const lengths = ids.map((id) => byId.get(id) ?? null);
  if (lengths.every((length) => length === null)) return { lengths: null, reason: `no id of ${what} is in --rollouts ${rolloutsPath}` };
  return { lengths, reason: '' };
}
