import { bareDescriptor, type Descriptor } from '../descriptor';
import { readCapped } from '../readCapped';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { checkBundle } from './bundleSignature';
import type { VerifyKey } from './publicKeys';
import type { SignatureProblem, SignatureResult } from './signatureResult';
import type { SignerTrust } from './signer';

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
  const where = `layers[${i}]`;
  const fail = (problem: SignatureProblem, reason: string, at: Partial<SignatureResult> = {}): SignatureResult => ({ ...base, layer: i, format: 'bundle', ...at, valid: false, problem, reason });
  if (typeof layer.digest !== 'string' || typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    return fail('malformed-signature', `${where}: expected a digest and a size`);
  }
  const at = { layerDigest: layer.digest };
  if (layer.size > MAX_BUNDLE_BYTES) return fail('unreadable', `${where}: bundle of ${layer.size} bytes, over the ${MAX_BUNDLE_BYTES} read`, at);
  let bytes: Buffer;
  const op: OpOptions = { signal: options.signal };
  try {
    const stream = await target.fetch({ mediaType: layer.mediaType ?? '', digest: layer.digest, size: layer.size }, op);
    bytes = await readCapped(stream, MAX_BUNDLE_BYTES, (n) => new Error(`${where}: bundle over ${n} bytes`));
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return fail('unreadable', `${where}: bundle ${layer.digest}: ${(err as Error).message}`, at);
  }
  const checked = await checkBundle(bytes, { digest: subject.digest, bytes: () => target.fetchBytes(bareDescriptor(subject), op) }, keys, options);
  if (!checked.ok) return fail(checked.problem, `${where}: ${checked.reason}`, { ...at, ...checked.fields });
  return { ...base, layer: i, ...at, ...checked.fields, valid: true };
}
