// A layout's index.json as one process reads and rewrites it: a cached view re-parsed only when the file changed,
// and read-modify-writes under the cross-process lock, grouped so that many updates cost one rewrite.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageIndex } from '../descriptor';
import { OciError } from '../errors';
import type { OpOptions } from '../target';
import { INDEX_FILE, syncDir, writeIndexFile } from './atomicFiles';
import { damageOf, readIndexJson } from './indexFile';
import { sameBytes, type IndexFileState } from './indexSplice';
import { indexKey, indexView, type IndexMutation, type IndexView } from './indexView';
import { withFileLock } from './lock';
import { TOO_LARGE, type LayoutSource } from './source';
import { regularFileStats } from './regularFile';
import { layoutWriteError } from './writeError';

interface PendingUpdate {
  /** A change of any kind; absent for `untagged`. */
  mutate?: IndexMutation;
  /** A manifest to list untagged unless index.json already lists it: many of these are applied in one pass. */
  untagged?: Descriptor;
  signal?: AbortSignal;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * The updates held back by one batch (see LayoutIndex.batch), and what they will settle. A call belongs to a batch
 * when its options name it (OpOptions.indexBatch), so another caller of the same store at the same time (two
 * commands of the extension, say) is never held back by it, nor fails with it. (Explicit rather than found through
 * AsyncLocalStorage: on Node 20 that hooks every promise of the process, and cost attach --recursive a tenth of its CPU.)
 */
class IndexBatch {
  readonly held: PendingUpdate[] = [];
  readonly settled: Promise<void>[] = [];
  /** Once fn has ended: a call still running from it (a push fn did not wait for) is written as if unbatched. */
  closed = false;
  /** The state of index.json this batch's reads last checked against the file (see LayoutIndex.read). */
  seen: IndexCache | undefined;
  constructor(readonly index: LayoutIndex) {}
}

interface IndexCache {
  key: string;
  /** The file's bytes, or the pieces this process wrote it from. */
  raw: Buffer | Buffer[];
  view: IndexView;
}

export class LayoutIndex {
  private cache: IndexCache | undefined;
  /** A read of index.json under way, shared by the reads that ask for the same file meanwhile. */
  private reading: { key: string; view: Promise<IndexView> } | undefined;
  private pending: PendingUpdate[] = [];
  private updating: Promise<void> | undefined;
  /** How many times this process rewrote index.json through this object: for tests and the bench. */
  writes = 0;
  /** Folders this process renamed blobs into since it last synced them (see blobRenamed). */
  private unsynced = new Set<string>();
  /** index.json's path, joined once: read() runs once per resolve, a thousand times for `index create`. */
  private readonly path: string;

  constructor(
    private readonly location: string,
    private readonly source: LayoutSource,
  ) {
    this.path = join(location, INDEX_FILE);
  }

  /**
   * index.json as it is now (another process may have changed it): re-parsed only when the file changed. Inside a
   * batch (`options.indexBatch`), reads after its first use the state that one checked, unless this process has
   * written the file since: a command's references are resolved against one state of index.json (its one write
   * at the end is applied, under the lock, to the file as it is by then), and `index create` with a thousand
   * sources makes one stat, not a thousand.
   */
  async read(options?: OpOptions): Promise<IndexView> {
    const batch = this.open(options?.indexBatch) ? options.indexBatch : undefined;
    if (batch?.seen && batch.seen === this.cache) return batch.seen.view;
    const view = await this.readNow();
    if (batch) batch.seen = this.cache;
    return view;
  }

  private async readNow(): Promise<IndexView> {
    const path = this.path;
    // Sync: a stat is microseconds, and listings call this once per tag. Not a file (a named pipe, a link that loops
    // or leads out of the layout) is refused here, as its read would be.
    const st = regularFileStats(this.location, path);
    if (!st) throw new OciError('INVALID_LAYOUT', `${path}: missing; ${this.location} is not an OCI image layout`);
    const key = indexKey(st);
    if (this.cache?.key === key) return this.cache.view;
    // Reads made at once (index create resolves eight sources at a time) share one read and parse of the file:
    // each making its own parsed a 2 MB index.json eight times.
    if (this.reading?.key !== key) {
      const view = this.readFresh().then(({ raw, view }) => {
        this.cache = { key, raw, view };
        return view;
      });
      const reading = { key, view };
      this.reading = reading;
      const done = () => {
        if (this.reading === reading) this.reading = undefined;
      };
      view.then(done, done);
    }
    return this.reading.view;
  }

