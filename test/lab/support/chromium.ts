/**
 * Headless Chromium driven over the DevTools protocol through a pipe (--remote-debugging-pipe: commands
 * on fd 3, replies and events on fd 4, NUL-separated JSON) — no WebSocket client and no port to find.
 * Opens a page, records console errors, uncaught exceptions and log errors (CSP violations included),
 * and evaluates expressions in the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The Chromium executable: $CHROMIUM_PATH, or chromium / chromium-browser / google-chrome on PATH. */
export function findChromium(): string | null {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : [];
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) candidates.push(join(directory, name));
  }
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export interface PageReport {
  /** Console errors, uncaught exceptions and error log entries, as text. */
  errors: string[];
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page (not just the 1280 × 900 viewport). */
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<(message: Message) => void>();
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(JSON.parse(text) as Message);
      }
    });
    child.on('exit', () => {
      for (const { reject } of this.pending.values()) reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static async launch(executable: string): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), 'rewardkit-chromium-'));
    const child = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const browser = new Chromium(child, profile);
    await browser.send('Browser.getVersion');
    return browser;
  }

  private dispatch(message: Message): void {
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result ?? {});
      return;
    }
    for (const listener of this.listeners) listener(message);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Opens `url` in a new tab and waits for its load event. */
  async open(url: string, timeoutMs = 15_000): Promise<PageReport> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const errors: string[] = [];
    let loaded: () => void = () => undefined;
    const load = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    const listener = (message: Message) => {
      if (message.sessionId !== sessionId) return;
      const params = message.params ?? {};
      if (message.method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
        errors.push(
          `console.${String(params.type)}: ${JSON.stringify((params.args as Array<{ value?: unknown; description?: string }>).map((arg) => arg.value ?? arg.description))}`,
        );
      } else if (message.method === 'Runtime.exceptionThrown') {
        const details = params.exceptionDetails as { text?: string; exception?: { description?: string } };
        errors.push(`exception: ${details.exception?.description ?? details.text ?? 'unknown'}`);
      } else if (message.method === 'Log.entryAdded') {
        const entry = params.entry as { level: string; source: string; text: string };
        if (entry.level === 'error') errors.push(`log (${entry.source}): ${entry.text}`);
      } else if (message.method === 'Page.loadEventFired') {
        loaded();
      }
    };
    this.listeners.add(listener);
    await this.send('Runtime.enable', {}, sessionId);
    await this.send('Log.enable', {}, sessionId);
    await this.send('Page.enable', {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
    await this.send('Page.navigate', { url }, sessionId);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      load,
      new Promise(
        (_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${url} did not load within ${timeoutMs} ms`)), timeoutMs)),
      ),
    ]);
    clearTimeout(timer);
    return {
      errors,
      evaluate: async <T>(expression: string): Promise<T> => {
        const reply = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)) as {
          result: { value: T };
          exceptionDetails?: { text: string };
        };
        if (reply.exceptionDetails) throw new Error(`evaluation failed: ${reply.exceptionDetails.text}`);
        return reply.result.value;
      },
      screenshot: async () => {
        const { cssContentSize } = (await this.send('Page.getLayoutMetrics', {}, sessionId)) as {
          cssContentSize: { width: number; height: number };
        };
        const clip = { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(cssContentSize.height), scale: 1 };
        const { data } = (await this.send('Page.captureScreenshot', { format: 'png', clip, captureBeyondViewport: true }, sessionId)) as {
          data: string;
        };
        return Buffer.from(data, 'base64');
      },
      close: async () => {
        this.listeners.delete(listener);
        await this.send('Target.closeTarget', { targetId });
      },
    };
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      await Promise.race([this.send('Browser.close'), new Promise((resolve) => setTimeout(resolve, 2000))]);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    if (this.child.exitCode === null) await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}
