import type { Readable } from 'node:stream';
import { stream } from '../nodeStream';
import { repositoryScope } from '../auth/scope';
import type { Descriptor } from '../descriptor';
import { digestOf, isDigest, nounOf, parseDigest, verifyBytes, verifyingStream } from '../digest';
import { ResolvedReferences, type ResolvedReference } from '../resolvedReferences';
import { isOciError, OciError } from '../errors';
import { readCapped } from '../readCapped';
import { isImageIndex, isManifestMediaType, MediaType } from '../mediaType';
import { checkTag } from '../reference';
import type { BlobMounter, OpOptions, PushOptions, ReadOnlyTarget, StagedBlob, Target, TagPusher } from '../target';
import { uploadBlob, type UploadResult } from './blobUpload';
import { discard, readAnswer, readJsonObject, readText, RegistryClient, type RegistryClientOptions, type RegistryResponse, responseError } from './client';
import { FallbackQueue, type QueuedChange } from './fallbackQueue';
import { nextLink } from './link';
import { encodeReferrersIndex, manifestLinks, referrersFromApiAnswer, referrersFromIndex, referrersTag } from './referrers';
import { redactUrl, RegistryError } from './registryError';
import { formatRegistryReference, parseRegistryReference } from './registryReference';
import { stageUpload } from './stageUpload';
import { isRetryableError } from '../transient';

/** Every manifest type we read, so registries that negotiate (distribution 2.8 answers 404 without it) serve each. */
export const MANIFEST_ACCEPT = [
  MediaType.ImageManifest,
  MediaType.ImageIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
  'application/vnd.oci.artifact.manifest.v1+json',
].join(', ');

/** Registries refuse larger manifests, and a manifest is read whole into memory. */
export const MAX_MANIFEST_BYTES = 4 << 20;
const DEFAULT_CHUNK_SIZE = 32 << 20;
const TAG_PAGE_SIZE = 1000;
const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;

export interface RemoteRepositoryOptions {
  /** Blobs over this size are uploaded in PATCH chunks of it. */
  chunkSize?: number;
  /** Force the referrers API (true) or the fallback tag schema (false); default: detect, as oras does. */
  referrersApi?: boolean;
  /**
   * The media types a manifest is asked for in (its Accept header), as oras's `manifest fetch --media-type`;
   * default every type we read (MANIFEST_ACCEPT).
   */
  manifestMediaTypes?: readonly string[];
}

type ReferrersState = 'unknown' | 'supported' | 'unsupported';

/**
 * One repository on an OCI registry as a Target: the same operations as a layout, over the
 * distribution API. Manifests are read with the full Accept list and verified against their digest;
 * blobs stream through a verifier. Referrers use the OCI 1.1 API where the registry has it and the
 * `sha256-<hex>` fallback index where it does not, read and written as oras does.
 */
