/**
 * Read buffers lent to a stream's consumer and given back when it is provably done with them. Reading a
 * 64 MiB layer through a fresh buffer per read leaves ~32 MiB of dropped buffers for V8 to collect (it
 * scavenges only once that much has piled up), which was a third of a copy's memory; given back, the same
 * few buffers serve the whole transfer.
 *
 * A chunk cut from a lent buffer holds it; a consumer that never gives a chunk back (a file write, a pipe
 * to stdout) costs what a fresh buffer costs: the memory goes to the garbage collector, never to a second
 * reader. Only a consumer that knows no one reads the chunk any more may call `giveBack`.
 */
interface Loan {
  pool: BufferPool;
  /** The chunks cut from this buffer that are still held. */
  holders: number;
}

const loans = new WeakMap<ArrayBuffer, Loan>();

export class BufferPool {
  // Held weakly: a long-lived process (the extension host) does not keep idle buffers after a transfer; during
  // one, a buffer given back is taken again long before a garbage collection could drop it.
  private readonly free: Array<WeakRef<ArrayBuffer>> = [];
  /** Buffers made so far (not reused): for tests and measurements. */
  created = 0;

  /** Buffers of `size` bytes; at most `keep` of them wait for reuse (the rest are dropped). */
  constructor(readonly size: number, private readonly keep: number) {}

  /** A buffer of `size` bytes lent to one holder: reused if one was given back, else new. */
  take(): Buffer {
    let ab: ArrayBuffer | undefined;
    while (!ab && this.free.length) ab = this.free.pop()!.deref();
    const buf = ab ? Buffer.from(ab, 0, this.size) : this.make();
    loans.set(buf.buffer as ArrayBuffer, { pool: this, holders: 1 });
    return buf;
  }

  private make(): Buffer {
    this.created++;
    return Buffer.allocUnsafeSlow(this.size);
  }

  /** For the reader: the buffer it took and did not hand on (a read at the end of the file). */
  untake(buf: Buffer): void {
    giveBack(buf);
  }

  /** @internal */
  restore(ab: ArrayBuffer): void {
    if (this.free.length < this.keep) this.free.push(new WeakRef(ab));
  }
}

/** One more holder of `chunk`'s buffer: a piece cut from it that will be given back on its own. */
export function holdAnother(chunk: Uint8Array): void {
  const loan = loans.get(chunk.buffer as ArrayBuffer);
  if (loan) loan.holders++;
}

/**
 * The holder of `chunk` is done with its bytes: nothing will read them again. When every piece of a lent
 * buffer is given back, the buffer goes back to its pool. A chunk that was never lent is left alone.
 */
export function giveBack(chunk: Uint8Array): void {
  const ab = chunk.buffer as ArrayBuffer;
  const loan = loans.get(ab);
  if (!loan) return;
  if (--loan.holders > 0) return;
  loans.delete(ab);
  loan.pool.restore(ab);
}
