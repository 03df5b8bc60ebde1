/**
 * `inspect`: every signature and attestation of an image, found as verify and verify-attestation find them
 * (findCosignArtifacts: their artifact types, the `.sig` and `.att` tags) and described without trusting anything:
 * no key, root or log is asked for, nothing is verified, so each fact is what the signature or attestation claims
 * (inspectDescribe.ts, inspectAttestations.ts). One that cannot be read is listed with its problem.
 */
import { PREDICATE_TYPE_ANNOTATION } from '../attestations/attest';
import { isSignature as isSignatureBundle } from '../attestations/bundleAttestation';
import { DSSE_MEDIA_TYPE } from '../attestations/dsse';
import { ATTESTATION_ARTIFACT_TYPES, MAX_ENVELOPE_BYTES } from '../attestations/verifyAttestations';
import type { Descriptor } from '../descriptor';
import { readCapped } from '../readCapped';
import { type CheckedSubject, type CheckedSubjectOptions, checkedSubjects } from '../referrers/checkedSubjects';
import { findCosignArtifacts, type FoundArtifact, foundLayers } from '../referrers/cosignFound';
import { CosignTagLookup, parseCosignTag } from '../referrers/cosignTags';
import { semaphore } from '../semaphore';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { SIGNATURE_ARTIFACT_TYPES, SIMPLESIGNING_MEDIA_TYPE } from './cosignFormat';
import { describeBundleAttestation, describeDsseLayer, type FoundPlace, type InspectedAttestation } from './inspectAttestations';
import { type BundleDescription, type CosignDescription, describeCosignLayer, describeNotary, describeParsedBundle, type NotaryDescription } from './inspectDescribe';
import { NOTARY_SIGNATURE_ARTIFACT_TYPE } from './notary/notaryEnvelope';
import { MAX_NOTARY_ENVELOPE_BYTES } from './notary/notaryVerify';
import { readBundleLayer } from './sigstore/bundleLayer';
import { BUNDLE_PREDICATE_TYPE_ANNOTATION } from './sigstore/bundleReferrer';
import { COSIGN_SIGN_PREDICATE_TYPE, parseSigstoreBundle, SIGSTORE_BUNDLE_TYPES, type SigstoreBundle } from './sigstore/sigstoreBundle';
import { MAX_PAYLOAD_BYTES } from './verify';

export type { BundleDescription, CertificateInfo, CertificateRead, CosignDescription, NotaryDescription, TlogClaim } from './inspectDescribe';
export type { BundleSigner, CosignSigner, EnvelopeDescription, InspectedAttestation, StatementDescription } from './inspectAttestations';

/** Every type verify and verify-attestation look for (cosign's, cosign 3's bundles, notation's): inspect lists what they could check. */
const INSPECTED_TYPES: readonly string[] = [...new Set([...SIGNATURE_ARTIFACT_TYPES, ...SIGSTORE_BUNDLE_TYPES, NOTARY_SIGNATURE_ARTIFACT_TYPE, ...ATTESTATION_ARTIFACT_TYPES])];

/** Manifests inspected at once, as verifyImage's: well under the registry client's 8 connections. */
const INSPECT_CONCURRENCY = 4;

/** One signature: where it was found, its format, what it says, or why it cannot be told. */
export interface InspectedSignature extends FoundPlace {
  format: 'cosign' | 'bundle' | 'notary';
  cosign?: CosignDescription;
  bundle?: BundleDescription;
  notary?: NotaryDescription;
  /** Why it (or a part of it: its payload) could not be read. */
  problem?: string;
}

export interface InspectedManifest extends Pick<CheckedSubject, 'position' | 'label'> {
  subject: Descriptor;
  signatures: InspectedSignature[];
  attestations: InspectedAttestation[];
}

export interface ImageInspection {
  root: Descriptor;
  listedAs?: string;
  manifests: InspectedManifest[];
}

/** What is attached to one manifest: its signatures and its attestations, apart. */
export type Attached = Pick<InspectedManifest, 'signatures' | 'attestations'>;

