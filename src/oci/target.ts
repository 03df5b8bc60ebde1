import type { Readable } from 'node:stream';
import type { Descriptor } from './descriptor';

export interface OpOptions {
  signal?: AbortSignal;
  /**
   * The batch of bookkeeping updates (see IndexBatcher) this call belongs to, as inIndexBatch hands it to its
   * function; a target without batches ignores it.
   */
  indexBatch?: object;
}

/**
 * One interface over an OCI image layout and a remote repository (as oras-go's Target and
 * ReadOnlyGraphTarget): everything an operation needs to read and write content by descriptor.
 */
export interface ReadOnlyTarget {
  /** Resolves a tag or a digest to the descriptor of the manifest it names. Throws NOT_FOUND. */
  resolve(reference: string, options?: OpOptions): Promise<Descriptor>;
  /** The descriptor of a blob by digest (`application/octet-stream`, its size). Throws NOT_FOUND. */
  resolveBlob(digest: string, options?: OpOptions): Promise<Descriptor>;
  /** Whether the content is stored. */
  exists(desc: Descriptor, options?: OpOptions): Promise<boolean>;
  /** A stream of the content, verified against size and digest as it is read (the stream errors on a mismatch). */
  fetch(desc: Descriptor, options?: OpOptions): Promise<Readable>;
  /** The whole content, verified: for manifests and configs, never for layers. */
  fetchBytes(desc: Descriptor, options?: OpOptions): Promise<Buffer>;
  /** Tags, sorted, fallback-tag indexes included (callers hide them). */
  tags(options?: OpOptions): AsyncIterable<string>;
  /** Manifests whose `subject` is `desc`, optionally only those of one artifact type. */
  referrers(desc: Descriptor, options?: OpOptions & { artifactType?: string }): AsyncIterable<Descriptor>;
  /**
   * Optional: the descriptors that keep content alive (a layout's index.json entries), for a store where
   * unreferenced blobs may be garbage; absent on a registry, which keeps its own account.
   */
  entries?(): Promise<Descriptor[]>;
}

export interface PushOptions extends OpOptions {
  /**
   * Called when this push is not made because the same content is being pushed through the target already, and it
   * waits for that push instead (sharedPushes: copies running beside one another): the content is there, but this
   * caller did not push it. A target that shares nothing never calls it.
   */
  onJoined?: () => void;
  /**
   * Called once the content is stored when bookkeeping still follows before the push returns (a registry without the
   * referrers API lists a referrer in its subject's fallback index, behind that subject's other changes): a caller
   * that limits its transfers at once can start another meanwhile. A target may never call it.
   */
  onStored?: () => void;
  /**
   * The manifest the bytes pushed encode, given by a caller that encoded them from it and took their digest itself,
   * in this process (attach packs a thousand at once): a layout then neither hashes nor parses them a second time.
   */
  encodedFrom?: object;
}

export interface Target extends ReadOnlyTarget {
  /** Stores content, verifying it against `desc`; a mismatch stores nothing. Pushing what exists is a no-op. */
  push(desc: Descriptor, content: Readable | Uint8Array, options?: PushOptions): Promise<void>;
  /** Points `reference` (a tag) at the manifest `desc`, replacing what it named before. */
  tag(desc: Descriptor, reference: string, options?: OpOptions): Promise<void>;
  /** Removes a tag; the manifest stays. */
  untag(reference: string, options?: OpOptions): Promise<void>;
  /** Deletes a manifest (and its tags). */
  delete(desc: Descriptor, options?: OpOptions): Promise<void>;
  /**
   * Optional: writes content whose digest is not known yet (into a layout's temp file, a registry's upload
   * session), hashing it in the same read. Nothing is visible under any digest until `commit`; a stream that
   * errors, or `abort`, leaves nothing behind.
   */
  stage?(content: Readable, options?: OpOptions): Promise<StagedBlob>;
}

/** Content written by `Target.stage`: its digest and size, not yet visible. */
export interface StagedBlob {
  digest: string;
  size: number;
  /** Makes the content visible under its digest (a no-op for content already stored). */
  commit(options?: OpOptions): Promise<void>;
  /** Discards it. */
  abort(): Promise<void>;
}

/**
 * Optional capabilities, as oras-go's Mounter and TagPusher: a target that has one implements it, and operations
 * test for the capability with the guards below, never for a class, so they stay written against Target alone.
 */
export interface BlobMounter {
  /**
   * The repository `src` is on this target's registry, when blobs can be mounted from it (another repository of
   * the same registry); otherwise undefined.
   */
  mountSourceOf(src: ReadOnlyTarget): string | undefined;
  /**
   * Stores a blob from a stream it may open more than once (a resumed upload), or mounts it from `mountFrom`
   * when the registry agrees, in which case `open` is never called.
   */
  pushBlob(desc: Descriptor, open: () => Promise<Readable>, options?: PushOptions & { mountFrom?: string }): Promise<'uploaded' | 'mounted'>;
}

