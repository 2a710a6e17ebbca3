/**
 * Fakes of the AWS endpoints a Bedrock judge talks to, as real HTTP servers on 127.0.0.1:
 * - Bedrock Runtime's Converse API (POST /model/{modelId}/converse), which reads the access key id from the
 *   SigV4 Authorization header (or a Bedrock API key from "Bearer …") and answers like Bedrock: 403
 *   UnrecognizedClientException for an unknown key, 400 ValidationException for an unknown model, else the
 *   Converse reply shape with the scripted text.
 * - Bedrock Runtime's InvokeModel for Titan text embeddings (POST /model/{modelId}/invoke, body {inputText}), with the
 *   same key and model checks, answering {embedding, inputTextTokenCount} from the `embed` option.
 * - The container credentials endpoint of ECS / EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI), which
 *   hands out temporary credentials.
 * A SigV4 signature is checked against the secret of its access key (re-signed with aws4fetch, the signer the
 * AI SDK's Bedrock provider uses) when `secrets` names that key: a wrong secret gets 403 SignatureDoesNotMatch.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsV4Signer } from 'aws4fetch';

export interface BedrockRequest {
  modelId: string;
  /** converse (a chat judge) or invoke (a Titan embedding). */
  operation: 'converse' | 'invoke';
  /** The access key id from the SigV4 Credential=…, or undefined for a bearer API key or no signature. */
  accessKeyId: string | undefined;
  /** The region and service named in the SigV4 credential scope. */
  region: string | undefined;
  service: string | undefined;
  /** The Bedrock API key from "Authorization: Bearer …". */
  apiKey: string | undefined;
  sessionToken: string | undefined;
  /** True when the signature was checked against the key's secret and matched. */
  signatureVerified: boolean;
  body: Record<string, unknown>;
}

export interface FakeBedrockOptions {
  /** Access key ids (SigV4) the fake accepts. */
  accessKeys?: string[];
  /** Secret access keys by access key id: signatures made with these keys are verified. */
  secrets?: Record<string, string>;
  /** Bedrock API keys (bearer tokens) the fake accepts. */
  apiKeys?: string[];
  /** Model ids it serves. */
  models: string[];
  /** The reply text (default a small verdict). */
  text?: string;
  /** InvokeModel for Titan embeddings: the vector of a text (without it, /invoke is an unknown operation). */
  embed?: (text: string) => number[];
}

export interface FakeBedrock {
  /** The Bedrock Runtime base URL (a judge model's base_url). */
  url: string;
  requests: BedrockRequest[];
  close(): Promise<void>;
}

export async function startFakeBedrock(options: FakeBedrockOptions): Promise<FakeBedrock> {
  const requests: BedrockRequest[] = [];
  let base = '';
  const server = createServer((req, res) => {
    // a failure inside the fake server answers 500 (and shows in the test) instead of an unhandled rejection
    void (async () => {
      const raw = await readBody(req);
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const match = /^\/model\/([^/]+)\/(converse|invoke)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match || (match[2] === 'invoke' && !options.embed))
        return awsError(res, 404, 'UnknownOperationException', `no route ${req.method} ${req.url}`);
      const authorization = req.headers.authorization ?? '';
      const scope = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request,/.exec(authorization);
      const bearer = /^Bearer (.+)$/.exec(authorization);
      const request: BedrockRequest = {
        modelId: decodeURIComponent(match[1]!),
        operation: match[2] as BedrockRequest['operation'],
        accessKeyId: scope?.[1],
        region: scope?.[2],
        service: scope?.[3],
        apiKey: bearer?.[1],
        sessionToken: header(req, 'x-amz-security-token'),
        signatureVerified: false,
        body,
      };
      requests.push(request);
      const secret = request.accessKeyId ? options.secrets?.[request.accessKeyId] : undefined;
      if (secret !== undefined && scope) {
        request.signatureVerified = (await expectedAuthorization(req, `${base}${req.url}`, raw, request, secret)) === authorization;
        if (!request.signatureVerified) {
          return awsError(
            res,
            403,
            'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided.',
          );
        }
      }
      const knownKey = request.accessKeyId
        ? (options.accessKeys ?? []).includes(request.accessKeyId)
        : request.apiKey
          ? (options.apiKeys ?? []).includes(request.apiKey)
          : false;
      if (!knownKey) return awsError(res, 403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      if (!options.models.includes(request.modelId))
        return awsError(res, 400, 'ValidationException', 'The provided model identifier is invalid.');
      if (request.operation === 'invoke') {
        const inputText = typeof body.inputText === 'string' ? body.inputText : '';
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `fake-${requests.length}` })
          .end(JSON.stringify({ embedding: options.embed!(inputText), inputTextTokenCount: Math.ceil(inputText.length / 4) }));
        return;
      }
      const text = options.text ?? '{"ok": true}';
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `fake-${requests.length}` }).end(
        JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
          metrics: { latencyMs: 3 },
        }),
      );
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  base = await listen(server);
  return { url: base, requests, close: () => close(server) };
}

/** The Authorization header a correct SigV4 signer computes for this request with this secret. */
async function expectedAuthorization(
  req: IncomingMessage,
  url: string,
  body: string,
  request: BedrockRequest,
  secret: string,
): Promise<string> {
  const signedNames = /SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? '')?.[1]?.split(';') ?? [];
  const headers = signedNames
    .filter((name) => name !== 'host' && name !== 'x-amz-date' && name !== 'x-amz-security-token')
    .map((name) => [name, header(req, name) ?? ''] as [string, string]);
  const signer = new AwsV4Signer({
    method: req.method ?? 'POST',
    url,
    headers,
    body,
    accessKeyId: request.accessKeyId!,
    secretAccessKey: secret,
    ...(request.sessionToken ? { sessionToken: request.sessionToken } : {}),
    region: request.region!,
    service: request.service!,
    datetime: header(req, 'x-amz-date')!,
  });
  const signed = await signer.sign();
  return signed.headers.get('authorization') ?? '';
}

export interface FakeContainerCredentials {
  /** The full URI to put in AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  uri: string;
  /** How many times credentials were fetched. */
  fetches: number;
  close(): Promise<void>;
}

/** The ECS / EKS Pod Identity credentials endpoint, handing out the given temporary credentials (valid 1 hour). */
export async function startFakeContainerCredentials(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  token: string;
}): Promise<FakeContainerCredentials> {
  const state = { fetches: 0 };
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/v2/credentials/task-role') return void res.writeHead(404).end();
    state.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        Token: credentials.token,
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
  });
  const base = await listen(server);
  return {
    uri: `${base}/v2/credentials/task-role`,
    get fetches() {
      return state.fetches;
    },
    close: () => close(server),
  };
}

function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    })
    .end(JSON.stringify({ message }));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
