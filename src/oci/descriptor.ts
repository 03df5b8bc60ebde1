/** The OCI image-spec document shapes, as parsed JSON. Field order here is the spec's (and Go's) struct order. */
export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  data?: string;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The parts of an image config Manifold reads: where a child's platform comes from. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
export const ANNOTATION_TITLE = 'org.opencontainers.image.title';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';

/** Only `desc`'s media type, digest and size: what a lookup by it needs, without platform, annotations or artifact type. */
export function bareDescriptor(desc: Descriptor): Descriptor {
  return { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
}

/**
 * A descriptor as a lenient reader (a browser of what other tools wrote) takes it: undefined unless its digest and
 * mediaType are strings and its size a number; else a copy whose optional fields are kept only when they have
 * their spec's type (annotations keep their string values; artifactType, data: strings; urls: strings; platform: an
 * object). What shows or follows it then never meets `{}` where text belongs; the validator names the damage, and
 * the document's own bytes (what a copy stores) are not touched.
 */
export function lenientDescriptor(v: unknown): Descriptor | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const d = v as Record<string, unknown>;
  if (typeof d.digest !== 'string' || typeof d.mediaType !== 'string' || typeof d.size !== 'number') return undefined;
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (Array.isArray(d.urls)) out.urls = d.urls.filter((u): u is string => typeof u === 'string');
  const annotations = stringValues(d.annotations);
  if (annotations) out.annotations = annotations;
  if (typeof d.data === 'string') out.data = d.data;
  if (typeof d.platform === 'object' && d.platform !== null && !Array.isArray(d.platform)) out.platform = d.platform as Platform;
  if (typeof d.artifactType === 'string') out.artifactType = d.artifactType;
  return out;
}

/** The string values of a JSON object (annotations another tool wrote); undefined when it is no object. */
export function stringValues(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) if (typeof value === 'string') out[k] = value;
  return out;
}

/**
 * A descriptor's title (a layer's file name) when it is a string: a manifest another tool wrote may hold anything
 * there, and a title that is no string is no name to show.
 */
export function titleOf(desc: Descriptor): string | undefined {
  const title = (desc.annotations as Record<string, unknown> | null | undefined)?.[ANNOTATION_TITLE];
  return typeof title === 'string' ? title : undefined;
}
