import { promises as fs } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Readable } from 'node:stream';
import { stream } from '../nodeStream';
import type { Descriptor, ImageIndex } from '../descriptor';
import { isDigest, parseDigest, verifyingStream } from '../digest';
import { OciError } from '../errors';
import { isManifestMediaType } from '../mediaType';
import { formatLayoutReference, isFallbackTag, isValidTag } from '../reference';
import { ResolvedReferences } from '../resolvedReferences';
import type { Garbage, GarbageLister, IndexBatcher, ManifestChecker, OpOptions, PushOptions, StagedBlob, Target } from '../target';
import { damagedEntries, damageOf, readIndexJson, unreadableEntry, type DamagedEntry } from './indexFile';
import { layoutWriteError } from './writeError';
import { checkManifestBytes, factsOf } from './manifest';
import { DOCKER_MANIFEST_FILE, openDockerArchive } from './dockerArchive';
import { DirSource, openTarSource, TOO_LARGE, type LayoutSource } from './source';
import { referrerDescriptor } from './subjectIndex';
import { DEFAULT_MEDIA_TYPE, ManifestKnowledge, storedAs, storedMediaType } from './manifestKnowledge';
import { stageIntoLayout } from './stage';
import { lookAtUnreachable } from './unreachable';
import { blobPath, nounOf, verifyBlob } from './verify';
import { INDEX_FILE, MAX_MANIFEST_BYTES, OCI_LAYOUT_FILE, TEMP_DIR, drain, openLayoutFolder, type LayoutFileRestore, refreshStored, refreshTime, ingestBytes, makeTempDir, readLimited, sweepTemp, ingestStream, tempName, writingIn } from './atomicFiles';
import { cloneDescriptor, compareStrings, indexView, nameOf, sameEntry, type IndexMutation, type IndexView, withName } from './indexView';
import { LayoutIndex } from './indexWriter';
import { keepNeeded, retag } from './tagEdits';

export { blobPath };
export { INDEX_FILE, OCI_LAYOUT_FILE, TEMP_DIR } from './atomicFiles';

export interface OpenOptions {
  /** Make the folder, `oci-layout`, an empty `index.json` and `blobs/sha256` where missing. */
  create?: boolean;
  /**
   * The opener may write to it: a missing `oci-layout` beside an index.json is accepted, and written back at the
   * store's first write (see openLayoutFolder; restoresLayoutFile says whether one would be).
   */
  write?: boolean;
}

/**
 * An OCI image layout (image-spec image-layout.md) as a Target: a folder, read-write, or a `.tar`
 * of one, read-only. Blobs are written through a verified temp file and a rename, so nothing partial
 * is ever visible under `blobs/`; `index.json` is rewritten atomically under a lock file shared by
 * every process, and re-read inside the lock, so concurrent taggers never lose each other's tags.
 */
export class OciLayoutStore implements Target, IndexBatcher, ManifestChecker, GarbageLister {
  // Manifests are content-addressed: what a digest parses to never changes, so it can be kept.
  private swept = false;
  private readonly index: LayoutIndex;

  private readonly known: ManifestKnowledge;
  /** The lost `oci-layout` to write back at the first write, and that write once begun (shared by parallel writes). */
  private layoutFile?: LayoutFileRestore;
  private layoutFileWrite?: Promise<void>;
  /** The name each recently resolved manifest was resolved by, with what it resolved to: a read of it names the tag. */
  private readonly resolvedTags = new ResolvedReferences();

  private constructor(
    /** The layout folder, or the `.tar` file. */
    readonly location: string,
    private readonly source: LayoutSource,
    private readonly fixedIndex?: IndexView,
  ) {
    this.known = new ManifestKnowledge(source, location);
    this.index = new LayoutIndex(location, source);
  }

  get readOnly(): boolean {
    return this.source.readOnly;
  }

