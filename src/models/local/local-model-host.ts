/**
 * Holds the process's local models: node-llama-cpp is imported on first use (so users who never run a local
 * judge neither need nor load it), with prebuilt binaries only (`build: "never"`); each model file is loaded
 * once and shared by every judge and row, with one context whose parallel sequences are lent to calls one at a
 * time. Every failure to get a model ready becomes a LocalModelError that says what to do.
 */
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { ChatWrapper, Llama, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { LocalModelError, localModelRemedies } from './local-model-error.js';
import { describeLocalModel, localModelsDir, parseLocalModelRef } from './local-model-ref.js';
import { downloadProgress } from './download-progress.js';

type NodeLlamaCpp = typeof import('node-llama-cpp');

export interface LocalModelOptions {
  /** CPU threads for inference; default REWARDKIT_LOCAL_THREADS, else the machine's available cores. */
  threads?: number;
  /** Parallel sequences (calls in flight); capped at MAX_SEQUENCES. */
  sequences: number;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedLocalModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** The model's chat format, with reasoning ("thinking") off where the format has it (Qwen3). */
  chatWrapper: ChatWrapper;
  filePath: string;
  threads: number;
  /** Borrows a sequence (waiting for one when all are busy); give it back with `release`. */
  acquire(signal?: AbortSignal): Promise<LlamaContextSequence>;
  release(sequence: LlamaContextSequence): void;
}

/** Parallel sequences beyond this buy nothing on a CPU and cost a KV cache each. */
export const MAX_SEQUENCES = 4;
/** The context each sequence gets: at most this many tokens (less when memory is short), at least MIN. */
const CONTEXT_TOKENS = { min: 2048, max: 8192 };

let engine: Promise<NodeLlamaCpp> | undefined;
const engines = new Map<number, Promise<Llama>>();
const models = new Map<string, Promise<LoadedLocalModel>>();

/** The thread count: the option, else REWARDKIT_LOCAL_THREADS, else os.availableParallelism(). */
export function localThreads(threads: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (threads !== undefined) return threads;
  const fromEnv = env.REWARDKIT_LOCAL_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const value = Number(fromEnv);
    if (!Number.isInteger(value) || value < 1)
      throw new LocalModelError('load_failed', `REWARDKIT_LOCAL_THREADS: expected a whole number >= 1, got ${JSON.stringify(fromEnv)}`);
    return value;
  }
  return availableParallelism();
}

/** The shared, loaded model for a `local` judge's `model` string (loading it on the first call). */
export function loadLocalModel(model: string, options: LocalModelOptions): Promise<LoadedLocalModel> {
  const env = options.env ?? process.env;
  const threads = localThreads(options.threads, env);
  const key = `${model}\u0000${localModelsDir(env)}\u0000${threads}`;
  let loaded = models.get(key);
  if (!loaded) {
    loaded = loadModel(model, threads, Math.max(1, Math.min(MAX_SEQUENCES, options.sequences)), env);
    models.set(key, loaded);
    // a failed load is not cached: the next run (after the user fixed the file) tries again
    loaded.catch(() => models.delete(key));
  }
  return loaded;
}

/** Frees every loaded model (tests and shutdown); later calls load again. */
export async function disposeLocalModels(): Promise<void> {
  const loaded = [...models.values()];
  models.clear();
  for (const entry of await Promise.allSettled(loaded)) {
    if (entry.status === 'fulfilled') await entry.value.model.dispose();
  }
}

async function loadModel(model: string, threads: number, sequences: number, env: NodeJS.ProcessEnv): Promise<LoadedLocalModel> {
  const llamaCpp = await importEngine(model, env);
  const filePath = await resolveModelPath(llamaCpp, model, env);
  await assertGguf(filePath, model, env);
  const llama = await startLlama(llamaCpp, threads, model, env);
  let loadedModel: LlamaModel;
  let context: LlamaContext;
  try {
    loadedModel = await llama.loadModel({ modelPath: filePath });
    context = await loadedModel.createContext({ sequences, contextSize: CONTEXT_TOKENS, threads });
  } catch (error) {
    throw loadError(error, model, filePath, env);
  }
  const chatWrapper = llamaCpp.resolveChatWrapper(loadedModel, { customWrapperSettings: { qwen: { thoughts: 'discourage' } } });
  return { llama, model: loadedModel, context, chatWrapper, filePath, threads, ...sequencePool(context, sequences) };
}

