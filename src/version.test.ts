import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REWARDKIT_VERSION } from './version.js';

describe('REWARDKIT_VERSION', () => {
  it('is the version in package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(REWARDKIT_VERSION).toBe(manifest.version);
    expect(REWARDKIT_VERSION).toBe('0.1.0');
  });
});
