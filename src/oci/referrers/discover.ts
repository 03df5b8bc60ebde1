import { bareDescriptor, type Descriptor, type Platform } from '../descriptor';
import { OciError } from '../errors';
import { isImageIndex } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { semaphore } from '../semaphore';
import { indexChildren, selectSubjectPlatform } from './subjects';
import { readDeclaredKind, withDocumentRead } from '../graph/declaredKind';

/** Referrers listings made at once: the registry client's own connection limit (8), so more would only queue. */
const LISTINGS_AT_ONCE = 8;

export interface DiscoverOptions extends OpOptions {
  /** Levels of referrers: 1 for direct referrers only; 0 or undefined for all (referrers of referrers...). */
  depth?: number;
  /** For an index, discover the referrers of every manifest below it too (nested indexes included). */
  recursive?: boolean;
  /** Only referrers of this artifact type (at every level, as oras filters). */
  artifactType?: string;
  /** Start from this platform's manifest of the index. */
  platform?: Platform;
}

/** A referrer, with its own referrers below it. */
export interface ReferrerNode {
  /** As the referrers listing gives it: media type, digest, size, artifact type, annotations. */
  desc: Descriptor;
  referrers: ReferrerNode[];
}

/** A manifest whose referrers were discovered: the reference itself, or (with `recursive`) one below it. */
export interface SubjectNode {
  /** As resolved, or as the parent index lists it (platform included). */
  desc: Descriptor;
  /** 1-based positions below the reference; [] for the reference itself. */
  position: number[];
  referrers: ReferrerNode[];
  /** With `recursive`, for an index: its children in index order; otherwise undefined. */
  manifests?: SubjectNode[];
  /** The root's listed type, when it is walked as the other kind its document declares (an index under an image type). */
  listedAs?: string;
}

/**
 * The referrers tree of a manifest, the way `oras discover` walks it, and with `recursive` the same for each
 * manifest below an index. A manifest met again (an index listing a child twice, two platforms sharing one image)
 * shows its referrers and children each time, read once; only a cycle (an index whose subject is its own child,
 * a referrer that refers back) ends where a manifest is met again inside itself, which then shows without them.
 */
export async function discover(target: ReadOnlyTarget, reference: string, options: DiscoverOptions = {}): Promise<SubjectNode> {
  const op: OpOptions = { signal: options.signal };
  const depth = options.depth ?? 0;
  if (!Number.isInteger(depth) || depth < 0) throw new OciError('INVALID_ARGUMENT', `depth ${depth}: should be a whole number, at least 1`);
  let root = await target.resolve(reference, op);
  let listedAs: string | undefined;
  if (options.platform) root = await selectSubjectPlatform(target, root, options.platform, op);
  else if (options.recursive) {
    // Walked by the kind its document declares (an index listed under an image type has children), read once.
    const read = await readDeclaredKind(target, root, op);
    root = read?.desc ?? root;
    listedAs = read?.listed;
    target = withDocumentRead(target, read);
  }
  // Each manifest's referrers are listed ahead, a few at a time, for the manifests the walk comes to next (an
  // index's children, a manifest's referrers): on a registry a listing is a round trip or more, and the walk below
  // goes one manifest after another, in its order. It takes each listing from here, so what it finds, and the
  // error it meets first, are the same. What is left unlisted when the walk ends is stopped.
  const ahead = new AbortController();
  const aheadOp: OpOptions & { artifactType?: string } = { signal: options.signal ? AbortSignal.any([options.signal, ahead.signal]) : ahead.signal, artifactType: options.artifactType };
  const limit = semaphore(LISTINGS_AT_ONCE);
  const listings = new Map<string, Promise<Descriptor[]>>();
  // `level` is the listing's level of referrers: those it finds are listed in turn while levels are left.
  const listing = (desc: Descriptor, level: number): Promise<Descriptor[]> => {
    let found = listings.get(desc.digest);
    if (!found) {
      found = limit(async () => {
        const out: Descriptor[] = [];
        for await (const r of target.referrers(bareDescriptor(desc), aheadOp)) out.push(r);
        return out;
      });
      found.then((listed) => deeper(level) && listAhead(listed, level + 1)).catch(() => {}); // an error is the walk's when it comes to it; one it never comes to is only stopped
      listings.set(desc.digest, found);
    }
    return found;
  };
  const deeper = (level: number) => depth === 0 || level < depth;
  const listAhead = (descs: readonly Descriptor[], level: number) => {
    for (const d of descs) void listing(d, level);
  };

  // Read once per digest (and levels left), so a manifest met again costs nothing and shows the same referrers.
  const known = new Map<string, Promise<ReferrerNode[]>>();
  const childrenOf = new Map<string, Promise<Descriptor[]>>();
  // The manifests being expanded right now: meeting one of them again is a cycle.
  const open = new Set<string>();

  const referrersOf = (desc: Descriptor, level: number): Promise<ReferrerNode[]> => {
    if (open.has(desc.digest)) return Promise.resolve([]);
    const key = `${desc.digest} ${depth === 0 ? 0 : level}`;
    let found = known.get(key);
    if (!found) {
      found = (async () => {
        open.add(desc.digest);
        try {
          const listed = await listing(desc, level);
          const out: ReferrerNode[] = [];
          for (const r of listed) out.push({ desc: r, referrers: deeper(level) ? await referrersOf(r, level + 1) : [] });
          return out;
        } finally {
          open.delete(desc.digest);
        }
      })();
      known.set(key, found);
    }
    return found;
  };

  const visit = async (desc: Descriptor, position: number[], above: ReadonlySet<string>): Promise<SubjectNode> => {
    const node: SubjectNode = { desc, position, referrers: await referrersOf(desc, 1) };
    if (options.recursive && isImageIndex(desc.mediaType) && !above.has(desc.digest)) {
      let children = childrenOf.get(desc.digest);
      if (!children) childrenOf.set(desc.digest, (children = indexChildren(target, desc, op)));
      const list = await children;
      listAhead(list, 1);
      const path = new Set(above).add(desc.digest);
      node.manifests = [];
      for (let i = 0; i < list.length; i++) node.manifests.push(await visit(list[i]!, [...position, i + 1], path));
    }
    return node;
  };
  try {
    const node = await visit(root, [], new Set());
    return listedAs ? { ...node, listedAs } : node;
  } finally {
    ahead.abort();
  }
}

/** Every referrer in the tree, depth first. */
export function* allReferrers(node: SubjectNode | ReferrerNode): Iterable<ReferrerNode> {
  for (const r of node.referrers) {
    yield r;
    yield* allReferrers(r);
  }
}

/** The subject and every manifest below it, depth first. */
export function* allSubjects(node: SubjectNode): Iterable<SubjectNode> {
  yield node;
  for (const child of node.manifests ?? []) yield* allSubjects(child);
}
