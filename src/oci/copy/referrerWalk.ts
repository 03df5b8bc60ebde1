import type { Descriptor } from '../descriptor';
import { inOrder } from '../inOrder';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import type { CosignTagLookup } from '../referrers/cosignTags';
import type { ReadOnlyTarget } from '../target';
import { cosignTagsToCopy, type CosignTagToCopy } from './cosignTagCopy';
import type { ReferrerFilter } from './referrerFilter';
import { successors } from './successors';

/** What a copy with referrers carries beside its roots. */
export interface ReferrerWalk {
  /** The referrers of every manifest under the roots, recursively (the roots themselves not among them). */
  referrers: Descriptor[];
  /** What cosign's tags name for each of those manifests, walked the same way. */
  cosign: CosignTagToCopy[];
  /** With `only`: the referrers and cosign tags it left (what is below them is not looked at). */
  left: Array<{ desc: Descriptor; tag?: string }>;
}

/**
 * Each manifest's referrers at the source, listed once and kept for as long as whoever holds this: a plan and the copy
 * it checks (copyTags: each tag's plan, the cosign check, then the referrers pass) walk the same graph; the source does
 * not change under them, and the copy then carries exactly what the plan checked.
 */
export class ReferrerListings {
  private readonly kept = new Map<string, Promise<Descriptor[]>>();

  constructor(private readonly source: ReadOnlyTarget) {}

  list(desc: Descriptor, options: { signal?: AbortSignal } = {}): Promise<Descriptor[]> {
    let p = this.kept.get(desc.digest);
    if (!p) {
      p = (async () => {
        const refs: Descriptor[] = [];
        for await (const r of this.source.referrers(desc, options)) refs.push(r);
        return refs;
      })();
      this.kept.set(desc.digest, p);
      // A listing that failed (cut short, a registry's 5xx) is asked again next time.
      const kept = p;
      p.catch(() => (this.kept.get(desc.digest) === kept ? this.kept.delete(desc.digest) : undefined));
    }
    return p;
  }
}

/** Manifests looked at, at a time (a registry answers each listing a round trip later). */
const AT_ONCE = 8;

/** What walkReferrers found on one manifest (each referrer and cosign tag once, where first found). */
export type WalkFound = (subject: Descriptor, referrers: readonly Descriptor[], cosign: readonly CosignTagToCopy[]) => void;

/**
 * The referrers and cosign-tagged manifests a copy with referrers carries for `roots`, found by reading the source
 * only: each index's children, each manifest's referrers and cosign tags, and theirs in turn, level by level (the
 * same order on every run). `manifest` reads a manifest's bytes (a plan's cache); only indexes are read. With `only`,
 * just the referrers it keeps (and theirs, kept alike). `found`: told, level by level, what each manifest brought.
 * `most`: no level is begun once that many referrers and cosign tags are found (a question before a copy counts
 * them; a copy walks all).
 */
export async function walkReferrers(
  source: ReadOnlyTarget,
  roots: readonly Descriptor[],
  options: {
    signal?: AbortSignal;
    cosignTags: CosignTagLookup;
    manifest?: (d: Descriptor) => Promise<Buffer>;
    listings?: ReferrerListings;
    only?: ReferrerFilter;
    found?: WalkFound;
    most?: number;
  },
): Promise<ReferrerWalk> {
  const op = { signal: options.signal };
  const manifest = options.manifest ?? ((d: Descriptor) => source.fetchBytes(d, op));
  const listings = options.listings ?? new ReferrerListings(source);
  const out: ReferrerWalk = { referrers: [], cosign: [], left: [] };
  const seen = new Set<string>();
  let level: readonly Descriptor[] = roots;
  while (level.length > 0) {
    const fresh = level.filter((d) => isManifestMediaType(d.mediaType) && !seen.has(d.digest) && seen.add(d.digest));
    const found = await inOrder(fresh, { atOnce: AT_ONCE, signal: options.signal }, async (d) => {
      const children = isImageIndex(d.mediaType) ? successors(d, await manifest(d)).filter((c) => isManifestMediaType(c.mediaType)) : [];
      const [listed, named] = await Promise.all([listings.list(d, op), cosignTagsToCopy(options.cosignTags, d.digest)]);
      const only = options.only;
      if (!only) return { children, refs: listed, tagged: named, left: [] };
      // Told which to carry: the rest are left, and what refers to them is never reached.
      const [keepRefs, keepTagged] = await Promise.all([Promise.all(listed.map((r) => only.keeps(source, r, op))), Promise.all(named.map((t) => only.keeps(source, t.desc, { ...op, tag: t.tag })))]);
      const left = [...listed.filter((_, i) => !keepRefs[i]).map((desc) => ({ desc })), ...named.filter((_, i) => !keepTagged[i]).map((t) => ({ desc: t.desc, tag: t.tag }))];
      return { children, refs: listed.filter((_, i) => keepRefs[i]), tagged: named.filter((_, i) => keepTagged[i]), left };
    });
    const next: Descriptor[] = [];
    for (const [i, { children, refs, tagged, left }] of found.entries()) {
      for (const l of left) if (!out.left.some((f) => f.desc.digest === l.desc.digest)) out.left.push(l);
      const newRefs: Descriptor[] = [];
      const newTagged: CosignTagToCopy[] = [];
      for (const r of refs) {
        if (out.referrers.some((f) => f.digest === r.digest) || roots.some((x) => x.digest === r.digest)) continue;
        out.referrers.push(r);
        newRefs.push(r);
      }
      for (const t of tagged) {
        if (out.cosign.some((c) => c.tag === t.tag)) continue;
        out.cosign.push(t);
        newTagged.push(t);
      }
      if (newRefs.length + newTagged.length > 0) options.found?.(fresh[i]!, newRefs, newTagged);
      next.push(...children, ...refs, ...tagged.map((t) => t.desc));
    }
    level = options.most !== undefined && out.referrers.length + out.cosign.length >= options.most ? [] : next;
  }
  return out;
}
