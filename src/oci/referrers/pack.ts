import { ANNOTATION_CREATED, type Descriptor, type ImageManifest } from '../descriptor';
import { digestOf } from '../digest';
import { manifestSubjectEncoder } from '../encoding/goJson';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../mediaType';

export interface PackOptions {
  /** The manifest's `artifactType`; absent for an image-spec 1.0 manifest (a config of its own, no artifact type). */
  artifactType?: string;
  /** The config descriptor; the empty config `{}` (with `configAnnotations`) when absent. */
  config?: Descriptor;
  configAnnotations?: Record<string, string>;
  /** The layers; with image-spec 1.1 and none given, the empty descriptor is the only layer (as oras-go packs). */
  layers: Descriptor[];
  subject?: Descriptor;
  /** Manifest annotations; `org.opencontainers.image.created` is added when missing. */
  annotations?: Record<string, string>;
  now?: () => Date;
}

export interface PackedManifest {
  manifest: ImageManifest;
  raw: Buffer;
  /** With the artifact type (the config's media type for a 1.0 manifest) and annotations, as oras reports it. */
  desc: Descriptor;
}

/** The empty JSON descriptor oras uses as the config of artifacts, and as their only layer when no file is given. */
export function emptyDescriptor(annotations?: Record<string, string>): Descriptor {
  const d: Descriptor = { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length };
  if (annotations && Object.keys(annotations).length > 0) d.annotations = { ...annotations };
  d.data = EMPTY_JSON.toString('base64');
  return d;
}

/** RFC 3339 in UTC to the second, as Go's time.RFC3339 writes it for oras. */
export function createdTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * An artifact manifest as oras-go's PackManifest builds it: image manifest, artifactType, the empty config
 * unless one is given, the layers (the empty descriptor when there are none), subject, annotations with
 * `created`. The bytes are Go's encoding of that struct, so they match oras byte for byte.
 */
export function packArtifactManifest(options: PackOptions): PackedManifest {
  return artifactPacker(options)(options.subject);
}

/**
 * packArtifactManifest for many subjects with the same options (attach --recursive: a thousand): what does not
 * depend on the subject (the annotations with `created`, the copied descriptors, the encoding around the
 * subject) is made once. The manifests it packs share their config and layers objects.
 */
export function artifactPacker(options: Omit<PackOptions, 'subject'>): (subject: Descriptor | undefined) => PackedManifest {
  const annotations = { ...(options.annotations ?? {}) };
  if (!(ANNOTATION_CREATED in annotations)) annotations[ANNOTATION_CREATED] = createdTimestamp((options.now ?? (() => new Date()))());
  const v11 = options.artifactType !== undefined;
  const config = options.config ? copyJson(options.config) : emptyDescriptor(options.configAnnotations);
  const common: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    ...(v11 ? { artifactType: options.artifactType } : {}),
    config,
    layers: options.layers.length > 0 || !v11 ? options.layers.map(copyJson) : [emptyDescriptor()],
    annotations,
  };
  const encode = manifestSubjectEncoder(common);
  // As the manifest holds them (Go sorts map keys), so printed descriptors read the same.
  const sorted = Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const artifactType = options.artifactType ?? config.mediaType;
  return (subject) => {
    // Key order as before: subject between layers and annotations.
    const { annotations: own, ...rest } = common;
    const manifest: ImageManifest = { ...rest, ...(subject ? { subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } } : {}), annotations: { ...own } };
    const raw = encode(manifest.subject);
    const desc: Descriptor = { mediaType: MediaType.ImageManifest, digest: digestOf(raw), size: raw.length, annotations: Object.fromEntries(sorted), artifactType };
    return { manifest, raw, desc };
  };
}

/**
 * A deep copy of a JSON value (a descriptor): what structuredClone gives for one, at a fraction of its cost,
 * which showed for attach --recursive packing a thousand manifests.
 */
function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}
