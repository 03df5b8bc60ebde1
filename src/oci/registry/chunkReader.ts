import type { Readable } from 'node:stream';
import { OciError } from '../errors';
import { holdAnother } from '../lentBuffers';
import { pieceSent } from './sentPieces';

/**
 * Cuts one stream into consecutive pieces of given lengths, for chunked uploads: each piece is an
 * async iterable that reads just its share of the source, so nothing is held in memory but one chunk
 * of the source's own buffering. `take`'s iterable must go to undici as a request body as it is (not
 * wrapped in a stream, which would read ahead): it gives each piece back when asked for the next.
 */
export class ChunkReader {
  private readonly iterator: AsyncIterator<Buffer | string>;
  private pending: Buffer | undefined;

  constructor(source: Readable, private readonly what: string) {
    this.iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  }

  async *take(length: number): AsyncGenerator<Buffer> {
    let remaining = length;
    while (remaining > 0) {
      let buf = this.pending;
      this.pending = undefined;
      if (!buf) {
        const next = await this.iterator.next();
        if (next.done) throw new OciError('SIZE_MISMATCH', `${this.what}: the content ended ${remaining} bytes short of the expected size`);
        buf = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      }
      if (buf.length > remaining) {
        // Two pieces of one lent buffer now, each given back on its own.
        holdAnother(buf);
        this.pending = buf.subarray(remaining);
        buf = buf.subarray(0, remaining);
      }
      remaining -= buf.length;
      if (buf.length) {
        yield buf;
        // Asked for the next piece (a return() does not come here).
        pieceSent(buf);
      }
    }
  }

  /** Reads and drops `length` bytes: a resumed upload re-reads what the registry holds already. */
  async skip(length: number): Promise<void> {
    for await (const _ of this.take(length)) {
      // dropped
    }
  }

  /** Fails if the source has more than was taken: the descriptor's size was wrong. */
  async end(): Promise<void> {
    if (this.pending?.length) throw this.tooLong();
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) return;
      if (next.value.length) {
        await this.iterator.return?.();
        throw this.tooLong();
      }
    }
  }

  /** Stops reading the source (destroying it), after a failure. */
  async cancel(): Promise<void> {
    await this.iterator.return?.().catch(() => undefined);
  }

  private tooLong(): OciError {
    return new OciError('SIZE_MISMATCH', `${this.what}: the content is longer than the expected size`);
  }
}
