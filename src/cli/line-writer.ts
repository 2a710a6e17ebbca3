/**
 * Writes output lines in batches: lines are gathered and written together once 64 KB are pending or a
 * quarter second has passed, so a fast run makes few system calls while a slow one still shows its
 * progress on disk. `end` flushes everything and waits until it is written.
 */
import { once } from 'node:events';

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 250;

export class LineWriter {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async write(line: string): Promise<void> {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
}
