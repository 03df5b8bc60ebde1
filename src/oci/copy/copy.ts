import type { Descriptor, Platform } from '../descriptor';
import { isTagPusher, type ReadOnlyTarget, type Target } from '../target';
import type { PlatformPattern } from '../platformPattern';
import { copyGraph, type CopyGraphOptions, type CopyGraphResult } from './copyGraph';
import { resolveCopyRoot, type IndexSubset } from './platformSubset';

export interface CopyOptions extends CopyGraphOptions {
  /** From an index, copy only this platform's manifest (and, with `referrers`, its referrers). */
  platform?: Platform;
  /**
   * From an index, the platforms these pick (see platformPattern.ts): one picked is copied as itself (as
   * `platform`); several are copied under a new index that lists only them, or alone with `splitPlatforms`.
   */
  platforms?: readonly PlatformPattern[];
  /** With several platforms picked: copy each alone, tagged `TAG-os-arch[-variant]`, and no index. */
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
 * `tags` at it at the destination. Returns what was copied, root descriptor included.
 */
export async function copy(src: ReadOnlyTarget, srcReference: string, dst: Target, tags: readonly string[], options: CopyOptions = {}): Promise<CopyResult> {
  const what = await resolveCopyRoot(src, srcReference, tags, options);
  if (what.split) {
    const total: CopyResult = { root: what.root, copied: 0, existing: 0, bytes: 0, referrers: [], split: [] };
    for (const part of what.split) {
      const r = await copyTagged(src, part.desc, dst, part.tags, options);
      total.copied += r.copied;
      total.existing += r.existing;
      total.bytes += r.bytes;
      total.referrers.push(...r.referrers);
      total.split!.push(part);
    }
    return total;
  }
  const result = await copyTagged(what.source, what.root, dst, tags, options);
  return what.subset ? { ...result, subset: what.subset } : result;
}

async function copyTagged(src: ReadOnlyTarget, root: Descriptor, dst: Target, tags: readonly string[], options: CopyGraphOptions): Promise<CopyGraphResult> {
  // The root is stored by digest by copyGraph; a descriptor from an index carries a platform, kept out of the tag entry.
  const plain: Descriptor = { mediaType: root.mediaType, digest: root.digest, size: root.size };
  // Asked beside the graph's own existence checks (no extra round trip): a tag that already names the
  // root is not stored again, so copying what is there already writes nothing.
  const current = isTagPusher(dst) ? tags.map((tag) => dst.resolve(tag, options).then((d) => d.digest, () => undefined)) : [];
  const result = await copyGraph(src, dst, plain, options);
  for (const [i, tag] of tags.entries()) {
    if (isTagPusher(dst)) {
      if ((await current[i]) === plain.digest) continue;
      // The bytes are at hand: store them under the tag in one request, not read them back first.
      const bytes = await src.fetchBytes(plain, options);
      await dst.pushManifest(plain, bytes, tag, options);
    } else {
      await dst.tag(plain, tag, options);
    }
  }
  return result;
}
