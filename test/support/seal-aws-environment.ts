/**
 * A sealed AWS environment for tests (vitest stubs, undone by vi.unstubAllEnvs): every AWS_* variable cleared,
 * the shared config/credentials files pointed at paths that do not exist, instance metadata (IMDS) disabled so
 * the credential chain never probes 169.254.169.254 and never hangs, and a region set.
 */
import { join } from 'node:path';
import { vi } from 'vitest';

export function sealAwsEnvironment(dir: string, region = 'us-east-1'): void {
  for (const name of Object.keys(process.env).filter((key) => key.startsWith('AWS_'))) vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', region);
}