export class RemoteRepository implements Target, BlobMounter, TagPusher {
  readonly kind = 'registry';
  private referrersState: ReferrersState;
  /** The state was given (`--distribution-spec`), not found out: what the registry answers does not change it. */
  private readonly referrersForced: boolean;
  private readonly chunkSize: number;
  private readonly manifestAccept: string;
  // Changes to one subject's fallback index: one read-modify-write at a time, for all those queued meanwhile.
  private readonly fallbackQueue = new FallbackQueue((subject, changes, signal) => this.rewriteFallbackIndex(subject, changes, signal));
  // What HEAD answers said (by digest), so a read of the manifest that disagrees names the HEAD answer and its reference.
  private readonly headAnswers = new ResolvedReferences();

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
    options: RemoteRepositoryOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.manifestAccept = options.manifestMediaTypes?.length ? options.manifestMediaTypes.join(', ') : MANIFEST_ACCEPT;
    this.referrersState = options.referrersApi === undefined ? 'unknown' : options.referrersApi ? 'supported' : 'unsupported';
    this.referrersForced = options.referrersApi !== undefined;
  }

  /** `registry/repository` (a reference part is ignored), with a client of its own. */
  static open(name: string, options: RegistryClientOptions & RemoteRepositoryOptions = {}): RemoteRepository {
    const ref = parseRegistryReference(name);
    return new RemoteRepository(new RegistryClient(ref.registry, options), ref.repository, options);
  }

  get registry(): string {
    return this.client.registry;
  }

  /** `registry/repository[:tag|@digest]`. */
  display(reference?: string): string {
    return formatRegistryReference(this.registry, this.repository, reference);
  }

  private get pull(): string[] {
    return [repositoryScope(this.repository, 'pull')];
  }

  private get pullPush(): string[] {
    return [repositoryScope(this.repository, 'pull', 'push')];
  }

  private path(kind: 'manifests' | 'blobs', reference: string): string {
    return `/v2/${this.repository}/${kind}/${reference}`;
  }

  // ---- reading ----------------------------------------------------------------------------

  async resolve(reference: string, options?: OpOptions): Promise<Descriptor> {
    checkReference(reference);
    const what = this.display(reference);
    const res = await this.client.send({ method: 'HEAD', url: this.path('manifests', reference), headers: { accept: this.manifestAccept }, scopes: this.pull, signal: options?.signal });
    await res.body.dump().catch(() => undefined);
    if (res.status === 200) {
      const desc = headDescriptor(res, reference, what);
      if (desc) {
        if (desc.size > MAX_MANIFEST_BYTES) throw tooLarge(what, desc.size);
        this.headAnswers.remember(desc, reference);
        return desc;
      }
    } else if (res.status !== 405 && res.status !== 400) {
      throw await responseError('HEAD', res, what);
    }
    // No digest or size in the HEAD answer (or no HEAD at all): read the manifest and digest it.
    return (await this.fetchManifest(reference, options)).desc;
  }

  /** The manifest a tag or digest names, its bytes verified (against the digest asked for, or the one the registry gave). */
  async fetchManifest(reference: string, options?: OpOptions): Promise<{ desc: Descriptor; bytes: Buffer }> {
    checkReference(reference);
    const what = this.display(reference);
    const res = await this.client.expect({ method: 'GET', url: this.path('manifests', reference), headers: { accept: this.manifestAccept }, scopes: this.pull, signal: options?.signal }, [200], what);
    const bytes = await readCapped(res.body, MAX_MANIFEST_BYTES, () => new OciError('INVALID_MANIFEST', `${what}: the registry's answer is larger than the ${MAX_MANIFEST_BYTES} bytes a manifest may have`), () => discard(res.body));
    const algorithm = isDigest(reference) ? parseDigest(reference).algorithm : 'sha256';
    const digest = digestOf(bytes, algorithm);
    const claimed = isDigest(reference) ? reference : res.header('docker-content-digest');
    if (claimed && isDigest(claimed) && parseDigest(claimed).algorithm === algorithm && claimed !== digest) {
      throw new OciError('DIGEST_MISMATCH', `manifest ${claimed} from ${what}: content has digest ${digest}`);
    }
    checkContentTypeKind(res, ownMediaType(bytes), `manifest ${digest} from ${what}`);
    const mediaType = manifestMediaType(res.header('content-type'), bytes);
    if (!mediaType) {
      // A proxy's or a login page's HTML answered with 200 must not be stored or printed as a manifest.
      throw new OciError('INVALID_MANIFEST', `${what}: the registry's answer is not a manifest (${res.header('content-type') ?? 'no Content-Type'}, not a JSON object)`);
    }
    return { desc: { mediaType, digest, size: bytes.length }, bytes };
  }

  async resolveBlob(digest: string, options?: OpOptions): Promise<Descriptor> {
    parseDigest(digest);
    const res = await this.client.expect({ method: 'HEAD', url: this.path('blobs', digest), scopes: this.pull, signal: options?.signal }, [200], `blob ${digest} in ${this.display()}`);
    await res.body.dump().catch(() => undefined);
    const size = Number(res.header('content-length'));
    if (!Number.isSafeInteger(size) || size < 0) throw new OciError('INVALID_ARGUMENT', `blob ${digest} in ${this.display()}: the registry gave no size`);
    return { mediaType: 'application/octet-stream', digest, size };
  }

  async exists(desc: Descriptor, options?: OpOptions): Promise<boolean> {
    parseDigest(desc.digest);
    const manifest = isManifestMediaType(desc.mediaType);
    const res = await this.client.send({
      method: 'HEAD',
      url: this.path(manifest ? 'manifests' : 'blobs', desc.digest),
      headers: manifest ? { accept: this.manifestAccept } : {},
      scopes: this.pull,
      signal: options?.signal,
    });
    await res.body.dump().catch(() => undefined);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await responseError('HEAD', res, `${desc.digest} in ${this.display()}`);
  }

  async fetch(desc: Descriptor, options?: OpOptions): Promise<Readable> {
    const { res } = await this.get(desc, options);
    // Streamed as it arrives, a manifest too (a reader shows what a registry sent even when it is not the digest's).
    const noun = nounOf(desc);
    const where = noun === 'manifest' ? ` from ${this.display(this.headAnswers.of(desc)?.reference ?? desc.digest)}` : ` in ${this.display()}`;
    const length = res.header('content-length');
    if (length !== undefined && Number(length) !== desc.size) {
      discard(res.body);
      throw new OciError('SIZE_MISMATCH', `${noun} ${desc.digest}${where}: the registry sends ${length} bytes, expected ${desc.size}`);
    }
    const verified = verifyingStream({ digest: desc.digest, size: desc.size }, where, noun);
    stream().pipeline(res.body, verified, () => undefined);
    return verified;
  }

  async fetchBytes(desc: Descriptor, options?: OpOptions): Promise<Buffer> {
    const { res, what } = await this.get(desc, options);
    if (!isManifestMediaType(desc.mediaType)) {
      const bytes = await readLimited(res, desc.size, what);
      verifyBytes(bytes, desc, ` in ${this.display()}`);
      return bytes;
    }
    // Read to a manifest's limit, not the size expected: a size that differs is then told in full, and compared
    // with what a HEAD answer said.
    const bytes = await readCapped(res.body, MAX_MANIFEST_BYTES, () => new OciError('SIZE_MISMATCH', `${what}: more than the ${MAX_MANIFEST_BYTES} bytes a manifest may have`), () => discard(res.body));
    const head = this.headAnswers.of(desc);
    if (head) checkHeadSize(head, desc, bytes, this.display(head.reference));
    verifyBytes(bytes, desc, ` from ${this.display(head?.reference ?? desc.digest)}`, 'manifest');
    const own = ownMediaType(bytes);
    checkContentTypeKind(res, own, what);
    if (head) checkHeadKind(head, desc, own, this.display(head.reference));
    return bytes;
  }

  /** GETs a manifest (with the Accept list, refused over 4 MiB) or a blob by digest; the caller reads and verifies it. */
  private async get(desc: Descriptor, options?: OpOptions): Promise<{ res: RegistryResponse; what: string }> {
    parseDigest(desc.digest);
    const manifest = isManifestMediaType(desc.mediaType);
    if (manifest && desc.size > MAX_MANIFEST_BYTES) throw tooLarge(`manifest ${desc.digest}`, desc.size);
    const what = `${manifest ? 'manifest' : 'blob'} ${desc.digest} in ${this.display()}`;
    const res = await this.client.expect(
      { method: 'GET', url: this.path(manifest ? 'manifests' : 'blobs', desc.digest), headers: manifest ? { accept: this.manifestAccept } : {}, scopes: this.pull, signal: options?.signal },
      [200],
      what,
    );
    return { res, what };
  }

  /** Every tag, following `Link` pages; sorted and without repeats, as registries that ignore `n`/`last` may repeat. */
  async *tags(options?: OpOptions & { last?: string }): AsyncIterable<string> {
    const seen = new Set<string>();
    const urls = new Set<string>();
    let url: string | undefined = `/v2/${this.repository}/tags/list?n=${TAG_PAGE_SIZE}${options?.last ? `&last=${encodeURIComponent(options.last)}` : ''}`;
    while (url) {
      const what = `tags of ${this.display()}`;
      const res = await this.client.expect({ method: 'GET', url, scopes: this.pull, signal: options?.signal }, [200], what);
      const doc = await readJsonObject(res, 64 << 20, what);
      const page = Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string') : [];
      let fresh = 0;
      for (const t of page) if (!seen.has(t)) { seen.add(t); fresh++; }
      urls.add(res.url);
      const next = nextLink(res.headers.link, res.url);
      // A registry that ignores `last` sends the same page forever: stop when a page brings nothing new.
      url = next && !urls.has(next) && fresh > 0 ? next : undefined;
    }
    yield* [...seen].sort();
  }

  /**
   * The referrers of `desc`: from the OCI 1.1 API (its `Link` pages followed, the filter applied here
   * too, since a registry may ignore it), else from the fallback tag `sha256-<hex>`.
   */
  async *referrers(desc: Descriptor, options?: OpOptions & { artifactType?: string }): AsyncIterable<Descriptor> {
    parseDigest(desc.digest);
    const keep = (d: Descriptor) => options?.artifactType === undefined || d.artifactType === options.artifactType;
    if (this.referrersState !== 'unsupported') {
      const query = options?.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '';
      let url: string | undefined = `/v2/${this.repository}/referrers/${desc.digest}${query}`;
      const urls = new Set<string>();
      const seen = new Set<string>();
      let first = true;
      while (url) {
        const res = await this.client.send({ method: 'GET', url, headers: { accept: MediaType.ImageIndex }, scopes: this.pull, signal: options?.signal });
        if (first && !isReferrersAnswer(res)) {
          const unsupported = res.status === 404 || res.status === 405 || res.status === 200;
          if (!unsupported) throw await responseError('GET', res, `referrers of ${desc.digest} in ${this.display()}`);
          const text = await readText(res.body, 64 * 1024);
          if (res.status === 404 && /NAME_UNKNOWN/.test(text)) throw new OciError('NOT_FOUND', `${this.display()}: repository not found`);
          // Told to use the API: a registry without it is said, not quietly read through the tag schema.
          if (this.referrersForced) throw new OciError('UNSUPPORTED', `${this.display()}: no referrers API (GET ${redactUrl(res.url)} answered ${res.status}, not a referrers list); the tag schema is --distribution-spec v1.1-referrers-tag`);
          this.referrersState = 'unsupported';
          break;
        }
        if (res.status !== 200) throw await responseError('GET', res, `referrers of ${desc.digest} in ${this.display()}`);
        first = false;
        this.referrersState = 'supported';
        const what = `referrers of ${desc.digest} in ${this.display()}: GET ${redactUrl(res.url)}`;
        // An image index, so under a manifest's limit: the spec has registries page a longer list.
        const page = referrersFromApiAnswer(await readAnswer(res, MAX_MANIFEST_BYTES, what), what);
        let fresh = 0;
        for (const d of page) {
          if (seen.has(d.digest)) continue;
          seen.add(d.digest);
          fresh++;
          if (keep(d)) yield d;
        }
        urls.add(res.url);
        const next = nextLink(res.headers.link, res.url);
        // A registry whose `Link` always points on (page=N+1 of the same list) would be followed forever: as with
        // tags, stop when a page brings nothing new.
        url = next && !urls.has(next) && fresh > 0 ? next : undefined;
      }
      if (this.referrersState === 'supported') return;
    }
    const index = await this.fallbackIndex(desc.digest, options);
    for (const d of index?.referrers ?? []) if (keep(d)) yield d;
  }

  /** Whether the registry has the referrers API, asked once (oras-go's ping) and remembered. */
  async referrersApiSupported(options?: OpOptions): Promise<boolean> {
    if (this.referrersState !== 'unknown') return this.referrersState === 'supported';
    const res = await this.client.send({ method: 'GET', url: `/v2/${this.repository}/referrers/${ZERO_DIGEST}`, headers: { accept: MediaType.ImageIndex }, scopes: this.pull, signal: options?.signal });
    const supported = isReferrersAnswer(res);
    await res.body.dump().catch(() => undefined);
    if (!supported && res.status !== 404 && res.status !== 405 && res.status !== 200 && res.status !== 400) throw await responseError('GET', res, `referrers API of ${this.display()}`);
    this.referrersState = supported ? 'supported' : 'unsupported';
    return supported;
  }

  /** The fallback index of `subject`, its referrers, and its own subject should it have one (it should not). */
  private async fallbackIndex(subject: string, options?: OpOptions): Promise<{ desc: Descriptor; referrers: Descriptor[]; subject?: Descriptor } | undefined> {
    try {
      const { desc, bytes } = await this.fetchManifest(referrersTag(subject), options);
      const own = manifestLinks(bytes, desc.mediaType).subject;
      return { desc, referrers: referrersFromIndex(bytes), ...(own ? { subject: own } : {}) };
    } catch (err) {
      if (err instanceof OciError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Stores a blob or a manifest. Blobs that exist are skipped; a manifest with a subject on a registry
   * without the referrers API is also added to its subject's fallback index.
   */
  async push(desc: Descriptor, content: Readable | Uint8Array, options?: PushOptions & { skipExistsCheck?: boolean }): Promise<void> {
    parseDigest(desc.digest);
    if (!Number.isSafeInteger(desc.size) || desc.size < 0) throw new OciError('INVALID_ARGUMENT', `${nounOf(desc)} ${desc.digest}: invalid size ${desc.size}`);
    if (isManifestMediaType(desc.mediaType)) {
      const bytes = content instanceof Uint8Array ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : await readStream(content, desc);
      await this.pushManifest(desc, bytes, desc.digest, options);
      return;
    }
    if (!options?.skipExistsCheck && (await this.exists(desc, options))) {
      if (!(content instanceof Uint8Array)) content.resume();
      return;
    }
    await this.pushBlob(desc, content, options);
  }

  mountSourceOf(src: ReadOnlyTarget): string | undefined {
    return src instanceof RemoteRepository && src.client.sameRegistryAs(this.client) && src.repository !== this.repository ? src.repository : undefined;
  }

  /**
   * Uploads a blob; with `mountFrom` (a repository on the same registry) asks for a cross-repository
   * mount first and uploads only if the registry declines. `content` may be a function, so a mounted
   * blob is never read. An in-memory blob is retried whole on transient failures; a stream cannot be
   * replayed, so its caller restarts it (copyGraph does).
   */
  async pushBlob(desc: Descriptor, content: Readable | Uint8Array | (() => Promise<Readable>), options?: OpOptions & { mountFrom?: string }): Promise<UploadResult> {
    const upload = () => uploadBlob(this.client, this.repository, desc, content, { chunkSize: this.chunkSize, signal: options?.signal, mountFrom: options?.mountFrom });
    if (!(content instanceof Uint8Array)) return upload();
    for (let attempt = 1; ; attempt++) {
      try {
        return await upload();
      } catch (err) {
        if (attempt >= 3 || !isRetryableError(err) || options?.signal?.aborted) throw err;
      }
    }
  }

  /** Content of unknown digest into an upload session, stored under its digest only at `commit` (Target.stage). */
  async stage(content: Readable, options?: OpOptions): Promise<StagedBlob> {
    return stageUpload(this.client, this.repository, content, options);
  }

  /** Stores a manifest under `reference` (its digest, or a tag), verified first; updates the fallback referrers index as needed. */
  async pushManifest(desc: Descriptor, bytes: Buffer, reference: string = desc.digest, options?: PushOptions): Promise<void> {
    if (bytes.length > MAX_MANIFEST_BYTES) throw tooLarge(`manifest ${desc.digest}`, bytes.length);
    verifyBytes(bytes, desc, ` (push to ${this.display()})`, 'manifest');
    checkReference(reference);
    const res = await this.client.expect(
      { method: 'PUT', url: this.path('manifests', reference), headers: { 'content-type': desc.mediaType, 'content-length': String(bytes.length) }, body: bytes, scopes: this.pullPush, signal: options?.signal },
      [200, 201, 202, 204],
      `manifest ${desc.digest} (push to ${this.display(reference)})`,
    );
    await res.body.dump().catch(() => undefined);
    checkStoredDigest(res, desc.digest, this.display(reference));
    const links = manifestLinks(bytes, desc.mediaType);
    if (!links.subject) return;
    if (res.header('oci-subject') && !this.referrersForced) {
      // The registry indexes referrers itself (distribution-spec 1.1); unless told to use the tag schema anyway.
      this.referrersState = 'supported';
      return;
    }
    if (await this.referrersApiSupported(options)) return;
    // Listed only now that it is stored: a registry refuses an index listing a manifest it has not.
    options?.onStored?.();
    await this.fallbackQueue.submit(links.subject.digest, { add: links.asReferrer({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }), signal: options?.signal });
  }

  /** Points a tag at a manifest: its bytes are read back and stored under the tag, as registries have no other way. */
  async tag(desc: Descriptor, reference: string, options?: OpOptions): Promise<void> {
    checkTag(reference);
    const bytes = await this.fetchBytes(desc, options);
    const res = await this.client.expect(
      { method: 'PUT', url: this.path('manifests', reference), headers: { 'content-type': desc.mediaType, 'content-length': String(bytes.length) }, body: bytes, scopes: this.pullPush, signal: options?.signal },
      [200, 201, 202, 204],
      `tag ${this.display(reference)}`,
    );
    await res.body.dump().catch(() => undefined);
    checkStoredDigest(res, desc.digest, this.display(reference));
  }

  async untag(reference: string): Promise<void> {
    throw new OciError('UNSUPPORTED', `${this.display(reference)}: a registry cannot remove a tag alone (the distribution API has no such call); delete the manifest, or point the tag elsewhere`);
  }

  /**
   * Deletes a manifest (and so its tags) or a blob; a referrer also leaves its subject's fallback index. Its DELETE is
   * sent by the subject's rewrite (see rewriteFallbackIndex), with those of the other referrers of the subject queued
   * meanwhile (as runDeletePlan sends them, at once), before the index without them is pushed: no index listing a
   * manifest gone is pushed, which a registry refuses (MANIFEST_BLOB_UNKNOWN).
   */
  async delete(desc: Descriptor, options?: OpOptions): Promise<void> {
    parseDigest(desc.digest);
    const manifest = isManifestMediaType(desc.mediaType);
    let subject: string | undefined;
    if (manifest && this.referrersState !== 'supported') {
      try {
        subject = manifestLinks(await this.fetchBytes(desc, options), desc.mediaType).subject?.digest;
      } catch (err) {
        if (!(err instanceof OciError && err.code === 'NOT_FOUND')) throw err;
      }
    }
    if (!subject || (await this.referrersApiSupported(options))) return this.sendDelete(desc, options);
    await this.fallbackQueue.submit(subject, { remove: desc, signal: options?.signal });
  }

  private async sendDelete(desc: Descriptor, options?: OpOptions): Promise<void> {
    const manifest = isManifestMediaType(desc.mediaType);
    const res = await this.client.expect(
      { method: 'DELETE', url: this.path(manifest ? 'manifests' : 'blobs', desc.digest), scopes: [repositoryScope(this.repository, 'delete')], signal: options?.signal },
      [200, 202, 204],
      `${desc.digest} in ${this.display()}`,
    );
    await res.body.dump().catch(() => undefined);
  }

  /**
   * One read-modify-write of `subject`'s fallback index for the changes queued (FallbackQueue: one at a time per
   * subject). The referrers to remove are deleted first, each by its caller's request and with its caller's error;
   * then the index is read, what was pushed added (in the order queued, each once) and what is gone dropped, and the
   * new list pushed under the tag, the old index deleted, as oras does (a registry that forbids deletion keeps it).
   * Nothing changed, nothing is written; nothing left, no index, and the tag goes with the old one.
   */
  private async rewriteFallbackIndex(subject: string, changes: QueuedChange[], signal: AbortSignal | undefined): Promise<void> {
    const options: OpOptions = { signal };
    const gone = new Set<string>();
    await Promise.all(
      changes.map(async (c) => {
        if (!c.remove) return;
        try {
          await this.sendDelete(c.remove, { signal: c.signal });
          gone.add(c.remove.digest);
        } catch (err) {
          c.fail(err);
          // Not there (found missing, or the DELETE done though its answer was lost): dropped from the list all the
          // same, which the registry would refuse to push with it. Where that cannot be told, it stays listed.
          if (isOciError(err, 'NOT_FOUND') || !(await this.exists(c.remove, options).catch(() => true))) gone.add(c.remove.digest);
        }
      }),
    );
    const old = await this.fallbackIndex(subject, options);
    const before = old?.referrers ?? [];
    const list = [...before];
    for (const c of changes) if (c.add && !list.some((d) => d.digest === c.add!.digest)) list.push(c.add);
    const after = list.filter((d) => !gone.has(d.digest));
    if (after.length === before.length && after.every((d, i) => d.digest === before[i]!.digest)) return;
    if (after.length) await this.pushFallbackIndex(subject, after, options);
    // Only an index is the old fallback index: a manifest someone tagged with the name is kept (deleting it
    // would take its other tags with it), the tag moving to the new index.
    if (old && isImageIndex(old.desc.mediaType)) {
      try {
        // Its bytes were just read: without a subject of its own, no need to read them again to find one. One whose
        // subject is this same subject is deleted alone too: queued behind this rewrite, its change would wait for it forever.
        await (old.subject && old.subject.digest !== subject ? this.delete(old.desc, options) : this.sendDelete(old.desc, options));
      } catch (err) {
        if (!(err instanceof OciError && (err.code === 'UNSUPPORTED' || err.code === 'NOT_FOUND'))) throw err;
      }
    }
  }

  /**
   * Pushes `list` as `subject`'s fallback index. One the registry refuses for naming a manifest it has not (another
   * tool deleted a referrer and left it listed, or a rewrite failed after its DELETEs) is pushed again without those
   * it has not, each asked for (HEAD), rather than every later change of the subject refused with it.
   */
  private async pushFallbackIndex(subject: string, list: Descriptor[], options: OpOptions): Promise<void> {
    const push = (l: Descriptor[]) => {
      const bytes = encodeReferrersIndex(l);
      return this.pushManifest({ mediaType: MediaType.ImageIndex, digest: digestOf(bytes), size: bytes.length }, bytes, referrersTag(subject), options);
    };
    try {
      await push(list);
    } catch (err) {
      if (!(isOciError(err, 'INVALID_MANIFEST') && err.cause instanceof RegistryError && err.cause.hasCode('MANIFEST_BLOB_UNKNOWN'))) throw err;
      const there = await Promise.all(list.map((d) => this.exists(d, options)));
      const kept = list.filter((_, i) => there[i]);
      if (kept.length === list.length) throw err;
      if (kept.length) await push(kept);
    }
  }
}

function checkReference(reference: string): void {
  if (isDigest(reference)) return;
  if (reference.includes(':')) parseDigest(reference); // names the problem with the digest
  checkTag(reference);
}

/**
 * A registry that answers a manifest PUT with another digest (same algorithm) stored other bytes than were sent:
 * the tag now names content nobody asked for, and what refers to the digest sent finds nothing.
 */
function checkStoredDigest(res: RegistryResponse, sent: string, where: string): void {
  const stored = res.header('docker-content-digest');
  if (!stored || !isDigest(stored) || stored === sent || parseDigest(stored).algorithm !== parseDigest(sent).algorithm) return;
  throw new OciError('DIGEST_MISMATCH', `manifest ${sent} (push to ${where}): the registry answered that it stored ${stored}, so not the bytes sent`);
}

function isReferrersAnswer(res: RegistryResponse): boolean {
  return res.status === 200 && (res.header('content-type') ?? '').split(';')[0]!.trim() === MediaType.ImageIndex;
}

/** A descriptor from a HEAD answer, when it has a digest and a size; the digest must be the one asked for. */
function headDescriptor(res: RegistryResponse, reference: string, what: string): Descriptor | undefined {
  const digest = res.header('docker-content-digest');
  const size = Number(res.header('content-length'));
  const mediaType = (res.header('content-type') ?? '').split(';')[0]!.trim();
  if (isDigest(reference)) {
    if (digest && digest !== reference) throw new OciError('DIGEST_MISMATCH', `${what}: the registry answered HEAD with digest ${digest}`);
    if (!Number.isSafeInteger(size) || !mediaType) return undefined;
    return { mediaType, digest: reference, size };
  }
  if (!digest || !isDigest(digest) || !Number.isSafeInteger(size) || !isManifestMediaType(mediaType)) return undefined;
  return { mediaType, digest, size };
}

/**
 * A manifest whose Content-Type names the other kind than its own mediaType field (an index for an image manifest,
 * or the reverse) is refused, naming both: read as the registry says, it failed later as "manifests: expected an
 * array" or "no platforms", blaming the document. Docker and OCI types of one kind pass (their shapes are the same),
 * and so does a document with no mediaType of its own.
 */
function checkContentTypeKind(res: RegistryResponse, own: string | undefined, what: string): void {
  const ct = (res.header('content-type') ?? '').split(';')[0]!.trim();
  if (!isManifestMediaType(ct)) return;
  if (!own || !isManifestMediaType(own) || isImageIndex(own) === isImageIndex(ct)) return;
  throw new OciError('INVALID_MANIFEST', `${what}: the registry's Content-Type is ${ct}, but the document's mediaType is ${own}`);
}

/**
 * The Content-Type, or the document's own mediaType when the registry sends a generic one; undefined when the
 * body is no JSON object, so no manifest at all.
 */
function manifestMediaType(contentType: string | undefined, bytes: Buffer): string | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim();
  let doc: { mediaType?: unknown; manifests?: unknown } | null;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  if (isManifestMediaType(ct)) return ct;
  if (typeof doc.mediaType === 'string' && doc.mediaType) return doc.mediaType;
  return Array.isArray(doc.manifests) ? MediaType.ImageIndex : MediaType.ImageManifest;
}

/**
 * A manifest read by the digest a HEAD answer gave, which has that digest but not the size that answer gave: the HEAD
 * answer is what is wrong (it may have named another manifest than the tag's, with the tag's size), and is named so,
 * not as a size mismatch of the manifest. Bytes that do not have the digest are the manifest's own mismatch.
 */
function checkHeadSize(head: ResolvedReference, desc: Descriptor, bytes: Buffer, ref: string): void {
  if (bytes.length === desc.size || digestOf(bytes, parseDigest(desc.digest).algorithm) !== desc.digest) return;
  throw new OciError('SIZE_MISMATCH', `${ref}: the registry's HEAD answer named manifest ${desc.digest} of ${head.size} bytes, but what it serves as ${desc.digest} is ${bytes.length} bytes (with that digest): the HEAD answer disagrees with the manifest it names`);
}

/**
 * A manifest (verified by its digest) of the other kind than the Content-Type of the HEAD answer it was resolved by (an
 * index type for an image manifest, or the reverse): read as that answer says, it failed later as "manifests: expected
 * an array" or "no platforms", or was listed and checked as an empty index. Docker and OCI types of one kind pass,
 * and so does a document with no mediaType of its own.
 */
function checkHeadKind(head: ResolvedReference, desc: Descriptor, own: string | undefined, ref: string): void {
  if (!own || !isManifestMediaType(own) || isImageIndex(own) === isImageIndex(head.mediaType)) return;
  throw new OciError('INVALID_MANIFEST', `${ref}: the registry's HEAD answer gave Content-Type ${head.mediaType}, but manifest ${desc.digest} is ${own} (its own mediaType, verified by digest): the HEAD answer disagrees with the document`);
}

/** The mediaType a document gives itself, if it is JSON with a string there. */
function ownMediaType(bytes: Buffer): string | undefined {
  try {
    const own = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown } | null)?.mediaType;
    return typeof own === 'string' ? own : undefined;
  } catch {
    return undefined;
  }
}

function tooLarge(what: string, size: number): OciError {
  return new OciError('INVALID_MANIFEST', `${what}: ${size} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have`);
}

function readLimited(res: RegistryResponse, limit: number, what: string): Promise<Buffer> {
  return readCapped(res.body, limit, () => new OciError('SIZE_MISMATCH', `${what}: more than the expected ${limit} bytes`), () => discard(res.body));
}

function readStream(content: Readable, desc: Descriptor): Promise<Buffer> {
  const limit = Math.min(desc.size, MAX_MANIFEST_BYTES);
  return readCapped(content, limit, () => new OciError('SIZE_MISMATCH', `manifest ${desc.digest}: more than the expected ${limit} bytes`));
}
