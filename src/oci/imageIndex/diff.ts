import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { readManifestContent } from '../graph/manifestContent';
import { inOrder } from '../inOrder';
import { isConfigMediaType } from '../mediaType';
import { formatPlatform } from '../platform';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { DOCKER_REFERENCE_TYPE, splitIndexChildren } from '../referrers/dockerReferences';

/**
 * Index diff: what changed between two image indexes (two releases of a multi-arch image). Two halves:
 * `fetchIndexGraph` reads what a comparison needs through a ReadOnlyTarget (the index, each child's manifest and
 * config, the artifact types of the referrers of the index and of each child), and `diffIndexGraphs` is a pure
 * function of two such graphs, so any face (the CLI, the extension's side-by-side view) can show the result.
 */

/** Children read at once: the registry client's own connection limit, so more would only queue. */
const CHILDREN_AT_ONCE = 8;

/** What a comparison knows about one child of an index. */
export interface IndexGraphChild {
  /** `os/arch[/variant][:os.version]`, `none` without a platform; a repeated key gets ` #2`, ` #3`, ... in index order. */
  key: string;
  digest: string;
  mediaType: string;
  size: number;
  /** For an image manifest (a manifest with an image config): its config's `created` (null when absent), layer count and total layer size (bytes, as the descriptors say); null for anything else. */
  image: { created: string | null; layers: number; size: number } | null;
  /** Artifact types of the manifests whose subject is this child, sorted, each once. */
  referrers: string[];
}

export interface IndexGraph {
  /** How the user named it, for messages. */
  reference: string;
  digest: string;
  annotations: Record<string, string>;
  /** Artifact types of the referrers of the index itself, sorted, each once. */
  referrers: string[];
  children: IndexGraphChild[];
}

export interface ValueChange<T> {
  a: T;
  b: T;
}

export interface ChangedPlatform {
  key: string;
  a: IndexGraphChild;
  b: IndexGraphChild;
  /** Each null when that aspect is the same (or, for the image fields, when either side is not an image). */
  digest: ValueChange<string> | null;
  created: ValueChange<string | null> | null;
  layers: ValueChange<number> | null;
  size: ValueChange<number> | null;
  referrersGained: string[];
  referrersLost: string[];
}

export interface IndexDiff {
  a: { reference: string; digest: string };
  b: { reference: string; digest: string };
  /** No platform, annotation or referrer difference (the digests may still differ, e.g. by child order). */
  same: boolean;
  platforms: { added: IndexGraphChild[]; removed: IndexGraphChild[]; changed: ChangedPlatform[] };
  annotations: { added: Record<string, string>; removed: Record<string, string>; changed: Record<string, ValueChange<string>> };
  referrers: { gained: string[]; lost: string[] };
}

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Pure: the differences from `a` to `b`, every list sorted (platforms by key, annotations by key). */
export function diffIndexGraphs(a: IndexGraph, b: IndexGraph): IndexDiff {
  const byKey = (g: IndexGraph) => new Map(g.children.map((c) => [c.key, c]));
  const ka = byKey(a);
  const kb = byKey(b);
  const added = b.children.filter((c) => !ka.has(c.key)).sort((x, y) => compare(x.key, y.key));
  const removed = a.children.filter((c) => !kb.has(c.key)).sort((x, y) => compare(x.key, y.key));
  const changed: ChangedPlatform[] = [];
  for (const ca of [...a.children].sort((x, y) => compare(x.key, y.key))) {
    const cb = kb.get(ca.key);
    if (!cb) continue;
    const images = ca.image && cb.image ? { a: ca.image, b: cb.image } : undefined;
    const change: ChangedPlatform = {
      key: ca.key,
      a: ca,
      b: cb,
      digest: ca.digest !== cb.digest ? { a: ca.digest, b: cb.digest } : null,
      created: images && images.a.created !== images.b.created ? { a: images.a.created, b: images.b.created } : null,
      layers: images && images.a.layers !== images.b.layers ? { a: images.a.layers, b: images.b.layers } : null,
      size: images && images.a.size !== images.b.size ? { a: images.a.size, b: images.b.size } : null,
      referrersGained: cb.referrers.filter((t) => !ca.referrers.includes(t)),
      referrersLost: ca.referrers.filter((t) => !cb.referrers.includes(t)),
    };
    if (change.digest || change.referrersGained.length || change.referrersLost.length) changed.push(change);
  }
  const annotations: IndexDiff['annotations'] = { added: {}, removed: {}, changed: {} };
  for (const key of Object.keys({ ...a.annotations, ...b.annotations }).sort(compare)) {
    const va = a.annotations[key];
    const vb = b.annotations[key];
    if (va === undefined && vb !== undefined) annotations.added[key] = vb;
    else if (va !== undefined && vb === undefined) annotations.removed[key] = va;
    else if (va !== vb) annotations.changed[key] = { a: va!, b: vb! };
  }
  const referrers = { gained: b.referrers.filter((t) => !a.referrers.includes(t)), lost: a.referrers.filter((t) => !b.referrers.includes(t)) };
  const same =
    added.length + removed.length + changed.length + referrers.gained.length + referrers.lost.length === 0 &&
    Object.keys(annotations.added).length + Object.keys(annotations.removed).length + Object.keys(annotations.changed).length === 0;
  return {
    a: { reference: a.reference, digest: a.digest },
    b: { reference: b.reference, digest: b.digest },
    same,
    platforms: { added, removed, changed },
    annotations,
    referrers,
  };
}

