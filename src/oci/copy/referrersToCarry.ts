import type { Descriptor } from '../descriptor';
import { inOrder } from '../inOrder';
import { CosignTagLookup } from '../referrers/cosignTags';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { ReferrerListings, walkReferrers } from './referrerWalk';

/** A referrer a copy with referrers would carry, and where it hangs. */
export interface ReferrerToCarry {
  desc: Descriptor;
  /** cosign's tag that names it (`sha256-<hex>.sig`), when found that way rather than listed as a referrer. */
  tag?: string;
  /** On the root itself; on a manifest below it (an index's platforms, at any depth); or on another referrer. */
  on: 'own' | 'platform' | 'referrer';
}

/** Roots walked at a time (each walk looks at eight manifests at a time itself). */
const ROOTS_AT_ONCE = 2;

/**
 * For each of `roots`, the referrers a copy with referrers carries (copy, copyTags, `cp -r`: the same walk, cosign's
 * tags too): what a question asked before such a copy counts and names. Bounded: a root's walk begins no level once
 * `most` are found for it, and at most `most` are returned per root. Reads only (indexes, referrer listings, cosign's
 * tags), each manifest's listing once for all the roots.
 */
export async function referrersToCarry(
  source: ReadOnlyTarget,
  roots: readonly Descriptor[],
  options: OpOptions & { most: number },
): Promise<ReferrerToCarry[][]> {
  const cosignTags = new CosignTagLookup(source, { signal: options.signal });
  const listings = new ReferrerListings(source);
  return inOrder(roots, { atOnce: ROOTS_AT_ONCE, signal: options.signal }, async (root, signal) => {
    const out: ReferrerToCarry[] = [];
    // The walk goes level by level: a manifest is reached, as a referrer or not, before its own are listed.
    const referrers = new Set<string>();
    await walkReferrers(source, [root], {
      signal,
      cosignTags,
      listings,
      most: options.most,
      found: (subject, refs, tagged) => {
        const on = subject.digest === root.digest ? 'own' : referrers.has(subject.digest) ? 'referrer' : 'platform';
        for (const desc of refs) out.push({ desc, on });
        for (const t of tagged) out.push({ desc: t.desc, tag: t.tag, on });
        for (const f of [...refs, ...tagged.map((t) => t.desc)]) referrers.add(f.digest);
      },
    });
    return out.slice(0, options.most);
  });
}
