import type { Descriptor, ImageIndex, ImageManifest, Platform } from './descriptor';
import { OciError } from './errors';
import { isImageIndex } from './mediaType';
import { platformFromConfig } from './graph/childDescriptor';
import { readDeclaredKind, withDocumentRead } from './graph/declaredKind';
import { formatPlatform, shownPlatform } from './platform';
import { type PlatformPattern, platformList, platformPatternMatches, selectPlatformChildren } from './platformPattern';
import type { OpOptions, ReadOnlyTarget } from './target';
import { parseJsonObject, usableChild } from './validate';

/** What `--platform` values pick under a reference. */
export interface PlatformSelection {
  /** The index the children come from (undefined when the reference is an image). */
  index?: { desc: Descriptor; doc: ImageIndex; bytes: Buffer };
  /** The manifests picked, in the index's order; for an image, the image itself. */
  children: Descriptor[];
  /** The type the reference was listed by, when its document declares the other kind (it is acted on as declared). */
  listedAs?: string;
}

/**
 * The children of the index `desc` the patterns pick (each must pick one; the error lists the index's
 * platforms), or, for an image, the image itself unless its descriptor names a platform no pattern matches.
 */
export async function selectPlatforms(target: ReadOnlyTarget, desc: Descriptor, patterns: readonly PlatformPattern[], options: OpOptions = {}): Promise<PlatformSelection> {
  // The document says which kind it is: an index listed under an image type is picked from, an image listed under
  // an index type is the image (readDeclaredKind; the entry's type is check's to report).
  const read = await readDeclaredKind(target, desc, options);
  const declared = read?.desc ?? desc;
  if (!isImageIndex(declared.mediaType)) {
    if (declared.platform && !patterns.some((p) => platformPatternMatches(p, declared.platform))) {
      throw new OciError('NOT_FOUND', `${declared.digest} is ${shownPlatform(declared.platform)}, not ${patterns.map((p) => p.text).join(', ')}`);
    }
    return { children: [declared], ...(read?.listed ? { listedAs: read.listed } : {}) };
  }
  const { bytes } = read!;
  const doc = read!.doc as unknown as ImageIndex;
  const children = Array.isArray(doc.manifests) ? doc.manifests : [];
  const picked = selectPlatformChildren(children, patterns, declared.digest).map((c) => usableChild(declared.digest, children, children.indexOf(c)));
  return { index: { desc: declared, doc, bytes }, children: picked, ...(read!.listed ? { listedAs: read!.listed } : {}) };
}

/** For commands that act on one manifest (manifest fetch, pull): the patterns must pick exactly one. */
export async function selectOnePlatform(
  target: ReadOnlyTarget,
  desc: Descriptor,
  patterns: readonly PlatformPattern[],
  options: OpOptions & { onListedAs?: (listed: string, declared: string) => void } = {},
): Promise<Descriptor> {
  const { children, listedAs, index } = await selectPlatforms(target, desc, patterns, options);
  if (listedAs) options.onListedAs?.(listedAs, index?.desc.mediaType ?? children[0]!.mediaType);
  if (children.length > 1) {
    const which = patterns.map((p) => p.text).join(', ');
    throw new OciError('INVALID_ARGUMENT', `platform ${which} matches ${children.length} manifests in the index ${desc.digest} (${platformList(children).join(', ')}); name one of them`);
  }
  return children[0]!;
}

/**
 * The platforms the patterns stand for under `root`, for an operation that takes platforms (attach): exact
 * values as given (the operation picks and checks them, as before), each wildcard replaced by the platforms of
 * the index's children it matches, or for an image by the platform its config declares. A wildcard that
 * matches nothing is refused, naming what there is.
 */
export async function expandPlatformPatterns(target: ReadOnlyTarget, root: Descriptor, patterns: readonly PlatformPattern[], options: OpOptions = {}): Promise<Platform[]> {
  const out: Platform[] = [];
  const add = (p: Platform) => {
    if (!out.some((q) => formatPlatform(q) === formatPlatform(p))) out.push(p);
  };
  const wild = patterns.filter((p) => !p.exact);
  for (const p of patterns) if (p.exact) add(p.exact);
  if (wild.length === 0) return out;
  // The kind is the document's, read once (readDeclaredKind), as selectPlatforms takes it.
  const read = await readDeclaredKind(target, root, options);
  if (isImageIndex((read?.desc ?? root).mediaType)) {
    for (const child of (await selectPlatforms(withDocumentRead(target, read), root, wild, options)).children) add(child.platform!);
    return out;
  }
  root = read?.desc ?? root;
  const manifest = (read?.doc ?? parseJsonObject(read?.bytes ?? (await target.fetchBytes(root, options)), `manifest ${root.digest}`)) as unknown as ImageManifest;
  const own = await platformFromConfig(target, manifest, options).catch(() => undefined);
  const unmatched = wild.filter((p) => !platformPatternMatches(p, own));
  if (unmatched.length > 0) {
    throw new OciError('NOT_FOUND', `${root.digest} is not an index and is ${own ? shownPlatform(own) : 'of no declared platform'}, not ${unmatched.map((p) => p.text).join(', ')}`);
  }
  add(own!);
  return out;
}
