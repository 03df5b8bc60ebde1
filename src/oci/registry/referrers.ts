import type { Descriptor, ImageIndex } from '../descriptor';
import { isDigest, parseDigest } from '../digest';
import { OciError } from '../errors';
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
    return Array.isArray(doc.manifests) ? doc.manifests.filter((d: unknown, i) => referrerEntryProblem(d, i) === undefined).map(withoutNullAnnotations) : [];
  } catch {
    return [];
  }
}

/**
 * The list one page of the referrers API holds, strictly: it must be an image index (a Go registry may send
 * `"manifests": null` for none) whose entries are descriptors with valid digests. Read leniently, a proxy's HTML
 * page or a manifest would pass for "no referrers" and a copy with referrers would leave them behind unsaid.
 */
export function referrersFromApiAnswer(bytes: Buffer, what: string): Descriptor[] {
  let doc: { mediaType?: unknown; manifests?: unknown } | null;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    doc = null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new OciError('INVALID_MANIFEST', `${what}: the registry's answer is not JSON`);
  const indexType = doc.mediaType === undefined || doc.mediaType === MediaType.ImageIndex;
  const list = doc.manifests ?? (doc.mediaType === MediaType.ImageIndex ? [] : undefined);
  if (!indexType || !Array.isArray(list)) {
    throw new OciError('INVALID_MANIFEST', `${what}: the registry's answer is not an image index (mediaType ${JSON.stringify(doc.mediaType ?? null)}${Array.isArray(list) ? '' : ', no manifests list'})`);
  }
  list.forEach((d: unknown, i) => {
    const problem = referrerEntryProblem(d, i);
    if (problem) throw new OciError('INVALID_MANIFEST', `${what}: ${problem}`);
  });
  return (list as Descriptor[]).map(withoutNullAnnotations);
}

/**
 * Why an entry of a referrers listing cannot stand for a referrer, with its JSON path; undefined when it can. Its
 * artifactType and annotations are shown and matched as strings (oras-go decodes them as such and refuses others),
 * so one that is no string is named here, not shown as "[object Object]" or thrown on where a name is expected.
 */
function referrerEntryProblem(d: unknown, i: number): string | undefined {
  if (!isDescriptor(d) || !isDigest(d.digest) || !Number.isSafeInteger(d.size) || d.size < 0) return `manifests[${i}] is not a valid descriptor: ${JSON.stringify(d).slice(0, 200)}`;
  const { artifactType, annotations } = d as { artifactType?: unknown; annotations?: unknown };
  if (artifactType !== undefined && typeof artifactType !== 'string') return `manifests[${i}].artifactType must be a string, not ${JSON.stringify(artifactType).slice(0, 60)}`;
  if (annotations === undefined || annotations === null) return undefined;
  if (typeof annotations !== 'object' || Array.isArray(annotations)) return `manifests[${i}].annotations must be an object of strings, not ${JSON.stringify(annotations).slice(0, 60)}`;
  const bad = Object.entries(annotations).find(([, v]) => typeof v !== 'string');
  return bad && `manifests[${i}].annotations[${JSON.stringify(bad[0])}] must be a string, not ${JSON.stringify(bad[1]).slice(0, 60)}`;
}

/** `"annotations": null` (Go's nil map) as none at all. */
function withoutNullAnnotations(d: Descriptor): Descriptor {
  if ((d as { annotations?: unknown }).annotations !== null) return d;
  const { annotations: _none, ...rest } = d;
  return rest;
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
