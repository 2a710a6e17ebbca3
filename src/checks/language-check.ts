/**
 * `language` check: the response's language must match the prompt's (or a fixed ISO code).
 * Detection by eld; a text shorter than `min_chars` or one eld is unsure of is "undetermined"
 * (score null), never a failure.
 */
import type { z } from 'zod';
import type { LanguageCheckSchema } from '../spec/schema.js';
import { selectedText, type Check } from './check.js';

type LanguageCheckSpec = z.output<typeof LanguageCheckSchema>;

interface Detector {
  detect(text: string): { language: string; isReliable(): boolean };
}

let detectorPromise: Promise<Detector> | undefined;

/** eld's medium database (~2 MB) is loaded once, on first use. */
function loadDetector(): Promise<Detector> {
  detectorPromise ??= import('eld/medium').then((module) => module.eld as Detector);
  return detectorPromise;
}

export type Detection = { language: string } | { undetermined: string };

export async function detectLanguage(text: string, minChars: number): Promise<Detection> {
  const letters = text.replace(/[\s\p{P}\p{S}\p{N}]+/gu, '');
  if (letters.length < minChars) return { undetermined: `too short to detect (${letters.length} letters < ${minChars})` };
  const result = (await loadDetector()).detect(text);
  if (!result.language || !result.isReliable()) return { undetermined: 'detector not confident' };
  return { language: result.language };
}

export function languageCheck(spec: LanguageCheckSpec): Check {
  return async (context) => {
    const detected = await detectLanguage(selectedText(context, spec.field), spec.min_chars);
    if ('undetermined' in detected) return { score: null, message: `response language undetermined: ${detected.undetermined}` };
    let expected = spec.expect;
    if (expected === 'match') {
      const source = await detectLanguage(selectedText(context, spec.against), spec.min_chars);
      if ('undetermined' in source) return { score: null, message: `language of ${spec.against} undetermined: ${source.undetermined}` };
      expected = source.language;
    }
    const match = detected.language === expected;
    return {
      score: match ? 1 : 0,
      message: match ? `language ${detected.language} as expected` : `language ${detected.language}, expected ${expected}`,
      details: { detected: detected.language, expected },
    };
  };
}
