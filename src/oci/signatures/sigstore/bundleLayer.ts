import { bareDescriptor, type Descriptor } from '../../descriptor';
import { readCapped } from '../../readCapped';
import type { OpOptions, ReadOnlyTarget } from '../../target';
import { checkBundle } from './bundleSignature';
import type { VerifyKey } from '../keys/publicKeys';
import type { SignatureProblem, SignatureResult } from '../signatureResult';
import type { SignerTrust } from '../signer';

/** A bundle is a few kilobytes (an attestation's, its predicate more): a layer declared larger is not read as a signature. */
export const MAX_BUNDLE_BYTES = 1 << 20;

/** One Sigstore bundle layer (`layers[i]`) of a referrer of `subject`, read and checked (bundleSignature.ts) as one signature. */
export async function verifyBundleLayer(
  target: ReadOnlyTarget,
  subject: Descriptor,
  layer: Partial<Descriptor>,
  i: number,
  keys: readonly VerifyKey[],
  options: SignerTrust & OpOptions & { identity?: string },
  base: Pick<SignatureResult, 'manifest' | 'via' | 'tag'>,
): Promise<SignatureResult> {
  const fail = (problem: SignatureProblem, reason: string, at: Partial<SignatureResult> = {}): SignatureResult => ({ ...base, layer: i, format: 'bundle', ...at, valid: false, problem, reason });
  const read = await readBundleLayer(target, layer, i, MAX_BUNDLE_BYTES, options);
  if ('problem' in read) return fail(read.problem, read.reason, read.layerDigest ? { layerDigest: read.layerDigest } : {});
  const at = { layerDigest: read.layerDigest };
  const checked = await checkBundle(read.bytes, bundleSubject(target, subject, options), keys, options);
  if (!checked.ok) return fail(checked.problem, `layers[${i}]: ${checked.reason}`, { ...at, ...checked.fields });
  return { ...base, layer: i, ...at, ...checked.fields, valid: true };
}

/** What checkBundle checks a bundle against: `subject`'s digest, and its bytes (read only for a message signature). */
export function bundleSubject(target: ReadOnlyTarget, subject: Descriptor, options: OpOptions) {
  return { digest: subject.digest, bytes: () => target.fetchBytes(bareDescriptor(subject), { signal: options.signal }) };
}

/**
 * The bytes of the bundle layer `layers[i]` (at most `max`), or why they cannot be had: `malformed-signature` (no
 * digest and size), `unreadable` (over `max`, missing, damaged). An abort is thrown. verify-attestation reads
 * attestation bundles through it too, with its own cap.
 */
export async function readBundleLayer(
  target: ReadOnlyTarget,
  layer: Partial<Descriptor>,
  i: number,
  max: number,
  options: OpOptions,
): Promise<{ bytes: Buffer; layerDigest: string } | { problem: 'malformed-signature' | 'unreadable'; reason: string; layerDigest?: string }> {
  const where = `layers[${i}]`;
  if (typeof layer.digest !== 'string' || typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    return { problem: 'malformed-signature', reason: `${where}: expected a digest and a size` };
  }
  const layerDigest = layer.digest;
  if (layer.size > max) return { problem: 'unreadable', reason: `${where}: bundle of ${layer.size} bytes, over the ${max} read`, layerDigest };
  try {
    const stream = await target.fetch({ mediaType: layer.mediaType ?? '', digest: layer.digest, size: layer.size }, { signal: options.signal });
    return { bytes: await readCapped(stream, max, (n) => new Error(`${where}: bundle over ${n} bytes`)), layerDigest };
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return { problem: 'unreadable', reason: `${where}: bundle ${layer.digest}: ${(err as Error).message}`, layerDigest };
  }
}
