/**
 * What one signature says of itself, read from its bytes and never trusted (inspect.ts finds them): each format's
 * own parser reads it (cosignFormat.ts, sigstoreBundle.ts, notaryJws.ts / notaryCose.ts, certificates.ts); nothing
 * is verified, so every field is a claim. A part that cannot be read is named with its problem, never thrown.
 */
import { createHash } from '../nodeCrypto';
import { INTOTO_PAYLOAD_TYPE } from '../attestations/dsse';
import { parseStatement } from '../attestations/statement';
import { parsePayload } from './cosignFormat';
import { CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION } from './keyless';
import { parseCose } from './notary/notaryCose';
import { NOTARY_COSE_MEDIA_TYPE } from './notary/notaryEnvelope';
import { parseJws } from './notary/notaryJws';
import { signedAttributes, targetArtifact } from './notary/notaryPayload';
import { BUNDLE_ANNOTATION } from './rekorBundle';
import type { CertificateSummary } from './signatureResult';
import { parseSigstoreBundle, type SigstoreBundle } from './sigstore/sigstoreBundle';
import { certificateFacts, parseCertificates, readCertificate } from './x509/certificates';
import { isJsonObject } from '../jsonObject';

/** cosign's classic annotation holding an RFC 3161 timestamp (`cosign sign --timestamp-server-url`). */
export const RFC3161_ANNOTATION = 'dev.sigstore.cosign/rfc3161timestamp';

/**
 * A certificate as it reads: who it names, who issued it, when it is valid (a verify result's CertificateSummary
 * fields, nothing checked), and its SHA-256 fingerprint (of its DER, lowercase hex).
 */
export type CertificateInfo = Pick<CertificateSummary, 'subject' | 'issuer' | 'identities' | 'oidcIssuer' | 'notBefore' | 'notAfter'> & { sha256: string };
/** A certificate that does not read: why. */
export type CertificateRead = CertificateInfo | { malformed: string };

/** A Rekor entry as a signature carries it: where and when the log claims it was entered. */
export interface TlogClaim {
  logIndex: number;
  /** Seconds since 1970; 0 or absent for a Rekor v2 entry (it has none). */
  integratedTime?: number;
  /** The log's ID, hex. */
  logID: string;
  kind?: string;
  version?: string;
  /** The bundle holds an inclusion proof / an inclusion promise (SET), not checked. */
  inclusionProof?: boolean;
  inclusionPromise?: boolean;
}

/** A cosign classic (simplesigning) layer. */
export interface CosignDescription {
  /** The payload's claims: `critical.type`, `critical.identity.docker-reference`, `critical.image.docker-manifest-digest`, `optional`. */
  claim?: { type: string; dockerReference: string; digest: string; annotations?: Record<string, unknown> };
  payloadProblem?: string;
  /** Absent: signed with a key (no certificate annotation). */
  certificate?: CertificateRead;
  /** Certificates in the chain annotation (0 when it has none). */
  chainLength: number;
  chainProblem?: string;
  rekorBundle?: TlogClaim | { malformed: string };
  rfc3161Timestamp: boolean;
}

/** A Sigstore bundle (cosign 3). */
export interface BundleDescription {
  mediaType: string;
  content: 'dsse' | 'message-signature';
  /** DSSE: its payloadType and, for an in-toto statement, its predicate type and subjects. */
  payloadType?: string;
  predicateType?: string;
  subjects?: Array<{ name?: string; digest: Record<string, string> }>;
  statementProblem?: string;
  /** A message signature: the digest it signs (`sha256:<hex>` style). */
  messageDigest?: string;
  /** `publicKey.hint`: names a key, proves nothing. */
  keyHint?: string;
  certificates?: CertificateRead[];
  tlogEntries: TlogClaim[];
  /** RFC 3161 timestamps it carries. */
  timestamps: number;
}

/** A Notary Project envelope (notation). */
export interface NotaryDescription {
  envelope: 'jws' | 'cose';
  alg: string;
  contentType: string;
  signingScheme: string;
  signingTime?: string;
  authenticSigningTime?: string;
  expiry?: string;
  signingAgent?: string;
  /** The payload's targetArtifact (digest, size, media type) and its annotations: the user metadata signed. */
  targetArtifact?: { digest: string; size: number; mediaType: string };
  userMetadata?: Record<string, string>;
  payloadProblem?: string;
  /** The x5c chain, leaf first. */
  certificates: CertificateRead[];
  timestamp: boolean;
}

/** A DER certificate's facts, or why it reads as none. */
export function certificateInfo(der: Buffer, label: string): CertificateRead {
  const read = readCertificate(der, label);
  if ('malformed' in read) return read;
  return { ...certificateFacts(read), sha256: createHash('sha256').update(der).digest('hex') };
}

/** A PEM text's certificates (`label`), each read; or why the text holds none. */
function pemCertificates(pem: string, label: string): CertificateRead[] | { malformed: string } {
  try {
    return parseCertificates(label, pem).map((c) => certificateInfo(c.x509.raw, c.name));
  } catch (err) {
    return { malformed: (err as Error).message };
  }
}

