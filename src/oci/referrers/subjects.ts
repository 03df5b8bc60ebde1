import type { Descriptor, ImageIndex, ImageManifest, Platform } from '../descriptor';
import { OciError } from '../errors';
import { platformFromConfig } from '../graph/childDescriptor';
import { readDeclaredKind, withDocumentRead } from '../graph/declaredKind';
import { isImageIndex, isManifestMediaType, otherKindDeclared } from '../mediaType';
import { formatPlatform, platformMatches, shownPlatform } from '../platform';
import { selectPlatform } from '../selectPlatform';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { parseJsonObject, usableChild } from '../validate';
import { DOCKER_REFERENCE_DIGEST, isDockerReferenceEntry } from './dockerReferences';

/** A manifest in the tree below a subject: its descriptor as the parent index lists it, and where it sits. */
export interface SubjectEntry {
  desc: Descriptor;
  /** 1-based positions from the root: [] for the root, [2] for its second child, [2, 1] below that. */
  position: number[];
  /**
   * For a buildx attestation (docker reference) entry of an index: the digest of the sibling it describes. It is
   * metadata of that image, not a platform: nothing below it is walked, and attach --recursive skips it.
   */
  describes?: string;
}

/**
 * The children of an index that are manifests (or indexes), as it lists them. `usable`: each must be a descriptor
 * that can be written as a subject (attach), else the error names it; listings (discover, coverage) take them as listed.
 */
export async function indexChildren(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions = {}, usable = false): Promise<Descriptor[]> {
  const raw = await target.fetchBytes(desc, options);
  const doc = parseJsonObject(raw, `index ${desc.digest}`) as unknown as ImageIndex;
  if (!Array.isArray(doc.manifests)) {
    // An image manifest listed under an index type (check's blob-media-type-mismatch): said as such, not as a
    // damaged index.
    const own = otherKindDeclared(desc.mediaType, doc);
    if (own) throw new OciError('INVALID_MANIFEST', `${desc.digest} is listed as ${desc.mediaType}, but its document is an image manifest (it declares ${own}): it lists no manifests`);
    throw new OciError('INVALID_MANIFEST', `index ${desc.digest}: manifests: expected an array`);
  }
  const out: Descriptor[] = [];
  doc.manifests.forEach((d, i) => {
    if (d && typeof d.digest === 'string' && isManifestMediaType(d.mediaType)) out.push(usable ? usableChild(desc.digest, doc.manifests, i) : d);
  });
  return out;
}

/**
 * The root and every manifest below it (nested indexes too), root first, each digest once: an index that
 * lists a child twice still yields it once. A buildx attestation entry is listed with `describes` and not walked.
 */
export async function subjectTree(target: ReadOnlyTarget, root: Descriptor, options: OpOptions = {}): Promise<SubjectEntry[]> {
  // The root's kind is its document's (an index listed under an image type is walked; an image listed under an
  // index type is the image), read once.
  const read = await readDeclaredKind(target, root, options);
  root = read?.desc ?? root;
  target = withDocumentRead(target, read);
  const out: SubjectEntry[] = [];
  const seen = new Set<string>();
  const visit = async (desc: Descriptor, position: number[]): Promise<void> => {
    if (seen.has(desc.digest)) return;
    seen.add(desc.digest);
    // The root is what the user named: never taken for an attestation entry, even if its descriptor says so.
    if (position.length > 0 && isDockerReferenceEntry(desc)) {
      out.push({ desc, position, describes: desc.annotations![DOCKER_REFERENCE_DIGEST]! });
      return;
    }
    out.push({ desc, position });
    if (!isImageIndex(desc.mediaType)) return;
    const children = await indexChildren(target, desc, options, true);
    for (let i = 0; i < children.length; i++) await visit(children[i]!, [...position, i + 1]);
  };
  await visit(root, []);
  return out;
}

/**
 * The manifest of `platform` under `root`: a child of an index (the error names the platforms it has), or an
 * image whose config declares that platform.
 */
export async function selectSubjectPlatform(target: ReadOnlyTarget, root: Descriptor, platform: Platform, options: OpOptions = {}): Promise<Descriptor> {
  // The root's kind is its document's, read once (readDeclaredKind), as selectPlatform takes it.
  const read = await readDeclaredKind(target, root, options);
  if (isImageIndex((read?.desc ?? root).mediaType)) return selectPlatform(withDocumentRead(target, read), root, platform, options);
  root = read?.desc ?? root;
  const manifest = (read?.doc ?? parseJsonObject(read?.bytes ?? (await target.fetchBytes(root, options)), `manifest ${root.digest}`)) as unknown as ImageManifest;
  const own = await platformFromConfig(target, manifest, options).catch(() => undefined);
  if (!own) throw new OciError('NOT_FOUND', `${root.digest} is not an index and declares no platform, so it has no ${formatPlatform(platform)} manifest`);
  if (!platformMatches(platform, own)) throw new OciError('NOT_FOUND', `${root.digest} is ${shownPlatform(own)}, not ${formatPlatform(platform)}`);
  return { ...root, platform: own };
}

/** `[2.1] linux/amd64`-style position label. */
export function formatPosition(position: readonly number[]): string {
  return position.join('.');
}
