/**
 * Preflight: before a run scores any row, each distinct judge model gets its credentials resolved (the API
 * key variable, or the AWS credential chain for Bedrock) and ONE minimal real request — a tiny verdict
 * prompt through the same JudgeModel the run uses (for an embedding judge's model: one short text embedded through
 * the same EmbeddingModel), not counted in the run and never cached. What would fail
 * every call (no credentials, 401/403, a model or endpoint that does not exist, a refused connection) stops
 * the run with a message naming the judge, the key variable or AWS profile, and the endpoint. Transient
 * trouble (429, 5xx, a slow answer) is only a warning: the run's retries and circuit breaker handle it.
 */
import type { ModelSpec, RewardSpec } from '../spec/schema.js';
import { awsChainTried, awsCredentialChain, awsCredentialSource, awsRegion, BEDROCK_API_KEY_ENV } from './aws-credentials.js';
import { classifyError, errorCode, type ClassifiedError } from './classify-error.js';
import { apiKeyEnv, createLanguageModel } from './create-language-model.js';
import { createTextEmbeddingModel } from './create-text-embedding-model.js';
import { createEmbeddingModel } from './embedding-model.js';
import { createJudgeModel, modelKey } from './judge-model.js';
import { createLocalLanguageModel } from './local/local-language-model.js';
import { ollamaBaseUrl } from './local/ollama.js';

/** The system prompt of the preflight request (test fakes recognise it and keep preflights apart). */
export const PREFLIGHT_SYSTEM_PROMPT =
  'rewardkit preflight: a one-off check that this judge model answers. Reply with the JSON object {"ok": true}.';
const PREFLIGHT_USER_PROMPT = 'Reply with {"ok": true} and nothing else.';
const PREFLIGHT_SCHEMA = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
/** The one text an embedding model's preflight request embeds (test fakes recognise it and keep preflights apart). */
export const PREFLIGHT_EMBEDDING_TEXT = 'rewardkit preflight';
/** Output budget of the preflight request: enough to answer, small enough to cost nothing. */
export const PREFLIGHT_MAX_TOKENS = 16;
/** The longest a preflight request may take (or the model's timeout_ms, if shorter); slower is a warning. */
export const PREFLIGHT_TIMEOUT_MS = 15_000;

/** Connection errors that will not go away by retrying: the host does not exist or nothing listens there. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);
/** How providers say "no such model": OpenAI/vLLM/Ollama ("does not exist", model_not_found), Anthropic ("model: x"), Bedrock. */
const MODEL_NOT_FOUND =
  /model[^.]{0,80}(not found|does not exist|not exist|is invalid|unknown|no such)|(invalid|unknown) model|model_not_found|model identifier is invalid|\bmodel: \S/i;

const DEFAULT_BASE_URL: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

export function endpointOf(spec: ModelSpec, env: NodeJS.ProcessEnv = process.env): string | null {
  if (spec.base_url) return spec.base_url;
  if (spec.provider === 'ollama') return ollamaBaseUrl(env);
  if (spec.provider === 'bedrock') {
    const region = awsRegion(spec.region, env);
    return region ? `https://bedrock-runtime.${region}.amazonaws.com` : null;
  }
  return DEFAULT_BASE_URL[spec.provider] ?? null;
}

export interface PreflightReport {
  /** Each one stops the run. */
  problems: string[];
  /** Transient trouble worth a line in the log; the run goes ahead. */
  warnings: string[];
}

/**
 * Checks each distinct judge model (Bedrock's credential chain reads process.env; `env` is for API keys and
 * the region). Models are checked concurrently; the report lists them in the order given.
 */
