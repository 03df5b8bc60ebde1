// What the store knows about the manifests it holds, read lazily and kept: parsed facts per digest, and the walk of
// everything reachable from one index.json that answers "which manifests have this subject".
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { MediaType } from '../mediaType';
import { MAX_MANIFEST_BYTES } from './atomicFiles';
import { cloneDescriptor, indexKey, type IndexView } from './indexView';
import { manifestFacts, type ManifestFacts } from './manifest';
import { TOO_LARGE, type LayoutSource } from './source';
import type { References } from './references';
import { buildSubjectIndex, stillUnread, type SubjectIndex, type WalkReader } from './subjectIndex';
import { blobPath, nounOf, verifyBlob } from './verify';
import { parseJson } from '../validate';

/** Reads kept for the fetch that follows a resolve: twice the sources index create resolves at once, 1 MiB in all. */
const RECENT_READS = 16;
const RECENT_READ_BYTES = 1 << 20;

/** A stored blob as probe() found it. */
export interface StoredBlob {
  size: number;
  /** Its facts, when it is a manifest that was read and matched its digest. */
  facts?: ManifestFacts;
  /** Its bytes were read and matched the digest (now or when first read): its size and facts are its own. */
  verified: boolean;
  /** Why they did not: the bytes read have another digest. */
  mismatch?: Error;
}

/** What a blob that is not a manifest is resolved as. */
export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

/** `entry` with the size and mediaType of the blob found, when its bytes matched the digest; else as it is. */
export function storedAs(entry: Descriptor, found: StoredBlob | undefined): Descriptor {
  const out = cloneDescriptor(entry);
  if (!found?.verified) return out;
  out.size = found.size;
  out.mediaType = storedMediaType(found.facts, entry.mediaType);
  return out;
}

/** A stored blob's media type: a manifest's own is authoritative, then what it is listed as, then its kind's. */
export function storedMediaType(facts: ManifestFacts | undefined, listed: string | undefined): string {
  return facts?.mediaType ?? listed ?? (facts ? (facts.kind === 'index' ? MediaType.ImageIndex : MediaType.ImageManifest) : DEFAULT_MEDIA_TYPE);
}

export class ManifestKnowledge {
  /** Facts by digest; null: read, and not a manifest (or too large to be one). */
  readonly factsCache = new Map<string, ManifestFacts | null>();
  /**
   * The bytes facts() read and verified lately, each kept until fetched once: resolving a digest then fetching it
   * (index create) reads it once. Several, as index create resolves eight sources at a time; bounded in count and
   * bytes, oldest out first.
   */
  private readonly recentReads = new Map<string, Buffer>();
  private recentBytes = 0;
  private subjects: { view: IndexView; signal?: AbortSignal; promise: Promise<SubjectIndex>; done?: SubjectIndex } | undefined;

  constructor(
    private readonly source: LayoutSource,
    private readonly location: string,
  ) {}

  /** What the manifest `digest` references, if read already (verified; see KnownReferences in prune.ts). */
  references(digest: string): References | undefined {
    return this.factsCache.get(digest)?.references;
  }

  /** Forgets what was known of a deleted manifest, and the walk it may have been part of. */
  forget(digest: string): void {
    this.factsCache.delete(digest);
    this.takeLastRead(digest);
    this.subjects = undefined;
  }

