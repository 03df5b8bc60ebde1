import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { stream as nodeStream } from './nodeStream';
import { BufferPool } from './lentBuffers';

// Big enough that a read costs little beside hashing and sending it, small enough that the few a transfer
// holds at once (one per stream stage, three transfers at a time) stay a few MiB.
export const POOLED_CHUNK = 256 << 10;

// Every stream of the process shares these: a command runs a few transfers at a time, each holding a few.
export const readPool = new BufferPool(POOLED_CHUNK, 32);

/**
 * Reads `length` bytes (or up to the end of the file when undefined) from `position` of an open file, in
 * buffers lent from a shared pool (see lentBuffers.ts): a consumer that gives them back lets the next read
 * reuse them. Closes the file when done or destroyed.
 */
export function pooledReadStream(fh: fs.FileHandle, position: number, length: number | undefined, pool = readPool): Readable {
  let offset = position;
  let left = length ?? Infinity;
  return new (nodeStream().Readable)({
    // One buffer read ahead of the consumer, as a file stream with this highWaterMark does.
    highWaterMark: pool.size,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const buf = pool.take();
      fh.read(buf, 0, Math.min(buf.length, left), offset).then(
        ({ bytesRead }) => {
          if (bytesRead === 0) {
            pool.untake(buf);
            this.push(null);
            return;
          }
          offset += bytesRead;
          left -= bytesRead;
          this.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
        },
        (err: Error) => this.destroy(err),
      );
    },
    destroy(err, callback) {
      fh.close().then(
        () => callback(err),
        (closeErr: Error) => callback(err ?? closeErr),
      );
    },
  });
}

// push and attach read one file at a time in 1 MiB reads: fewer, larger reads keep one pass near the floor, and
// a layout's temp file is written in the same large pieces.
export const filePool = new BufferPool(1 << 20, 8);

/** A whole file in pooled 1 MiB buffers (see pooledReadStream), stopped by `signal`. */
export async function pooledFileStream(path: string, signal?: AbortSignal): Promise<Readable> {
  signal?.throwIfAborted();
  const fh = await fs.open(path, 'r');
  // Stopped while the file opened: closed and rejected here. A stream made now would be failed by the signal at
  // once, before the caller could listen to it: an uncaught error.
  if (signal?.aborted) {
    await fh.close();
    signal.throwIfAborted();
  }
  const stream = pooledReadStream(fh, 0, undefined, filePool);
  return signal ? nodeStream().addAbortSignal(signal, stream) : stream;
}
