import type { Descriptor } from '../descriptor';
import { inOrder } from '../inOrder';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import type { CosignTagLookup } from '../referrers/cosignTags';
import type { ReadOnlyTarget } from '../target';
import { cosignTagsToCopy, type CosignTagToCopy } from './cosignTagCopy';
import { successors } from './successors';

/** What a copy with referrers carries beside its roots. */
export interface ReferrerWalk {
  /** The referrers of every manifest under the roots, recursively (the roots themselves not among them). */
  referrers: Descriptor[];
  /** What cosign's tags name for each of those manifests, walked the same way. */
  cosign: CosignTagToCopy[];
}

/** Manifests looked at, at a time (a registry answers each listing a round trip later). */
const AT_ONCE = 8;

/**
 * The referrers and cosign-tagged manifests a copy with referrers carries for `roots`, found by reading the source
 * only: each index's children, each manifest's referrers and cosign tags, and theirs in turn, level by level (the
 * same order on every run). `manifest` reads a manifest's bytes (a plan's cache); only indexes are read.
 */
export async function walkReferrers(
  source: ReadOnlyTarget,
  roots: readonly Descriptor[],
  options: { signal?: AbortSignal; cosignTags: CosignTagLookup; manifest?: (d: Descriptor) => Promise<Buffer> },
): Promise<ReferrerWalk> {
  const op = { signal: options.signal };
  const manifest = options.manifest ?? ((d: Descriptor) => source.fetchBytes(d, op));
  const out: ReferrerWalk = { referrers: [], cosign: [] };
  const seen = new Set<string>();
  let level: readonly Descriptor[] = roots;
  while (level.length > 0) {
    const fresh = level.filter((d) => isManifestMediaType(d.mediaType) && !seen.has(d.digest) && seen.add(d.digest));
    const found = await inOrder(fresh, { atOnce: AT_ONCE, signal: options.signal }, async (d) => {
      const children = isImageIndex(d.mediaType) ? successors(d, await manifest(d)).filter((c) => isManifestMediaType(c.mediaType)) : [];
      const refs: Descriptor[] = [];
      for await (const r of source.referrers(d, op)) refs.push(r);
      return { children, refs, tagged: await cosignTagsToCopy(options.cosignTags, d.digest) };
    });
    const next: Descriptor[] = [];
    for (const { children, refs, tagged } of found) {
      for (const r of refs) if (!out.referrers.some((f) => f.digest === r.digest) && !roots.some((x) => x.digest === r.digest)) out.referrers.push(r);
      for (const t of tagged) if (!out.cosign.some((c) => c.tag === t.tag)) out.cosign.push(t);
      next.push(...children, ...refs, ...tagged.map((t) => t.desc));
    }
    level = next;
  }
  return out;
}
