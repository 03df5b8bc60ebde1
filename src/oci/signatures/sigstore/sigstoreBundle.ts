import { type Envelope, envelopeOf } from '../../attestations/dsse';
import { decodeBase64, jsonObject } from '../cosignFormat';
import { isJsonObject } from '../../jsonObject';

/**
 * Sigstore bundles (sigstore/protobuf-specs, bundle v0.1 to v0.3, as protojson writes them), what cosign 3 attaches by
 * default (`--new-bundle-format`): an OCI 1.1 referrer of artifactType `application/vnd.dev.sigstore.bundle.v0.3+json`
 * whose one layer is the bundle. cosign 3's `sign` signs a DSSE envelope of an in-toto statement (predicateType
 * https://sigstore.dev/cosign/sign/v1, the image's digest its subject, no name); `attest` the same with its
 * predicate. A `messageSignature` bundle (sign-blob's) signs the artifact's bytes themselves; of an image, its
 * manifest's. The bundle carries the signing certificate (or only a hint naming the key) and Rekor entries.
 */
export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** The bundle types a referrer or layer may declare (v0.1 and v0.2 are written with a version parameter). */
/** v0.1: a tlog entry's SET alone may stand for its inclusion (later versions need the proof). */
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
export const SIGSTORE_BUNDLE_TYPES: readonly string[] = [
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  BUNDLE_V01,
];
/** cosign 3's predicate type for an image signature. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/** A transparency log entry as a bundle holds it: what its SET signs, and which kind of entry its body is. */
export interface BundleTlogEntry {
  body: string;
  integratedTime: number;
  logIndex: number;
  /** The log ID, hex (the bundle writes it base64). */
  logID: string;
  /** inclusionPromise.signedEntryTimestamp; absent for an entry with only an inclusion proof (Rekor v2). */
  set?: Buffer;
  /** inclusionProof as the bundle holds it (JSON), read and checked where a Rekor key asks for it (bundleLog.ts). */
  inclusionProof?: unknown;
  kind: string;
  version: string;
}

export type BundleContent = { dsse: Envelope } | { message: { algorithm: string; digest: Buffer; signature: Buffer } };

export interface SigstoreBundle {
  mediaType: string;
  /** DER, the leaf first (v0.3's `certificate`, or v0.1/v0.2's `x509CertificateChain`); absent when signed with a key. */
  certificates?: Buffer[];
  /** `publicKey.hint`: names the key, proves nothing. */
  keyHint?: string;
  content: BundleContent;
  tlogEntries: BundleTlogEntry[];
  /** `timestampVerificationData.rfc3161Timestamps[].signedTimestamp` (DER), verified where TSAs are given (timestamp.ts). */
  timestamps: Buffer[];
}

/** The bundle in `bytes`, or why it is none (naming the JSON path). Values are checked for shape only. */
export function parseSigstoreBundle(bytes: Buffer): SigstoreBundle | { malformed: string } {
  const read = jsonObject(bytes);
  if ('malformed' in read) return read;
  const doc = read.doc;
  if (typeof doc.mediaType !== 'string' || !doc.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) return { malformed: '$.mediaType: not a Sigstore bundle' };
  // Another version's fields may mean what this one does not read (sigstore-go refuses it too).
  if (!SIGSTORE_BUNDLE_TYPES.includes(doc.mediaType)) return { malformed: `$.mediaType: ${JSON.stringify(doc.mediaType)}, not a bundle version known here (0.1, 0.2, 0.3)` };
  const vm = doc.verificationMaterial;
  if (!isJsonObject(vm)) return { malformed: '$.verificationMaterial: expected an object' };
  const bundle: Partial<SigstoreBundle> = { mediaType: doc.mediaType };
  const raw = (v: unknown, where: string): Buffer | { malformed: string } => {
    const der = isJsonObject(v) && typeof v.rawBytes === 'string' ? decodeBase64(v.rawBytes) : undefined;
    return der ?? { malformed: `${where}.rawBytes: expected base64` };
  };
  if (vm.certificate !== undefined) {
    const der = raw(vm.certificate, '$.verificationMaterial.certificate');
    if (!Buffer.isBuffer(der)) return der;
    bundle.certificates = [der];
  } else if (vm.x509CertificateChain !== undefined) {
    const list = isJsonObject(vm.x509CertificateChain) ? vm.x509CertificateChain.certificates : undefined;
    if (!Array.isArray(list) || list.length === 0) return { malformed: '$.verificationMaterial.x509CertificateChain.certificates: expected a non-empty array' };
    bundle.certificates = [];
    for (const [i, c] of list.entries()) {
      const der = raw(c, `$.verificationMaterial.x509CertificateChain.certificates[${i}]`);
      if (!Buffer.isBuffer(der)) return der;
      bundle.certificates.push(der);
    }
  } else if (isJsonObject(vm.publicKey)) {
    if (typeof vm.publicKey.hint === 'string') bundle.keyHint = vm.publicKey.hint;
  } else return { malformed: '$.verificationMaterial: no certificate, certificate chain or public key' };

  const entries = vm.tlogEntries ?? [];
  if (!Array.isArray(entries)) return { malformed: '$.verificationMaterial.tlogEntries: expected an array' };
  bundle.tlogEntries = [];
  for (const [i, e] of entries.entries()) {
    const entry = tlogEntry(e, `$.verificationMaterial.tlogEntries[${i}]`);
    if ('malformed' in entry) return entry;
    bundle.tlogEntries.push(entry);
  }

  // From v0.2 on, a tlog entry must carry its inclusion proof (protobuf-specs; sigstore-go refuses a bundle without):
  // a SET alone is v0.1's.
  if (doc.mediaType !== BUNDLE_V01) {
    const i = bundle.tlogEntries.findIndex((e) => e.inclusionProof === undefined);
    if (i >= 0) return { malformed: `$.verificationMaterial.tlogEntries[${i}].inclusionProof: missing (required from bundle v0.2 on)` };
  }

  const timestamps = timestampsOf(vm.timestampVerificationData);
  if (!Array.isArray(timestamps)) return timestamps;
  bundle.timestamps = timestamps;

  if (isJsonObject(doc.dsseEnvelope)) {
    // Read as parsed: written out again, a field nested past the stack's depth overflowed JSON.stringify.
    const envelope = envelopeOf(doc.dsseEnvelope);
    if ('malformed' in envelope) return { malformed: `$.dsseEnvelope${envelope.malformed.slice(1)}` };
    // A bundle is one signature (sigstore-go refuses others): which one its certificate or entry is of must be clear.
    if (envelope.signatures.length !== 1) return { malformed: `$.dsseEnvelope.signatures: ${envelope.signatures.length} signatures, not one` };
    bundle.content = { dsse: envelope };
  } else if (isJsonObject(doc.messageSignature)) {
    const m = doc.messageSignature;
    const signature = typeof m.signature === 'string' ? decodeBase64(m.signature) : undefined;
    if (!signature) return { malformed: '$.messageSignature.signature: expected base64' };
    const md = m.messageDigest;
    const digest = isJsonObject(md) && typeof md.digest === 'string' ? decodeBase64(md.digest) : undefined;
    if (!isJsonObject(md) || typeof md.algorithm !== 'string' || !digest) return { malformed: '$.messageSignature.messageDigest: expected an algorithm and a base64 digest' };
    bundle.content = { message: { algorithm: md.algorithm, digest, signature } };
  } else return { malformed: '$: neither dsseEnvelope nor messageSignature' };
  return bundle as SigstoreBundle;
}

