import type { Descriptor } from '../descriptor';
import { inOrder } from '../inOrder';
import { readCapped } from '../readCapped';
import { ARTIFACTS_AT_ONCE } from '../signatures/verify';
import { findCosignArtifacts, type FoundArtifact, foundLayers, type FoundVia } from '../referrers/cosignFound';
import { CosignTagLookup } from '../referrers/cosignTags';

export type { FoundVia };
import { keyVerifying, type VerifyKey } from '../signatures/keys/publicKeys';
import { signedByFields } from '../signatures/signatureResult';
import type { AttestationPlace, AttestationProblem, AttestationResult } from './attestationResult';
import type { CertificateCheck } from '../signatures/keyless';
import { checkSigner, type SignerTrust } from '../signatures/signer';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { BUNDLE_PREDICATE_TYPE_ANNOTATION } from '../signatures/sigstore/bundleReferrer';
import { COSIGN_SIGN_PREDICATE_TYPE, SIGSTORE_BUNDLE_TYPES } from '../signatures/sigstore/sigstoreBundle';
import { verifyBundleAttestation } from './bundleAttestation';
import { DSSE_MEDIA_TYPE, type Envelope, INTOTO_PAYLOAD_TYPE, pae, parseEnvelope } from './dsse';
import { intotoEntryCheck } from './intotoEntry';
import { parseStatement, statementNames } from './statement';

/** cosign's own cap on what it reads of an attachment (COSIGN_MAX_ATTACHMENT_SIZE's default): an SBOM can be large. */
export const MAX_ENVELOPE_BYTES = 128 << 20;

/**
 * Referrers of these artifact types are cosign attestation manifests: cosign 3's OCI 1.1 mode (the in-toto type),
 * cosign 2's (`.att`'s artifact type), and a manifest a registry lists by its DSSE layers.
 */
export const ATTESTATION_ARTIFACT_TYPES: readonly string[] = [INTOTO_PAYLOAD_TYPE, 'application/vnd.dev.cosign.artifact.att.v1+json', DSSE_MEDIA_TYPE];

export type { AttestationProblem, AttestationResult } from './attestationResult';

export interface ManifestAttestations {
  subject: Descriptor;
  attestations: AttestationResult[];
  /** Whether at least one attestation is valid. */
  valid: boolean;
}

/** `certificates` (keyless: the layer's certificate), `rekorKeys` (its bundle, an intoto entry), as verify's. */
export interface VerifyAttestationOptions extends OpOptions, SignerTrust {
  /** The predicate type (a URI) a statement must have; any when unset. */
  predicateType?: string;
  /** cosign's tags looked up through one lookup shared by the manifests of one image (see CosignTagLookup). */
  cosignTags?: CosignTagLookup;
}

/**
 * The cosign attestations of the manifest `subject`, each verified with `keys`: found through cosign's tag
 * `sha256-<hex>.att` and as referrers of attestation types, and cosign 3's Sigstore bundles, referrers of a bundle
 * type (bundleAttestation.ts: checked as verify checks a bundle; a bundle that is a signature is left to verify). An attestation is valid when a key verifies a signature
 * of its DSSE envelope over PAE(payloadType, payload), the payload is an in-toto Statement, a subject of it is
 * `subject`'s digest, and (when asked) its predicate type is `predicateType`. Only a payload a key verifies is read
 * for what it says. Manifests that cannot be read are results, not errors; a failure to list is thrown.
 */
export async function verifyAttestations(
  target: ReadOnlyTarget,
  subject: Descriptor,
  keys: readonly VerifyKey[],
  options: VerifyAttestationOptions = {},
): Promise<ManifestAttestations> {
  const op: OpOptions = { signal: options.signal };
  const cosignTags = options.cosignTags ?? new CosignTagLookup(target, op);
  const attestations: AttestationResult[] = [];
  const listed = await findCosignArtifacts(target, subject, { artifactTypes: [...ATTESTATION_ARTIFACT_TYPES, ...SIGSTORE_BUNDLE_TYPES], suffix: 'att', cosignTags }, op);
  // A bundle referrer whose listing says it holds cosign's sign/v1 statement is a signature: not read here (cosign 3
  // writes that annotation on every bundle it pushes). The label is unsigned: it can hide an attestation from this
  // check no more than deleting the referrer could; one without it is read, and a signature found so is passed over.
  const found = listed.filter((f) => !(f.desc.artifactType && SIGSTORE_BUNDLE_TYPES.includes(f.desc.artifactType) && f.desc.annotations?.[BUNDLE_PREDICATE_TYPE_ANNOTATION] === COSIGN_SIGN_PREDICATE_TYPE));
  // A few at once, as verify's, results in their order.
  const results = await inOrder(found, { atOnce: ARTIFACTS_AT_ONCE, signal: options.signal }, (f, signal) => verifyManifest(target, subject, f, keys, { ...options, signal }, { signal }));
  for (const r of results) attestations.push(...r);
  return { subject, attestations, valid: attestations.some((a) => a.valid) };
}

