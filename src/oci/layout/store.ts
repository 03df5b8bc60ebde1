import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsync, mkdirSync, openSync, promises as fs, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { addAbortSignal, pipeline, type Readable } from 'node:stream';
import { ANNOTATION_REF_NAME, type Descriptor, type ImageIndex } from '../descriptor';
import { parseDigest, VerifyingStream } from '../digest';
import { OciError } from '../errors';
import { isManifestMediaType, MediaType } from '../mediaType';
import { isValidTag } from '../reference';
import type { OpOptions, StagedBlob, Target } from '../target';
import { damagedEntries, damageOf, descriptorJson, emptyIndex, encodeIndexJson, readIndexJson, type DamagedEntry } from './indexFile';
import { encodeIndexJsonFrom, type IndexFileState } from './indexSplice';
import { withFileLock } from './lock';
import { layoutWriteError } from './writeError';
import { checkManifestBytes, manifestFacts, type ManifestFacts } from './manifest';
import { DirSource, isMissing, TarSource, TOO_LARGE, type LayoutSource } from './source';
import { buildSubjectIndex, referrerDescriptor, stillUnread, type SubjectIndex, type WalkReader } from './subjectIndex';
import { stageIntoLayout } from './stage';
import { indexTar } from './tar';
import { blobPath, verifyBlob } from './verify';

export { blobPath };

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
/** Temp files (blob ingest, index.json rewrites) live inside the layout so the final rename stays on one file system. */
export const TEMP_DIR = '.manifold-tmp';
const LAYOUT_VERSION = '1.0.0';
// What Go's json.Marshal(ocispec.ImageLayout) writes, as oras-go does for a new layout.
const OCI_LAYOUT_CONTENT = `{"imageLayoutVersion":"${LAYOUT_VERSION}"}`;
// Registries refuse manifests over 4 MiB; a manifest is read into memory to be validated.
const MAX_MANIFEST_BYTES = 4 << 20;
const DEFAULT_MEDIA_TYPE = 'application/octet-stream';
const FLUSH_EVERY = 64 << 20;
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface OpenOptions {
  /** Make the folder, `oci-layout`, an empty `index.json` and `blobs/sha256` where missing. */
  create?: boolean;
}

/**
 * An OCI image layout (image-spec image-layout.md) as a Target: a folder, read-write, or a `.tar`
 * of one, read-only. Blobs are written through a verified temp file and a rename, so nothing partial
 * is ever visible under `blobs/`; `index.json` is rewritten atomically under a lock file shared by
 * every process, and re-read inside the lock, so concurrent taggers never lose each other's tags.
 */
export class OciLayoutStore implements Target {
  // Manifests are content-addressed: what a digest parses to never changes, so it can be kept.
  private readonly factsCache = new Map<string, ManifestFacts | null>();
  private indexCache: { key: string; raw: Buffer; view: IndexView } | undefined;
  private subjects: { view: IndexView; signal?: AbortSignal; promise: Promise<SubjectIndex>; done?: SubjectIndex } | undefined;
  private pendingUpdates: PendingUpdate[] = [];
  private swept = false;
  private updating: Promise<void> | undefined;

  private constructor(
    /** The layout folder, or the `.tar` file. */
    readonly location: string,
    private readonly source: LayoutSource,
    private readonly fixedIndex?: IndexView,
  ) {}

  get readOnly(): boolean {
    return this.source.readOnly;
  }

  /** Opens the layout in `dir`; with `create`, makes what is missing of a new one. */
  static async open(dir: string, options: OpenOptions = {}): Promise<OciLayoutStore> {
    const root = resolvePath(dir);
    const source = new DirSource(root);
    if (options.create) await createLayout(root);
    checkLayoutFile(await source.readFile(OCI_LAYOUT_FILE, 4096), source.describe(OCI_LAYOUT_FILE), root);
    const store = new OciLayoutStore(root, source);
    await store.readIndex(); // refuse a broken index.json now rather than on first use
    return store;
  }

  /** Opens a `.tar` of a layout, read-only. Every member name and link target is checked before anything is read. */
  static async openTar(file: string): Promise<OciLayoutStore> {
    const path = resolvePath(file);
    let tar;
    try {
      tar = await indexTar(path);
    } catch (err) {
      if (isMissing(err)) throw new OciError('NOT_FOUND', `${path}: no such file`, { cause: err });
      throw err;
    }
    const source = new TarSource(path, tar);
    checkLayoutFile(await source.readFile(OCI_LAYOUT_FILE, 4096), source.describe(OCI_LAYOUT_FILE), path);
    const raw = await source.readFile(INDEX_FILE);
    if (!raw || raw === TOO_LARGE) throw new OciError('INVALID_LAYOUT', `${source.describe(INDEX_FILE)}: missing; ${path} is not an OCI image layout`);
    return new OciLayoutStore(path, source, indexView(readIndexJson(raw, source.describe(INDEX_FILE))));
  }

