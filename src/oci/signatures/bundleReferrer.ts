import { ANNOTATION_CREATED, type Descriptor, type ImageManifest } from '../descriptor';
import { digestOf } from '../digest';
import { encodeManifest } from '../encoding/goJson';
import { checkManifestSize } from '../manifestLimit';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../mediaType';
import { createdTimestamp } from '../referrers/pack';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import { SIGSTORE_BUNDLE_MEDIA_TYPE } from './sigstoreBundle';

/** What a bundle referrer holds (cosign's WriteAttestationNewBundleFormat): always a DSSE envelope, of this predicate type. */
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

export interface BundleReferrer {
  /** The referrer manifest, with its artifact type and annotations (as a referrers listing shows it). */
  manifest: Descriptor;
  raw: Buffer;
  /** What `raw` encodes. */
  doc: ImageManifest;
  /** The bundle, its one layer. */
  bundle: Descriptor;
}

/**
 * The referrer cosign 3 pushes for a bundle (pkg/oci/remote/write.go, WriteReferrer): an image manifest of
 * artifactType `application/vnd.dev.sigstore.bundle.v0.3+json`, the empty config `{}` (cosign also names the
 * artifact type in the config descriptor: kept, readers ignore it), the bundle its one layer (no annotation), the
 * subject, and the annotations created, `dev.sigstore.bundle.content: dsse-envelope` and the statement's predicate
 * type (what cosign's tree and verify-attestation read before opening the bundle). Field order is image-spec's
 * (encodeManifest), not go-containerregistry's: the digest differs from cosign's anyway (created, the signature).
 */
export function packBundleReferrer(subject: Descriptor, bundle: Buffer, predicateType: string, now: Date = new Date()): BundleReferrer {
  const layer: Descriptor = { mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, digest: digestOf(bundle), size: bundle.length };
  const annotations = { [ANNOTATION_CREATED]: createdTimestamp(now), [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope', [BUNDLE_PREDICATE_TYPE_ANNOTATION]: predicateType };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length, artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const raw = encodeManifest(manifest);
  checkManifestSize('bundle referrer', raw.length);
  return { manifest: { mediaType: MediaType.ImageManifest, digest: digestOf(raw), size: raw.length, artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE, annotations }, raw, doc: manifest, bundle: layer };
}

/**
 * Pushes `bundle` as a referrer of `subject` (packBundleReferrer): the bundle and the empty config, then the
 * manifest, which a registry without the referrers API also lists in its subject's fallback tag `sha256-<hex>` and
 * a layout in index.json (as attach's artifacts).
 */
export async function pushBundleReferrer(target: Target, subject: Descriptor, bundle: Buffer, predicateType: string, options: OpOptions & { now?: Date } = {}): Promise<BundleReferrer> {
  const packed = packBundleReferrer(subject, bundle, predicateType, options.now);
  await inIndexBatch(
    target,
    async (batched) => {
      await target.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON, batched);
      await target.push(packed.bundle, bundle, batched);
      await target.push({ mediaType: packed.manifest.mediaType, digest: packed.manifest.digest, size: packed.manifest.size }, packed.raw, { ...batched, encodedFrom: packed.doc });
    },
    { signal: options.signal },
  );
  return packed;
}
