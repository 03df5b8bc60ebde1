import type { Descriptor } from '../descriptor';
import { digestOf } from '../digest';
import { cosignTag } from '../referrers/cosignTags';
import type { OpOptions, Target } from '../target';
import type { SignKey } from '../signatures/keys/privateKeys';
import { SIGNATURE_ANNOTATION } from '../signatures/cosignFormat';
import { appendToCosignTag } from '../referrers/cosignTagAppend';
import { DSSE_MEDIA_TYPE, INTOTO_PAYLOAD_TYPE, makeEnvelope } from './dsse';
import { makeStatement, predicateTypeOf } from './statement';

/** The layer annotation cosign names an attestation's predicate type in (unsigned: a verifier reads the statement's). */
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';

export interface AttestResult {
  /** The attestation manifest now tagged `tag`: the one there before with this attestation added as its last layer. */
  manifest: Descriptor;
  tag: string;
  /** The envelope stored (the layer's blob). */
  envelope: Descriptor;
  predicateType: string;
  /** How many attestations the manifest holds now. */
  attestations: number;
}

export interface AttestOptions extends OpOptions {
  /** The statement's time for `custom` (cosign's `Timestamp`); now by default. */
  now?: Date;
  /** The predicate file as the user named it (`--predicate sbom.json`): what its errors lead with. */
  source?: string;
}

/**
 * Attests `subject` as `cosign attest --key` does: an in-toto Statement of `predicate` (a file's bytes) of the
 * predicate type `type` (cosign's short name or a URI) naming its digest and `repository`, signed with `key` in a
 * DSSE envelope, stored as a layer of the manifest cosign's tag `sha256-<hex>.att` names (added to the manifest
 * already there), annotated as cosign annotates it. Nothing goes to Rekor: this is cosign's `--tlog-upload=false`.
 */
export async function attestManifest(
  target: Target,
  subject: Descriptor,
  key: SignKey,
  type: string,
  predicate: Buffer,
  repository: string,
  options: AttestOptions = {},
): Promise<AttestResult> {
  const predicateType = predicateTypeOf(type);
  const statement = makeStatement(type, predicate, subject.digest, repository, options.now, options.source);
  const bytes = makeEnvelope(INTOTO_PAYLOAD_TYPE, statement, (b) => key.sign(b));
  const envelope: Descriptor = { mediaType: DSSE_MEDIA_TYPE, digest: digestOf(bytes), size: bytes.length };
  // cosign's static layer always carries the signature annotation, empty for an attestation (its signature is inside).
  const layer: Descriptor = { ...envelope, annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType } };
  const tag = cosignTag(subject.digest, 'att');
  const r = await appendToCosignTag(target, tag, layer, bytes, options);
  return { manifest: r.manifest, tag, envelope, predicateType, attestations: r.layers };
}