  /** The subjects of everything reachable from `view`: walked once per index.json, shared by concurrent callers. */
  async subjectIndex(view: IndexView, signal?: AbortSignal): Promise<SubjectIndex> {
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
      try {
        const st = statSync(join(this.location, blobPath(digest)), { throwIfNoEntry: false });
        return st ? indexKey(st) : undefined;
      } catch {
        return undefined; // a link that loops: facts() finds nothing there either
      }
    },
  };

  /** Parsed facts of a stored manifest, or undefined if it is absent, corrupt or not a manifest. */
  async facts(desc: Descriptor): Promise<ManifestFacts | undefined> {
    const cached = this.factsCache.get(desc.digest);
    if (cached !== undefined) return cached ?? undefined;
    let rel: string;
    try {
      rel = blobPath(desc.digest);
    } catch {
      return undefined;
    }
    // Not a file there (a named pipe, a link out of the layout): as a corrupt one, no facts; a read of it says why.
    const bytes = await this.source.readFile(rel, MAX_MANIFEST_BYTES, desc.size).catch(notAFile);
    if (bytes === undefined) return undefined; // not cached: it may be pushed later
    if (bytes === TOO_LARGE) {
      this.factsCache.set(desc.digest, null);
      return undefined;
    }
    const learnt = this.learn(desc.digest, bytes, desc.mediaType);
    return learnt instanceof Error ? undefined : (learnt ?? undefined);
  }

  /**
   * Whether `digest` is stored, its size and, if it is a manifest, its facts: read at once when not known yet
   * (the read tells all three), else facts from the cache and the size from a stat. `mediaType`: what the caller
   * takes it for, which a mismatch is worded by (a manifest's or a blob's).
   */
  async probe(digest: string, mediaType?: string): Promise<StoredBlob | undefined> {
    const rel = blobPath(digest);
    const cached = this.factsCache.get(digest);
    if (cached !== undefined) {
      const size = await this.source.size(rel);
      // Facts are kept only of bytes that matched the digest; null is also kept for a blob too large to read.
      return size === undefined ? undefined : { size, facts: cached ?? undefined, verified: cached !== null };
    }
    const bytes = await this.source.readFile(rel, MAX_MANIFEST_BYTES);
    if (bytes === undefined) return undefined;
    if (bytes === TOO_LARGE) {
      this.factsCache.set(digest, null);
      const size = await this.source.size(rel);
      return size === undefined ? undefined : { size, verified: false };
    }
    const learnt = this.learn(digest, bytes, mediaType);
    if (learnt instanceof Error) return { size: bytes.length, verified: false, mismatch: learnt };
    return { size: bytes.length, facts: learnt ?? undefined, verified: true };
  }

  /**
   * Why the manifest `desc` lists cannot be read (its blob missing, over the size a manifest may have, not
   * matching its digest, not JSON, not a manifest or index), naming the manifest; undefined when it can. Free for
   * a manifest read before (a listing's walk read them all).
   */
  async unreadable(desc: Descriptor): Promise<string | undefined> {
    if (this.factsCache.get(desc.digest)) return undefined;
    const rel = blobPath(desc.digest);
    const blob = `${nounOf(desc)} ${desc.digest} in ${this.location}`;
    let bytes: Awaited<ReturnType<LayoutSource['readFile']>>;
    try {
      bytes = await this.source.readFile(rel, MAX_MANIFEST_BYTES, desc.size);
    } catch (err) {
      if (err instanceof OciError) return err.message; // not a file: it names the path and what is there
      throw err;
    }
    if (bytes === undefined) return `${blob}: missing`;
    if (bytes === TOO_LARGE) return `${blob}: over ${MAX_MANIFEST_BYTES} bytes, too large to be a manifest`;
    const learnt = this.learn(desc.digest, bytes, desc.mediaType);
    if (learnt instanceof Error) return learnt.message;
    if (learnt) return undefined;
    try {
      parseJson(bytes, blob);
    } catch (err) {
      return (err as Error).message;
    }
    return `${blob}: its content is not a manifest or index`;
  }

  /**
   * Facts of bytes just read for `digest`; null when they are no manifest; the verification's error (and
   * nothing cached: a push may repair it) when they do not match the digest, worded by `mediaType` (a manifest's
   * or a blob's).
   */
  private learn(digest: string, bytes: Buffer, mediaType: string | undefined): ManifestFacts | null | Error {
    try {
      verifyBlob(bytes, { digest, mediaType }, ` in ${this.location}`);
    } catch (err) {
      return err as Error;
    }
    const facts = manifestFacts(bytes) ?? null;
    this.factsCache.set(digest, facts);
    this.keepRead(digest, bytes);
    return facts;
  }

  /** The bytes of `digest` if facts() read and verified them lately (once: then forgotten). */
  takeLastRead(digest: string): Buffer | undefined {
    const bytes = this.recentReads.get(digest);
    if (bytes) {
      this.recentReads.delete(digest);
      this.recentBytes -= bytes.length;
    }
    return bytes;
  }

  private keepRead(digest: string, bytes: Buffer): void {
    if (bytes.length > RECENT_READ_BYTES) return;
    this.takeLastRead(digest);
    this.recentReads.set(digest, bytes);
    this.recentBytes += bytes.length;
    for (const [oldest, kept] of this.recentReads) {
      if (this.recentReads.size <= RECENT_READS && this.recentBytes <= RECENT_READ_BYTES) break;
      this.recentReads.delete(oldest);
      this.recentBytes -= kept.length;
    }
  }
}

/** A layout read's refusal of what is not a file (see regularFile.ts), as nothing read; other errors as they are. */
function notAFile(err: unknown): undefined {
  if (err instanceof OciError) return undefined;
  throw err;
}
