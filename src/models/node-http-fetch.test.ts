/** The lean fetch against a real local HTTP server: what the AI SDK reads from it, and how it fails. */
import { describe, expect, it } from 'vitest';
import { startFakeJudge } from '../../test/support/fake-judge-server.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { createNodeHttpFetch, nodeHttpFetch } from './node-http-fetch.js';

const judge = useFakeJudge();

const post = (body: unknown, signal?: AbortSignal) =>
  nodeHttpFetch(`${judge.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

describe('nodeHttpFetch', () => {
  it('sends method, headers and body, and returns status, headers and a readable body', async () => {
    judge.setScript(() => ({ status: 429, headers: { 'retry-after': '3', 'x-extra': 'yes' }, body: { error: { message: 'slow down' } } }));
    const response = await post({ model: 'm', messages: [{ role: 'user', content: 'héllo' }] });
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('x-extra')).toBe('yes');
    expect(await response.json()).toEqual({ error: { message: 'slow down' } });
    expect(judge.requests[0]!.headers.authorization).toBe('Bearer k');
    expect(judge.requests[0]!.body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'héllo' }] });
  });

  it('reads a body sent in slow chunks whole', async () => {
    judge.setScript(() => ({ content: 'x'.repeat(5000), drip: { chunks: 5, dripMs: 5 } }));
    const body = (await (await post({ messages: [] })).json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]!.message.content).toBe('x'.repeat(5000));
  });

  it('fails like fetch on a refused connection: TypeError "fetch failed" with the socket error as cause', async () => {
    const closed = await startFakeJudge();
    await closed.close();
    const error = await nodeHttpFetch(`${closed.url}/chat/completions`, { method: 'POST', body: '{}' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('fails like fetch on a reset connection', async () => {
    judge.setScript(() => ({ reset: true }));
    const error = await post({}).catch((caught: unknown) => caught);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  it('rejects with the signal reason when aborted mid-call, and at once when already aborted', async () => {
    judge.setScript(() => ({ hang: true }));
    const reason = new DOMException('judge call timed out', 'TimeoutError');
    const controller = new AbortController();
    const pending = post({}, controller.signal);
    setTimeout(() => controller.abort(reason), 30);
    await expect(pending).rejects.toBe(reason);
    await expect(post({}, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it("tells onResponseArrived, with the call's own signal, once the whole response is in and not before", async () => {
    judge.setScript(() => ({ content: 'x'.repeat(5000), drip: { chunks: 5, dripMs: 5 } }));
    const arrived: Array<AbortSignal | undefined> = [];
    const observed = createNodeHttpFetch({
      onResponseArrived: (signal) => {
        arrived.push(signal);
      },
    });
    const controller = new AbortController();
    const pending = observed(`${judge.url}/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(arrived).toHaveLength(0);
    const response = await pending;
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).toBe(controller.signal);
    expect(response.status).toBe(200);
    await observed(`${judge.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(arrived).toEqual([controller.signal, undefined]);
  });
});