/** protojson writes int64 as a decimal string (and reads a number too). */
function wholeNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function tlogEntry(e: unknown, where: string): BundleTlogEntry | { malformed: string } {
  if (!isJsonObject(e)) return { malformed: `${where}: expected an object` };
  if (typeof e.canonicalizedBody !== 'string') return { malformed: `${where}.canonicalizedBody: expected a string` };
  // Read here, not first where a proof or a SET reads it: each would name itself as the place.
  if (!decodeBase64(e.canonicalizedBody)) return { malformed: `${where}.canonicalizedBody: expected base64` };
  // Rekor v2 entries have no integratedTime (0, omitted by protojson).
  const integratedTime = e.integratedTime === undefined ? 0 : wholeNumber(e.integratedTime);
  if (integratedTime === undefined) return { malformed: `${where}.integratedTime: expected a whole number` };
  const logIndex = wholeNumber(e.logIndex);
  if (logIndex === undefined) return { malformed: `${where}.logIndex: expected a whole number` };
  const keyId = isJsonObject(e.logId) && typeof e.logId.keyId === 'string' ? decodeBase64(e.logId.keyId) : undefined;
  if (!keyId) return { malformed: `${where}.logId.keyId: expected base64` };
  // Absent, it is not required here; given, it must be two strings (bundleLog.ts holds them to the body's).
  const kv = e.kindVersion === undefined || e.kindVersion === null ? {} : e.kindVersion;
  if (!isJsonObject(kv) || (kv.kind !== undefined && typeof kv.kind !== 'string') || (kv.version !== undefined && typeof kv.version !== 'string')) return { malformed: `${where}.kindVersion: expected a kind and a version (strings)` };
  const entry: BundleTlogEntry = { body: e.canonicalizedBody, integratedTime, logIndex, logID: keyId.toString('hex'), kind: (kv.kind as string | undefined) ?? '', version: (kv.version as string | undefined) ?? '' };
  const promise = e.inclusionPromise;
  if (promise !== undefined) {
    const set = isJsonObject(promise) && typeof promise.signedEntryTimestamp === 'string' ? decodeBase64(promise.signedEntryTimestamp) : undefined;
    if (!set) return { malformed: `${where}.inclusionPromise.signedEntryTimestamp: expected base64` };
    entry.set = set;
  }
  if (e.inclusionProof !== undefined && e.inclusionProof !== null) entry.inclusionProof = e.inclusionProof;
  return entry;
}

/** The RFC 3161 timestamps' DER, in order (none when the bundle has no timestampVerificationData). */
function timestampsOf(data: unknown): Buffer[] | { malformed: string } {
  const where = '$.verificationMaterial.timestampVerificationData';
  if (data === undefined || data === null) return [];
  const list = isJsonObject(data) ? (data.rfc3161Timestamps ?? []) : undefined;
  if (!Array.isArray(list)) return { malformed: `${where}.rfc3161Timestamps: expected an array` };
  const out: Buffer[] = [];
  for (const [i, t] of list.entries()) {
    const der = isJsonObject(t) && typeof t.signedTimestamp === 'string' ? decodeBase64(t.signedTimestamp) : undefined;
    if (!der) return { malformed: `${where}.rfc3161Timestamps[${i}].signedTimestamp: expected base64` };
    out.push(der);
  }
  return out;
}
