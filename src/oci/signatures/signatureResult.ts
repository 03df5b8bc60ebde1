/** What verifying one signature says: its result, and why it is not valid (types only, shared by verify and keyless). */
import type { FoundVia } from '../referrers/cosignFound';
import type { VerifiedTimestamp } from './x509/timestamp';

/** Why the signer of a signature or an attestation is not trusted: the keys, the certificate, the Rekor bundle. */
export type SignerProblem =
  | 'bad-signature' // no key given (nor the certificate's) verifies it (a wrong key, a tampered payload)
  | 'unsupported-key' // no key given can verify cosign signatures at all
  | 'no-certificate' // only certificates are trusted, and it has none
  | 'malformed-certificate' // its certificate or chain annotation is not PEM X.509
  | 'untrusted-certificate' // its certificate does not chain to a root given (or is not for code signing)
  | 'certificate-identity-mismatch' // its certificate is for another identity (SAN)
  | 'issuer-mismatch' // its certificate was issued through another OIDC issuer
  | 'certificate-expired' // its certificate (or chain) is not valid at the time checked (Rekor's, or now)
  | 'certificate-sct' // CT log keys are given and no SCT its certificate carries verifies under one (none, another log's, changed)
  | 'bad-bundle'; // a Rekor key is given and its Rekor bundle is missing, does not verify, or is of another signature

/** Why a signature is not valid. */
export type SignatureProblem =
  | SignerProblem
  | 'digest-mismatch' // it verifies, but signs another manifest
  | 'wrong-type' // it verifies, but critical.type is not cosign's
  | 'identity-mismatch' // it verifies, but names another reference than --identity
  | 'annotation-mismatch' // it verifies, but was not signed with an annotation -a asks for (or with another value)
  | 'malformed-payload' // it verifies, but its payload is not cosign's JSON
  | 'malformed-signature' // the signature manifest or its annotation is not cosign's format
  | 'unreadable' // the signature manifest or payload could not be read (missing, damaged, too large)
  | 'signature-expired' // a Notary signature past the expiry its signer set (io.cncf.notary.expiry)
  | 'unknown-critical-header' // a Notary signature marks critical an attribute not understood here (a plugin's)
  | 'bad-timestamp' // a Notary signature's timestamp countersignature does not verify under the TSA roots given (or, under a trust policy naming a tsa store, it has none)
  | 'revocation-not-checked'; // under a Notary trust policy: a certificate names an OCSP responder or a CRL, which is not consulted here (no network)

/** How a signature manifest was found for its subject. */
export type { FoundVia };

/**
 * What verifying one layer of a cosign manifest says, a signature's or an attestation's: where it is, whether it is
 * valid and by whom, or why not (`P`: the problems of its kind).
 */
export interface CosignLayerResult<P extends string> {
  /** The signature (or attestation) manifest's digest. */
  manifest: string;
  /** The layer's 0-based position in it; undefined for a problem of the manifest itself. */
  layer?: number;
  layerDigest?: string;
  via: FoundVia[];
  /** The cosign tag that names the manifest. */
  tag?: string;
  valid: boolean;
  /** The key given that verifies it (name as given) and its type (for a certificate's signature, the type of the certificate's key). */
  key?: string;
  keyType?: string;
  /** `ed25519ph` when an Ed25519 key verified it as Ed25519ph (cosign 2.5+'s); absent for pure Ed25519 and every other key. */
  keyAlgorithm?: string;
  /** For a signature checked against its certificate: who the certificate is for, its issuer, its validity. */
  certificate?: CertificateSummary;
  /** With a Rekor key: the bundle's integratedTime (seconds since 1970), once verified, and the Rekor key (name as given). */
  integratedTime?: number;
  rekorKey?: string;
  /** With CT log keys, for a certificate's signature: the CT log key (name as given) whose SCT in the certificate verified. */
  ctLogKey?: string;
  /** With a Rekor key, on a Sigstore bundle: its entry's inclusion proof and checkpoint were verified with that key (true; absent otherwise). */
  inclusionProof?: boolean;
  /** With --timestamp-certificate-chain, on a Sigstore bundle: its first RFC 3161 timestamp, verified (every one it carries is). */
  timestamp?: VerifiedTimestamp;
  problem?: P;
  /** Why not, in words (naming the JSON path, the digest signed, the keys tried). */
  reason?: string;
}

