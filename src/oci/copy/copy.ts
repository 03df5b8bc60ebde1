import type { Descriptor, Platform } from '../descriptor';
import { isTagPusher, type ReadOnlyTarget, type Target } from '../target';
import type { PlatformPattern } from '../platformPattern';
import { checkTag } from '../reference';
import { copyGraphs, type CopyGraphOptions, type CopyGraphResult } from './copyGraph';
import { resolveCopyRoot, type IndexSubset } from './platformSubset';
import { asDocumentSays } from './documentMediaType';

export interface CopyOptions extends CopyGraphOptions {
  /** From an index, copy only this platform's manifest (and, with `referrers`, its referrers). */
  platform?: Platform;
  /**
   * From an index, the platforms these pick (see platformPattern.ts): one picked is copied as itself (as
   * `platform`); several are copied under a new index that lists only them, or alone with `splitPlatforms`.
   */
  platforms?: readonly PlatformPattern[];
  /** Each platform picked from an index (one too) copied alone, tagged `TAG-os-arch[-variant]`, and no index. */
  splitPlatforms?: boolean;
}

export interface CopyResult extends CopyGraphResult {
  /** The index written in place of the source's, when several platforms were picked from it. */
  subset?: IndexSubset;
  /** With `splitPlatforms`: each platform manifest copied, and the tags it was given. */
  split?: Array<{ desc: Descriptor; tags: string[] }>;
}

/**
 * `oras cp`: resolves `srcReference`, picks the platforms asked for, copies the graph, then points each of
 * `tags` at it at the destination. Returns what was copied, root descriptor included. The tags are checked, and
 * every manifest of the graph (each platform's too, split), before anything is stored: a refused copy stores nothing.
 */
export async function copy(src: ReadOnlyTarget, srcReference: string, dst: Target, tags: readonly string[], options: CopyOptions = {}): Promise<CopyResult> {
  const what = await resolveCopyRoot(src, srcReference, tags, options);
  if (what.split) {
    const result = await copyTagged(src, what.split, dst, options);
    return { ...result, root: what.root, split: what.split };
  }
  const result = await copyTagged(what.source, [{ desc: what.root, tags }], dst, options);
  return what.subset ? { ...result, subset: what.subset } : result;
}

/** Copies the graphs of `parts` as one, then points each part's tags at it. */
async function copyTagged(src: ReadOnlyTarget, parts: ReadonlyArray<{ desc: Descriptor; tags: readonly string[] }>, dst: Target, options: CopyGraphOptions): Promise<CopyGraphResult> {
  // A tag refused after the copy would leave the graph stored and named by nothing.
  for (const part of parts) part.tags.forEach(checkTag);
  // The roots are stored by digest by copyGraphs; a descriptor from an index carries a platform, kept out of the tag entry.
  const roots = parts.map(({ desc }): Descriptor => ({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }));
  // Asked beside the graph's own existence checks (no extra round trip): a tag that already names the
  // root is not stored again, so copying what is there already writes nothing.
  const current = parts.map((part) => (isTagPusher(dst) ? part.tags.map((tag) => dst.resolve(tag, options).then((d) => d.digest, () => undefined)) : []));
  const result = await copyGraphs(src, dst, roots, options);
  for (const [i, part] of parts.entries()) {
    const plain = roots[i]!;
    for (const [j, tag] of part.tags.entries()) {
      if (isTagPusher(dst)) {
        if ((await current[i]![j]) === plain.digest) continue;
        // The bytes are at hand: store them under the tag in one request, not read them back first (under the
        // flavor they declare, as copyGraphs stored them; a layout's tag takes it from what it stores).
        const bytes = await src.fetchBytes(plain, options);
        await dst.pushManifest(asDocumentSays(plain, bytes), bytes, tag, options);
      } else {
        await dst.tag(plain, tag, options);
      }
    }
  }
  return result;
}
