// A stream into an open temp file, hashed on the way: shared by a blob of known digest (ingestStream) and one
// whose digest is learnt as it is read (a pushed or attached file, stageIntoLayout).
import { createHash } from '../nodeCrypto';
import type { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { giveBack } from '../lentBuffers';

// While a large blob streams in, its pages are written back every so often, so the final fsync has only the tail.
const FLUSH_EVERY = 64 << 20;

export interface HashedWriteOptions {
  signal?: AbortSignal;
  /** Called with the size so far, the chunk included, before the chunk is written: may refuse by throwing. */
  beforeWrite?: (size: number) => void;
  /** What a failed write is thrown as (a layout's write error names the layout and the blob). */
  writeFailed?: (err: unknown) => unknown;
}

/**
 * Writes `content` to `fh` and hashes it: each chunk is hashed on this thread while the thread pool writes it,
 * and what is written is synced in the background every 64 MiB. The caller still syncs `fh` (the tail) and
 * closes it. Settles only once no write or background sync is running.
 */
export async function writeHashed(fh: fs.FileHandle, content: Readable, algorithm: string, options: HashedWriteOptions = {}): Promise<{ hex: string; size: number }> {
  const hash = createHash(algorithm);
  let size = 0;
  let unflushed = 0;
  let flushing: Promise<void> | undefined;
  try {
    for await (const piece of content) {
      options.signal?.throwIfAborted();
      const chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
      size += chunk.length;
      options.beforeWrite?.(size);
      const pending = writeAll(fh, chunk).catch((err) => Promise.reject(options.writeFailed ? options.writeFailed(err) : err));
      hash.update(chunk);
      await pending;
      // Written and hashed: its read buffer may be read into again (lentBuffers.ts).
      giveBack(chunk);
      unflushed += chunk.length;
      if (unflushed >= FLUSH_EVERY && !flushing) {
        unflushed = 0;
        // Its errors surface again in the caller's final sync.
        flushing = fh.datasync().catch(() => undefined).finally(() => (flushing = undefined));
      }
    }
  } finally {
    await flushing;
  }
  return { hex: hash.digest('hex'), size };
}

async function writeAll(fh: fs.FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await fh.write(data, offset, data.byteLength - offset);
    offset += bytesWritten;
  }
}