  /**
   * A folder's blobs nothing index.json reaches, looked at (see unreachable.ts), through the manifests this store read
   * already (a check read every one listed: they are not read again); an archive's: not told (undefined).
   */
  unreachableBlobs(): Promise<Garbage | undefined> {
    return this.source.readOnly ? Promise.resolve(undefined) : lookAtUnreachable(this.location, (digest) => this.known.references(digest));
  }

  /** Opens the layout in `dir`; with `create`, makes what is missing of a new one. */
  static async open(dir: string, options: OpenOptions = {}): Promise<OciLayoutStore> {
    const root = resolvePath(dir);
    const source = new DirSource(root);
    const restore = await openLayoutFolder(source, root, options.create ? 'create' : options.write ? 'write' : 'read');
    const store = new OciLayoutStore(root, source);
    store.layoutFile = restore;
    await store.readIndex(); // refuse a broken index.json now rather than on first use
    return store;
  }

  /** Opens a `.tar` of a layout, read-only. Every member name and link target is checked before anything is read. */
  static async openTar(file: string): Promise<OciLayoutStore> {
    const opened = await openTarSource(file);
    const { path } = opened;
    // A legacy docker save tar (manifest.json, no index.json) is read as the layout it describes; Docker 25's, which
    // has both, is the OCI layout it is.
    const legacy = (await opened.source.size(INDEX_FILE)) === undefined && (await opened.source.size(DOCKER_MANIFEST_FILE)) !== undefined;
    const source = legacy ? await openDockerArchive(path, opened.source) : opened.source;
    await openLayoutFolder(source, path, 'read');
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

  /** The usable entries of `index.json` whose manifest cannot be read (missing, corrupt): each names its place and problem. */
  async unreadableEntries(): Promise<DamagedEntry[]> {
    const { index } = await this.readIndex();
    const out: DamagedEntry[] = [];
    for (let at = 0; at < index.manifests.length; at++) {
      const d = index.manifests[at]!;
      const problem = damageOf(d) || !isManifestMediaType(d.mediaType) ? undefined : await this.known.unreadable(d);
      if (problem) out.push(unreadableEntry(index, at, problem, this.source.describe(INDEX_FILE)));
    }
    return out;
  }

  async resolve(reference: string, options?: OpOptions): Promise<Descriptor> {
    options?.signal?.throwIfAborted();
    if (typeof reference !== 'string' || reference === '') throw new OciError('INVALID_ARGUMENT', 'missing reference');
    const view = await this.readIndex(options);
    // Exact names first: index.json may hold names (full references) that are not tags.
    const named = view.byName.get(reference);
    if (named) {
      const desc = await this.namedEntry(named);
      this.resolvedTags.remember(desc, reference);
      return desc;
    }
    if (view.damagedNames.has(reference)) {
      throw damagedEntries(view.index, this.source.describe(INDEX_FILE)).filter((e) => e.tag === reference).pop()!.error;
    }
    if (reference.includes(':')) {
      try {
        if (!isDigest(reference)) parseDigest(reference);
      } catch (err) {
        throw new OciError('INVALID_ARGUMENT', `${reference}: not a valid tag or digest`, { cause: err });
      }
      // Resolved by digest now: a read of it names no tag an earlier resolve gave.
      this.resolvedTags.forget(reference);
      return this.resolveDigest(reference, view);
    }
    if (!isValidTag(reference)) throw new OciError('INVALID_ARGUMENT', `${reference}: not a valid tag or digest`);
    // The layout named: a command reading several (layout import's tar, cp between folders) says which lacks it.
    throw new OciError('NOT_FOUND', `${reference}: not found in ${this.location}`);
  }

  private async resolveDigest(digest: string, view: IndexView): Promise<Descriptor> {
    // One read, no stat first, for a digest not read yet (index create resolves a thousand): it finds the blob,
    // its size and, for a manifest, its facts.
    const found = await this.known.probe(digest);
    if (!found) throw new OciError('NOT_FOUND', `${digest}: not found in ${this.location}`);
    // A manifest's own mediaType wins: the map by digest (10,000 entries, say) is built only for one without.
    return { mediaType: storedMediaType(found.facts, found.facts?.mediaType ?? view.byDigest.get(digest)?.mediaType), digest, size: found.size };
  }

  /**
   * A tag's entry, with the stored manifest's size where the entry claims another (hand-edited, damaged): it would
   * otherwise be carried into every tag, subject and copy made from it, as oras-go carries it. A stat when the
   * sizes agree (resolving stays a lookup, hashing nothing); a read when they differ, and the entry is kept as
   * written when the blob is missing or does not match its digest (a read then fails naming it, a delete works).
   */
  private async namedEntry(entry: Descriptor): Promise<Descriptor> {
    const size = await this.source.size(blobPath(entry.digest)).catch(() => undefined);
    if (size === undefined || size === entry.size) return cloneDescriptor(entry);
    return storedAs(entry, await this.known.probe(entry.digest).catch(() => undefined));
  }

  /**
   * Where a read of `desc` happens, for its errors: ` in <layout>` for a blob, and for a manifest also the tag it
   * was resolved by (` in <layout>:<tag>`, as a registry names its reference), when `desc` is what that tag gave.
   */
  private readPlace(desc: Descriptor): string {
    if (nounOf(desc) !== 'manifest') return ` in ${this.location}`;
    return ` in ${formatLayoutReference(this.location, this.resolvedTags.of(desc)?.reference)}`;
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
    // Writers ask before they skip a push: the blob they will rely on is made young for a concurrent prune.
    if (!this.source.readOnly) {
      const path = join(this.location, blobPath(desc.digest));
      return Number.isSafeInteger(desc.size) ? refreshStored(path, desc.size) : refreshTime(path);
    }
    return (await this.source.size(blobPath(desc.digest))) !== undefined;
  }

  async fetch(desc: Descriptor, options?: OpOptions): Promise<Readable> {
    options?.signal?.throwIfAborted();
    const rel = blobPath(desc.digest);
    const raw = await this.source.createStream(rel, desc.size);
    if (!raw) throw this.notFound(desc);
    const verified = verifyingStream({ digest: desc.digest, size: desc.size }, this.readPlace(desc), nounOf(desc));
    // pipeline carries a read error to the consumer and closes the file if the consumer stops early.
    stream().pipeline(raw, verified, () => undefined);
    if (options?.signal) stream().addAbortSignal(options.signal, verified);
    return verified;
  }

  async fetchBytes(desc: Descriptor, options?: OpOptions): Promise<Buffer> {
    options?.signal?.throwIfAborted();
    // Verified against the digest when just read to resolve it; the size is the descriptor's to check.
    const just = this.known.takeLastRead(desc.digest);
    if (just && just.length === desc.size) return just;
    const bytes = await this.source.readFile(blobPath(desc.digest), Infinity, desc.size);
    if (!bytes || bytes === TOO_LARGE) throw this.notFound(desc);
    verifyBlob(bytes, desc, this.readPlace(desc));
    return bytes;
  }

  async *tags(options?: OpOptions): AsyncIterable<string> {
    options?.signal?.throwIfAborted();
    yield* [...(await this.readIndex(options)).byName.keys()].sort(compareStrings);
  }

  /**
   * Every tag with what it resolves to, sorted by tag, from one reading of index.json: what `tags()`
   * then `resolve()` of each would give, without a stat of index.json per tag.
   */
  async *taggedDescriptors(options?: OpOptions): AsyncIterable<{ tag: string; desc: Descriptor }> {
    options?.signal?.throwIfAborted();
    const { byName } = await this.readIndex(options);
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
    const subjects = await this.known.subjectIndex(view, options?.signal);
    const found = new Map<string, Descriptor>();
    for (const { pointer, facts } of subjects.bySubject.get(desc.digest) ?? []) {
      if (!found.has(pointer.digest)) found.set(pointer.digest, referrerDescriptor(pointer, facts));
    }

    // A fallback-tag index lists the referrers itself, possibly ones whose manifests are not stored here.
    const fallback = view.byName.get(`${algorithm}-${hex}`);
    if (fallback) {
      const listing = await this.known.facts(fallback);
      if (listing?.kind === 'index') {
        for (const child of listing.children) {
          if (!found.has(child.digest)) found.set(child.digest, referrerDescriptor(child, await this.known.facts(child)));
        }
      }
    }

    for (const d of found.values()) {
      if (options?.artifactType === undefined || d.artifactType === options.artifactType) yield d;
    }
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Stores a blob: streamed into a temp file inside the layout while hashed, checked against
   * size and digest, synced, then renamed into `blobs/<alg>/<hex>`. A manifest is validated too,
   * and one with a subject is listed (untagged) in index.json so its referrers can be found.
   */
  /** ManifestChecker: the check push makes of a manifest, for a copy to make before it stores anything. */
  checkManifest(desc: Descriptor, bytes: Buffer): void {
    checkManifestBytes(bytes, desc, `manifest ${desc.digest}`);
  }

  async push(desc: Descriptor, content: Readable | Uint8Array, options?: PushOptions): Promise<void> {
    await this.beginWrite('push');
    const parsed = parseDigest(desc.digest);
    if (!Number.isSafeInteger(desc.size) || desc.size < 0) {
      throw new OciError('INVALID_ARGUMENT', `${nounOf(desc)} ${desc.digest}: invalid size ${desc.size}`);
    }
    options?.signal?.throwIfAborted();
    const rel = blobPath(desc.digest);
    const target = join(this.location, rel);
    const isManifest = isManifestMediaType(desc.mediaType);
    if (await refreshStored(target, desc.size, { inPool: true })) {
      if (!(content instanceof Uint8Array)) await drain(content);
    } else if (isManifest) {
      const where = ` (push to ${this.location})`;
      const bytes = content instanceof Uint8Array ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : await readLimited(content, desc, where);
      const made = options?.encodedFrom;
      if (!made || bytes.length !== desc.size) verifyBlob(bytes, desc, where);
      const doc = made ?? checkManifestBytes(bytes, desc, `manifest ${desc.digest}`);
      await this.ingest(target, parsed, desc, bytes, options, true);
      // The bytes just stored, verified and parsed: what facts() would read back from the file.
      if (!this.known.factsCache.has(desc.digest)) this.known.factsCache.set(desc.digest, bytes.length > MAX_MANIFEST_BYTES ? null : (factsOf(doc) ?? null));
    } else {
      await this.ingest(target, parsed, desc, content, options);
    }
    if (isManifest) {
      const facts = await this.known.facts(desc);
      if (facts?.subject) await this.listUntagged(desc, options);
    }
  }

  /** Content of unknown digest into a temp file, renamed under its digest only at `commit` (Target.stage). */
  async stage(content: Readable, options?: OpOptions): Promise<StagedBlob> {
    await this.beginWrite('push');
    // Its digest is known only once read: a full disk is named as the layout's, writing a new blob.
    const failed = (err: unknown): unknown => layoutWriteError(err, this.location, 'a new blob');
    let staged: StagedBlob;
    try {
      staged = await stageIntoLayout(makeTempDir(this.location), (digest) => join(this.location, blobPath(digest)), content, options);
    } catch (err) {
      // Unread when the temp folder was refused: closed, and its open still in flight may fail unheard.
      content.on('error', () => {}).destroy();
      throw failed(err);
    }
    const commit = staged.commit.bind(staged);
    // The rename is made durable with the next index.json write (see LayoutIndex.blobRenamed).
    staged.commit = async (o) => {
      await commit(o).catch((err) => {
        throw failed(err);
      });
      this.index.blobRenamed(dirname(join(this.location, blobPath(staged.digest))));
    };
    return staged;
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
    /** The bytes were checked against `desc` already (a manifest's push): not hashed again. */
    verified = false,
  ): Promise<void> {
    // Errors of writing into the layout (not of reading `content`) say which layout and which blob (a manifest or
    // index named as one, as reads name it).
    const failed = (err: unknown): unknown => layoutWriteError(err, this.location, `${nounOf(desc)} ${desc.digest}`);
    // The temp folder is made (and swept) once per store; the temp file's open makes it again if it went missing.
    const tmpDir = join(this.location, TEMP_DIR);
    if (!this.swept) {
      this.swept = true;
      try {
        makeTempDir(this.location);
      } catch (err) {
        throw failed(err);
      }
      sweepTemp(tmpDir);
    }
    const tmp = join(tmpDir, tempName('blob'));
    const where = ` (push to ${this.location})`;
    await writingIn(tmpDir, async () => {
      if (content instanceof Uint8Array) await ingestBytes(tmp, target, desc, content, where, verified).catch((err) => Promise.reject(failed(err)));
      else await ingestStream(tmp, target, desc, parsed.algorithm, content, where, failed, options?.signal);
    });
    this.index.blobRenamed(dirname(target));
  }

  /**
   * Points `reference` at `desc`; a tag that named another manifest moves, and that manifest, if the tag
   * was its last name, stays listed untagged (as oras-go's layout store keeps every manifest it stored),
   * so nothing a user made drops out of index.json. A moved fallback tag (`sha256-<hex>`) is the exception:
   * the referrers listing it named is superseded, and dropped unless it is a referrer itself.
   */
  async tag(desc: Descriptor, reference: string, options?: OpOptions): Promise<void> {
    this.refuseReadOnly('tag');
    this.checkTag(reference);
    options?.signal?.throwIfAborted();
    const notFound = () => new OciError('NOT_FOUND', `${desc.digest}: not found in ${this.location}`);
    if ((await this.source.size(blobPath(desc.digest))) === undefined) throw notFound();
    // Already so, and named once: nothing to write (not even a lost oci-layout) and no lock to take. A change
    // another process makes after this read is as if it came after this call.
    const view = await this.readIndex();
    const current = view.byName.get(reference);
    if (current && !view.namedTwice.has(reference) && sameEntry(current, withName(desc, reference))) return;
    await this.beginWrite('tag');
    // The new entry says what is stored, not what the caller (or the entry it resolved) claims.
    const found = await this.known.probe(desc.digest, desc.mediaType);
    if (!found) throw notFound();
    if (found.mismatch) throw new OciError('DIGEST_MISMATCH', `${found.mismatch.message}; not tagged ${JSON.stringify(reference)}`, { cause: found.mismatch });
    const entry = withName(storedAs(desc, found), reference);
    await this.updateIndex(async (index) => {
      const edit = retag(index.manifests, entry, reference, () => {
        throw this.damagedTag(index, reference);
      });
      if (!edit) return false;
      const movedOff = edit.removed.filter((d) => d.digest !== desc.digest);
      index.manifests = await this.keepNeeded(edit.list, movedOff, !isFallbackTag(reference));
      return true;
    }, { ...options, deferrable: true });
  }

  /** Moving a tag off a damaged entry would drop the entry, which untag alone does (explicitly): refused, naming it. */
  private damagedTag(index: ImageIndex, tag: string): OciError {
    const entry = damagedEntries(index, this.source.describe(INDEX_FILE)).filter((e) => e.tag === tag).pop()!;
    return new OciError('INVALID_LAYOUT', `${entry.error.message}; tagging would drop this entry: untag ${JSON.stringify(tag)} first to remove it, or choose another tag`);
  }

  async untag(reference: string, options?: OpOptions): Promise<void> {
    await this.beginWrite('untag');
    // A name may hold a colon (`example.com/app:1.0`, written by another tool): only a digest is no tag.
    if (isDigest(reference)) throw new OciError('INVALID_ARGUMENT', `${reference}: a digest, not a tag`);
    await this.updateIndex(async (index) => {
      const removed = index.manifests.filter((d) => nameOf(d) === reference);
      if (removed.length === 0) {
        // A name `cosign save`'s kind annotation gives (indexView.ts) is no tag index.json holds: nothing to untag.
        const given = indexView(index).byName.get(reference);
        if (given) throw new OciError('INVALID_ARGUMENT', `${reference}: not a tag index.json holds, but the name cosign load would push ${given.digest} under (its kind annotation: ${String(given.annotations?.kind)}); delete that entry by digest to drop it`);
        throw new OciError('NOT_FOUND', `${reference}: not found`);
      }
      index.manifests = await this.keepNeeded(index.manifests.filter((d) => nameOf(d) !== reference), removed);
      return true;
    }, options);
  }

  /** Removes the blob and every index.json entry for its digest. */
  async delete(desc: Descriptor, options?: OpOptions): Promise<void> {
    await this.beginWrite('delete');
    const rel = blobPath(desc.digest);
    options?.signal?.throwIfAborted();
    if ((await this.source.size(rel)) === undefined) throw this.notFound(desc);
    await this.updateIndex(async (index, then) => {
      const kept = index.manifests.filter((d) => d.digest !== desc.digest || damageOf(d));
      const changed = kept.length !== index.manifests.length;
      index.manifests = kept;
      // After index.json no longer names it, and before the lock is released, so no tag can slip in between.
      then(async () => {
        await fs.rm(join(this.location, rel), { force: true });
        this.known.forget(desc.digest); // and the walk: it may have been reachable from another index
      });
      return changed;
    }, options);
  }

  /** See tagEdits' keepNeeded: a manifest's subject and own mediaType are read through this store's knowledge of it. */
  private keepNeeded(list: Descriptor[], removed: Descriptor[], keepAll = false): Promise<Descriptor[]> {
    return keepNeeded(list, removed, keepAll, (d) => this.known.facts(d));
  }

  private listUntagged(desc: Descriptor, options?: OpOptions): Promise<void> {
    return this.index.listUntagged(withName(desc, undefined), options);
  }

  // ---- index.json -------------------------------------------------------------------------

  private readIndex(options?: OpOptions): Promise<IndexView> {
    return this.fixedIndex ? Promise.resolve(this.fixedIndex) : this.index.read(options);
  }

  private updateIndex(mutate: IndexMutation, options?: OpOptions & { deferrable?: boolean }): Promise<void> {
    return this.index.update(mutate, options);
  }

  /**
   * Runs `fn` with the index.json updates of the pushes and tags it makes with the options it is given held back
   * and written once, under one lock, when it ends (IndexBatcher; see LayoutIndex.batch).
   */
  batchIndexUpdates<T>(fn: (batched: OpOptions) => Promise<T>, options?: OpOptions): Promise<T> {
    return this.index.batch((indexBatch) => fn({ ...options, indexBatch }), options?.indexBatch);
  }

  /** How many times this store rewrote index.json: for tests and the bench. */
  get indexWrites(): number {
    return this.index.writes;
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Opened for writing into a folder that lost its `oci-layout`: that file's path, which the first write will write back (see open). */
  get restoresLayoutFile(): string | undefined {
    return this.layoutFile ? join(this.location, OCI_LAYOUT_FILE) : undefined;
  }

  /** Every write starts here: refused on an archive; the lost `oci-layout` written back first, once. */
  private async beginWrite(op: string): Promise<void> {
    this.refuseReadOnly(op);
    if (this.layoutFile) await (this.layoutFileWrite ??= this.layoutFile().then(() => (this.layoutFile = undefined)));
  }

  private refuseReadOnly(op: string): void {
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

  /** blobNotFound, for a read of `desc`: a manifest named as one, with the tag it was resolved by. */
  private notFound(desc: Descriptor): OciError {
    return new OciError('NOT_FOUND', `${nounOf(desc)} ${desc.digest}: not found${this.readPlace(desc)}`);
  }
}

