/**
 * `length` check: chars or words inside [min, max] score 1; outside, the score falls linearly to 0
 * over `ramp` units (default: the bound itself).
 */
import type { z } from 'zod';
import type { LengthCheckSchema } from '../spec/schema.js';
import { selectedText, type Check } from './check.js';

type LengthCheckSpec = z.output<typeof LengthCheckSchema>;

export function measureLength(text: string, unit: 'chars' | 'words'): number {
  if (unit === 'chars') return [...text].length;
  const words = text
    .trim()
    .split(/\s+/u)
    .filter((word) => word !== '');
  return words.length;
}

export function lengthScore(length: number, min: number | undefined, max: number | undefined, ramp: number | undefined): number {
  if (min !== undefined && length < min) {
    const width = ramp ?? min;
    return Math.max(0, 1 - (min - length) / width);
  }
  if (max !== undefined && length > max) {
    const width = ramp ?? max;
    return Math.max(0, 1 - (length - max) / width);
  }
  return 1;
}

export function lengthCheck(spec: LengthCheckSpec): Check {
  return (context) => {
    const length = measureLength(selectedText(context, spec.field), spec.unit);
    const score = lengthScore(length, spec.min, spec.max, spec.ramp);
    const bounds = `[${spec.min ?? 0}, ${spec.max ?? '∞'}]`;
    return { score, message: `${length} ${spec.unit} (wanted ${bounds})`, details: { length, unit: spec.unit } };
  };
}