  /** Reads index.json; parsing is skipped when the bytes are the ones last parsed. */
  private async readFresh(): Promise<{ raw: Buffer; view: IndexView }> {
    const path = this.path;
    const last = this.cache;
    if (last && Buffer.isBuffer(last.raw) && (await this.source.holds?.(INDEX_FILE, last.raw))) return { raw: last.raw, view: last.view };
    const raw = await this.source.readFile(INDEX_FILE);
    if (!raw || raw === TOO_LARGE) throw new OciError('INVALID_LAYOUT', `${path}: missing; ${this.location} is not an OCI image layout`);
    if (this.cache && sameBytes(raw, this.cache.raw)) return { raw, view: this.cache.view };
    const text = raw.toString('utf8');
    return { raw, view: indexView(readIndexJson(text, path), text) };
  }

  /**
   * Runs `fn` with the index.json updates made with the batch it is given (OpOptions.indexBatch) through
   * `update(..., { deferrable })` and `listUntagged` held back, then applies them all in one read-modify-write under the lock: `attach --recursive` stores a
   * thousand referrers and rewrites index.json once. The calls return once their update is queued; a failure
   * to write index.json is thrown by `batch`. Reads inside fn see index.json as last written. What fn stored
   * is listed even when fn fails: a stored referrer that index.json does not name would be lost to a prune.
   * Given an `outer` batch of this index that is still open, fn joins it.
   */
  async batch<T>(fn: (batch: object) => Promise<T>, outer?: object): Promise<T> {
    if (this.open(outer)) return fn(outer!);
    const batch = new IndexBatch(this);
    let result: { value: T } | { error: unknown };
    try {
      result = { value: await fn(batch) };
    } catch (error) {
      result = { error };
    }
    batch.closed = true;
    this.release(batch);
    const outcomes = await Promise.allSettled(batch.settled);
    if ('error' in result) throw result.error;
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    return result.value;
  }

  /**
   * Read-modify-write of index.json under the cross-process lock; `mutate` changes the index it is given and
   * returns whether there is anything to write. Updates that arrive while one is being written are grouped: the
   * next round applies them all, in order, and writes the file once. A `deferrable` one made inside a batch is
   * held for the batch's write and resolves at once.
   */
  update(mutate: IndexMutation, options?: OpOptions & { deferrable?: boolean }): Promise<void> {
    return this.enqueue({ mutate, signal: options?.signal }, options?.deferrable === true, options?.indexBatch);
  }

  /**
   * A blob was renamed into `dir`. Each blob's bytes are synced before its rename, but a rename is durable only
   * once its folder is synced: rather than a folder sync per blob (thousands for a copy of small blobs), the
   * folders are synced once, before the next index.json write. That is sound because index.json is what makes
   * blobs reachable: a crash before it may lose renames, but then no index.json written by us names what they
   * held; a crash after it finds every blob it names (and a blob lost without being named is only absent).
   */
  blobRenamed(dir: string): void {
    this.unsynced.add(dir);
  }

  /** Lists `desc` untagged unless index.json lists it already (a referrer, so that it can be found); deferrable. */
  listUntagged(desc: Descriptor, options?: OpOptions): Promise<void> {
    return this.enqueue({ untagged: desc }, true, options?.indexBatch);
  }

  /** `token` as a batch of this index that is still open. */
  private open(token: object | undefined): token is IndexBatch {
    return token instanceof IndexBatch && token.index === this && !token.closed;
  }

