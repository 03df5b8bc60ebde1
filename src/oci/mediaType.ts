/** Media types Manifold understands, and the RFC 6838 grammar oras checks `--artifact-type` against. */
export const MediaType = {
  ImageManifest: 'application/vnd.oci.image.manifest.v1+json',
  ImageIndex: 'application/vnd.oci.image.index.v1+json',
  ImageConfig: 'application/vnd.oci.image.config.v1+json',
  ImageLayout: 'application/vnd.oci.layout.header.v1+json',
  Empty: 'application/vnd.oci.empty.v1+json',
  ImageLayer: 'application/vnd.oci.image.layer.v1.tar',
  ImageLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ImageLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** The empty JSON blob `{}` used as config (and layer) of artifacts. */
export const EMPTY_JSON = Buffer.from('{}');
export const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

export function isImageManifest(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ImageManifest || mediaType === MediaType.DockerManifest;
}

export function isImageIndex(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ImageIndex || mediaType === MediaType.DockerManifestList;
}

/** A manifest of either kind: something a tag may point at. */
export function isManifestMediaType(mediaType: string | undefined): boolean {
  return isImageManifest(mediaType) || isImageIndex(mediaType);
}

export function isConfigMediaType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ImageConfig || mediaType === MediaType.DockerConfig;
}

// RFC 6838 section 4.2: type "/" subtype, each restricted-name (1 to 127 chars), optional parameters.
const restrictedName = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const mediaTypeRe = new RegExp(`^${restrictedName}/${restrictedName}(\\s*;\\s*[A-Za-z0-9!#$&^_.+-]+=("[^"]*"|[A-Za-z0-9!#$&^_.+-]+))*$`);

export function isValidMediaType(value: string): boolean {
  return mediaTypeRe.test(value);
}

/**
 * The manifest type a document declares when it is of the other kind (an index, an image manifest) than the type
 * `listed` it is listed by: an image manifest under an index type, or the reverse. undefined when of the same kind,
 * or when either is no manifest type.
 */
export function otherKindDeclared(listed: string, doc: { mediaType?: unknown } | null | undefined): string | undefined {
  const own = doc?.mediaType;
  const manifestType = (t: unknown): t is string => typeof t === 'string' && (isImageIndex(t) || isImageManifest(t));
  return manifestType(own) && manifestType(listed) && isImageIndex(own) !== isImageIndex(listed) ? own : undefined;
}