export interface TagPusher {
  /** Stores a manifest and points `tag` at it in one request (instead of a push, then a tag that reads it back). */
  pushManifest(desc: Descriptor, bytes: Buffer, tag: string, options?: OpOptions): Promise<void>;
}

/**
 * A destination that checks each manifest it stores by rules of its own: a layout runs the strict validator on
 * push. A copy asks it of every manifest of its graph before it sends the first blob, so a manifest refused stores
 * nothing. A registry has no such check here: it decides on the PUT, and a copy to it, as oras's, sends what the
 * source holds.
 */
export interface ManifestChecker {
  /** Throws what a push of `bytes` under `desc` would throw for the manifest itself (not for its content's absence). */
  checkManifest(desc: Descriptor, bytes: Buffer): void;
}

export function isManifestChecker(target: unknown): target is ManifestChecker {
  return typeof (target as Partial<ManifestChecker> | undefined)?.checkManifest === 'function';
}

export function isBlobMounter(target: ReadOnlyTarget): target is ReadOnlyTarget & BlobMounter {
  const t = target as Partial<BlobMounter>;
  return typeof t.mountSourceOf === 'function' && typeof t.pushBlob === 'function';
}

export function isTagPusher(target: ReadOnlyTarget): target is ReadOnlyTarget & TagPusher {
  return typeof (target as Partial<TagPusher>).pushManifest === 'function';
}

/** A stored blob nothing the target lists reaches, as looked at (see GarbageLister). */
export interface UnreachableBlob {
  digest: string;
  /** Where it is stored, relative to the target (`blobs/sha256/<hex>`). */
  path: string;
  size: number;
  /** Its bytes hash to another digest (`actual`), or cannot be read (`unreadable`, why). */
  actual?: string;
  unreadable?: string;
  /** When its bytes are a manifest or index (damaged or not): what it declares. */
  manifest?: { index: boolean; mediaType?: string; artifactType?: string; subject?: Descriptor; subjectStored: boolean };
  /**
   * Not garbage yet, as prune keeps it for now: modified within the grace period (`written`: a command may be
   * writing what will list it), or older but reached by a manifest that young (`reached`).
   */
  young?: 'written' | 'reached';
}

/** A target's garbage: the blobs nothing it lists reaches, or why that cannot be told (prune refuses there). */
export type Garbage = { blobs: UnreachableBlob[]; /** How recent a blob `young` is (ms). */ graceMs: number } | { refused: string };

/** Optional: a target that can tell its garbage (a layout folder: the blobs nothing its index.json reaches). */
export interface GarbageLister {
  /** Each unreachable blob, those small enough to be a manifest read and hashed; undefined for a target that keeps none (an archive). */
  unreachableBlobs(): Promise<Garbage | undefined>;
}

export function isGarbageLister(target: ReadOnlyTarget): target is ReadOnlyTarget & GarbageLister {
  return typeof (target as Partial<GarbageLister>).unreachableBlobs === 'function';
}

/** Optional: a target whose own bookkeeping (a layout's index.json) several writes can update at once. */
export interface IndexBatcher {
  /**
   * Runs `fn` with `options` naming a new batch (or the open one `options` already names); the bookkeeping
   * updates of the pushes and tags made with those options are written together when it ends (their calls
   * return once the content is stored, and a failure to write the bookkeeping is thrown here).
   */
  batchIndexUpdates<T>(fn: (batched: OpOptions) => Promise<T>, options?: OpOptions): Promise<T>;
}

/** Whether `target` batches its bookkeeping updates (a layout's index.json): a tag there is a note, not a request. */
export function isIndexBatcher(target: ReadOnlyTarget): target is ReadOnlyTarget & IndexBatcher {
  return typeof (target as Partial<IndexBatcher>).batchIndexUpdates === 'function';
}

/**
 * Runs `fn` in one batch of `target`'s bookkeeping updates when it has them (see IndexBatcher), else as is: `fn`
 * gets `options` with the batch, to pass to the pushes and tags that belong to it.
 */
export function inIndexBatch<T>(target: ReadOnlyTarget, fn: (batched: OpOptions) => Promise<T>, options: OpOptions = {}): Promise<T> {
  return isIndexBatcher(target) ? target.batchIndexUpdates(fn, options) : fn(options);
}

/**
 * `target` with the members in `overrides` replaced (each may call the target's own), every other member, optional
 * capabilities included, the target's: for wrappers that watch, keep or share what passes through.
 */
export function withMembers<T extends object>(target: T, overrides: Partial<Record<string, unknown>>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop === 'string' && Object.hasOwn(overrides, prop)) return overrides[prop];
      const value: unknown = Reflect.get(t, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
    },
  });
}

/** `target` with its fetchBytes replaced by `fetchBytes` (which may call the target's own). */
export function withFetchBytes<T extends ReadOnlyTarget>(target: T, fetchBytes: ReadOnlyTarget['fetchBytes']): T {
  return withMembers(target, { fetchBytes });
}