  // ---- reading ----------------------------------------------------------------------------

  /** The descriptors listed in `index.json`, as written there; damaged entries are left out (see damagedEntries). */
  async entries(): Promise<Descriptor[]> {
    return (await this.readIndex()).good.map(cloneDescriptor);
  }

  /** The entries of `index.json` that cannot be used (a bad digest, say): each names its place and problem. */
  async damagedEntries(): Promise<DamagedEntry[]> {
    return damagedEntries((await this.readIndex()).index, this.source.describe(INDEX_FILE));
  }

  async resolve(reference: string, options?: OpOptions): Promise<Descriptor> {
    options?.signal?.throwIfAborted();
    if (typeof reference !== 'string' || reference === '') throw new OciError('INVALID_ARGUMENT', 'missing reference');
    const view = await this.readIndex();
    // Exact names first: index.json may hold names (full references) that are not tags.
    const named = view.byName.get(reference);
    if (named) return cloneDescriptor(named);
    if (view.damagedNames.has(reference)) {
      throw damagedEntries(view.index, this.source.describe(INDEX_FILE)).filter((e) => e.tag === reference).pop()!.error;
    }
    if (reference.includes(':')) {
      try {
        parseDigest(reference);
      } catch (err) {
        throw new OciError('INVALID_ARGUMENT', `${reference}: not a valid tag or digest`, { cause: err });
      }
      return this.resolveDigest(reference, view);
    }
    if (!isValidTag(reference)) throw new OciError('INVALID_ARGUMENT', `${reference}: not a valid tag or digest`);
    throw new OciError('NOT_FOUND', `${reference}: not found`);
  }

  private async resolveDigest(digest: string, view: IndexView): Promise<Descriptor> {
    const rel = blobPath(digest);
    const size = await this.source.size(rel);
    if (size === undefined) throw new OciError('NOT_FOUND', `${digest}: not found`);
    // The manifest's own mediaType is authoritative; its index.json entry is the fallback.
    const facts = size <= MAX_MANIFEST_BYTES ? await this.facts({ mediaType: '', digest, size }) : undefined;
    let mediaType = facts?.mediaType ?? view.byDigest.get(digest)?.mediaType;
    if (!mediaType && facts) mediaType = facts.kind === 'index' ? MediaType.ImageIndex : MediaType.ImageManifest;
    return { mediaType: mediaType ?? DEFAULT_MEDIA_TYPE, digest, size };
  }

  /** A blob by digest: `application/octet-stream` and its stored size. */
  async resolveBlob(digest: string, options?: OpOptions): Promise<Descriptor> {
    options?.signal?.throwIfAborted();
    const size = await this.source.size(blobPath(digest));
    if (size === undefined) throw this.blobNotFound(digest);
    return { mediaType: DEFAULT_MEDIA_TYPE, digest, size };
  }

  async exists(desc: Descriptor, options?: OpOptions): Promise<boolean> {
    options?.signal?.throwIfAborted();
    return (await this.source.size(blobPath(desc.digest))) !== undefined;
  }

  async fetch(desc: Descriptor, options?: OpOptions): Promise<Readable> {
    options?.signal?.throwIfAborted();
    const rel = blobPath(desc.digest);
    const raw = await this.source.createStream(rel);
    if (!raw) throw this.blobNotFound(desc.digest);
    const verified = new VerifyingStream({ digest: desc.digest, size: desc.size }, ` in ${this.location}`);
    // pipeline carries a read error to the consumer and closes the file if the consumer stops early.
    pipeline(raw, verified, () => undefined);
    if (options?.signal) addAbortSignal(options.signal, verified);
    return verified;
  }

  async fetchBytes(desc: Descriptor, options?: OpOptions): Promise<Buffer> {
    options?.signal?.throwIfAborted();
    const bytes = await this.source.readFile(blobPath(desc.digest), Infinity, desc.size);
    if (!bytes || bytes === TOO_LARGE) throw this.blobNotFound(desc.digest);
    verifyBlob(bytes, desc, ` in ${this.location}`);
    return bytes;
  }

  async *tags(options?: OpOptions): AsyncIterable<string> {
    options?.signal?.throwIfAborted();
    yield* [...(await this.readIndex()).byName.keys()].sort(compareStrings);
  }

