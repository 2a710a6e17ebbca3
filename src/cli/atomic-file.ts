/**
 * Replaces a file atomically: everything is written to a temp file in the same folder (so the rename stays on
 * one file system), flushed to disk (fsync), then renamed over the target and the folder entry synced. A crash
 * at any point leaves either the old file or the new one, never a mix; at worst the temp file is left behind
 * (the next run overwrites it). Writes are batched: few system calls for many small lines.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const FLUSH_BYTES = 64 * 1024;

export class AtomicFile {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(
    readonly targetPath: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {}

  /** The temp file used for `targetPath`: hidden, beside it, with a fixed name so a leftover is reused. */
  static tempPathOf(targetPath: string, purpose: string): string {
    return join(dirname(targetPath), `.${basename(targetPath)}.${purpose}.tmp`);
  }

  /** Opens (truncating) the temp file for `targetPath`. */
  static async create(targetPath: string, purpose: string): Promise<AtomicFile> {
    const tempPath = AtomicFile.tempPathOf(targetPath, purpose);
    return new AtomicFile(targetPath, tempPath, await open(tempPath, 'w'));
  }

  async write(chunk: string | Buffer): Promise<void> {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  /** Flushes, syncs and renames the temp file over the target. */
  async commit(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
    await rename(this.tempPath, this.targetPath);
    await syncFolder(dirname(this.targetPath));
  }

  /** Drops the temp file; the target is left as it was. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.tempPath, { force: true });
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    for (let offset = 0; offset < bytes.length;) offset += (await this.handle.write(bytes, offset)).bytesWritten;
  }
}

/** Makes the rename itself durable; some platforms cannot open a folder for syncing, which is harmless. */
async function syncFolder(path: string): Promise<void> {
  let folder: FileHandle | undefined;
  try {
    folder = await open(path, 'r');
    await folder.sync();
  } catch {
    // e.g. Windows: folders cannot be opened for fsync
  } finally {
    await folder?.close();
  }
}
