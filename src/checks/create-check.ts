/** Builds the check function for one `checks[]` entry of a spec. */
import type { CheckSpec } from '../spec/schema.js';
import type { Check } from './check.js';
import { groundingCheck } from './grounding-check.js';
import { jsonCheck } from './json-check.js';
import { languageCheck } from './language-check.js';
import { lengthCheck } from './length-check.js';
import { matchCheck } from './match-check.js';
import { safetyCheck } from './safety-check.js';
import { similarityCheck } from './similarity-check.js';

export function createCheck(spec: CheckSpec): Check {
  switch (spec.type) {
    case 'json':
      return jsonCheck(spec);
    case 'length':
      return lengthCheck(spec);
    case 'language':
      return languageCheck(spec);
    case 'safety':
      return safetyCheck(spec);
    case 'grounding':
      return groundingCheck(spec);
    case 'match':
      return matchCheck(spec);
    case 'similarity':
      return similarityCheck(spec);
  }
}
