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

/**
 * A descriptor's title (a layer's file name) when it is a string: a manifest another tool wrote may hold anything
 * there, and a title that is no string is no name to show.
 */
export function titleOf(desc: Descriptor): string | undefined {
  const title = (desc.annotations as Record<string, unknown> | null | undefined)?.[ANNOTATION_TITLE];
  return typeof title === 'string' ? title : undefined;
}
