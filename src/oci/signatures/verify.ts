import type { Descriptor } from '../descriptor';
import { inOrder } from '../inOrder';
import { readCapped } from '../readCapped';
import { findCosignArtifacts, type FoundArtifact, foundLayers } from '../referrers/cosignFound';
import { CosignTagLookup } from '../referrers/cosignTags';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { COSIGN_PAYLOAD_TYPE, decodeBase64, parsePayload, SIGNATURE_ANNOTATION, SIGNATURE_ARTIFACT_TYPES, SIMPLESIGNING_MEDIA_TYPE } from './cosignFormat';
import { verifyBundleLayer } from './sigstore/bundleLayer';
import { NOTARY_SIGNATURE_ARTIFACT_TYPE } from './notary/notaryEnvelope';
import { type NotaryTrust, verifyNotaryManifest } from './notary/notaryVerify';
import type { VerifyKey } from './keys/publicKeys';
import { SIGSTORE_BUNDLE_TYPES } from './sigstore/sigstoreBundle';
import type { FoundVia, SignatureProblem, SignatureResult } from './signatureResult';
import { annotationMismatch } from './signedAnnotations';
import { checkSigner, type SignerTrust } from './signer';

/** A payload is a few hundred bytes of JSON; a layer declared larger is not read (a signature store is no place for more). */
export const MAX_PAYLOAD_BYTES = 1 << 20;

/**
 * Signature (or attestation) manifests of one manifest verified at once: with verifyImage's 4 manifests at a time,
 * up to 12 reads asked, which the registry client's 8 connections take in turn.
 */
export const ARTIFACTS_AT_ONCE = 3;

export type { FoundVia, SignatureProblem, SignatureResult } from './signatureResult';

export interface ManifestVerification {
  subject: Descriptor;
  signatures: SignatureResult[];
  /** Whether at least one signature is valid (or a Notary trust policy of level skip applies: notation takes it as verified). */
  valid: boolean;
  /** The Notary trust policy statement of level `skip` that applies: its signatures were not looked for, nothing was verified, as notation does. */
  notarySkipped?: string;
}

export interface VerifyOptions extends OpOptions, SignerTrust {
  /** The exact reference a payload must name (`critical.identity.docker-reference`); any when unset. */
  identity?: string;
  /** Annotations a signature must have been signed with (cosign's `verify -a`: in its payload's `optional`, or a bundle statement's subject; a Notary signature's user metadata), each the same string. */
  annotations?: Record<string, string>;
  /**
   * cosign's tags looked up through this (shared by every manifest of one image: after the first few, one listing
   * of the tags instead of a look-up per manifest); one of its own when unset.
   */
  cosignTags?: CosignTagLookup;
  /** Given: the Notary Project's signatures (notation's referrers) are verified too, under these roots and identities (notaryVerify.ts). */
  notary?: NotaryTrust;
}

/**
 * The cosign signatures of the manifest `subject`, each verified with `keys`: found as referrers (cosign's OCI 1.1
 * mode; on a registry without the referrers API its fallback tag; a layout's subject-bearing manifests) and through
 * cosign's tag `sha256-<hex>.sig`; and cosign 3's Sigstore bundles, referrers of a bundle type (bundleLayer.ts). A signature is valid when a key verifies it over the payload's bytes (or, under
 * `options.certificates`, its certificate: keyless.ts; with `options.rekorKeys`, its Rekor bundle too) and the
 * payload is cosign's, for `subject`'s digest (and names `identity`, when asked). Only the payload of a signature
 * that verifies is read for what it claims. With `options.notary`, the Notary Project's signatures too (referrers of
 * type application/vnd.cncf.notary.signature, notaryVerify.ts). Signature manifests that cannot be read are results, not errors; a
 * failure to list (a registry's error) is thrown.
 */
export async function verifySignatures(target: ReadOnlyTarget, subject: Descriptor, keys: readonly VerifyKey[], options: VerifyOptions = {}): Promise<ManifestVerification> {
  const op: OpOptions = { signal: options.signal };
  // notation's level skip fetches no signature and verifies nothing: the artifact passes, and the result says why.
  const skipped = options.notary?.policy?.statement.level === 'skip' ? options.notary.policy.statement.name : undefined;
  if (skipped !== undefined) options = { ...options, notary: undefined };
  const cosignTags = options.cosignTags ?? new CosignTagLookup(target, op);
  const signatures: SignatureResult[] = [];
  // Only Notary roots given (no key, no certificate policy): cosign's signatures are not what was asked about.
  const cosign = keys.length > 0 || options.certificates !== undefined || (!options.notary && skipped === undefined);
  if (!cosign && skipped !== undefined) return { subject, signatures: [], valid: true, notarySkipped: skipped };
  const artifactTypes = [...(cosign ? [...SIGNATURE_ARTIFACT_TYPES, ...SIGSTORE_BUNDLE_TYPES] : []), ...(options.notary ? [NOTARY_SIGNATURE_ARTIFACT_TYPE] : [])];
  const found = await findCosignArtifacts(target, subject, { artifactTypes, suffix: 'sig', cosignTags }, op);
  // A few signature manifests at once (each a manifest read, then its payload or envelope), results in their order.
  const results = await inOrder(found, { atOnce: ARTIFACTS_AT_ONCE, signal: options.signal }, async (f, signal): Promise<SignatureResult[]> => {
    if (options.notary && f.desc.artifactType === NOTARY_SIGNATURE_ARTIFACT_TYPE) {
      const base = { manifest: f.desc.digest, via: f.via, ...(f.tag ? { tag: f.tag } : {}) };
      const notary = { ...options.notary, now: options.notary.now ?? options.now, ...(options.annotations ? { annotations: options.annotations } : {}) };
      return [await verifyNotaryManifest(target, subject, f, notary, { signal }, base)];
    }
    return cosign ? verifyManifest(target, subject, f, keys, { ...options, signal }, { signal }) : [];
  });
  for (const r of results) signatures.push(...r);
  if (skipped !== undefined) return { subject, signatures, valid: true, notarySkipped: skipped };
  return { subject, signatures, valid: signatures.some((s) => s.valid) };
}

