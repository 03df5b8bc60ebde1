import type { Descriptor, Platform } from '../descriptor';
import { isTagPusher, type ReadOnlyTarget, type Target } from '../target';
import { selectPlatform } from '../selectPlatform';
import { copyGraph, type CopyGraphOptions, type CopyGraphResult } from './copyGraph';

export interface CopyOptions extends CopyGraphOptions {
  /** From an index, copy only this platform's manifest (and, with `referrers`, its referrers). */
  platform?: Platform;
}

/**
 * `oras cp`: resolves `srcReference`, picks the platform's child when asked, copies its graph, then
 * points each of `tags` at it at the destination. Returns what was copied, root descriptor included.
 */
export async function copy(src: ReadOnlyTarget, srcReference: string, dst: Target, tags: readonly string[], options: CopyOptions = {}): Promise<CopyGraphResult> {
  let root: Descriptor = await src.resolve(srcReference, options);
  if (options.platform) root = await selectPlatform(src, root, options.platform, options);
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
