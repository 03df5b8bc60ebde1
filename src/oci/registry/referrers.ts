import type { Descriptor, ImageIndex } from '../descriptor';
import { parseDigest } from '../digest';
import { encodeIndex } from '../encoding/goJson';
import { isImageIndex, MediaType } from '../mediaType';

/** The tag of the referrers fallback index of a subject (distribution-spec 1.1): `sha256-<hex>`. */
export function referrersTag(subjectDigest: string): string {
  const { algorithm, hex } = parseDigest(subjectDigest);
  return `${algorithm}-${hex}`;
}

export interface ManifestLinks {
  subject?: Descriptor;
  /** The descriptor a referrers listing shows for this manifest: artifactType and annotations added. */
  asReferrer(desc: Descriptor): Descriptor;
}

/**
 * What a referrers listing says of a manifest, as oras-go indexes it: its artifactType (for an image
 * manifest, the config's media type when it has none) and its annotations.
 */
export function manifestLinks(bytes: Buffer, mediaType: string): ManifestLinks {
  let doc: { subject?: unknown; artifactType?: unknown; config?: { mediaType?: unknown }; annotations?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    return { asReferrer: (d) => d };
  }
  const subject = isDescriptor(doc?.subject) ? doc.subject : undefined;
  const artifactType =
    typeof doc.artifactType === 'string' && doc.artifactType
      ? doc.artifactType
      : !isImageIndex(mediaType) && typeof doc.config?.mediaType === 'string'
        ? doc.config.mediaType
        : undefined;
  const annotations = isStringMap(doc.annotations) && Object.keys(doc.annotations).length ? doc.annotations : undefined;
  return {
    ...(subject ? { subject } : {}),
    asReferrer: (desc) => ({
      mediaType: desc.mediaType,
      digest: desc.digest,
      size: desc.size,
      ...(annotations ? { annotations: { ...annotations } } : {}),
      ...(artifactType ? { artifactType } : {}),
    }),
  };
}

/** The list a referrers answer or fallback index holds; lenient, as other tools write these. */
export function referrersFromIndex(bytes: Buffer): Descriptor[] {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { manifests?: unknown };
    return Array.isArray(doc.manifests) ? doc.manifests.filter(isDescriptor) : [];
  } catch {
    return [];
  }
}

/** The fallback index for a list of referrers, in the bytes oras writes (Go JSON, no annotations). */
export function encodeReferrersIndex(referrers: Descriptor[]): Buffer {
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: referrers };
  return encodeIndex(index);
}

export function isDescriptor(v: unknown): v is Descriptor {
  const d = v as Descriptor | null;
  return typeof d === 'object' && d !== null && typeof d.digest === 'string' && typeof d.mediaType === 'string' && typeof d.size === 'number';
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}