async function verifyManifest(
  target: ReadOnlyTarget,
  subject: Descriptor,
  found: FoundArtifact,
  keys: readonly VerifyKey[],
  options: VerifyOptions,
  op: OpOptions,
): Promise<SignatureResult[]> {
  const base = { manifest: found.desc.digest, via: found.via, ...(found.tag ? { tag: found.tag } : {}) };
  const fail = (problem: SignatureProblem, reason: string, at: Partial<SignatureResult> = {}): SignatureResult => ({ ...base, ...at, valid: false, problem, reason });
  const read = await foundLayers(target, found, 'signature manifest', op);
  if ('problem' in read) return [fail(read.problem === 'malformed' ? 'malformed-signature' : 'unreadable', read.reason)];
  const layers = read.layers;
  const out: SignatureResult[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i] as Partial<Descriptor> | null;
    if (layer && typeof layer === 'object' && typeof layer.mediaType === 'string' && SIGSTORE_BUNDLE_TYPES.includes(layer.mediaType)) {
      out.push(await verifyBundleLayer(target, subject, layer, i, keys, options, base));
      continue;
    }
    if (!layer || typeof layer !== 'object' || layer.mediaType !== SIMPLESIGNING_MEDIA_TYPE) continue;
    const failLayer = (problem: SignatureProblem, reason: string, at: Partial<SignatureResult> = {}) => fail(problem, reason, { layer: i, ...at });
    out.push(await verifyLayer(target, subject, layer, i, keys, options, op, failLayer, base));
  }
  if (out.length === 0) return [fail('malformed-signature', `signature manifest ${found.desc.digest}: no layer of type ${SIMPLESIGNING_MEDIA_TYPE} nor a Sigstore bundle`)];
  return out;
}

async function verifyLayer(
  target: ReadOnlyTarget,
  subject: Descriptor,
  layer: Partial<Descriptor>,
  i: number,
  keys: readonly VerifyKey[],
  options: VerifyOptions,
  op: OpOptions,
  fail: (problem: SignatureProblem, reason: string, at?: Partial<SignatureResult>) => SignatureResult,
  base: Pick<SignatureResult, 'manifest' | 'via' | 'tag'>,
): Promise<SignatureResult> {
  const where = `layers[${i}]`;
  if (typeof layer.digest !== 'string' || typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    return fail('malformed-signature', `${where}: expected a digest and a size`);
  }
  const at = { layerDigest: layer.digest };
  const annotation = layer.annotations?.[SIGNATURE_ANNOTATION];
  const signature = typeof annotation === 'string' ? decodeBase64(annotation) : undefined;
  if (!signature) {
    const what = annotation === undefined ? 'missing' : annotation === '' ? 'empty' : 'not base64';
    return fail('malformed-signature', `${where}.annotations["${SIGNATURE_ANNOTATION}"]: ${what}`, at);
  }
  if (layer.size > MAX_PAYLOAD_BYTES) return fail('unreadable', `${where}: payload of ${layer.size} bytes, over the ${MAX_PAYLOAD_BYTES} read`, at);
  let payload: Buffer;
  try {
    const stream = await target.fetch({ mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: layer.digest, size: layer.size }, op);
    payload = await readCapped(stream, MAX_PAYLOAD_BYTES, (n) => new Error(`${where}: payload over ${n} bytes`));
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return fail('unreadable', `${where}: payload ${layer.digest}: ${(err as Error).message}`, at);
  }
  const signer = checkSigner(stringAnnotations(layer.annotations), payload, signature, keys, options);
  if (!signer.ok) return fail(signer.problem, signer.reason, { ...at, ...signer.fields });
  const signedBy = { ...at, ...signer.fields };
  const claim = parsePayload(payload);
  if ('malformed' in claim) return fail('malformed-payload', `${where}: payload ${claim.malformed}`, signedBy);
  const claimed = { ...signedBy, identity: claim.identity, ...(claim.annotations ? { annotations: claim.annotations } : {}) };
  if (claim.type !== COSIGN_PAYLOAD_TYPE) return fail('wrong-type', `${where}: payload $.critical.type is "${claim.type}", not "${COSIGN_PAYLOAD_TYPE}"`, claimed);
  if (claim.digest !== subject.digest) return fail('digest-mismatch', `signs ${claim.digest}, not ${subject.digest}`, claimed);
  if (options.identity !== undefined && claim.identity !== options.identity) {
    return fail('identity-mismatch', `signed as ${claim.identity}, not ${options.identity}`, claimed);
  }
  const unsigned = options.annotations && annotationMismatch(options.annotations, claim.annotations);
  if (unsigned) return fail('annotation-mismatch', unsigned, claimed);
  return { ...base, layer: i, ...claimed, valid: true };
}

/** A layer's annotations that are strings (the document is untrusted JSON: a certificate that is no string is none). */
function stringAnnotations(annotations: unknown): Record<string, string> {
  if (annotations === null || typeof annotations !== 'object') return {};
  return Object.fromEntries(Object.entries(annotations).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
