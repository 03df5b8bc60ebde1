/**
 * `inspect`: every signature of an image, found as verify finds them (findCosignArtifacts, the same artifact types)
 * and described without trusting anything: no key, root or log is asked for, nothing is verified, so each fact is
 * what the signature claims (inspectDescribe.ts). A signature that cannot be read is listed with its problem.
 */
import type { Descriptor } from '../descriptor';
import { readCapped } from '../readCapped';
import { type CheckedSubject, type CheckedSubjectOptions, checkedSubjects } from '../referrers/checkedSubjects';
import { findCosignArtifacts, type FoundArtifact, type FoundVia, foundLayers } from '../referrers/cosignFound';
import { CosignTagLookup } from '../referrers/cosignTags';
import { semaphore } from '../semaphore';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { SIGNATURE_ARTIFACT_TYPES, SIMPLESIGNING_MEDIA_TYPE } from './cosignFormat';
import { type BundleDescription, type CosignDescription, describeBundle, describeCosignLayer, describeNotary, type NotaryDescription } from './inspectDescribe';
import { NOTARY_SIGNATURE_ARTIFACT_TYPE } from './notary/notaryEnvelope';
import { MAX_NOTARY_ENVELOPE_BYTES } from './notary/notaryVerify';
import { MAX_BUNDLE_BYTES, readBundleLayer } from './sigstore/bundleLayer';
import { SIGSTORE_BUNDLE_TYPES } from './sigstore/sigstoreBundle';
import { MAX_PAYLOAD_BYTES } from './verify';

export type { BundleDescription, CertificateInfo, CertificateRead, CosignDescription, NotaryDescription, TlogClaim } from './inspectDescribe';

/** Every type verify looks for, cosign's, cosign 3's bundles and notation's: inspect lists what verify could check. */
const INSPECTED_TYPES: readonly string[] = [...SIGNATURE_ARTIFACT_TYPES, ...SIGSTORE_BUNDLE_TYPES, NOTARY_SIGNATURE_ARTIFACT_TYPE];

/** Manifests inspected at once, as verifyImage's: well under the registry client's 8 connections. */
const INSPECT_CONCURRENCY = 4;

/** One signature: where it was found, its format, what it says, or why it cannot be told. */
export interface InspectedSignature {
  format: 'cosign' | 'bundle' | 'notary';
  /** The signature manifest's digest and how it was found. */
  manifest: string;
  via: FoundVia[];
  tag?: string;
  artifactType?: string;
  /** The layer's position and digest; absent for a problem of the manifest itself. */
  layer?: number;
  layerDigest?: string;
  mediaType?: string;
  cosign?: CosignDescription;
  bundle?: BundleDescription;
  notary?: NotaryDescription;
  /** Why it (or a part of it: its payload) could not be read. */
  problem?: string;
}

export interface InspectedManifest extends Pick<CheckedSubject, 'position' | 'label'> {
  subject: Descriptor;
  signatures: InspectedSignature[];
}

export interface ImageInspection {
  root: Descriptor;
  listedAs?: string;
  manifests: InspectedManifest[];
}

/** The signatures of what `reference` names (with `recursive`, of each manifest below an index; `platform`, of one), described. */
export async function inspectImage(target: ReadOnlyTarget, reference: string, options: CheckedSubjectOptions = {}): Promise<ImageInspection> {
  const op: OpOptions = { signal: options.signal };
  const { root, listedAs, subjects } = await checkedSubjects(target, reference, options);
  const cosignTags = new CosignTagLookup(target, op);
  // A few manifests at a time (verify's pace), in order; one cosign tag lookup shared by all (verifyImage.ts).
  const limit = semaphore(INSPECT_CONCURRENCY);
  const manifests = await Promise.all(
    subjects.map((s) => limit(async (): Promise<InspectedManifest> => ({ subject: s.desc, position: s.position, label: s.label, signatures: await inspectSignatures(target, s.desc, cosignTags, op) }))),
  );
  return { root, ...(listedAs ? { listedAs } : {}), manifests };
}

