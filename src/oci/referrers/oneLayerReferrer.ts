// A referrer whose one layer is a signed document (a Sigstore bundle, a Notary envelope): the shape cosign 3 and
// notation push, made and pushed once for both.
import { ANNOTATION_CREATED, type Descriptor, type ImageManifest } from '../descriptor';
import { digestOf } from '../digest';
import { encodeManifest } from '../encoding/goJson';
import { checkManifestSize } from '../manifestLimit';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../mediaType';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import { createdTimestamp } from './pack';

export interface OneLayerReferrer {
  /** The referrer manifest, with its artifact type and annotations (as a referrers listing shows it). */
  manifest: Descriptor;
  raw: Buffer;
  /** What `raw` encodes. */
  doc: ImageManifest;
  /** Its one layer. */
  layer: Descriptor;
}

export interface OneLayerSpec {
  artifactType: string;
  /** The layer's media type and bytes. */
  mediaType: string;
  bytes: Buffer;
  /** Annotations beside `org.opencontainers.image.created` (which comes first, at `now`). */
  annotations?: Record<string, string>;
  /** Whether the empty config names the artifact type too (cosign 3 writes it so; readers ignore it). */
  configArtifactType?: boolean;
  now?: Date;
  /** What the manifest is called in a size error (`bundle referrer`). */
  what: string;
}

/**
 * An image manifest of `artifactType`, the empty config `{}`, the bytes its one layer (no annotation), the subject,
 * and the annotations. Field order is image-spec's (encodeManifest).
 */
export function packOneLayerReferrer(subject: Descriptor, spec: OneLayerSpec): OneLayerReferrer {
  const layer: Descriptor = { mediaType: spec.mediaType, digest: digestOf(spec.bytes), size: spec.bytes.length };
  const annotations = { [ANNOTATION_CREATED]: createdTimestamp(spec.now ?? new Date()), ...spec.annotations };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: spec.artifactType,
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length, ...(spec.configArtifactType ? { artifactType: spec.artifactType } : {}) },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const raw = encodeManifest(manifest);
  checkManifestSize(spec.what, raw.length);
  return { manifest: { mediaType: MediaType.ImageManifest, digest: digestOf(raw), size: raw.length, artifactType: spec.artifactType, annotations }, raw, doc: manifest, layer };
}

/**
 * Pushes the referrer packOneLayerReferrer makes: the layer and the empty config, then the manifest, which a registry
 * without the referrers API also lists in its subject's fallback tag `sha256-<hex>`, and a layout in index.json (as
 * attach's artifacts).
 */
export async function pushOneLayerReferrer(target: Target, subject: Descriptor, spec: OneLayerSpec, options: OpOptions = {}): Promise<OneLayerReferrer> {
  const packed = packOneLayerReferrer(subject, spec);
  await inIndexBatch(
    target,
    async (batched) => {
      await target.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON, batched);
      await target.push(packed.layer, spec.bytes, batched);
      await target.push({ mediaType: packed.manifest.mediaType, digest: packed.manifest.digest, size: packed.manifest.size }, packed.raw, { ...batched, encodedFrom: packed.doc });
    },
    { signal: options.signal },
  );
  return packed;
}
