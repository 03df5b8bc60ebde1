import { stream } from '../nodeStream';
import type { Descriptor, ImageIndex, Platform } from '../descriptor';
import { digestOf } from '../digest';
import { OciError } from '../errors';
import { formatPlatform } from '../platform';
import { exactPattern, type PlatformPattern } from '../platformPattern';
import { selectPlatforms } from '../platformSelection';
import { isDockerReferenceEntry, DOCKER_REFERENCE_DIGEST } from '../referrers/dockerReferences';
import { documentMediaType } from './documentMediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';

/** What a copy starts from once the platforms asked for are picked. */
export interface CopyRoot {
  /** The source, with the rewritten index when there is one. */
  source: ReadOnlyTarget;
  /** What the tags will name: the reference, its one platform picked, or the rewritten index. */
  root: Descriptor;
  subset?: IndexSubset;
  /** With `splitPlatforms` and an index: each platform picked and its tags (`root` is then the source's index). */
  split?: Array<{ desc: Descriptor; tags: string[] }>;
}

/**
 * Resolves `reference` and applies `platform`/`platforms`: nothing asked, the reference; one platform picked,
 * its manifest (as oras); several, a new index of just those, or, with `splitPlatforms`, each alone.
 */
export async function resolveCopyRoot(
  src: ReadOnlyTarget,
  reference: string,
  tags: readonly string[],
  options: OpOptions & { platform?: Platform; platforms?: readonly PlatformPattern[]; splitPlatforms?: boolean },
): Promise<CopyRoot> {
  const resolved = await src.resolve(reference, options);
  const patterns = options.platforms ?? (options.platform ? [exactPattern(options.platform)] : []);
  if (patterns.length === 0) return { source: src, root: resolved };
  const picked = await selectPlatforms(src, resolved, patterns, options);
  // With splitPlatforms, one platform picked is split too: a script giving a list of any length gets TAG-os-arch.
  if (!picked.index || (picked.children.length === 1 && !options.splitPlatforms)) return { source: src, root: picked.children[0]! };
  if (options.splitPlatforms) {
    const split = picked.children.map((desc) => ({ desc, tags: platformTags(desc, tags) }));
    const all = split.flatMap((s) => s.tags);
    const twice = all.find((t, i) => all.indexOf(t) !== i);
    if (twice) throw new OciError('INVALID_ARGUMENT', `two manifests picked from ${resolved.digest} would both be tagged ${twice}: they have one platform; pick one of them`);
    return { source: src, root: picked.index.desc, split };
  }
  // From the index as its document declares it (an index.json entry may list it under an image type).
  const subset = subsetIndex(picked.index.desc, picked.index.doc, picked.children);
  // Every entry kept (`linux/*` on an all-linux index): the index itself, as its document declares it. A rewrite
  // would be the same entries under a digest that may differ (other JSON spacing), and would leave its referrers behind.
  if (subset.entries === subset.entriesOf) return { source: src, root: picked.index.desc };
  return { source: withExtraManifests(src, [subset]), root: subset.desc, subset };
}

/** `v1` for linux/arm/v7 is `v1-linux-arm-v7`: each platform copied alone gets a tag of its own. */
export function platformTags(desc: Descriptor, tags: readonly string[]): string[] {
  const suffix = formatPlatform(desc.platform!).replace(/[/:]/g, '-');
  return tags.map((tag) => {
    const out = `${tag}-${suffix}`;
    if (out.length > 128) throw new OciError('INVALID_ARGUMENT', `tag ${JSON.stringify(out)} for ${desc.digest} is longer than 128 characters; copy that platform alone with a shorter tag`);
    return out;
  });
}

/** An index rewritten to hold only some of its children. */
export interface IndexSubset {
  desc: Descriptor;
  bytes: Buffer;
  /** The index it was made from. */
  from: Descriptor;
  /** Platform children kept, and how many the index listed (attestation entries not counted). */
  kept: number;
  of: number;
  /** Entries kept, attestation entries included, and how many the index listed. */
  entries: number;
  entriesOf: number;
}

/**
 * The index `doc` with only `children` (and the buildx attestation entries that describe one of them, which
 * belong to that platform): every other field as it was, so the new digest differs only by what was left out.
 */
export function subsetIndex(from: Descriptor, doc: ImageIndex, children: readonly Descriptor[]): IndexSubset {
  const keep = new Set(children.map((c) => c.digest));
  const all = Array.isArray(doc.manifests) ? doc.manifests : [];
  const manifests = all.filter((m) => keep.has(m.digest) || (isDockerReferenceEntry(m) && keep.has(m.annotations![DOCKER_REFERENCE_DIGEST]!)));
  const bytes = Buffer.from(JSON.stringify({ ...doc, manifests }), 'utf8');
  // The flavor the document declares: `from` may carry a HEAD answer's other one (a manifest list for an OCI index).
  const desc: Descriptor = { mediaType: documentMediaType(from.mediaType, doc.mediaType), digest: digestOf(bytes), size: bytes.length };
  return { desc, bytes, from, kept: children.length, of: all.filter((m) => !isDockerReferenceEntry(m)).length, entries: manifests.length, entriesOf: all.length };
}

/**
 * The source as it is, plus manifests held in memory (a rewritten index), so the copy and the plan walk a
 * graph whose root is not stored anywhere yet. (A registry cannot mount blobs from it: the destination only
 * recognises its own kind of source; the blobs are copied instead.)
 */
export function withExtraManifests(src: ReadOnlyTarget, extra: ReadonlyArray<{ desc: Descriptor; bytes: Buffer }>): ReadOnlyTarget {
  const held = new Map(extra.map((e) => [e.desc.digest, e]));
  return {
    resolve: (reference: string, options?: OpOptions) => {
      const e = held.get(reference);
      return e ? Promise.resolve(e.desc) : src.resolve(reference, options);
    },
    resolveBlob: (digest, options) => src.resolveBlob(digest, options),
    exists: (desc, options) => (held.has(desc.digest) ? Promise.resolve(true) : src.exists(desc, options)),
    fetch: (desc, options) => {
      const e = held.get(desc.digest);
      return e ? Promise.resolve(stream().Readable.from([e.bytes])) : src.fetch(desc, options);
    },
    fetchBytes: (desc, options) => {
      const e = held.get(desc.digest);
      return e ? Promise.resolve(e.bytes) : src.fetchBytes(desc, options);
    },
    tags: (options) => src.tags(options),
    // A new index has no referrers yet: those of the index it came from name the old digest.
    referrers: (desc, options) => (held.has(desc.digest) ? none() : src.referrers(desc, options)),
  };
}

async function* none(): AsyncIterable<Descriptor> {}