export type { AttestationPlace } from './attestationResult';

const failure = (place: AttestationPlace, problem: AttestationProblem, reason: string, more: Partial<AttestationResult> = {}): AttestationResult => ({ ...place, ...more, valid: false, problem, reason });

async function verifyManifest(
  target: ReadOnlyTarget,
  subject: Descriptor,
  found: FoundArtifact,
  keys: readonly VerifyKey[],
  options: VerifyAttestationOptions,
  op: OpOptions,
): Promise<AttestationResult[]> {
  const base: AttestationPlace = { manifest: found.desc.digest, via: found.via, ...(found.tag ? { tag: found.tag } : {}) };
  const fail = (problem: AttestationProblem, reason: string) => failure(base, problem, reason);
  const read = await foundLayers(target, found, 'attestation manifest', op);
  if ('problem' in read) return [fail(read.problem === 'malformed' ? 'malformed-attestation' : 'unreadable', read.reason)];
  const layers = read.layers;
  const out: AttestationResult[] = [];
  let signatures = 0;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i] as Partial<Descriptor> | null;
    if (layer && typeof layer === 'object' && typeof layer.mediaType === 'string' && SIGSTORE_BUNDLE_TYPES.includes(layer.mediaType)) {
      const r = await verifyBundleAttestation(target, subject, layer, { ...base, layer: i }, keys, options, MAX_ENVELOPE_BYTES);
      if (r) out.push(r);
      else signatures++;
      continue;
    }
    if (!layer || typeof layer !== 'object' || layer.mediaType !== DSSE_MEDIA_TYPE) continue;
    out.push(await verifyLayer(target, subject, layer, { ...base, layer: i }, keys, options, op));
  }
  // A bundle referrer holding a signature (cosign 3's sign) is verify's, not an attestation manifest gone wrong.
  if (out.length === 0 && signatures > 0) return [];
  if (out.length === 0) return [fail('malformed-attestation', `attestation manifest ${found.desc.digest}: no layer of type ${DSSE_MEDIA_TYPE} nor a Sigstore bundle`)];
  return out;
}

async function verifyLayer(
  target: ReadOnlyTarget,
  subject: Descriptor,
  layer: Partial<Descriptor>,
  place: AttestationPlace,
  keys: readonly VerifyKey[],
  options: VerifyAttestationOptions,
  op: OpOptions,
): Promise<AttestationResult> {
  const where = `layers[${place.layer}]`;
  if (typeof layer.digest !== 'string' || typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    return failure(place, 'malformed-attestation', `${where}: expected a digest and a size`);
  }
  const at: AttestationPlace = { ...place, layerDigest: layer.digest };
  const fail = (problem: AttestationProblem, reason: string) => failure(at, problem, reason);
  if (layer.size > MAX_ENVELOPE_BYTES) return fail('unreadable', `${where}: envelope of ${layer.size} bytes, over the ${MAX_ENVELOPE_BYTES} read`);
  let bytes: Buffer;
  try {
    const stream = await target.fetch({ mediaType: DSSE_MEDIA_TYPE, digest: layer.digest, size: layer.size }, op);
    bytes = await readCapped(stream, MAX_ENVELOPE_BYTES, (n) => new Error(`${where}: envelope over ${n} bytes`));
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return fail('unreadable', `${where}: envelope ${layer.digest}: ${(err as Error).message}`);
  }
  const envelope = parseEnvelope(bytes);
  if ('malformed' in envelope) return fail('malformed-envelope', `${where}: envelope ${envelope.malformed}`);
  return verifyEnvelope(envelope, subject.digest, keys, options.predicateType, at, { trust: options, bytes, annotations: stringAnnotations(layer.annotations) });
}

