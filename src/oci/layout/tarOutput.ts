import { createHash, type Hash } from '../nodeCrypto';
import type { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseDigest, type VerifiedNoun } from '../digest';
import { OciError } from '../errors';
import { HashWorker } from './hashWorker';
import { openRegular } from './regularFile';

// The tar is assembled in shared buffers: files are read straight into them (no stream, no copy) and each full one
// is written at its offset while the next fills. 1 MiB each: read, hashed and written while still in the CPU's
// cache (4 MiB buffers cost 1.5-3x the kernel time of 1 MiB ones here for the same copy); 8 of them keep reads,
// writes and both hashes running side by side.
const SLOT = 1 << 20;
const SLOTS = 8;
// Written pages are sent to disk every so often while the export goes on, so the final fsync has only the tail
// to wait for (what `ingestStream` does for a large blob).
const SYNC_EVERY = 64 << 20;
// A blob this large is verified on the hashing thread, beside the tar's own hash here; a smaller one costs less
// to hash here than a round trip to that thread.
const WORKER_MIN = 1 << 20;

/** Where a file's content is verified: its digest, and how the blob is named in an error (` in <layout>`). */
export interface FileCheck {
  digest: string;
  where: string;
  /** What the content is called in an error: a manifest (or index) as one, else a blob. */
  noun?: VerifiedNoun;
}

/**
 * The bytes of a tar being written to an open file: appended in order, hashed (the tar's digest), each file's
 * content verified against its digest, a datasync started every 64 MiB. `end` waits for every write and check and
 * fails if any did; the caller then syncs, closes and renames.
 */
export class TarOutput {
  private readonly shared = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(SLOT));
  private readonly bufs = this.shared.map((s) => Buffer.from(s));
  /** What still uses each buffer (its write, its hashes): awaited before the buffer is filled again. */
  private readonly busy: Promise<unknown>[] = this.shared.map(() => Promise.resolve());
  private waits: Promise<unknown>[] = [];
  private lastWrite: Promise<void> = Promise.resolve();
  private cur = 0;
  private fill = 0;
  private pos = 0;
  private readonly hash: Hash = createHash('sha256');
  private worker?: HashWorker;
  private nextId = 0;
  private checks: Promise<void>[] = [];
  private failure: unknown;
  private syncing?: Promise<void>;
  private unsynced = 0;

  constructor(private readonly fh: fs.FileHandle, private readonly signal?: AbortSignal) {}

  /** Small bytes (headers, padding), copied in. */
  async put(bytes: Buffer): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const n = Math.min(SLOT - this.fill, bytes.length - done);
      bytes.copy(this.bufs[this.cur]!, this.fill, done, done + n);
      this.fill += n;
      done += n;
      if (this.fill === SLOT) await this.flush();
    }
  }

  /** A stream's content (a blob from a tar or a registry, verified by the stream itself); its byte count. */
  async putStream(stream: Readable, max: number): Promise<number> {
    let copied = 0;
    for await (const chunk of stream) {
      this.signal?.throwIfAborted();
      const buf = chunk as Buffer;
      copied += buf.length;
      if (copied > max) break;
      await this.put(buf);
    }
    return copied;
  }

  /**
   * `size` bytes of the file at `path` (in the layout `root`), read straight into the buffers, and checked against `check` when given.
   * A file of another size fails now; a digest mismatch fails the export by `end` (sooner when seen sooner).
   */
  async putFile(root: string, path: string, size: number, describe: string, check?: FileCheck): Promise<void> {
    // A file of the layout `root`: a named pipe, a folder or a link out of the layout in its place is refused, naming it.
    const opened = await openRegular(root, path);
    if (!opened) throw changed(describe, 0, size);
    const { fh } = opened;
    try {
      const actual = opened.st.size;
      if (actual !== size) throw changed(describe, actual, size);
      const alg = check ? parseDigest(check.digest).algorithm : undefined;
      const remote = alg && size >= WORKER_MIN ? this.nextId++ : undefined;
      const local = alg && remote === undefined ? createHash(alg) : undefined;
      if (remote !== undefined) this.worker ??= new HashWorker(this.shared);
      let done = 0;
      while (done < size) {
        this.signal?.throwIfAborted();
        this.throwIfFailed();
        const buf = this.bufs[this.cur]!;
        const { bytesRead } = await fh.read(buf, this.fill, Math.min(SLOT - this.fill, size - done), done);
        if (bytesRead === 0) throw changed(describe, done, size);
        local?.update(buf.subarray(this.fill, this.fill + bytesRead));
        if (remote !== undefined) {
          const hashed = this.worker!.update(remote, alg!, this.cur, this.fill, bytesRead);
          hashed.catch(() => undefined); // reported through the buffer's busy promise, even if this read fails first
          this.waits.push(hashed);
        }
        this.fill += bytesRead;
        done += bytesRead;
        if (this.fill === SLOT) await this.flush();
      }
      if (!check || !alg) return;
      const hex = remote !== undefined ? this.worker!.digest(remote, alg) : Promise.resolve(local!.digest('hex'));
      const verified = hex.then((h) => {
        if (`${alg}:${h}` !== check.digest) throw new OciError('DIGEST_MISMATCH', `${check.noun ?? 'blob'} ${check.digest}${check.where}: content has digest ${alg}:${h}`);
      });
      this.checks.push(verified.catch((err: unknown) => void (this.failure ??= err)));
    } finally {
      await fh.close();
    }
  }

  /** Every byte written and every check passed: the tar's digest and size. */
  async end(): Promise<{ digest: string; size: number }> {
    await this.flush();
    await Promise.all(this.busy);
    await Promise.all(this.checks);
    this.throwIfFailed();
    await this.syncing;
    return { digest: `sha256:${this.hash.digest('hex')}`, size: this.pos };
  }

  /** Waits for what is still running (on success or failure) and stops the hashing thread. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.busy, ...this.checks, this.syncing]);
    await this.worker?.close();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Writes the current buffer at its offset, hashes it next (in order), and moves to a free buffer. */
  private async flush(): Promise<void> {
    if (this.fill === 0) return;
    const slot = this.cur;
    const len = this.fill;
    const buf = this.bufs[slot]!;
    // One write at a time: writes to one file take its lock in turn anyway, and a second would hold a thread-pool
    // thread the next read needs.
    const position = this.pos;
    const write = this.lastWrite.then(() => writeFully(this.fh, buf, len, position));
    this.lastWrite = write;
    // Deferred a turn, so the next read is already on the thread pool while this thread hashes.
    const hashed = new Promise<void>((resolve) => setImmediate(() => (this.hash.update(buf.subarray(0, len)), resolve())));
    const busy = Promise.all([write, hashed, ...this.waits]);
    busy.catch(() => undefined); // reported when awaited
    this.busy[slot] = busy;
    this.waits = [];
    this.pos += len;
    this.fill = 0;
    this.unsynced += len;
    if (this.unsynced >= SYNC_EVERY && !this.syncing) {
      this.unsynced = 0;
      // Its errors surface again in the final fsync.
      this.syncing = this.fh.datasync().catch(() => undefined).finally(() => (this.syncing = undefined));
    }
    this.cur = (slot + 1) % SLOTS;
    await this.busy[this.cur];
  }
}

async function writeFully(fh: fs.FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  // A short write: go on with the remainder.
  while (done < length) done += (await fh.write(buf, done, length - done, position + done)).bytesWritten;
}

function changed(describe: string, actual: number, size: number): OciError {
  return new OciError('INVALID_LAYOUT', `${describe}: changed while it was written to the tar (${actual} bytes, expected ${size})`);
}