/** Who signed and how it was logged, of a check's fields: what an attestation result carries over (a signature's other fields are its own). */
export function signedByFields(fields: Partial<CosignLayerResult<string>>): Pick<CosignLayerResult<string>, 'key' | 'keyType' | 'keyAlgorithm' | 'certificate' | 'integratedTime' | 'rekorKey' | 'ctLogKey' | 'inclusionProof' | 'timestamp'> {
  const { key, keyType, keyAlgorithm, certificate, integratedTime, rekorKey, ctLogKey, inclusionProof, timestamp } = fields;
  const out = { key, keyType, keyAlgorithm, certificate, integratedTime, rekorKey, ctLogKey, inclusionProof, timestamp };
  for (const k of Object.keys(out) as Array<keyof typeof out>) if (out[k] === undefined) delete out[k];
  return out;
}

/** One signature: one simplesigning layer of a signature manifest (cosign adds a layer per signing to its `.sig` tag), or a Sigstore bundle. */
export interface SignatureResult extends CosignLayerResult<SignatureProblem> {
  /** `critical.identity.docker-reference` of a payload whose signature verifies: the name it was signed under (of a Sigstore bundle, its statement's subject name, when it has one). */
  identity?: string;
  /** `bundle` for a Sigstore bundle (cosign 3's default format), `notary` for a Notary Project signature (notation); absent for cosign's classic simplesigning layer. */
  format?: 'bundle' | 'notary';
  /** A Notary signature's signed attributes, once its envelope is read (told whether or not it is valid). */
  notary?: NotarySummary;
  /** A Notary signature verified under notation's trust policy: the statement's name and level, and the failures it only logs (the signature is valid with them). */
  trustPolicy?: { name: string; level: string; override?: Partial<Record<string, string>>; logged?: LoggedFailure[] };
  /** A bundle's in-toto statement's predicateType (cosign 3's `sign` writes https://sigstore.dev/cosign/sign/v1). */
  predicateType?: string;
  /** The annotations signed with it (cosign's `-a`: a payload's `optional`, a bundle statement's subject annotations), when it has any. */
  annotations?: Record<string, unknown>;
}

/** A check a Notary trust policy only logs, failed: which (authenticity, authenticTimestamp, expiry, revocation), as which problem, why. */
export interface LoggedFailure {
  check: string;
  problem: SignatureProblem;
  reason: string;
}

/** The signing certificate, as a result reports it (whether or not it is trusted). */
export interface CertificateSummary {
  /** Its subject and issuer distinguished names, one line each (a Fulcio leaf's subject is empty). */
  subject: string;
  issuer: string;
  /** Its SAN names (emails, URIs, ...): who it was issued to. */
  identities: string[];
  /** Fulcio's OIDC issuer extension; absent when it has none. */
  oidcIssuer?: string;
  notBefore: string;
  notAfter: string;
  /** The time its validity (and its chain's) was checked at: Rekor's integratedTime, else a verified RFC 3161 timestamp's, else now (each such time is checked; this is the first). */
  checkedAt?: string;
  /** The root (name as given) it chains to. */
  root?: string;
}

/** What a Notary Project signature's envelope says of itself. */
export interface NotarySummary {
  envelope: 'jws' | 'cose';
  /** `notary.x509` or `notary.x509.signingAuthority`. */
  signingScheme: string;
  /** notary.x509's signing time: the signer's word, not used to check the certificates. */
  signingTime?: string;
  /** notary.x509.signingAuthority's signing time: the signing authority's, the time its certificates are checked at. */
  authenticSigningTime?: string;
  /** The time its signer set it to expire at (io.cncf.notary.expiry). */
  expiry?: string;
  signingAgent?: string;
  /** It carries an RFC 3161 timestamp countersignature, which is not verified here: its certificates are checked now. */
  timestampNotVerified?: true;
}