  /**
   * Every tag with what it resolves to, sorted by tag, from one reading of index.json: what `tags()`
   * then `resolve()` of each would give, without a stat of index.json per tag.
   */
  async *taggedDescriptors(options?: OpOptions): AsyncIterable<{ tag: string; desc: Descriptor }> {
    options?.signal?.throwIfAborted();
    const { byName } = await this.readIndex();
    for (const tag of [...byName.keys()].sort(compareStrings)) yield { tag, desc: cloneDescriptor(byName.get(tag)!) };
  }

  /**
   * Manifests whose subject is `desc`: found among everything reachable from index.json (which holds
   * oras-style untagged referrers) and through the fallback tag `sha256-<hex>` (regclient). The walk of
   * everything reachable is done once and kept until index.json changes, so a lookup costs what it finds.
   */
  async *referrers(desc: Descriptor, options?: OpOptions & { artifactType?: string }): AsyncIterable<Descriptor> {
    const { algorithm, hex } = parseDigest(desc.digest);
    const view = await this.readIndex();
    const subjects = await this.subjectIndex(view, options?.signal);
    const found = new Map<string, Descriptor>();
    for (const { pointer, facts } of subjects.bySubject.get(desc.digest) ?? []) {
      if (!found.has(pointer.digest)) found.set(pointer.digest, referrerDescriptor(pointer, facts));
    }

    // A fallback-tag index lists the referrers itself, possibly ones whose manifests are not stored here.
    const fallback = view.byName.get(`${algorithm}-${hex}`);
    if (fallback) {
      const listing = await this.facts(fallback);
      if (listing?.kind === 'index') {
        for (const child of listing.children) {
          if (!found.has(child.digest)) found.set(child.digest, referrerDescriptor(child, await this.facts(child)));
        }
      }
    }

    for (const d of found.values()) {
      if (options?.artifactType === undefined || d.artifactType === options.artifactType) yield d;
    }
  }

  /** The subjects of everything reachable from `view`: walked once per index.json, shared by concurrent callers. */
  private async subjectIndex(view: IndexView, signal?: AbortSignal): Promise<SubjectIndex> {
    for (;;) {
      let entry = this.subjects;
      if (entry && (entry.view !== view || (entry.done && !stillUnread(entry.done, this.walkReader)))) entry = undefined;
      if (!entry) {
        const building: NonNullable<typeof this.subjects> = {
          view,
          signal,
          promise: buildSubjectIndex(view.good, this.walkReader, signal).then((index) => (building.done = index)),
        };
        this.subjects = entry = building;
        building.promise.catch(() => {
          if (this.subjects === building) this.subjects = undefined;
        });
      }
      try {
        return await entry.promise;
      } catch (err) {
        // Another caller's walk was cancelled: walk again for this one.
        if (entry.signal?.aborted && !signal?.aborted) continue;
        throw err;
      }
    }
  }

  private readonly walkReader: WalkReader = {
    facts: (desc) => this.facts(desc),
    mayAppear: (digest) => {
      if (this.factsCache.has(digest)) return false; // read, and not a manifest
      try {
        blobPath(digest);
        return true;
      } catch {
        return false;
      }
    },
    blobKey: (digest) => {
      if (this.source.readOnly) return undefined; // an archive does not change
      const st = statSync(join(this.location, blobPath(digest)), { throwIfNoEntry: false });
      return st ? indexKey(st) : undefined;
    },
  };