/** A layer's annotations that are strings (the document is untrusted JSON: a certificate that is no string is none). */
function stringAnnotations(annotations: unknown): Record<string, string> {
  if (annotations === null || typeof annotations !== 'object') return {};
  return Object.fromEntries(Object.entries(annotations).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The layer an envelope came in, for keyless and Rekor: its bytes (what Rekor's entry hashes) and its annotations. */
export interface EnvelopeLayer {
  trust: SignerTrust;
  bytes?: Buffer;
  annotations?: Readonly<Record<string, string>>;
}

/**
 * Who signed the envelope under `trust`, as verify's checkSigner judges a signature (a key, else the layer's
 * certificate; with Rekor keys, a bundle that is an intoto entry of these bytes), signature by signature over PAE:
 * the first that is valid, else the first one's problem.
 */
function envelopeSigner(envelope: Envelope, signed: Buffer, keys: readonly VerifyKey[], layer: EnvelopeLayer): CertificateCheck {
  const entryOf = layer.bytes ? intotoEntryCheck(layer.bytes, envelope.payload) : undefined;
  let first: CertificateCheck | undefined;
  for (const s of envelope.signatures) {
    const c = checkSigner(layer.annotations ?? {}, signed, s.sig, keys, layer.trust, entryOf);
    if (c.ok) return c;
    first ??= c;
  }
  return first!;
}

/**
 * The checks of one envelope, in order: a key verifies one of its signatures over PAE; then (only then) the
 * payload's type, the statement, its subjects and its predicate type. Exported for the envelope alone (tests).
 */
export function verifyEnvelope(
  envelope: Envelope,
  digest: string,
  keys: readonly VerifyKey[],
  predicateType: string | undefined,
  place: AttestationPlace,
  layer: EnvelopeLayer = { trust: {} },
): AttestationResult {
  const where = place.layer === undefined ? 'envelope' : `layers[${place.layer}]`;
  const signed = pae(envelope.payloadType, envelope.payload);
  if (layer.trust.certificates || (layer.trust.rekorKeys?.length ?? 0) > 0) {
    const c = envelopeSigner(envelope, signed, keys, layer);
    // Only who signed is carried over (the check's fields are a signature result's).
    const signedBy: Partial<AttestationResult> = signedByFields(c.fields);
    if (!c.ok) return failure(place, c.problem as AttestationProblem, c.reason, signedBy);
    return statementResult(envelope, digest, predicateType, place, where, signedBy);
  }
  const supported = keys.filter((k) => !k.unsupported);
  const verified = keyVerifying(supported, signed, envelope.signatures.map((s) => s.sig));
  if (!verified) {
    const unsupported = keys.filter((k) => k.unsupported).map((k) => `${k.name}: ${k.unsupported}`);
    if (supported.length === 0) return failure(place, 'unsupported-key', `no key can verify it (${unsupported.join('; ')})`);
    const sigs = envelope.signatures.length === 1 ? 'its signature' : `any of its ${envelope.signatures.length} signatures`;
    const tried = `no key given verifies ${sigs} (${supported.map((k) => k.name).join(', ')})`;
    return failure(place, 'bad-signature', unsupported.length > 0 ? `${tried}; ${unsupported.join('; ')}` : tried);
  }
  return statementResult(envelope, digest, predicateType, place, where, verified.fields);
}

/** The checks of an envelope once signed (`signedBy`: by whom): its payload's type, statement, subjects, predicate type. */
function statementResult(envelope: Envelope, digest: string, predicateType: string | undefined, place: AttestationPlace, where: string, signedBy: Partial<AttestationResult>): AttestationResult {
  if (envelope.payloadType !== INTOTO_PAYLOAD_TYPE) return failure(place, 'wrong-payload-type', `${where}: payloadType is "${envelope.payloadType}", not "${INTOTO_PAYLOAD_TYPE}"`, signedBy);
  const statement = parseStatement(envelope.payload);
  if ('malformed' in statement) return failure(place, 'malformed-statement', `${where}: statement ${statement.malformed}`, signedBy);
  const stated = { ...signedBy, predicateType: statement.predicateType };
  if (!statementNames(statement, digest)) {
    const named = statement.subjects.flatMap((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`));
    return failure(place, 'subject-mismatch', `states ${named.join(', ')}, not ${digest}`, stated);
  }
  if (predicateType !== undefined && statement.predicateType !== predicateType) {
    return failure(place, 'wrong-predicate-type', `predicateType ${statement.predicateType}, not ${predicateType}`, stated);
  }
  return { ...place, valid: true, ...stated };
}