function sequencePool(context: LlamaContext, size: number): Pick<LoadedLocalModel, 'acquire' | 'release'> {
  const free: LlamaContextSequence[] = [];
  let created = 0;
  const waiting: {
    resolve: (sequence: LlamaContextSequence) => void;
    reject: (error: unknown) => void;
    signal?: AbortSignal;
    onAbort: () => void;
  }[] = [];
  return {
    acquire(signal) {
      signal?.throwIfAborted();
      const ready = free.pop();
      if (ready) return Promise.resolve(ready);
      if (created < size) {
        created++;
        return Promise.resolve(context.getSequence());
      }
      return new Promise((resolvePromise, rejectPromise) => {
        const waiter = {
          resolve: resolvePromise,
          reject: rejectPromise,
          ...(signal ? { signal } : {}),
          onAbort: () => {
            waiting.splice(waiting.indexOf(waiter), 1);
            rejectPromise(signal!.reason);
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        waiting.push(waiter);
      });
    },
    release(sequence) {
      const next = waiting.shift();
      if (!next) {
        free.push(sequence);
        return;
      }
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(sequence);
    },
  };
}

async function importEngine(model: string, env: NodeJS.ProcessEnv): Promise<NodeLlamaCpp> {
  engine ??= import('node-llama-cpp');
  try {
    return await engine;
  } catch (error) {
    engine = undefined;
    throw new LocalModelError(
      'engine_missing',
      `the local judge (${describeLocalModel(model)}) needs node-llama-cpp, which is not installed: run \`npm install node-llama-cpp@^3.22.1\` ` +
        `(${(error as Error).message.split('\n')[0]})\n${localModelRemedies(localModelsDir(env))}`,
      { cause: error },
    );
  }
}

function startLlama(llamaCpp: NodeLlamaCpp, threads: number, model: string, env: NodeJS.ProcessEnv): Promise<Llama> {
  let llama = engines.get(threads);
  if (!llama) {
    llama = llamaCpp
      .getLlama({ build: 'never', maxThreads: threads, logLevel: llamaCpp.LlamaLogLevel.error, progressLogs: false })
      .catch((error: unknown) => {
        engines.delete(threads);
        const platform = `${process.platform}-${process.arch}`;
        throw new LocalModelError(
          'no_binary',
          `the local judge (${describeLocalModel(model)}) cannot start llama.cpp: no prebuilt binary of node-llama-cpp works on ${platform} ` +
            `(${(error as Error).message.split('\n')[0]}); rewardkit never builds llama.cpp from source — see ` +
            `https://node-llama-cpp.withcat.ai/guide/building-from-source to build it yourself\n${localModelRemedies(localModelsDir(env))}`,
          { cause: error },
        );
      });
    engines.set(threads, llama);
  }
  return llama;
}

async function resolveModelPath(llamaCpp: NodeLlamaCpp, model: string, env: NodeJS.ProcessEnv): Promise<string> {
  const ref = parseLocalModelRef(model);
  const modelsDir = localModelsDir(env);
  if (ref.kind === 'file') {
    const candidates = isAbsolute(ref.path) ? [ref.path] : [resolve(ref.path), resolve(modelsDir, ref.path)];
    for (const candidate of candidates) {
      if (await isFile(candidate)) return candidate;
    }
    throw new LocalModelError(
      'file_missing',
      `local judge model file not found: ${candidates.join(' or ')}\n${localModelRemedies(modelsDir)}`,
    );
  }
  try {
    // already downloaded: no network at all
    return await llamaCpp.resolveModelFile(ref.uri, { directory: modelsDir, download: false, cli: false });
  } catch {
    // not there yet: fetch it below
  }
  const progress = downloadProgress(describeLocalModel(model), modelsDir);
  const abort = new AbortController();
  let stall: NodeJS.Timeout | undefined;
  try {
    // node-llama-cpp's downloader retries an unreachable host without end: look first, fail fast
    await probeDownloadHost(ref.uri, env);
    let progressTick = () => {};
    const stalled = new Promise<never>((_, reject) => {
      const arm = () => {
        clearTimeout(stall);
        stall = setTimeout(() => {
          abort.abort();
          reject(new Error(`no data for ${DOWNLOAD_STALL_MS / 1000} s`));
        }, DOWNLOAD_STALL_MS);
      };
      arm();
      progressTick = arm;
    });
    const download = llamaCpp.resolveModelFile(ref.uri, {
      directory: modelsDir,
      download: 'auto',
      verify: false,
      cli: false,
      signal: abort.signal,
      onProgress: (status) => {
        progressTick();
        progress.update(status);
      },
    });
    download.catch(() => {}); // when the stall wins, the abandoned download's own failure is not news
    const path = await Promise.race([download, stalled]);
    progress.done();
    return path;
  } catch (error) {
    progress.done();
    throw new LocalModelError(
      'download_failed',
      `cannot download ${describeLocalModel(model)} into ${modelsDir}: ${causeMessage(error)} — offline? ` +
        'download the .gguf file on a connected machine and pass it as below\n' +
        localModelRemedies(modelsDir),
      { cause: error },
    );
  } finally {
    clearTimeout(stall);
  }
}

/** A download that sends no data for this long is given up (the message says how to pass a file instead). */
const DOWNLOAD_STALL_MS = 60_000;
const PROBE_TIMEOUT_MS = 10_000;

/** Any HTTP answer from the model host within PROBE_TIMEOUT_MS will do; no answer is a clear error at once. */
async function probeDownloadHost(uri: string, env: NodeJS.ProcessEnv): Promise<void> {
  const endpoint = /^https?:\/\//i.test(uri) ? new URL(uri).origin : huggingFaceEndpoint(env);
  try {
    const response = await fetch(endpoint, { method: 'HEAD', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
  } catch (error) {
    throw new Error(`${endpoint} is not reachable (${causeMessage(error)})`, { cause: error });
  }
}

/** Where node-llama-cpp fetches hf: URIs from: MODEL_ENDPOINT, HF_ENDPOINT, else huggingface.co. */
function huggingFaceEndpoint(env: NodeJS.ProcessEnv): string {
  for (const value of [env.MODEL_ENDPOINT, env.HF_ENDPOINT, process.env.MODEL_ENDPOINT, process.env.HF_ENDPOINT]) {
    if (value && /^https?:\/\//i.test(value)) return value;
  }
  return 'https://huggingface.co/';
}

/** A GGUF file starts with the bytes "GGUF"; anything else (an HTML error page, a safetensors file) is refused here. */
async function assertGguf(filePath: string, model: string, env: NodeJS.ProcessEnv): Promise<void> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead === 4 && head.toString('latin1') === 'GGUF') return;
    const seen =
      bytesRead === 0 ? 'an empty file' : `a file starting with ${JSON.stringify(head.subarray(0, bytesRead).toString('latin1'))}`;
    throw new LocalModelError(
      'not_gguf',
      `local judge model ${filePath} (${describeLocalModel(model)}) is not a GGUF model file: expected it to start with "GGUF", found ${seen}\n${localModelRemedies(localModelsDir(env))}`,
    );
  } finally {
    await handle.close();
  }
}

function loadError(error: unknown, model: string, filePath: string, env: NodeJS.ProcessEnv): LocalModelError {
  const message = causeMessage(error);
  const memory = /memory|InsufficientMemory|failed to allocate|VRAM/i.test(`${(error as Error)?.name ?? ''} ${message}`);
  return new LocalModelError(
    memory ? 'out_of_memory' : 'load_failed',
    memory
      ? `not enough memory to load the local judge model ${filePath} (${describeLocalModel(model)}): ${message}; pick a smaller model or another judge\n${localModelRemedies(localModelsDir(env))}`
      : `llama.cpp cannot load the local judge model ${filePath} (${describeLocalModel(model)}): ${message}\n${localModelRemedies(localModelsDir(env))}`,
    { cause: error },
  );
}

async function isFile(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    const stat = await handle.stat();
    await handle.close();
    return stat.isFile();
  } catch {
    return false;
  }
}

function causeMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const line = current.message.split('\n')[0]!;
    if (line && !parts.some((part) => part.includes(line))) parts.push(line);
    current = current.cause;
  }
  return parts.join(': ') || String(error);
}
