import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import type { BlobMounter, ManifestChecker, OpOptions, ReadOnlyTarget, StagedBlob, Target } from '../target';
import { OciLayoutStore } from './store';
import { blobPath, nounOf } from './verify';

/** A blob a tar export takes from its source when the tar is written. */
export interface NotedBlob {
  /** `blobs/<alg>/<hex>`. */
  path: string;
  desc: Descriptor;
  source: ReadOnlyTarget;
}

/**
 * What a copy to a layout tar writes into: a staging layout for manifests and for blobs that must be fetched now
 * (from a registry), and for blobs of a local layout (folder or tar) only a note, so `finish` streams them from
 * there straight into the tar instead of copying them twice. Local blobs go the way of a registry's cross-repository
 * mount (the BlobMounter capability): `copy` offers them as mountable and never opens their stream.
 */
export class TarExportTarget implements Target, BlobMounter, ManifestChecker {
  private readonly sources = new Map<string, ReadOnlyTarget>();
  private readonly blobs = new Map<string, NotedBlob>();

  constructor(readonly staging: OciLayoutStore) {}

  /** The blobs to take from their sources, sorted by path. */
  noted(): NotedBlob[] {
    return [...this.blobs.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  mountSourceOf(src: ReadOnlyTarget): string | undefined {
    if (!(src instanceof OciLayoutStore)) return undefined;
    const key = `layout:${src.location}`;
    this.sources.set(key, src);
    return key;
  }

  async pushBlob(desc: Descriptor, open: () => Promise<Readable>, options: OpOptions & { mountFrom?: string } = {}): Promise<'uploaded' | 'mounted'> {
    const source = options.mountFrom === undefined ? undefined : this.sources.get(options.mountFrom);
    if (!source) {
      await this.staging.push(desc, await open(), options);
      return 'uploaded';
    }
    // Its size now (a stat), so a blob missing or of another size fails the copy, before any tar is written.
    const stored = await source.resolveBlob(desc.digest, options);
    if (stored.size !== desc.size) {
      throw new OciError('SIZE_MISMATCH', `${nounOf(desc)} ${desc.digest} in ${(source as OciLayoutStore).location}: size ${stored.size}, expected ${desc.size}`);
    }
    this.blobs.set(desc.digest, { path: blobPath(desc.digest), desc: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, source });
    return 'mounted';
  }

  resolve(reference: string, options?: OpOptions): Promise<Descriptor> {
    return this.staging.resolve(reference, options);
  }

  resolveBlob(digest: string, options?: OpOptions): Promise<Descriptor> {
    return (this.blobs.get(digest)?.source ?? this.staging).resolveBlob(digest, options);
  }

  async exists(desc: Descriptor, options?: OpOptions): Promise<boolean> {
    return this.blobs.has(desc.digest) || this.staging.exists(desc, options);
  }

  fetch(desc: Descriptor, options?: OpOptions): Promise<Readable> {
    const noted = this.blobs.get(desc.digest);
    return noted ? noted.source.fetch(desc, options) : this.staging.fetch(desc, options);
  }

  fetchBytes(desc: Descriptor, options?: OpOptions): Promise<Buffer> {
    const noted = this.blobs.get(desc.digest);
    return noted ? noted.source.fetchBytes(desc, options) : this.staging.fetchBytes(desc, options);
  }

  tags(options?: OpOptions): AsyncIterable<string> {
    return this.staging.tags(options);
  }

  referrers(desc: Descriptor, options?: OpOptions & { artifactType?: string }): AsyncIterable<Descriptor> {
    return this.staging.referrers(desc, options);
  }

  entries(): Promise<Descriptor[]> {
    return this.staging.entries();
  }

  push(desc: Descriptor, content: Readable | Uint8Array, options?: OpOptions): Promise<void> {
    return this.staging.push(desc, content, options);
  }

  checkManifest(desc: Descriptor, bytes: Buffer): void {
    this.staging.checkManifest(desc, bytes);
  }

  tag(desc: Descriptor, reference: string, options?: OpOptions): Promise<void> {
    return this.staging.tag(desc, reference, options);
  }

  untag(reference: string, options?: OpOptions): Promise<void> {
    return this.staging.untag(reference, options);
  }

  delete(desc: Descriptor, options?: OpOptions): Promise<void> {
    return this.staging.delete(desc, options);
  }

  stage(content: Readable, options?: OpOptions): Promise<StagedBlob> {
    return this.staging.stage(content, options);
  }
}