export async function checkJudgeModels(
  models: readonly ModelSpec[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = PREFLIGHT_TIMEOUT_MS,
  /** The keys (modelKey) of the models an embedding judge calls: their preflight request embeds a text. */
  embeddingModels: ReadonlySet<string> = new Set(),
): Promise<PreflightReport> {
  const distinct = [...new Map(models.map((spec) => [modelKey(spec), spec])).values()];
  const verdicts = await Promise.all(distinct.map((spec) => checkJudgeModel(spec, env, timeoutMs, embeddingModels.has(modelKey(spec)))));
  return { problems: verdicts.flatMap((verdict) => verdict.problems), warnings: verdicts.flatMap((verdict) => verdict.warnings) };
}

/** Returns the problems found (empty when every model answered, or failed only in a way the run retries). */
export async function preflight(
  models: readonly ModelSpec[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = PREFLIGHT_TIMEOUT_MS,
): Promise<string[]> {
  return (await checkJudgeModels(models, env, timeoutMs)).problems;
}

async function checkJudgeModel(spec: ModelSpec, env: NodeJS.ProcessEnv, timeoutMs: number, embeds: boolean): Promise<PreflightReport> {
  const key = modelKey(spec);
  const stop = (problem: string): PreflightReport => ({ problems: [problem], warnings: [] });
  if (spec.provider === 'local') {
    // the check is the load itself (download on first use included); the run then shares the loaded model
    const loaded = await createLocalLanguageModel(spec.model, {
      sequences: spec.concurrency,
      env,
      ...(spec.threads ? { threads: spec.threads } : {}),
    })
      .load()
      .then(
        () => null,
        (error: unknown) => (error as Error).message,
      );
    return loaded === null ? { problems: [], warnings: [] } : stop(`judge ${key}: ${loaded.replace(/\n/g, '\n    ')}`);
  }
  const keyEnv = apiKeyEnv(spec);
  if (keyEnv && spec.provider !== 'openai-compatible' && !env[keyEnv]) {
    return stop(`judge ${key}: no API key — set ${keyEnv}${spec.api_key_env ? '' : ' (or name another variable with api_key_env)'}`);
  }
  const endpoint = endpointOf(spec, env);
  if (!endpoint) return stop(`judge ${key}: no endpoint — set base_url${spec.provider === 'bedrock' ? ', region or AWS_REGION' : ''}`);
  if (!URL.canParse(endpoint)) return stop(`judge ${key} at ${endpoint} is not reachable (invalid URL ${JSON.stringify(endpoint)})`);

  let credentials: string;
  if (spec.provider === 'bedrock' && !(keyEnv ? env[keyEnv] : env[BEDROCK_API_KEY_ENV]?.trim())) {
    try {
      const { accessKeyId } = await awsCredentialChain()();
      credentials = `${awsCredentialSource(env)}, access key ${accessKeyId}`;
    } catch (error) {
      return stop(
        `judge ${key}: no AWS credentials (${(error as Error).message}). Tried: ${awsChainTried(env)}. ` +
          `Set AWS_PROFILE (after "aws sso login" for SSO), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a Bedrock API key in ${BEDROCK_API_KEY_ENV}.`,
      );
    }
  } else {
    credentials = credentialText(spec, keyEnv, env);
  }

  const failure = await sendPreflightRequest(spec, env, Math.min(timeoutMs, spec.timeout_ms), embeds);
  if (!failure) return { problems: [], warnings: [] };
  const answered = failure.status === undefined ? failure.message : `HTTP ${failure.status}: ${stripStatus(failure)}`;
  const code = errorCode(failure.cause);
  if (failure.kind === 'network_error' && code && UNREACHABLE_CODES.has(code))
    return stop(`judge ${key} at ${endpoint} is not reachable (${code})`);
  if (failure.kind === 'auth_error')
    return stop(`judge ${key} at ${endpoint} rejected the credentials (${answered}) — credentials: ${credentials}`);
  const modelMissing = MODEL_NOT_FOUND.test(`${failure.message}\n${failure.body ?? ''}`);
  if (failure.status === 404 || (failure.kind === 'bad_request' && modelMissing)) {
    const what =
      modelMissing || failure.status !== 404
        ? `model "${spec.model}" not found`
        : `model "${spec.model}" or the endpoint path not found (check base_url)`;
    return stop(`judge ${key} at ${endpoint}: ${what} (${answered})`);
  }
  if (failure.kind === 'unknown')
    return stop(`judge ${key} at ${endpoint} cannot be called (${failure.message}) — credentials: ${credentials}`);
  const outlook = failure.retryable
    ? 'the run retries, and fails fast if the judge stays down'
    : "the run's own calls may fail the same way";
  return {
    problems: [],
    warnings: [`judge ${key} at ${endpoint}: the preflight request failed with ${failure.kind} (${answered}); scoring anyway — ${outlook}`],
  };
}

type PreflightFailure = ClassifiedError & { cause: unknown };

/** Sends the one preflight request; null when the judge answered (any reply text will do). */
async function sendPreflightRequest(
  spec: ModelSpec,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  embeds: boolean,
): Promise<PreflightFailure | null> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('preflight timed out', 'TimeoutError'));
  }, timeoutMs);
  try {
    if (embeds) {
      await createEmbeddingModel(spec, createTextEmbeddingModel(spec, env)).embed({ texts: [PREFLIGHT_EMBEDDING_TEXT] }, controller.signal);
      return null;
    }
    const budget: ModelSpec = { ...spec, max_tokens: PREFLIGHT_MAX_TOKENS };
    const model = createJudgeModel(budget, createLanguageModel(budget, env));
    await model.generate(
      { system: PREFLIGHT_SYSTEM_PROMPT, user: PREFLIGHT_USER_PROMPT, schema: PREFLIGHT_SCHEMA, schemaName: 'preflight' },
      controller.signal,
    );
    return null;
  } catch (error) {
    const failure = classifyError(error, timedOut);
    if (timedOut) failure.message = `no answer within ${timeoutMs} ms`;
    return { ...failure, cause: error };
  } finally {
    clearTimeout(timer);
  }
}

