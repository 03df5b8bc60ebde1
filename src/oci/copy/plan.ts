import { bareDescriptor, type Descriptor } from '../descriptor';
import { isManifestMediaType } from '../mediaType';
import { isManifestChecker, type OpOptions, type ReadOnlyTarget } from '../target';
import type { CopyOptions } from './copy';
import { resolveCopyRoot, type IndexSubset } from './platformSubset';
import { successors } from './successors';
import { asDocumentSays } from './documentMediaType';
import { checkTag } from '../reference';
import { inOrder } from '../inOrder';
import { checkCosignTagAt, type CosignTagAt, type CosignTagToCopy } from './cosignTagCopy';
import { walkReferrers } from './referrerWalk';
import { CosignTagLookup } from '../referrers/cosignTags';

export interface PlannedItem {
  desc: Descriptor;
  kind: 'manifest' | 'blob';
}

/** What `copy` would do, found by reading both sides only. */
export interface CopyPlan {
  /** What the tags would name. */
  root: Descriptor;
  subset?: IndexSubset;
  split?: Array<{ desc: Descriptor; tags: string[] }>;
  /** Missing at the destination, in the order they are found (parents before what they hold). */
  copy: PlannedItem[];
  /** At the destination already (a manifest there is taken to have its graph there too, as the copy does). */
  existing: PlannedItem[];
  /** With `referrers`: those found under the root (they are in `copy` or `existing` too). */
  referrers: Descriptor[];
  /** With `only`: the referrers (and cosign's tags, with `tag`) it leaves behind. */
  referrersLeft: Array<{ desc: Descriptor; tag?: string }>;
  /** Each tag to set and what it names at the destination now. */
  tags: Array<{ tag: string; digest: string; current?: string }>;
  /** With `referrers`: cosign's tags (`sha256-<hex>.sig`, ...) found for what is copied, set alike at the destination. */
  cosignTags: CosignTagAt[];
  bytesToCopy: number;
  bytesExisting: number;
}

/**
 * What the plan asks of the destination: a layout not made yet answers that nothing is there. (`fetchBytes` reads a
 * cosign tag's manifest there, to see whether the copy may point the tag elsewhere: checkCosignTagAt.)
 */
export type PlanDestination = Pick<ReadOnlyTarget, 'exists' | 'resolve' | 'fetchBytes'>;

/** Checks at a time against the destination (a registry answers HEADs quickly; a layout stats files). */
const CHECKS_AT_A_TIME = 8;

/**
 * The plan of `copy(src, srcReference, dst, tags, options)` without writing anything: the same root (platforms
 * picked, an index rewritten in memory), the same walk (a manifest at the destination stops it, except that
 * with `referrers` the source's children are still searched for referrers), and what each tag names now. A tag
 * or a manifest the copy would refuse fails the plan with the copy's error.
 */
export async function planCopy(src: ReadOnlyTarget, srcReference: string, dst: PlanDestination, tags: readonly string[], options: CopyOptions = {}): Promise<CopyPlan> {
  const what = await resolveCopyRoot(src, srcReference, tags, options);
  const source = what.source;
  const roots = what.split ? what.split.map((s) => s.desc) : [what.root];
  const tagged = what.split ? what.split.flatMap((s) => s.tags.map((tag) => ({ tag, digest: s.desc.digest }))) : tags.map((tag) => ({ tag, digest: what.root.digest }));
  for (const t of tagged) checkTag(t.tag);
  const op: OpOptions = { signal: options.signal };
  const plan: CopyPlan = { root: what.root, copy: [], existing: [], referrers: [], referrersLeft: [], tags: [], cosignTags: [], bytesToCopy: 0, bytesExisting: 0 };
  if (what.subset) plan.subset = what.subset;
  if (what.split) plan.split = what.split;

  const manifests = new Map<string, Promise<Buffer>>();
  const manifest = (d: Descriptor) => {
    let p = manifests.get(d.digest);
    if (!p) manifests.set(d.digest, (p = source.fetchBytes(d, op)));
    return p;
  };

  let cosign: CosignTagToCopy[] = [];
  if (options.referrers) {
    const found = await walkReferrers(source, roots, { signal: options.signal, cosignTags: options.cosignTags ?? new CosignTagLookup(source, op), manifest, listings: options.referrerListings, ...(options.only ? { only: options.only } : {}) });
    plan.referrers = found.referrers;
    plan.referrersLeft = found.left;
    cosign = found.cosign;
  }

  const visited = new Set<string>();
  // A cosign tag's manifest, as a root, is known by a resolve's answer: stored under the flavor its document declares.
  const rootDigests = new Set([...roots, ...cosign.map((t) => t.desc)].map((r) => r.digest));
  let level = [...roots.map(bareDescriptor), ...plan.referrers, ...cosign.map((t) => t.desc)];
  while (level.length > 0) {
    const fresh = level.filter((d) => !visited.has(d.digest) && visited.add(d.digest));
    // Results kept in the order of `fresh`, so the plan reads the same on every run.
    const checked = await inOrder(fresh, { atOnce: CHECKS_AT_A_TIME, signal: options.signal }, async (d) => {
      const item: PlannedItem = { desc: d, kind: isManifestMediaType(d.mediaType) ? 'manifest' : 'blob' };
      const there = await dst.exists(d, op);
      // A root there already is still shown under the flavor its document declares: the copy tags it so (a
      // layout's tag lists what it stores; a registry's tag is pushed as the document says). Unreadable at the
      // source, it is as listed: a copy into a layout tags it without reading it, so the plan does not fail.
      if (there && item.kind === 'manifest' && rootDigests.has(d.digest)) {
        const bytes = await manifest(d).catch(() => options.signal?.throwIfAborted());
        if (bytes) item.desc = asDocumentSays(d, bytes);
      }
      if (there || item.kind !== 'manifest') return { item, there, below: [] };
      // Checked as the copy checks it before it sends anything: a manifest it would refuse fails the plan too.
      const bytes = await manifest(d);
      const below = successors(d, bytes);
      // A root under the flavor its document declares, as the copy stores it.
      if (rootDigests.has(d.digest)) item.desc = asDocumentSays(d, bytes);
      if (isManifestChecker(dst)) dst.checkManifest(item.desc, bytes);
      return { item, there, below };
    });
    level = [];
    for (const { item, there, below } of checked) {
      (there ? plan.existing : plan.copy).push(item);
      if (there) plan.bytesExisting += item.desc.size;
      else plan.bytesToCopy += item.desc.size;
      level.push(...below);
    }
  }
  // The root, read (to copy, or there already): shown under the flavor its document declares, as it is stored.
  const read = what.split ? undefined : [...plan.copy, ...plan.existing].find((i) => i.desc.digest === plan.root.digest);
  if (read) plan.root = { ...plan.root, mediaType: read.desc.mediaType };
  for (const t of tagged) {
    const current = await dst.resolve(t.tag, op).then((d) => d.digest, () => undefined);
    plan.tags.push(current ? { ...t, current } : t);
  }
  // The copy's refusal of a cosign tag it would point elsewhere fails the plan too.
  plan.cosignTags = await inOrder(cosign, { atOnce: CHECKS_AT_A_TIME, signal: options.signal }, (t) => checkCosignTagAt(source, dst, t, op));
  return plan;
}