  /** Parsed facts of a stored manifest, or undefined if it is absent, corrupt or not a manifest. */
  private async facts(desc: Descriptor): Promise<ManifestFacts | undefined> {
    const cached = this.factsCache.get(desc.digest);
    if (cached !== undefined) return cached ?? undefined;
    let rel: string;
    try {
      rel = blobPath(desc.digest);
    } catch {
      return undefined;
    }
    const bytes = await this.source.readFile(rel, MAX_MANIFEST_BYTES, desc.size);
    if (bytes === undefined) return undefined; // not cached: it may be pushed later
    if (bytes === TOO_LARGE) {
      this.factsCache.set(desc.digest, null);
      return undefined;
    }
    try {
      verifyBlob(bytes, { digest: desc.digest });
    } catch {
      return undefined; // corrupt: not cached, a push may repair it
    }
    const facts = manifestFacts(bytes);
    this.factsCache.set(desc.digest, facts ?? null);
    return facts;
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Stores a blob: streamed into a temp file inside the layout while hashed, checked against
   * size and digest, synced, then renamed into `blobs/<alg>/<hex>`. A manifest is validated too,
   * and one with a subject is listed (untagged) in index.json so its referrers can be found.
   */
  async push(desc: Descriptor, content: Readable | Uint8Array, options?: OpOptions): Promise<void> {
    this.assertWritable('push');
    const parsed = parseDigest(desc.digest);
    if (!Number.isSafeInteger(desc.size) || desc.size < 0) {
      throw new OciError('INVALID_ARGUMENT', `blob ${desc.digest}: invalid size ${desc.size}`);
    }
    options?.signal?.throwIfAborted();
    const rel = blobPath(desc.digest);
    const target = join(this.location, rel);
    const isManifest = isManifestMediaType(desc.mediaType);
    const existing = await this.source.size(rel);
    if (existing === desc.size) {
      if (!(content instanceof Uint8Array)) await drain(content);
    } else if (isManifest) {
      const bytes = content instanceof Uint8Array ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : await readLimited(content, desc);
      verifyBlob(bytes, desc, ` (push to ${this.location})`);
      checkManifestBytes(bytes, desc, `manifest ${desc.digest}`);
      await this.ingest(target, parsed, desc, bytes, options);
      // The bytes just stored, verified: what facts() would read back from the file.
      if (!this.factsCache.has(desc.digest)) this.factsCache.set(desc.digest, bytes.length > MAX_MANIFEST_BYTES ? null : (manifestFacts(bytes) ?? null));
    } else {
      await this.ingest(target, parsed, desc, content, options);
    }
    if (isManifest) {
      const facts = await this.facts(desc);
      if (facts?.subject) await this.listUntagged(desc);
    }
  }

  /** Content of unknown digest into a temp file, renamed under its digest only at `commit` (Target.stage). */
  async stage(content: Readable, options?: OpOptions): Promise<StagedBlob> {
    this.assertWritable('push');
    return stageIntoLayout(join(this.location, TEMP_DIR), (digest) => join(this.location, blobPath(digest)), content, options);
  }

  /** push, then tag. */
  async pushAndTag(desc: Descriptor, content: Readable | Uint8Array, reference: string, options?: OpOptions): Promise<void> {
    this.checkTag(reference);
    await this.push(desc, content, options);
    await this.tag(desc, reference, options);
  }

  private async ingest(
    target: string,
    parsed: { algorithm: string },
    desc: Descriptor,
    content: Readable | Uint8Array,
    options?: OpOptions,
  ): Promise<void> {
    // Errors of writing into the layout (not of reading `content`) say which layout and which blob.
    const failed = (err: unknown): unknown => layoutWriteError(err, this.location, `blob ${desc.digest}`);
    let tmpDir: string;
    try {
      tmpDir = makeTempDir(this.location);
    } catch (err) {
      throw failed(err);
    }
    if (!this.swept) {
      this.swept = true;
      sweepTemp(tmpDir);
    }
    const tmp = join(tmpDir, `blob-${process.pid}-${randomBytes(6).toString('hex')}`);
    const where = ` (push to ${this.location})`;
    if (content instanceof Uint8Array) return ingestBytes(tmp, target, desc, content, where).catch((err) => Promise.reject(failed(err)));
    const fh = await fs.open(tmp, 'wx').catch((err) => Promise.reject(failed(err)));
    let closed = false;
    let flushing: Promise<void> | undefined;
    try {
      const hash = createHash(parsed.algorithm);
      let written = 0;
      let unflushed = 0;
      for await (const piece of content) {
        options?.signal?.throwIfAborted();
        const chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
        written += chunk.length;
        if (written > desc.size) throw sizeMismatch(desc, written, where, true);
        // The write runs on the thread pool while this thread hashes the same chunk.
        const pending = writeAll(fh, chunk).catch((err) => Promise.reject(failed(err)));
        hash.update(chunk);
        await pending;
        unflushed += chunk.length;
        if (unflushed >= FLUSH_EVERY && !flushing) {
          // Start writing back what is written so far while hashing goes on, so the final fsync
          // has only the tail left instead of the whole blob.
          unflushed = 0;
          // Its errors surface again in the final sync.
          flushing = fh.datasync().catch(() => undefined).finally(() => (flushing = undefined));
        }
      }
      await flushing;
      if (written !== desc.size) throw sizeMismatch(desc, written, where);
      const actual = `${parsed.algorithm}:${hash.digest('hex')}`;
      if (actual !== desc.digest) {
        throw new OciError('DIGEST_MISMATCH', `blob ${desc.digest}${where}: content has digest ${actual}`);
      }
      try {
        await fh.sync();
        await fh.close();
        closed = true;
        makeDirs(dirname(target));
        await renameInto(tmp, target);
      } catch (err) {
        throw failed(err);
      }
    } catch (err) {
      await flushing;
      if (!closed) await fh.close().catch(() => undefined);
      removeTemp(tmp);
      throw err;
    }
  }

  /** Points `reference` at `desc`; a tag that named another manifest moves. */
  async tag(desc: Descriptor, reference: string, options?: OpOptions): Promise<void> {
    this.assertWritable('tag');
    this.checkTag(reference);
    options?.signal?.throwIfAborted();
    if ((await this.source.size(blobPath(desc.digest))) === undefined) {
      throw new OciError('NOT_FOUND', `${desc.digest}: not found in ${this.location}`);
    }
    const entry = withName(desc, reference);
    // Already so, and named once: nothing to write and no lock to take. A change another process makes
    // after this read is as if it came after this call.
    const view = await this.readIndex();
    const current = view.byName.get(reference);
    if (current && !view.namedTwice.has(reference) && sameEntry(current, entry)) return;
    await this.updateIndex(async (index) => {
      // One pass over what may be 10,000 entries: the entries named `reference` come out, the new entry goes
      // where the first of them was, or replaces the untagged entry that only kept this manifest listed.
      const removed: Descriptor[] = [];
      const list: Descriptor[] = [];
      let namedAt = -1;
      let untaggedAt = -1;
      for (const d of index.manifests) {
        const name = nameOf(d);
        if (name === reference) {
          if (namedAt === -1) namedAt = list.length;
          removed.push(d);
          continue;
        }
        if (!name && d.digest === desc.digest && !damageOf(d)) {
          if (untaggedAt !== -1) continue; // a second untagged entry of it: dropped
          untaggedAt = list.length;
        }
        list.push(d);
      }
      if (removed.length === 1 && sameEntry(removed[0]!, entry)) return false;
      if (untaggedAt !== -1) list[untaggedAt] = entry;
      else if (namedAt !== -1) list.splice(namedAt, 0, entry);
      else list.push(entry);
      index.manifests = await this.keepNeeded(list, removed.filter((d) => d.digest !== desc.digest));
      return true;
    }, options);
  }

  async untag(reference: string, options?: OpOptions): Promise<void> {
    this.assertWritable('untag');
    if (reference.includes(':')) throw new OciError('INVALID_ARGUMENT', `${reference}: a digest, not a tag`);
    await this.updateIndex(async (index) => {
      const removed = index.manifests.filter((d) => nameOf(d) === reference);
      if (removed.length === 0) throw new OciError('NOT_FOUND', `${reference}: not found`);
      index.manifests = await this.keepNeeded(index.manifests.filter((d) => nameOf(d) !== reference), removed);
      return true;
    }, options);
  }

  /** Removes the blob and every index.json entry for its digest. */
  async delete(desc: Descriptor, options?: OpOptions): Promise<void> {
    this.assertWritable('delete');
    const rel = blobPath(desc.digest);
    options?.signal?.throwIfAborted();
    if ((await this.source.size(rel)) === undefined) throw this.blobNotFound(desc.digest);
    await this.updateIndex(async (index, then) => {
      const kept = index.manifests.filter((d) => d.digest !== desc.digest || damageOf(d));
      const changed = kept.length !== index.manifests.length;
      index.manifests = kept;
      // After index.json no longer names it, and before the lock is released, so no tag can slip in between.
      then(async () => {
        await fs.rm(join(this.location, rel), { force: true });
        this.factsCache.delete(desc.digest);
        this.subjects = undefined; // it may have been reachable from another index
      });
      return changed;
    }, options);
  }

  /**
   * Entries that lost their tag are dropped, except a manifest with a subject that has no other
   * entry: it stays listed untagged, the way oras keeps referrers discoverable.
   */
  private async keepNeeded(list: Descriptor[], removed: Descriptor[]): Promise<Descriptor[]> {
    const out = [...list];
    for (const old of removed) {
      if (damageOf(old) || out.some((d) => d.digest === old.digest)) continue;
      const facts = isManifestMediaType(old.mediaType) ? await this.facts(old) : undefined;
      if (facts?.subject) out.push(withName(old, undefined));
    }
    return out;
  }

  private async listUntagged(desc: Descriptor): Promise<void> {
    await this.updateIndex(async (index) => {
      if (index.manifests.some((d) => d.digest === desc.digest && !damageOf(d))) return false;
      index.manifests.push(withName(desc, undefined));
      return true;
    });
  }

  // ---- index.json -------------------------------------------------------------------------

  /** index.json as it is now (another process may have changed it): re-parsed only when the file changed. */
  private async readIndex(): Promise<IndexView> {
    if (this.fixedIndex) return this.fixedIndex;
    const path = join(this.location, INDEX_FILE);
    let st;
    try {
      // Sync: a stat is microseconds, and listings call this once per tag.
      st = statSync(path);
    } catch (err) {
      if (isMissing(err)) throw new OciError('INVALID_LAYOUT', `${path}: missing; ${this.location} is not an OCI image layout`);
      throw err;
    }
    const key = indexKey(st);
    if (this.indexCache?.key === key) return this.indexCache.view;
    const { raw, view } = await this.readIndexFresh();
    this.indexCache = { key, raw, view };
    return view;
  }

  /** Reads index.json; parsing is skipped when the bytes are the ones last parsed. */
  private async readIndexFresh(): Promise<{ raw: Buffer; view: IndexView }> {
    const path = join(this.location, INDEX_FILE);
    const raw = await this.source.readFile(INDEX_FILE);
    if (!raw || raw === TOO_LARGE) throw new OciError('INVALID_LAYOUT', `${path}: missing; ${this.location} is not an OCI image layout`);
    if (this.indexCache?.raw.equals(raw)) return { raw, view: this.indexCache.view };
    const text = raw.toString('utf8');
    return { raw, view: indexView(readIndexJson(text, path), text) };
  }

  /**
   * Read-modify-write of index.json under the cross-process lock; `mutate` changes the index it is
   * given and returns whether there is anything to write. Updates that arrive while one is being
   * written are grouped: the next round applies them all, in order, and writes the file once.
   */
  private updateIndex(mutate: IndexMutation, options?: OpOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingUpdates.push({ mutate, signal: options?.signal, resolve, reject });
      if (!this.updating) {
        this.updating = this.runUpdates().finally(() => (this.updating = undefined));
      }
    });
  }

  private async runUpdates(): Promise<void> {
    const lockPath = join(this.location, `${INDEX_FILE}.lock`);
    while (this.pendingUpdates.length > 0) {
      const round = this.pendingUpdates.splice(0);
      const settled: Array<() => void> = [];
      let locked = false;
      try {
        await withFileLock(lockPath, async () => {
          locked = true;
          const fresh = await this.readIndexFresh();
          // What index.json holds now, so that the entries a change keeps are copied, not encoded again.
          const base: IndexFileState = { raw: fresh.raw, index: fresh.view.index, text: fresh.view.text };
          let index = base.index;
          let changed = false;
          const afterWrite: Array<() => Promise<void>> = [];
          for (const u of round) {
            if (u.signal?.aborted) {
              settled.push(() => u.reject(u.signal!.reason));
              continue;
            }
            // Each works on its own copy, so one that fails leaves the others' changes intact.
            const draft: ImageIndex = { ...index, manifests: [...index.manifests] };
            const then: Array<() => Promise<void>> = [];
            try {
              if (await u.mutate(draft, (after) => then.push(after))) {
                index = draft;
                changed = true;
              }
              afterWrite.push(...then);
              settled.push(() => u.resolve());
            } catch (err) {
              settled.push(() => u.reject(err));
            }
          }
          if (changed) {
            const raw = await writeIndexFile(this.location, index, base);
            // Still under the lock, so the file is the one just written: the next read needs no parse.
            this.indexCache = { key: indexKey(statSync(join(this.location, INDEX_FILE))), raw, view: indexView(index) };
          }
          for (const after of afterWrite) await after();
        });
      } catch (err) {
        // The lock or the write failed: nothing of this round is stored.
        this.indexCache = undefined;
        const reported = locked ? err : layoutWriteError(err, this.location, INDEX_FILE);
        for (const u of round) u.reject(reported);
        continue;
      }
      for (const settle of settled) settle();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private assertWritable(op: string): void {
    if (this.source.readOnly) throw new OciError('READ_ONLY', `${op}: ${this.location} is a read-only layout archive`);
  }

  private checkTag(reference: string): void {
    if (!isValidTag(reference)) {
      throw new OciError('INVALID_ARGUMENT', `${JSON.stringify(reference)}: not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})`);
    }
  }

  private blobNotFound(digest: string): OciError {
    return new OciError('NOT_FOUND', `blob ${digest}: not found in ${this.location}`);
  }
}

function checkLayoutFile(raw: Buffer | undefined | typeof TOO_LARGE, where: string, location: string): void {
  if (!raw) throw new OciError('INVALID_LAYOUT', `${where}: missing; ${location} is not an OCI image layout`);
  if (raw === TOO_LARGE) throw new OciError('INVALID_LAYOUT', `${where}: too large to be an oci-layout file`);
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new OciError('INVALID_LAYOUT', `${where}: malformed JSON (${(err as Error).message})`, { cause: err });
  }
  const version = (doc as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (version !== LAYOUT_VERSION) {
    throw new OciError('INVALID_LAYOUT', `${where}: imageLayoutVersion is ${JSON.stringify(version)}, expected "${LAYOUT_VERSION}"`);
  }
}

async function createLayout(root: string): Promise<void> {
  try {
    await createLayoutFiles(root);
  } catch (err) {
    throw layoutWriteError(err, root, 'a new layout');
  }
}

async function createLayoutFiles(root: string): Promise<void> {
  // Synchronous small steps here and below: each asynchronous one is a thread-pool round trip to wait for.
  makeDirs(join(root, 'blobs', 'sha256'));
  try {
    // wx: never overwrite what another tool or process wrote; open() validates it afterwards.
    writeFileSync(join(root, OCI_LAYOUT_FILE), OCI_LAYOUT_CONTENT, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const indexPath = join(root, INDEX_FILE);
  if (fileExists(indexPath)) return;
  await withFileLock(`${indexPath}.lock`, async () => {
    if (!fileExists(indexPath)) await writeIndexFile(root, emptyIndex());
  });
}

const fsyncFd = promisify(fsync);

/**
 * An in-memory blob (a manifest, a config) into its place: verified, written to a temp file, synced, renamed.
 * Only the sync waits on the thread pool; the rest takes microseconds done synchronously.
 */
async function ingestBytes(tmp: string, target: string, desc: Descriptor, content: Uint8Array, where: string): Promise<void> {
  verifyBlob(content, desc, where);
  try {
    await writeSynced(tmp, content);
    makeDirs(dirname(target));
    await renameInto(tmp, target);
  } catch (err) {
    removeTemp(tmp);
    throw err;
  }
}

/** A new file (`wx`) holding `bytes`, synced to disk before it is closed. */
async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const fd = openSync(path, 'wx');
  try {
    writeFileSync(fd, bytes);
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes index.json atomically: a synced temp file renamed over the old one. */
async function writeIndexFile(root: string, index: ImageIndex, base?: IndexFileState): Promise<Buffer> {
  const bytes = base ? encodeIndexJsonFrom(index, base) : encodeIndexJson(index);
  let tmp: string | undefined;
  try {
    tmp = join(makeTempDir(root), `index-${process.pid}-${randomBytes(6).toString('hex')}.json`);
    await writeSynced(tmp, bytes);
    await renameInto(tmp, join(root, INDEX_FILE));
    await syncDir(root);
    return bytes;
  } catch (err) {
    if (tmp) removeTemp(tmp);
    throw layoutWriteError(err, root, INDEX_FILE);
  }
}

/** The layout's temp folder, made if missing. */
function makeTempDir(root: string): string {
  const dir = join(root, TEMP_DIR);
  makeDirs(dir);
  return dir;
}

/** `mkdir -p` that fails with the real error: on a read-only mount Node's recursive mkdir says ENOENT, not EROFS. */
function makeDirs(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
    makeDirs(dirname(dir));
    makeDirs(dir);
  }
}

/** After a failed write: the error that got here is the one to report; a temp file left behind is swept later. */
function removeTemp(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // sweepTemp removes it once it is old
  }
}

/**
 * Removes temp files a crashed process left behind. Only old ones: a file written to within the
 * hour may be another process's ingest in progress.
 */
function sweepTemp(tmpDir: string): void {
  const cutoff = Date.now() - STALE_TEMP_MS;
  let names: string[] = [];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(tmpDir, name);
    try {
      const st = statSync(path, { throwIfNoEntry: false });
      if (st?.isFile() && st.mtimeMs < cutoff) rmSync(path, { force: true });
    } catch {
      // another process's, or already gone
    }
  }
}

async function renameInto(tmp: string, target: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(tmp, target);
      return;
    } catch (err) {
      // Windows refuses to replace a file another process has open (a reader of index.json, a blob being
      // fetched): a blob that exists is the same content; index.json is retried for a moment.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY') throw err;
      if (!target.endsWith(INDEX_FILE) && fileExists(target)) {
        rmSync(tmp, { force: true });
        return;
      }
      if (attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 + attempt * 10));
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; folders cannot be opened for sync on Windows.
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(dir, 'r');
    try {
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

async function writeAll(fh: fs.FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await fh.write(data, offset, data.byteLength - offset);
    offset += bytesWritten;
  }
}

async function readLimited(content: Readable, desc: Descriptor): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const piece of content) {
    const chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += chunk.length;
    if (total > desc.size) throw sizeMismatch(desc, total, '', true);
    if (total > MAX_MANIFEST_BYTES) throw new OciError('INVALID_MANIFEST', `manifest ${desc.digest}: larger than ${MAX_MANIFEST_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

async function drain(content: Readable): Promise<void> {
  // Consumed so a producer piping into it finishes; the bytes are already stored.
  for await (const _ of content) {
    // discard
  }
}

function sizeMismatch(desc: Descriptor, size: number, where: string, more = false): OciError {
  return new OciError(
    'SIZE_MISMATCH',
    more ? `blob ${desc.digest}${where}: more than the expected ${desc.size} bytes` : `blob ${desc.digest}${where}: size ${size}, expected ${desc.size}`,
  );
}

/** Changes `index`, returns whether to write it; `then` queues work for after the write, still under the lock. */
type IndexMutation = (index: ImageIndex, then: (after: () => Promise<void>) => void) => Promise<boolean>;

interface PendingUpdate {
  mutate: IndexMutation;
  signal?: AbortSignal;
  resolve(): void;
  reject(err: unknown): void;
}

/** index.json with lookups by name (the last entry of a name wins, as when oras loads it) and by digest. */
interface IndexView {
  /** As read, damaged entries included: what a rewrite starts from. */
  readonly index: ImageIndex;
  /** The entries that are not damaged: what reads see. */
  readonly good: Descriptor[];
  readonly byName: Map<string, Descriptor>;
  /** Names whose last entry is damaged: resolving them reports the damage rather than "not found". */
  readonly damagedNames: Set<string>;
  readonly byDigest: Map<string, Descriptor>;
  /** Names more than one entry has. */
  readonly namedTwice: Set<string>;
  /** The file's text, when this view was parsed from it. */
  readonly text?: string;
}

function indexView(index: ImageIndex, text?: string): IndexView {
  // Each built on first use: a write is often the last thing a process does with the index, and
  // resolving tags needs no map by digest.
  let names: { byName: Map<string, Descriptor>; namedTwice: Set<string>; damagedNames: Set<string> } | undefined;
  let byDigest: Map<string, Descriptor> | undefined;
  let good: Descriptor[] | undefined;
  const buildNames = () => {
    if (names) return names;
    names = { byName: new Map(), namedTwice: new Set(), damagedNames: new Set() };
    for (const d of index.manifests) {
      const name = nameOf(d);
      if (!name) continue;
      if (names.byName.has(name) || names.damagedNames.has(name)) names.namedTwice.add(name);
      // The last entry of a name wins, damaged or not.
      if (damageOf(d)) {
        names.byName.delete(name);
        names.damagedNames.add(name);
      } else {
        names.damagedNames.delete(name);
        names.byName.set(name, d);
      }
    }
    return names;
  };
  return {
    index,
    text,
    get good() {
      if (!good) good = index.manifests.some((d) => damageOf(d)) ? index.manifests.filter((d) => !damageOf(d)) : index.manifests;
      return good;
    },
    get damagedNames() {
      return buildNames().damagedNames;
    },
    get byName() {
      return buildNames().byName;
    },
    get namedTwice() {
      return buildNames().namedTwice;
    },
    get byDigest() {
      if (!byDigest) {
        byDigest = new Map();
        for (const d of index.manifests) if (!byDigest.has(d.digest) && !damageOf(d)) byDigest.set(d.digest, d);
      }
      return byDigest;
    },
  };
}

/** index.json is only ever replaced by rename, so a new inode (or size, or time) means new content. */
function indexKey(st: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

function cloneDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { ...d };
  if (d.annotations) out.annotations = { ...d.annotations };
  if (d.urls) out.urls = [...d.urls];
  if (d.platform) out.platform = structuredClone(d.platform);
  return out;
}

function nameOf(d: Descriptor): string | undefined {
  const name: unknown = d.annotations?.[ANNOTATION_REF_NAME];
  return typeof name === 'string' ? name : undefined; // a damaged entry's annotations may hold anything
}

/** The index.json entry for `desc`, named `name` (or unnamed). */
function withName(desc: Descriptor, name: string | undefined): Descriptor {
  const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
  if (desc.urls) entry.urls = [...desc.urls];
  const annotations = { ...(desc.annotations ?? {}) };
  delete annotations[ANNOTATION_REF_NAME];
  if (name !== undefined) annotations[ANNOTATION_REF_NAME] = name;
  if (Object.keys(annotations).length > 0) entry.annotations = annotations;
  if (desc.data) entry.data = desc.data;
  if (desc.platform) entry.platform = structuredClone(desc.platform);
  if (desc.artifactType) entry.artifactType = desc.artifactType;
  return entry;
}

/** The same index.json entry: written to the same bytes. */
function sameEntry(a: Descriptor, b: Descriptor): boolean {
  return descriptorJson(a) === descriptorJson(b);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