/**
 * Reads an index and what a diff needs of it. `desc` must be an index: anything else is an INVALID_ARGUMENT
 * error naming `reference`. Children are read CHILDREN_AT_ONCE at a time.
 */
export async function fetchIndexGraph(target: ReadOnlyTarget, desc: Descriptor, reference: string, options: OpOptions = {}): Promise<IndexGraph> {
  const index = await readManifestContent(target, desc, options);
  if (index.kind !== 'index') {
    throw new OciError('INVALID_ARGUMENT', `${reference}: not an index (${index.mediaType ?? desc.mediaType}); index diff compares two indexes`);
  }
  // A buildx attestation (or other docker reference) entry is no platform: it counts as a referrer of the entry it
  // names, as `vnd.docker.reference.type=attestation-manifest`.
  const { platforms, references } = splitIndexChildren(index.manifests);
  // On a registry each child is three round trips (manifest, config, referrers): a few children at a time.
  const facts = await inOrder(platforms, { atOnce: CHILDREN_AT_ONCE, signal: options.signal }, async ({ desc: child }, signal) => ({
    image: await imageFacts(target, child, { ...options, signal }),
    referrers: await referrerTypes(target, child, { ...options, signal }),
  }));
  const seen = new Map<string, number>();
  const children: IndexGraphChild[] = [];
  for (const [i, { desc: child }] of platforms.entries()) {
    const base = child.platform ? formatPlatform(child.platform) : 'none';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const entry: IndexGraphChild = {
      key: n === 1 ? base : `${base} #${n}`,
      digest: child.digest,
      mediaType: child.mediaType,
      size: child.size,
      image: facts[i]!.image,
      referrers: [...new Set([...facts[i]!.referrers, ...(references.get(child.digest) ?? []).map(dockerReferenceType)])].sort(compare),
    };
    children.push(entry);
  }
  return { reference, digest: desc.digest, annotations: { ...(index.annotations ?? {}) }, referrers: await referrerTypes(target, desc, options), children };
}

async function imageFacts(target: ReadOnlyTarget, child: Descriptor, options: OpOptions): Promise<IndexGraphChild['image']> {
  // A child that cannot be read (a platform left out of a partial copy) is compared by digest alone.
  const content = await readManifestContent(target, child, options).catch(() => undefined);
  if (!content || content.kind !== 'manifest' || !content.config || !isConfigMediaType(content.config.mediaType) || content.artifactType) return null;
  const facts: NonNullable<IndexGraphChild['image']> = { created: null, layers: content.layers.length, size: content.layers.reduce((sum, l) => sum + l.size, 0) };
  try {
    const config = JSON.parse((await target.fetchBytes(content.config, options)).toString('utf8')) as { created?: unknown };
    if (typeof config.created === 'string') facts.created = config.created;
  } catch {
    // No config to read: created stays unknown.
  }
  return facts;
}

/** How a docker reference entry is listed among its platform's referrers. */
const dockerReferenceType = (entry: Descriptor) => `${DOCKER_REFERENCE_TYPE}=${entry.annotations![DOCKER_REFERENCE_TYPE]}`;

async function referrerTypes(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions): Promise<string[]> {
  const types = new Set<string>();
  for await (const r of target.referrers({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, options)) types.add(r.artifactType ?? r.mediaType);
  return [...types].sort(compare);
}