/** A classic cosign layer: its payload's claims and what its annotations carry (certificate, chain, Rekor bundle, timestamp). */
export function describeCosignLayer(annotations: Readonly<Record<string, string>>, payload: Buffer | undefined): CosignDescription {
  const out: CosignDescription = { chainLength: 0, rfc3161Timestamp: annotations[RFC3161_ANNOTATION] !== undefined };
  if (payload) {
    const claim = parsePayload(payload);
    if ('malformed' in claim) out.payloadProblem = `payload ${claim.malformed}`;
    else out.claim = { type: claim.type, dockerReference: claim.identity, digest: claim.digest, ...(claim.annotations ? { annotations: claim.annotations } : {}) };
  }
  const pem = annotations[CERTIFICATE_ANNOTATION];
  if (pem !== undefined) {
    const read = pemCertificates(pem, 'the certificate annotation');
    out.certificate = Array.isArray(read) ? read[0]! : read;
  }
  const chain = annotations[CHAIN_ANNOTATION];
  if (chain !== undefined) {
    const read = pemCertificates(chain, 'the chain annotation');
    if (Array.isArray(read)) out.chainLength = read.length;
    else out.chainProblem = read.malformed;
  }
  const bundle = annotations[BUNDLE_ANNOTATION];
  if (bundle !== undefined) out.rekorBundle = rekorBundleClaim(bundle);
  return out;
}

/** The Rekor bundle annotation's entry, as claimed (its SET is not checked: rekorBundle.ts does, given a key). */
function rekorBundleClaim(text: string): TlogClaim | { malformed: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { malformed: `${BUNDLE_ANNOTATION}: not JSON (${(err as Error).message})` };
  }
  const p = isJsonObject(doc) ? doc.Payload : undefined;
  if (!isJsonObject(p)) return { malformed: `${BUNDLE_ANNOTATION}: $.Payload: expected an object` };
  if (!Number.isSafeInteger(p.logIndex)) return { malformed: `${BUNDLE_ANNOTATION}: $.Payload.logIndex: expected a whole number` };
  return {
    logIndex: p.logIndex as number,
    ...(Number.isSafeInteger(p.integratedTime) ? { integratedTime: p.integratedTime as number } : {}),
    logID: typeof p.logID === 'string' ? p.logID : '',
    inclusionPromise: isJsonObject(doc) && typeof doc.SignedEntryTimestamp === 'string',
  };
}

/** A Sigstore bundle's facts, or why it is none (parseSigstoreBundle's words). */
export function describeBundle(bytes: Buffer): BundleDescription | { malformed: string } {
  const b = parseSigstoreBundle(bytes);
  return 'malformed' in b ? b : describeParsedBundle(b);
}

/** A parsed bundle's facts (inspect's attestations read the bundle once for its envelope too). */
export function describeParsedBundle(b: SigstoreBundle): BundleDescription {
  const out: BundleDescription = {
    mediaType: b.mediaType,
    content: 'dsse' in b.content ? 'dsse' : 'message-signature',
    ...(b.keyHint !== undefined ? { keyHint: b.keyHint } : {}),
    ...(b.certificates ? { certificates: b.certificates.map((der, i) => certificateInfo(der, `verificationMaterial certificate ${i}`)) } : {}),
    tlogEntries: b.tlogEntries.map((e) => ({
      logIndex: e.logIndex,
      ...(e.integratedTime ? { integratedTime: e.integratedTime } : {}),
      logID: e.logID,
      kind: e.kind,
      version: e.version,
      inclusionProof: e.inclusionProof !== undefined,
      inclusionPromise: e.set !== undefined,
    })),
    timestamps: b.timestamps.length,
  };
  if ('dsse' in b.content) {
    out.payloadType = b.content.dsse.payloadType;
    if (b.content.dsse.payloadType === INTOTO_PAYLOAD_TYPE) {
      const s = parseStatement(b.content.dsse.payload);
      if ('malformed' in s) out.statementProblem = `statement ${s.malformed}`;
      else {
        out.predicateType = s.predicateType;
        out.subjects = s.subjects.map((x) => ({ ...(x.name !== undefined ? { name: x.name } : {}), digest: x.digest }));
      }
    }
  } else out.messageDigest = `${b.content.message.algorithm}:${b.content.message.digest.toString('hex')}`;
  return out;
}

/** A Notary envelope's signed and unsigned attributes, or why it does not read (notaryJws.ts / notaryCose.ts's words). */
export function describeNotary(bytes: Buffer, mediaType: string): NotaryDescription | { malformed: string } {
  const cose = mediaType === NOTARY_COSE_MEDIA_TYPE;
  const e = cose ? parseCose(bytes) : parseJws(bytes);
  if ('malformed' in e) return { malformed: `${cose ? 'COSE' : 'JWS'} envelope: ${e.malformed}` };
  const out: NotaryDescription = {
    envelope: e.envelope,
    alg: e.alg,
    contentType: e.contentType,
    ...signedAttributes(e),
    certificates: e.certificates.map((der, i) => certificateInfo(der, `x5c[${i}]`)),
    timestamp: e.timestampToken !== undefined,
  };
  const t = targetArtifact(e.payload);
  if (typeof t === 'string') out.payloadProblem = `payload: ${t}`;
  else {
    out.targetArtifact = { digest: t.digest, size: t.size, mediaType: t.mediaType };
    if (t.annotations && Object.keys(t.annotations).length > 0) out.userMetadata = t.annotations;
  }
  return out;
}
