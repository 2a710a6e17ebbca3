/**
 * The helper thread of `rewardkit compare` (started by compare-thread.ts): it reads one side while the main thread
 * reads the other, and takes blocks of the bootstrap's resamples alongside it (compare-bootstrap.ts). It answers each
 * request with its result (a side's columns are transferred, not copied) or with the error, which the main thread
 * throws again.
 */
import { parentPort } from 'node:worker_threads';
import { LabError } from '../lab-error.js';
import { readComparedSide } from './compare-inputs.js';
import { sideMessage, type ThreadReply, type ThreadRequest } from './compare-thread-messages.js';
import { takeBlocks } from './shared-resamples.js';

const port = parentPort;
if (!port) throw new Error('compare-worker.ts runs as a worker thread (started by compare-thread.ts)');

port.on('message', (request: ThreadRequest) => {
  void answer(request).then(({ reply, transfer }) => port.postMessage(reply, transfer));
});
port.postMessage({ ready: true });

async function answer(request: ThreadRequest): Promise<{ reply: ThreadReply; transfer: ArrayBuffer[] }> {
  try {
    if (request.job.kind === 'read-side') {
      const message = sideMessage(await readComparedSide(request.job.options));
      return { reply: { id: request.id, ok: true, result: message.side }, transfer: message.transfer };
    }
    return { reply: { id: request.id, ok: true, result: takeBlocks(request.job.shared) }, transfer: [] };
  } catch (error) {
    const lab = LabError.isInstance(error) ? error.kind : null;
    return { reply: { id: request.id, ok: false, error: { lab, message: (error as Error).message ?? String(error) } }, transfer: [] };
  }
}
