import type { Descriptor } from '../../descriptor';
import { type OneLayerReferrer, type OneLayerSpec, packOneLayerReferrer, pushOneLayerReferrer } from '../../referrers/oneLayerReferrer';
import type { OpOptions, Target } from '../../target';
import { SIGSTORE_BUNDLE_MEDIA_TYPE } from './sigstoreBundle';

/** What a bundle referrer holds (cosign's WriteAttestationNewBundleFormat): always a DSSE envelope, of this predicate type. */
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

export interface BundleReferrer extends Omit<OneLayerReferrer, 'layer'> {
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
  return asBundle(packOneLayerReferrer(subject, bundleSpec(bundle, predicateType, now)));
}

/** Pushes `bundle` as a referrer of `subject` (packBundleReferrer; pushOneLayerReferrer). */
export async function pushBundleReferrer(target: Target, subject: Descriptor, bundle: Buffer, predicateType: string, options: OpOptions & { now?: Date } = {}): Promise<BundleReferrer> {
  return asBundle(await pushOneLayerReferrer(target, subject, bundleSpec(bundle, predicateType, options.now), options));
}

function bundleSpec(bundle: Buffer, predicateType: string, now: Date | undefined): OneLayerSpec {
  return {
    artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    bytes: bundle,
    annotations: { [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope', [BUNDLE_PREDICATE_TYPE_ANNOTATION]: predicateType },
    configArtifactType: true,
    now,
    what: 'bundle referrer',
  };
}

function asBundle({ layer, ...rest }: OneLayerReferrer): BundleReferrer {
  return { ...rest, bundle: layer };
}