function credentialText(spec: ModelSpec, keyEnv: string | null, env: NodeJS.ProcessEnv): string {
  if (spec.provider === 'bedrock') return `the Bedrock API key in ${keyEnv ?? BEDROCK_API_KEY_ENV}`;
  if (!keyEnv) return 'none';
  return `the API key in ${keyEnv}${env[keyEnv] ? '' : ' (not set)'}${spec.api_key_env ? ' (api_key_env)' : ''}`;
}

function stripStatus(failure: ClassifiedError): string {
  const prefix = `${failure.status}: `;
  return failure.message.startsWith(prefix) ? failure.message.slice(prefix.length) : failure.message;
}

/** The models a spec's judges call (each judge's own model, else judge_model; a panel's members, each). */
export function judgeModelsOf(spec: RewardSpec): ModelSpec[] {
  return spec.judges.flatMap((judge) =>
    judge.type === 'panel' && judge.members ? judge.members.map((member) => member.model) : [judge.model ?? spec.judge_model!],
  );
}

export interface PreflightSpecOptions {
  /** Where transient-trouble warnings go (default: a line on stderr). */
  warn?: (line: string) => void;
}

/**
 * Preflight for every judge of a spec: null when all answered (or the spec has no judge), else the problems as
 * an indented list, ready to put under a command's own explanation. Warnings go to `options.warn`.
 */
export async function preflightSpec(spec: RewardSpec, options: PreflightSpecOptions = {}): Promise<string | null> {
  const models = judgeModelsOf(spec);
  if (models.length === 0) return null;
  const embeddingModels = new Set(
    spec.judges.flatMap((judge) => (judge.type === 'embedding' && judge.model ? [modelKey(judge.model)] : [])),
  );
  const { problems, warnings } = await checkJudgeModels(models, process.env, PREFLIGHT_TIMEOUT_MS, embeddingModels);
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  for (const warning of warnings) warn(`warning: ${warning}`);
  return problems.length === 0 ? null : problems.map((problem) => `  - ${problem}`).join('\n');
}
