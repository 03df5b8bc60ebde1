import type { Descriptor } from '../descriptor';
import { digestOf } from '../digest';
import { appendToCosignTag } from '../referrers/cosignTagAppend';
import { cosignTag } from '../referrers/cosignTags';
import type { OpOptions, Target } from '../target';
import { makePayload, SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE } from './cosignFormat';
import type { SignKey } from './keys/privateKeys';

export interface SignResult {
  /** The signature manifest now tagged `tag`: the one there before with this signature added as its last layer. */
  manifest: Descriptor;
  tag: string;
  /** The payload signed, as stored. */
  payload: Descriptor;
  /** How many signatures the manifest holds now. */
  signatures: number;
}

/**
 * Signs `subject` as cosign signs with a key: a payload naming its digest and `identity` (a docker reference),
 * signed with `key`, stored as a simplesigning layer of the manifest cosign's tag `sha256-<hex>.sig` names (a layer
 * added to the manifest already there, as cosign and skopeo add theirs). The tag scheme is what every registry
 * and layout keeps, and what cosign and skopeo read first. `options.annotations` (cosign's `-a`) are signed in the
 * payload's `optional`.
 */
export async function signManifest(target: Target, subject: Descriptor, key: SignKey, identity: string, options: OpOptions & { annotations?: Record<string, string> } = {}): Promise<SignResult> {
  const op: OpOptions = { signal: options.signal };
  const bytes = makePayload(subject.digest, identity, options.annotations);
  const payload: Descriptor = { mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: digestOf(bytes), size: bytes.length };
  const layer: Descriptor = { ...payload, annotations: { [SIGNATURE_ANNOTATION]: key.sign(bytes).toString('base64') } };
  const tag = cosignTag(subject.digest, 'sig');
  const r = await appendToCosignTag(target, tag, layer, bytes, op);
  return { manifest: r.manifest, tag, payload, signatures: r.layers };
}