  private enqueue(update: Omit<PendingUpdate, 'resolve' | 'reject'>, deferrable: boolean, token: object | undefined): Promise<void> {
    const inBatch = this.open(token) ? token : undefined;
    const done = new Promise<void>((resolve, reject) => {
      const pending: PendingUpdate = { ...update, resolve, reject };
      if (inBatch && deferrable) inBatch.held.push(pending);
      else {
        // What the batch holds was asked for first: it goes first, in the same round.
        if (inBatch) this.pending.push(...inBatch.held.splice(0));
        this.pending.push(pending);
        this.start();
      }
    });
    if (!inBatch || !deferrable) return done;
    inBatch.settled.push(done);
    done.catch(() => undefined); // reported by batch()
    return Promise.resolve();
  }

  private release(batch: IndexBatch): void {
    if (batch.held.length === 0) return;
    this.pending.push(...batch.held.splice(0));
    this.start();
  }

  private start(): void {
    if (!this.updating) this.updating = this.runUpdates().finally(() => (this.updating = undefined));
  }

  private async runUpdates(): Promise<void> {
    const lockPath = join(this.location, `${INDEX_FILE}.lock`);
    while (this.pending.length > 0) {
      const round = this.pending.splice(0);
      const settled: Array<() => void> = [];
      let locked = false;
      try {
        await withFileLock(lockPath, async () => {
          locked = true;
          const fresh = await this.readFresh();
          // What index.json holds now, so that the entries a change keeps are copied, not encoded again.
          const base: IndexFileState = { raw: fresh.raw, index: fresh.view.index, text: fresh.view.text };
          const afterWrite: Array<() => Promise<void>> = [];
          const index = await applyRound(base.index, round, settled, afterWrite);
          if (index !== base.index) {
            const dirs = [...this.unsynced];
            this.unsynced.clear();
            for (const dir of dirs) await syncDir(dir);
            const raw = await writeIndexFile(this.location, index, base);
            this.writes++;
            // Still under the lock, so the file is the one just written: the next read needs no parse.
            this.cache = { key: indexKey(statSync(this.path)), raw, view: indexView(index) };
          }
          for (const after of afterWrite) await after();
        });
      } catch (err) {
        // The lock or the write failed: nothing of this round is stored.
        this.cache = undefined;
        const reported = locked ? err : layoutWriteError(err, this.location, INDEX_FILE);
        for (const u of round) u.reject(reported);
        continue;
      }
      for (const settle of settled) settle();
    }
  }
}

/**
 * Applies one round's updates in order to `start`; the result is `start` itself when nothing changed. A change
 * works on its own copy of the list, so one that fails leaves the others' intact; untagged listings cannot
 * fail, so a run of them shares one copy and one set of the listed digests (no scan of the list per digest).
 */
async function applyRound(start: ImageIndex, round: PendingUpdate[], settled: Array<() => void>, afterWrite: Array<() => Promise<void>>): Promise<ImageIndex> {
  let index = start;
  let listed: Set<string> | undefined;
  let owned = false; // whether index.manifests is this round's own copy, which untagged listings may append to
  for (const u of round) {
    if (u.signal?.aborted) {
      settled.push(() => u.reject(u.signal!.reason));
      continue;
    }
    if (u.untagged) {
      if (!listed) {
        listed = new Set();
        for (const d of index.manifests) if (!damageOf(d)) listed.add(d.digest);
      }
      if (!listed.has(u.untagged.digest)) {
        if (!owned) index = { ...index, manifests: [...index.manifests] };
        owned = true;
        index.manifests.push(u.untagged);
        listed.add(u.untagged.digest);
      }
      settled.push(() => u.resolve());
      continue;
    }
    const draft: ImageIndex = { ...index, manifests: [...index.manifests] };
    const then: Array<() => Promise<void>> = [];
    try {
      if (await u.mutate!(draft, (after) => then.push(after))) {
        index = draft;
        owned = true;
        listed = undefined;
      }
      afterWrite.push(...then);
      settled.push(() => u.resolve());
    } catch (err) {
      settled.push(() => u.reject(err));
    }
  }
  return index;
}