/** The signatures and attestations of what `reference` names (with `recursive`, of each manifest below an index; `platform`, of one), described. */
export async function inspectImage(target: ReadOnlyTarget, reference: string, options: CheckedSubjectOptions = {}): Promise<ImageInspection> {
  const op: OpOptions = { signal: options.signal };
  const { root, listedAs, subjects } = await checkedSubjects(target, reference, options);
  const cosignTags = new CosignTagLookup(target, op);
  // A few manifests at a time (verify's pace), in order; one cosign tag lookup shared by all (verifyImage.ts).
  const limit = semaphore(INSPECT_CONCURRENCY);
  const manifests = await Promise.all(
    subjects.map((s) => limit(async (): Promise<InspectedManifest> => ({ subject: s.desc, position: s.position, label: s.label, ...(await inspectAttached(target, s.desc, cosignTags, op)) }))),
  );
  return { root, ...(listedAs ? { listedAs } : {}), manifests };
}

/**
 * The signatures and attestations of one manifest, in verify's order (by manifest digest, then layer): each found
 * manifest read once, each layer sorted by what it is (a simplesigning or Notary layer: a signature; a DSSE layer:
 * an attestation; a Sigstore bundle: as verify-attestation sorts it, by its statement).
 */
export async function inspectAttached(target: ReadOnlyTarget, subject: Descriptor, cosignTags: CosignTagLookup, op: OpOptions = {}): Promise<Attached> {
  const out: Attached = { signatures: [], attestations: [] };
  for (const f of await findCosignArtifacts(target, subject, { artifactTypes: INSPECTED_TYPES, suffix: ['sig', 'att'], cosignTags }, op)) {
    const r = await inspectManifest(target, subject.digest, f, op);
    out.signatures.push(...r.signatures);
    out.attestations.push(...r.attestations);
  }
  return out;
}

async function inspectManifest(target: ReadOnlyTarget, subject: string, found: FoundArtifact, op: OpOptions): Promise<Attached> {
  const notary = found.desc.artifactType === NOTARY_SIGNATURE_ARTIFACT_TYPE;
  const base = { manifest: found.desc.digest, via: found.via, ...(found.tag ? { tag: found.tag } : {}), ...(found.desc.artifactType ? { artifactType: found.desc.artifactType } : {}) };
  const format = (mediaType: unknown): InspectedSignature['format'] => (notary ? 'notary' : typeof mediaType === 'string' && SIGSTORE_BUNDLE_TYPES.includes(mediaType) ? 'bundle' : 'cosign');
  // Found as an attestation manifest (an attestation type, the `.att` tag): a problem of the manifest is an attestation's.
  const attestationManifest = ATTESTATION_ARTIFACT_TYPES.includes(found.desc.artifactType ?? '') || (found.tag !== undefined && parseCosignTag(found.tag)?.suffix === 'att');
  // A bundle that does not read is sorted by its referrer's label (unsigned; cosign 3 writes it on every bundle it pushes).
  const labelled = found.desc.annotations?.[BUNDLE_PREDICATE_TYPE_ANNOTATION];
  const attestationBundle = labelled !== undefined && labelled !== COSIGN_SIGN_PREDICATE_TYPE;
  const what = attestationManifest ? 'attestation manifest' : 'signature manifest';
  const out: Attached = { signatures: [], attestations: [] };
  const read = await foundLayers(target, found, what, op);
  if ('problem' in read) {
    if (attestationManifest) out.attestations.push({ ...base, format: 'cosign', problem: read.reason });
    else out.signatures.push({ ...base, format: format(found.desc.artifactType), problem: read.reason });
    return out;
  }
  for (const [i, raw] of read.layers.entries()) {
    const layer = (raw !== null && typeof raw === 'object' ? raw : {}) as Partial<Descriptor>;
    const at = { ...base, layer: i, ...(typeof layer.digest === 'string' ? { layerDigest: layer.digest } : {}), ...(typeof layer.mediaType === 'string' ? { mediaType: layer.mediaType } : {}) };
    const where = `layers[${i}]`;
    if (layer.mediaType === DSSE_MEDIA_TYPE) {
      // cosign's classic attestation: as a signature's, the annotations are described even when the envelope cannot be read.
      const bytes = await layerBytes(target, layer, i, MAX_ENVELOPE_BYTES, 'envelope', op);
      const annotations = stringAnnotations(layer.annotations);
      const annotated = annotations[PREDICATE_TYPE_ANNOTATION];
      const d = describeDsseLayer(annotations, Buffer.isBuffer(bytes) ? bytes : undefined, subject, where);
      out.attestations.push({ ...at, format: 'cosign', ...(annotated !== undefined ? { annotatedPredicateType: annotated } : {}), ...d, ...(!Buffer.isBuffer(bytes) ? { problem: bytes.problem } : {}) });
      continue;
    }
    const kind = format(layer.mediaType);
    // A cosign manifest's other layers are neither signatures nor attestations (verify skips them too).
    if (kind === 'cosign' && layer.mediaType !== SIMPLESIGNING_MEDIA_TYPE) continue;
    const sig = { ...at, format: kind };
    if (kind === 'bundle') {
      const r = await readBundle(target, layer, i, op);
      if ('problem' in r) {
        if (attestationBundle) out.attestations.push({ ...at, format: 'bundle', problem: r.problem });
        else out.signatures.push({ ...sig, problem: r.problem });
      } else if (isSignatureBundle(r.bytes)) out.signatures.push({ ...sig, bundle: describeParsedBundle(r.bundle) });
      else out.attestations.push({ ...at, format: 'bundle', ...describeBundleAttestation(r.bundle, subject, where) });
    } else if (kind === 'notary') {
      const bytes = await layerBytes(target, layer, i, MAX_NOTARY_ENVELOPE_BYTES, 'envelope', op);
      if (!Buffer.isBuffer(bytes)) out.signatures.push({ ...sig, problem: bytes.problem });
      else {
        const d = describeNotary(bytes, String(layer.mediaType));
        out.signatures.push('malformed' in d ? { ...sig, problem: `${where}: ${d.malformed}` } : { ...sig, notary: d });
      }
    } else {
      // The annotations are described even when the payload cannot be read: they say who claims to have signed.
      const bytes = await layerBytes(target, layer, i, MAX_PAYLOAD_BYTES, 'payload', op);
      const cosign = describeCosignLayer(stringAnnotations(layer.annotations), Buffer.isBuffer(bytes) ? bytes : undefined);
      const problem = !Buffer.isBuffer(bytes) ? bytes.problem : cosign.payloadProblem ? `${where}: ${cosign.payloadProblem}` : undefined;
      out.signatures.push({ ...sig, cosign, ...(problem ? { problem } : {}) });
    }
  }
  if (out.signatures.length > 0 || out.attestations.length > 0) return out;
  if (attestationManifest) out.attestations.push({ ...base, format: 'cosign', problem: `attestation manifest ${found.desc.digest}: no layer of type ${DSSE_MEDIA_TYPE} nor a Sigstore bundle` });
  else out.signatures.push({ ...base, format: 'cosign', problem: `signature manifest ${found.desc.digest}: no layer of type ${SIMPLESIGNING_MEDIA_TYPE} nor a Sigstore bundle` });
  return out;
}

