import type { Descriptor, Platform } from '../descriptor';
import { OciError } from '../errors';
import { isImageIndex } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { indexChildren, selectSubjectPlatform } from './subjects';

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
  if (options.platform) root = await selectSubjectPlatform(target, root, options.platform, op);
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
          const out: ReferrerNode[] = [];
          for await (const r of target.referrers(plain(desc), { ...op, artifactType: options.artifactType })) {
            out.push({ desc: r, referrers: depth === 0 || level < depth ? await referrersOf(r, level + 1) : [] });
          }
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
      const path = new Set(above).add(desc.digest);
      node.manifests = [];
      for (let i = 0; i < list.length; i++) node.manifests.push(await visit(list[i]!, [...position, i + 1], path));
    }
    return node;
  };
  return visit(root, [], new Set());
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

function plain(desc: Descriptor): Descriptor {
  return { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
}
