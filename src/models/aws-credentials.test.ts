/**
 * A Bedrock judge signs with whatever the AWS credential chain finds — a profile from the shared files, ECS
 * container credentials, environment keys — or uses a Bedrock API key, checked by a fake Converse endpoint
 * that reads the access key id from the SigV4 Authorization header. Every test runs in a sealed AWS
 * environment: temp shared files, no key variables, instance metadata (IMDS) disabled so nothing is probed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeBedrock, startFakeContainerCredentials, type FakeBedrock } from '../../test/support/fake-bedrock-server.js';
import { sealAwsEnvironment } from '../../test/support/seal-aws-environment.js';
import { ModelSpecSchema } from '../spec/schema.js';
import { awsChainTried, awsCredentialChain, awsCredentialSource } from './aws-credentials.js';
import { createJudgeModel } from './judge-model.js';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const dir = mkdtempSync(join(tmpdir(), 'rewardkit-aws-'));
let bedrock: FakeBedrock;

beforeAll(async () => {
  bedrock = await startFakeBedrock({
    accessKeys: ['AKIAPROFILEJUDGE0001', 'ASIACONTAINERROLE001', 'AKIAENVIRONMENT00001'],
    secrets: { AKIAPROFILEJUDGE0001: 'profile-secret', ASIACONTAINERROLE001: 'container-secret', AKIAENVIRONMENT00001: 'env-secret' },
    apiKeys: ['bedrock-api-key-1'],
    models: [MODEL],
  });
});
afterAll(() => bedrock.close());
beforeEach(() => {
  sealAwsEnvironment(dir);
  bedrock.requests.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function judgeOnce(): Promise<string> {
  const model = createJudgeModel(
    ModelSpecSchema.parse({ provider: 'bedrock', model: MODEL, base_url: bedrock.url, structured_output: 'none' }),
  );
  const reply = await model.generate({ system: 'You judge.', user: 'Judge this.' }, new AbortController().signal);
  return reply.text;
}

describe('Bedrock judge credentials (AWS credential chain)', () => {
  it('signs with a named profile from the shared credentials file (AWS_PROFILE, no key variables)', async () => {
    const credentials = join(dir, 'credentials-profile');
    writeFileSync(
      credentials,
      '[default]\naws_access_key_id = AKIADEFAULTNOTUSED01\naws_secret_access_key = x\n\n[judge]\naws_access_key_id = AKIAPROFILEJUDGE0001\naws_secret_access_key = profile-secret\n',
    );
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
    vi.stubEnv('AWS_PROFILE', 'judge');
    expect(await judgeOnce()).toBe('{"ok": true}');
    expect(
      bedrock.requests.map(({ modelId, accessKeyId, region, service, signatureVerified }) => ({
        modelId,
        accessKeyId,
        region,
        service,
        signatureVerified,
      })),
    ).toEqual([{ modelId: MODEL, accessKeyId: 'AKIAPROFILEJUDGE0001', region: 'us-east-1', service: 'bedrock', signatureVerified: true }]);
    expect(awsCredentialSource()).toBe(`AWS profile "judge" (AWS_PROFILE) from ${credentials} and ${join(dir, 'no-config')}`);
  });

  it('signs with a profile defined in the config file only ([profile name] section)', async () => {
    const config = join(dir, 'config-profile');
    writeFileSync(
      config,
      '[profile judge-config]\naws_access_key_id = AKIAPROFILEJUDGE0001\naws_secret_access_key = profile-secret\nregion = eu-west-1\n',
    );
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_PROFILE', 'judge-config');
    await judgeOnce();
    expect(bedrock.requests[0]!.accessKeyId).toBe('AKIAPROFILEJUDGE0001');
  });

  it('signs with ECS container credentials from AWS_CONTAINER_CREDENTIALS_FULL_URI, session token included', async () => {
    const container = await startFakeContainerCredentials({
      accessKeyId: 'ASIACONTAINERROLE001',
      secretAccessKey: 'container-secret',
      token: 'container-session-token',
    });
    try {
      vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', container.uri);
      await judgeOnce();
      await judgeOnce();
      expect(
        bedrock.requests.map(({ accessKeyId, sessionToken, signatureVerified }) => ({ accessKeyId, sessionToken, signatureVerified })),
      ).toEqual([
        { accessKeyId: 'ASIACONTAINERROLE001', sessionToken: 'container-session-token', signatureVerified: true },
        { accessKeyId: 'ASIACONTAINERROLE001', sessionToken: 'container-session-token', signatureVerified: true },
      ]);
      expect(container.fetches).toBe(1); // resolved once, reused until it nears expiry
    } finally {
      await container.close();
    }
  });

  it('still signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENT00001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret');
    await judgeOnce();
    expect(bedrock.requests[0]).toMatchObject({ accessKeyId: 'AKIAENVIRONMENT00001', signatureVerified: true });
    expect(awsCredentialSource()).toBe('the keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY');
  });

  it('a signature made with the wrong secret is rejected by the fake (the check is real)', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENT00001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret');
    await expect(judgeOnce()).rejects.toThrow(/The request signature we calculated does not match/);
    expect(bedrock.requests[0]).toMatchObject({ accessKeyId: 'AKIAENVIRONMENT00001', signatureVerified: false });
  });

  it('a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) is sent as a bearer token instead of a signature', async () => {
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', 'bedrock-api-key-1');
    await judgeOnce();
    expect(bedrock.requests.map(({ apiKey, accessKeyId }) => ({ apiKey, accessKeyId }))).toEqual([
      { apiKey: 'bedrock-api-key-1', accessKeyId: undefined },
    ]);
  });

  it('with nothing configured, the chain fails quickly (IMDS disabled) and the message lists what was tried', async () => {
    const started = performance.now();
    await expect(awsCredentialChain()()).rejects.toThrow(/Could not load credentials from any providers/);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(awsChainTried()).toBe(
      'environment keys (AWS_ACCESS_KEY_ID unset); ' +
        `profile "default" (AWS_PROFILE unset) in ${join(dir, 'no-credentials')} and ${join(dir, 'no-config')} (keys, SSO, credential_process, role_arn); ` +
        'web identity (AWS_WEB_IDENTITY_TOKEN_FILE unset); container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI unset); ' +
        'instance metadata (IMDS: not tried)',
    );
  });
});