/** A bundle layer read (with verify-attestation's cap: an attestation's bundle carries its predicate, an SBOM can be large) and parsed, or why not. */
async function readBundle(target: ReadOnlyTarget, layer: Partial<Descriptor>, i: number, op: OpOptions): Promise<{ bundle: SigstoreBundle; bytes: Buffer } | { problem: string }> {
  const read = await readBundleLayer(target, layer, i, MAX_ENVELOPE_BYTES, op);
  if ('problem' in read) return { problem: read.reason };
  const bundle = parseSigstoreBundle(read.bytes);
  return 'malformed' in bundle ? { problem: `layers[${i}]: bundle ${bundle.malformed}` } : { bundle, bytes: read.bytes };
}

/** A layer's bytes (at most `max`), or why they cannot be had; an abort is thrown. */
async function layerBytes(target: ReadOnlyTarget, layer: Partial<Descriptor>, i: number, max: number, what: string, op: OpOptions): Promise<Buffer | { problem: string }> {
  const where = `layers[${i}]`;
  if (typeof layer.digest !== 'string' || typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) return { problem: `${where}: expected a digest and a size` };
  if (layer.size > max) return { problem: `${where}: ${what} of ${layer.size} bytes, over the ${max} read` };
  try {
    const stream = await target.fetch({ mediaType: String(layer.mediaType ?? ''), digest: layer.digest, size: layer.size }, op);
    return await readCapped(stream, max, (n) => new Error(`${where}: ${what} over ${n} bytes`));
  } catch (err) {
    if (op.signal?.aborted) throw err;
    return { problem: `${where}: ${what} ${layer.digest}: ${(err as Error).message}` };
  }
}

/** A layer's annotations that are strings (untrusted JSON). */
function stringAnnotations(annotations: unknown): Record<string, string> {
  if (annotations === null || typeof annotations !== 'object') return {};
  return Object.fromEntries(Object.entries(annotations).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
