/**
 * AWS credentials for Bedrock judges: the AWS SDK's own default chain (`fromNodeProviderChain`) — environment
 * keys, the shared config/credentials files (profiles, SSO, credential_process, assume-role), web identity
 * (EKS IRSA), container credentials (ECS task role, EKS Pod Identity) and instance metadata (EC2 or SageMaker
 * role). One provider per AWS environment, shared by preflight and the run, so credentials are resolved once
 * and refreshed by the SDK before they expire. Also: which source a Bedrock judge is using, in words, for
 * messages that must say what to fix.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type AwsCredentialProvider = () => Promise<AwsCredentials>;

/** The environment variable holding a Bedrock API key (bearer token); the AI SDK reads it itself. */
export const BEDROCK_API_KEY_ENV = 'AWS_BEARER_TOKEN_BEDROCK';

const providers = new Map<string, AwsCredentialProvider>();

/**
 * The credential chain for the current process environment (the SDK reads process.env itself). Memoized per
 * set of AWS_* variables: credentials are fetched once, and again only when they near expiry.
 */
export function awsCredentialChain(): AwsCredentialProvider {
  const key = JSON.stringify(awsVariables(process.env));
  let provider = providers.get(key);
  if (!provider) {
    const chain = fromNodeProviderChain();
    provider = async () => {
      const { accessKeyId, secretAccessKey, sessionToken } = await chain();
      return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    };
    providers.set(key, provider);
  }
  return provider;
}

/** The AWS region of a Bedrock judge: the spec's `region`, else AWS_REGION, else AWS_DEFAULT_REGION. */
export function awsRegion(region: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return region ?? (env.AWS_REGION || undefined) ?? (env.AWS_DEFAULT_REGION || undefined);
}

/** The credential source the chain will use first, in words: "AWS profile \"judge\"", "ECS container credentials …". */
export function awsCredentialSource(env: NodeJS.ProcessEnv = process.env): string {
  if (env[BEDROCK_API_KEY_ENV]?.trim()) return `the Bedrock API key in ${BEDROCK_API_KEY_ENV}`;
  if (env.AWS_PROFILE) return `AWS profile "${env.AWS_PROFILE}" (AWS_PROFILE) from ${sharedFiles(env)}`;
  if (env.AWS_ACCESS_KEY_ID) return 'the keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY';
  return 'the AWS default credential chain';
}

/** Every source the chain tries, in order, with the variables that steer each (for "no credentials" messages). */
export function awsChainTried(env: NodeJS.ProcessEnv = process.env): string {
  const profile = env.AWS_PROFILE ? `profile "${env.AWS_PROFILE}" (AWS_PROFILE)` : 'profile "default" (AWS_PROFILE unset)';
  const container =
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI ??
    (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ? `169.254.170.2${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}` : undefined);
  const imdsOff = env.AWS_EC2_METADATA_DISABLED && env.AWS_EC2_METADATA_DISABLED !== 'false';
  return [
    `environment keys (AWS_ACCESS_KEY_ID ${env.AWS_ACCESS_KEY_ID ? 'set' : 'unset'}${env.AWS_PROFILE ? ', skipped because AWS_PROFILE is set' : ''})`,
    `${profile} in ${sharedFiles(env)} (keys, SSO, credential_process, role_arn)`,
    `web identity (AWS_WEB_IDENTITY_TOKEN_FILE ${env.AWS_WEB_IDENTITY_TOKEN_FILE ? `= ${env.AWS_WEB_IDENTITY_TOKEN_FILE}` : 'unset'})`,
    container
      ? `container credentials from ${container}`
      : 'container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI unset)',
    imdsOff || container ? 'instance metadata (IMDS: not tried)' : 'instance metadata (IMDS)',
  ].join('; ');
}

function sharedFiles(env: NodeJS.ProcessEnv): string {
  return `${env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials'} and ${env.AWS_CONFIG_FILE ?? '~/.aws/config'}`;
}

function awsVariables(env: NodeJS.ProcessEnv): Array<[string, string | undefined]> {
  return Object.entries(env)
    .filter(([name]) => name.startsWith('AWS_'))
    .sort(([a], [b]) => a.localeCompare(b));
}
