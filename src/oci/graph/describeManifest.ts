import type { Descriptor, ImageIndex, ImageManifest } from '../descriptor';
import { isConfigMediaType, isImageIndex, isImageManifest, MediaType, otherKindDeclared } from '../mediaType';
import { formatPlatform, shownPlatform } from '../platform';
import { shownName } from '../shownName';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { parseJsonObject } from '../validate';
import { platformFromConfig } from './childDescriptor';

export type ManifestKind = 'index' | 'image' | 'artifact' | 'unknown';

/** What a tag or child is, in the words the CLI table and the tree show. */
export interface ManifestSummary {
  desc: Descriptor;
  kind: ManifestKind;
  /** `linux/amd64` for an image; the children's platforms for an index, each once, in the order first listed. */
  platforms: string[];
  artifactType?: string;
  /**
   * `multi-arch (linux/amd64, linux/arm64)`, `index of one platform (linux/amd64)` (`linux/amd64 twice` when two
   * entries list it), `linux/arm64`, or the artifact type.
   */
  description: string;
  /**
   * The document's own mediaType, when it is of the other kind than the type it is listed by (an image manifest
   * listed under an index type, say): the summary describes the document, and this says it is listed wrongly.
   */
  listedAsOtherKind?: string;
}

/** Attestation manifests of buildx carry this platform; they are not a platform users run. */
const UNKNOWN_PLATFORM = 'unknown/unknown';

/**
 * What `desc` is. The document (verified by its digest) is the truth: one listed as the other kind (an image
 * manifest under an index type, the reverse) is described as what it declares itself, with `listedAsOtherKind`
 * set, as `check` reports it; a document that declares no manifest type is read as listed.
 */
export async function describeManifest(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions = {}): Promise<ManifestSummary> {
  if (!isImageIndex(desc.mediaType) && !isImageManifest(desc.mediaType)) return { desc, kind: 'unknown', platforms: [], description: desc.mediaType };
  const bytes = await target.fetchBytes(desc, options);
  const doc = parseJsonObject(bytes, `${isImageIndex(desc.mediaType) ? 'index' : 'manifest'} ${desc.digest}`);
  const own = otherKindDeclared(desc.mediaType, doc);
  if (own === undefined) return describeDocument(target, desc, desc.mediaType, doc, options);
  return { ...(await describeDocument(target, desc, own, doc, options)), listedAsOtherKind: own };
}

async function describeDocument(target: ReadOnlyTarget, desc: Descriptor, mediaType: string, doc: Record<string, unknown>, options: OpOptions): Promise<ManifestSummary> {
  if (isImageIndex(mediaType)) {
    const index = doc as unknown as ImageIndex;
    const children = Array.isArray(index.manifests) ? index.manifests : [];
    const entries = children.filter((c) => c?.platform?.os && c.platform.architecture).map((c) => formatPlatform(c.platform!)).filter((p) => p !== UNKNOWN_PLATFORM);
    // A platform listed twice is one platform a client can pull (it takes the first entry; the other is never
    // pulled): listed once, so the list and the count say what the image runs on, and marked in the description,
    // since the second entry is a mistake worth seeing (index create and update warn of it, the editor fixes it).
    const times = new Map<string, number>();
    for (const p of entries) times.set(p, (times.get(p) ?? 0) + 1);
    const platforms = [...times.keys()];
    const named = platforms.map((p) => (times.get(p)! === 1 ? shownName(p) : `${shownName(p)} ${times.get(p) === 2 ? 'twice' : `${times.get(p)} times`}`));
    const artifactType = typeof index.artifactType === 'string' ? index.artifactType : undefined;
    // One platform is not multi-arch: say what it is rather than promise more.
    const listed = platforms.length > 1 ? `multi-arch (${named.join(', ')})` : `index of one platform (${named[0]})`;
    const description = artifactType && platforms.length === 0 ? artifactType : platforms.length > 0 ? listed : `index of ${children.length} manifest${children.length === 1 ? '' : 's'}`;
    return { desc, kind: 'index', platforms, artifactType, description };
  }
  const manifest = doc as unknown as ImageManifest;
  const configType = manifest.config?.mediaType;
  const artifactType = typeof manifest.artifactType === 'string' && manifest.artifactType !== '' ? manifest.artifactType : isConfigMediaType(configType) || configType === MediaType.Empty ? undefined : configType;
  if (artifactType) return { desc, kind: 'artifact', platforms: [], artifactType, description: artifactType };
  const platform = desc.platform ?? (await platformFromConfig(target, manifest, options));
  const platforms = platform ? [formatPlatform(platform)] : [];
  return { desc, kind: 'image', platforms, description: platform ? shownPlatform(platform) : 'image' };
}