/** The signatures of one manifest, in verify's order (by signature manifest digest, then layer). */
export async function inspectSignatures(target: ReadOnlyTarget, subject: Descriptor, cosignTags: CosignTagLookup, op: OpOptions = {}): Promise<InspectedSignature[]> {
  const out: InspectedSignature[] = [];
  for (const f of await findCosignArtifacts(target, subject, { artifactTypes: INSPECTED_TYPES, suffix: 'sig', cosignTags }, op)) out.push(...(await inspectManifest(target, f, op)));
  return out;
}

async function inspectManifest(target: ReadOnlyTarget, found: FoundArtifact, op: OpOptions): Promise<InspectedSignature[]> {
  const notary = found.desc.artifactType === NOTARY_SIGNATURE_ARTIFACT_TYPE;
  const base = { manifest: found.desc.digest, via: found.via, ...(found.tag ? { tag: found.tag } : {}), ...(found.desc.artifactType ? { artifactType: found.desc.artifactType } : {}) };
  const format = (mediaType: unknown): InspectedSignature['format'] => (notary ? 'notary' : typeof mediaType === 'string' && SIGSTORE_BUNDLE_TYPES.includes(mediaType) ? 'bundle' : 'cosign');
  const read = await foundLayers(target, found, 'signature manifest', op);
  if ('problem' in read) return [{ ...base, format: format(found.desc.artifactType), problem: read.reason }];
  const out: InspectedSignature[] = [];
  for (const [i, raw] of read.layers.entries()) {
    const layer = (raw !== null && typeof raw === 'object' ? raw : {}) as Partial<Descriptor>;
    const kind = format(layer.mediaType);
    // A cosign manifest's other layers are not signatures (verify skips them too).
    if (kind === 'cosign' && layer.mediaType !== SIMPLESIGNING_MEDIA_TYPE) continue;
    const at = { ...base, format: kind, layer: i, ...(typeof layer.digest === 'string' ? { layerDigest: layer.digest } : {}), ...(typeof layer.mediaType === 'string' ? { mediaType: layer.mediaType } : {}) };
    if (kind === 'bundle') {
      const bytes = await readBundleLayer(target, layer, i, MAX_BUNDLE_BYTES, op);
      if ('problem' in bytes) out.push({ ...at, problem: bytes.reason });
      else {
        const d = describeBundle(bytes.bytes);
        out.push('malformed' in d ? { ...at, problem: `layers[${i}]: bundle ${d.malformed}` } : { ...at, bundle: d });
      }
    } else if (kind === 'notary') {
      const bytes = await layerBytes(target, layer, i, MAX_NOTARY_ENVELOPE_BYTES, 'envelope', op);
      if (!Buffer.isBuffer(bytes)) out.push({ ...at, problem: bytes.problem });
      else {
        const d = describeNotary(bytes, String(layer.mediaType));
        out.push('malformed' in d ? { ...at, problem: `layers[${i}]: ${d.malformed}` } : { ...at, notary: d });
      }
    } else {
      // The annotations are described even when the payload cannot be read: they say who claims to have signed.
      const bytes = await layerBytes(target, layer, i, MAX_PAYLOAD_BYTES, 'payload', op);
      const cosign = describeCosignLayer(stringAnnotations(layer.annotations), Buffer.isBuffer(bytes) ? bytes : undefined);
      const problem = !Buffer.isBuffer(bytes) ? bytes.problem : cosign.payloadProblem ? `layers[${i}]: ${cosign.payloadProblem}` : undefined;
      out.push({ ...at, cosign, ...(problem ? { problem } : {}) });
    }
  }
  if (out.length === 0) out.push({ ...base, format: 'cosign', problem: `signature manifest ${found.desc.digest}: no layer of type ${SIMPLESIGNING_MEDIA_TYPE} nor a Sigstore bundle` });
  return out;
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
