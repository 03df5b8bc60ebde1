import type { Descriptor } from './descriptor';

/** What a reference (a tag, or a digest) resolved to: the manifest's media type and size, as the answer said. */
export interface ResolvedReference {
  reference: string;
  mediaType: string;
  size: number;
}

/**
 * The references the last manifests were resolved by, by digest, so that a read of one can name the reference in its
 * errors (a tag, as a user gave it) and tell an answer that disagrees with what is served. Bounded (a listing may
 * resolve every tag): the oldest go first. The layout store and the remote repository each keep one.
 */
export class ResolvedReferences {
  private readonly byDigest = new Map<string, ResolvedReference>();

  constructor(private readonly max = 1000) {}

  remember(desc: Descriptor, reference: string): void {
    this.byDigest.delete(desc.digest);
    this.byDigest.set(desc.digest, { reference, mediaType: desc.mediaType, size: desc.size });
    if (this.byDigest.size > this.max) this.byDigest.delete(this.byDigest.keys().next().value!);
  }

  forget(digest: string): void {
    this.byDigest.delete(digest);
  }

  /** The reference `desc` was resolved by, when `desc` is what it resolved to (the same size and media type). */
  of(desc: Descriptor): ResolvedReference | undefined {
    const resolved = this.byDigest.get(desc.digest);
    return resolved && resolved.size === desc.size && resolved.mediaType === desc.mediaType ? resolved : undefined;
  }
}
