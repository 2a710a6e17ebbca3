/**
 * Preflight against fake providers over real HTTP: one minimal real request per distinct judge model, through
 * the run's own client. A wrong key, a wrong model, a refused connection or missing AWS credentials stop the
 * run with a message naming the judge, the key variable or AWS profile, and the endpoint; 429/5xx/slow answers
 * are warnings only. Bedrock runs in a sealed AWS environment (temp shared files, IMDS disabled).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../test/support/fake-anthropic-server.js';
import { startFakeBedrock, startFakeContainerCredentials, type FakeBedrock } from '../../test/support/fake-bedrock-server.js';
import { startFakeJudge } from '../../test/support/fake-judge-server.js';
import { sealAwsEnvironment } from '../../test/support/seal-aws-environment.js';
import { testSpec } from '../../test/support/test-spec.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { ModelSpecSchema, type ModelSpec } from '../spec/schema.js';
import { checkJudgeModels, PREFLIGHT_MAX_TOKENS, PREFLIGHT_SYSTEM_PROMPT, preflight, preflightSpec } from './preflight.js';

const judge = useFakeJudge();
const dir = mkdtempSync(join(tmpdir(), 'rewardkit-preflight-'));

function compatible(overrides: Record<string, unknown> = {}): ModelSpec {
  return ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'fake-judge', base_url: judge.url, ...overrides });
}

const WRONG_KEY = {
  error: {
    message: 'Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
};
const NO_SUCH_MODEL = {
  error: {
    message: 'The model `qwen3-8b-typo` does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  },
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('preflight (OpenAI-compatible judge)', () => {
  it('sends one minimal request per distinct model, apart from the run, and finds no problem when it answers', async () => {
    judge.setScript(() => ({ content: '{"ok": true}' }));
    const report = await checkJudgeModels([compatible(), compatible({ temperature: 0.7 }), compatible({ model: 'other-judge' })]);
    expect(report).toEqual({ problems: [], warnings: [] });
    expect(judge.preflights.map((request) => [request.model, request.body.max_tokens, request.system])).toEqual([
      ['fake-judge', PREFLIGHT_MAX_TOKENS, PREFLIGHT_SYSTEM_PROMPT],
      ['other-judge', PREFLIGHT_MAX_TOKENS, PREFLIGHT_SYSTEM_PROMPT],
    ]);
    expect(judge.requests).toHaveLength(0); // not counted as a run's call
  });

  it('a wrong key (401) stops the run, naming the judge, the key variable and the endpoint', async () => {
    judge.setScript((request) =>
      request.headers.authorization === 'Bearer sk-right' ? { content: '{"ok": true}' } : { status: 401, body: WRONG_KEY },
    );
    vi.stubEnv('OPENAI_COMPATIBLE_API_KEY', 'sk-wrong');
    expect(await preflight([compatible()])).toEqual([
      `judge openai-compatible:fake-judge@${judge.url} at ${judge.url} rejected the credentials (HTTP 401: ${WRONG_KEY.error.message}) — credentials: the API key in OPENAI_COMPATIBLE_API_KEY`,
    ]);
    vi.stubEnv('JUDGE_KEY', 'sk-wrong');
    expect(await preflight([compatible({ api_key_env: 'JUDGE_KEY' })])).toEqual([
      `judge openai-compatible:fake-judge@${judge.url} at ${judge.url} rejected the credentials (HTTP 401: ${WRONG_KEY.error.message}) — credentials: the API key in JUDGE_KEY (api_key_env)`,
    ]);
    vi.stubEnv('JUDGE_KEY', 'sk-right');
    expect(await preflight([compatible({ api_key_env: 'JUDGE_KEY' })])).toEqual([]);
  });

  it('a 401 with no key set says the variable is not set', async () => {
    judge.setScript(() => ({ status: 401, body: { error: { message: 'Missing bearer token' } } }));
    vi.stubEnv('OPENAI_COMPATIBLE_API_KEY', undefined);
    expect(await preflight([compatible()])).toEqual([
      `judge openai-compatible:fake-judge@${judge.url} at ${judge.url} rejected the credentials (HTTP 401: Missing bearer token) — credentials: the API key in OPENAI_COMPATIBLE_API_KEY (not set)`,
    ]);
  });

  it('a wrong model name (404 model_not_found) stops the run, naming the model', async () => {
    judge.setScript((request) => (request.model === 'qwen3-8b' ? { content: '{"ok": true}' } : { status: 404, body: NO_SUCH_MODEL }));
    expect(await preflight([compatible({ model: 'qwen3-8b-typo' })])).toEqual([
      `judge openai-compatible:qwen3-8b-typo@${judge.url} at ${judge.url}: model "qwen3-8b-typo" not found (HTTP 404: ${NO_SUCH_MODEL.error.message})`,
    ]);
  });

  it('a 404 that does not mention the model points at base_url too', async () => {
    judge.setScript(() => ({ status: 404, body: { detail: 'Not Found' } }));
    const [problem] = await preflight([compatible()]);
    expect(problem).toMatch(
      new RegExp(
        `^judge openai-compatible:fake-judge@\\S+ at \\S+: model "fake-judge" or the endpoint path not found \\(check base_url\\) \\(HTTP 404: `,
      ),
    );
  });

  it('a refused connection stops the run', async () => {
    const closed = await startFakeJudge();
    await closed.close();
    expect(await preflight([compatible({ base_url: closed.url })])).toEqual([
      `judge openai-compatible:fake-judge@${closed.url} at ${closed.url} is not reachable (ECONNREFUSED)`,
    ]);
  });

  it.each([
    [{ status: 500 }, 'server_error (HTTP 500: fake error 500)'],
    [{ status: 503, body: { error: { message: 'overloaded' } } }, 'server_error (HTTP 503: overloaded)'],
    [{ status: 429, headers: { 'retry-after': '1' } }, 'rate_limited (HTTP 429: fake error 429)'],
  ] as const)('%j is only a warning: the run goes ahead', async (reply, what) => {
    judge.setScript(() => reply);
    expect(await checkJudgeModels([compatible()])).toEqual({
      problems: [],
      warnings: [
        `judge openai-compatible:fake-judge@${judge.url} at ${judge.url}: the preflight request failed with ${what}; scoring anyway — the run retries, and fails fast if the judge stays down`,
      ],
    });
    expect(judge.preflights).toHaveLength(1); // preflight itself does not retry
  });

  it('a judge slower than the preflight timeout is only a warning', async () => {
    judge.setScript(() => ({ hang: true }));
    expect(await checkJudgeModels([compatible()], process.env, 200)).toEqual({
      problems: [],
      warnings: [
        `judge openai-compatible:fake-judge@${judge.url} at ${judge.url}: the preflight request failed with timeout (no answer within 200 ms); scoring anyway — the run retries, and fails fast if the judge stays down`,
      ],
    });
  });

  it('preflightSpec returns the problems as an indented list and hands warnings to options.warn', async () => {
    const spec = testSpec(judge.url, { judges: [{ type: 'rubric', criteria: [{ id: 'correct', description: 'correct' }] }] });
    judge.setScript(() => ({ status: 502 }));
    const warnings: string[] = [];
    expect(await preflightSpec(spec, { warn: (line) => warnings.push(line) })).toBeNull();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning: judge openai-compatible:fake-judge@\S+ at \S+: the preflight request failed with server_error \(HTTP 502: /,
      ),
    ]);
    judge.setScript(() => ({ status: 403, body: { error: { message: 'forbidden' } } }));
    expect(await preflightSpec(spec)).toBe(
      `  - judge openai-compatible:fake-judge@${judge.url} at ${judge.url} rejected the credentials (HTTP 403: forbidden) — credentials: the API key in OPENAI_COMPATIBLE_API_KEY (not set)`,
    );
  });
});

describe('preflight (openai and anthropic providers)', () => {
  let anthropic: FakeAnthropic;
  beforeAll(async () => {
    anthropic = await startFakeAnthropic({ apiKeys: ['sk-ant-right'], models: ['claude-haiku-4-5'] });
  });
  afterAll(() => anthropic.close());

  it('openai: a wrong OPENAI_API_KEY is named', async () => {
    judge.setScript((request) =>
      request.headers.authorization === 'Bearer sk-right' ? { content: '{"ok": true}' } : { status: 401, body: WRONG_KEY },
    );
    vi.stubEnv('OPENAI_API_KEY', 'sk-wrong');
    const spec = ModelSpecSchema.parse({ provider: 'openai', model: 'gpt-4o-mini', base_url: judge.url });
    expect(await preflight([spec])).toEqual([
      `judge openai:gpt-4o-mini@${judge.url} at ${judge.url} rejected the credentials (HTTP 401: ${WRONG_KEY.error.message}) — credentials: the API key in OPENAI_API_KEY`,
    ]);
    vi.stubEnv('OPENAI_API_KEY', 'sk-right');
    expect(await preflight([spec])).toEqual([]);
  });

  it('anthropic: a wrong ANTHROPIC_API_KEY, then a wrong model, then all well', async () => {
    const spec = (model: string) =>
      ModelSpecSchema.parse({ provider: 'anthropic', model, base_url: anthropic.url, structured_output: 'none' });
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-wrong');
    expect(await preflight([spec('claude-haiku-4-5')])).toEqual([
      `judge anthropic:claude-haiku-4-5@${anthropic.url} at ${anthropic.url} rejected the credentials (HTTP 401: invalid x-api-key) — credentials: the API key in ANTHROPIC_API_KEY`,
    ]);
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-right');
    expect(await preflight([spec('claude-nope')])).toEqual([
      `judge anthropic:claude-nope@${anthropic.url} at ${anthropic.url}: model "claude-nope" not found (HTTP 404: model: claude-nope)`,
    ]);
    expect(await preflight([spec('claude-haiku-4-5')])).toEqual([]);
    expect(anthropic.requests.at(-1)!.body.max_tokens).toBe(PREFLIGHT_MAX_TOKENS);
  });
});

describe('preflight (Bedrock judge, AWS credential chain)', () => {
  const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
  let bedrock: FakeBedrock;
  const spec = (model = MODEL) => ModelSpecSchema.parse({ provider: 'bedrock', model, base_url: bedrock.url, region: 'us-east-1' });
  beforeAll(async () => {
    bedrock = await startFakeBedrock({ accessKeys: ['AKIAGOODPROFILE00001', 'ASIACONTAINERROLE001'], models: [MODEL] });
  });
  afterAll(() => bedrock.close());
  beforeEach(() => {
    sealAwsEnvironment(dir);
    bedrock.requests.length = 0;
  });

  function useProfile(name: string, accessKeyId: string): string {
    const file = join(dir, `credentials-${name}`);
    writeFileSync(file, `[${name}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = secret\n`);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', file);
    vi.stubEnv('AWS_PROFILE', name);
    return file;
  }

  it('a profile whose keys Bedrock accepts passes, with one signed request', async () => {
    useProfile('judge', 'AKIAGOODPROFILE00001');
    expect(await preflight([spec()])).toEqual([]);
    expect(bedrock.requests.map((request) => [request.modelId, request.accessKeyId])).toEqual([[MODEL, 'AKIAGOODPROFILE00001']]);
  });

  it('a profile whose keys Bedrock rejects (403) stops the run, naming the profile, its files and the access key', async () => {
    const file = useProfile('stale', 'AKIASTALEPROFILE0001');
    expect(await preflight([spec()])).toEqual([
      `judge bedrock:${MODEL}@${bedrock.url} at ${bedrock.url} rejected the credentials (HTTP 403: The security token included in the request is invalid.) — ` +
        `credentials: AWS profile "stale" (AWS_PROFILE) from ${file} and ${join(dir, 'no-config')}, access key AKIASTALEPROFILE0001`,
    ]);
  });

  it('a model id Bedrock does not know (400 ValidationException) stops the run, naming the model', async () => {
    useProfile('judge', 'AKIAGOODPROFILE00001');
    expect(await preflight([spec('anthropic.claude-typo')])).toEqual([
      `judge bedrock:anthropic.claude-typo@${bedrock.url} at ${bedrock.url}: model "anthropic.claude-typo" not found (HTTP 400: The provided model identifier is invalid.)`,
    ]);
  });

  it('ECS container credentials pass', async () => {
    const container = await startFakeContainerCredentials({ accessKeyId: 'ASIACONTAINERROLE001', secretAccessKey: 's', token: 't' });
    try {
      vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', container.uri);
      expect(await preflight([spec()])).toEqual([]);
      expect(bedrock.requests.map((request) => [request.accessKeyId, request.sessionToken])).toEqual([['ASIACONTAINERROLE001', 't']]);
    } finally {
      await container.close();
    }
  });

  it('no credentials anywhere: stops before any request, listing what the chain tried', async () => {
    const [problem] = await preflight([spec()]);
    expect(problem).toBe(
      `judge bedrock:${MODEL}@${bedrock.url}: no AWS credentials (Could not load credentials from any providers). ` +
        `Tried: environment keys (AWS_ACCESS_KEY_ID unset); profile "default" (AWS_PROFILE unset) in ${join(dir, 'no-credentials')} and ${join(dir, 'no-config')} ` +
        '(keys, SSO, credential_process, role_arn); web identity (AWS_WEB_IDENTITY_TOKEN_FILE unset); ' +
        'container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI unset); instance metadata (IMDS: not tried). ' +
        'Set AWS_PROFILE (after "aws sso login" for SSO), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK.',
    );
    expect(bedrock.requests).toHaveLength(0);
  });

  it('a Bedrock API key skips the chain; a wrong one is named', async () => {
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', 'wrong-api-key');
    expect(await preflight([spec()])).toEqual([
      `judge bedrock:${MODEL}@${bedrock.url} at ${bedrock.url} rejected the credentials (HTTP 403: The security token included in the request is invalid.) — ` +
        'credentials: the Bedrock API key in AWS_BEARER_TOKEN_BEDROCK',
    ]);
  });
});
