/**
 * rewardkit's own version, for provenance (`/healthz`, `/v1/score`, the Lambda's log line). Read from the
 * package.json beside the code (src/ in development, dist/ when installed); a single-file bundle such as
 * the Lambda's gets it baked in at build time (scripts/build-lambda.ts defines __REWARDKIT_VERSION__).
 */
import { readFileSync } from 'node:fs';

declare const __REWARDKIT_VERSION__: string | undefined;

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
    if (manifest.name === 'rewardkit' && typeof manifest.version === 'string') return manifest.version;
  } catch {
    // not beside a package.json: fall through
  }
  return '0.0.0-unknown';
}

export const REWARDKIT_VERSION: string = typeof __REWARDKIT_VERSION__ === 'string' ? __REWARDKIT_VERSION__ : packageVersion();
