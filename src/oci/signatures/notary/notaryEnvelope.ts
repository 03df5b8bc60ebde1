/**
 * The Notary Project's signature envelope (notaryproject/specifications: signature-specification.md,
 * signature-envelope-jws.md), read into one shape for either envelope: what is signed, by which algorithm, the
 * signed attributes (protected headers) and the unsigned ones (the certificate chain, the signing agent, a
 * timestamp countersignature). Nothing read here is trusted until the signature verifies (notaryVerify.ts).
 */
import { shownValue } from '../../validate/shownValue';

/** The artifact type of a notation signature manifest (its config's media type in notation's older manifests). */
export const NOTARY_SIGNATURE_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature';
export const NOTARY_JWS_MEDIA_TYPE = 'application/jose+json';
export const NOTARY_COSE_MEDIA_TYPE = 'application/cose';
/** The content type (`cty`) of the signed payload `{"targetArtifact": <descriptor>}`. */
export const NOTARY_PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

export const SCHEME_X509 = 'notary.x509';
export const SCHEME_SIGNING_AUTHORITY = 'notary.x509.signingAuthority';

/** The signed attributes' names, the same in JWS and COSE. */
export const HEADER = {
  signingScheme: 'io.cncf.notary.signingScheme',
  signingTime: 'io.cncf.notary.signingTime',
  authenticSigningTime: 'io.cncf.notary.authenticSigningTime',
  expiry: 'io.cncf.notary.expiry',
  timestampSignature: 'io.cncf.notary.timestampSignature',
  signingAgent: 'io.cncf.notary.signingAgent',
} as const;

/** The critical attributes a verifier understands; any other marked critical (a plugin's, `verificationPlugin`) refuses the signature. */
export const UNDERSTOOD_CRITICAL: readonly string[] = [HEADER.signingScheme, HEADER.authenticSigningTime, HEADER.expiry];

export type NotaryAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';
export const NOTARY_ALGORITHMS: readonly NotaryAlgorithm[] = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** One envelope, parsed (not verified). */
export interface NotaryEnvelope {
  envelope: 'jws' | 'cose';
  alg: NotaryAlgorithm;
  /** The bytes the signature is over (JWS: `protected.payload`; COSE: the Sig_structure). */
  signingInput: Buffer;
  /** The raw signature (ECDSA as r||s, as both JWS and COSE write it). */
  signature: Buffer;
  payload: Buffer;
  contentType: string;
  signingScheme: string;
  signingTime?: Date;
  authenticSigningTime?: Date;
  expiry?: Date;
  /** The names the protected header marks critical. */
  critical: string[];
  /** The certificate chain (x5c / x5chain), DER, leaf first. */
  certificates: Buffer[];
  signingAgent?: string;
  /** Its timestamp countersignature's bytes (an RFC 3161 TimeStampToken over the signature value), when it carries one. */
  timestampToken?: Buffer;
}

export type Parsed = NotaryEnvelope | { malformed: string };

/**
 * An RFC 3339 time as Go's time.Time reads one from JSON (notation's headers): date, `T`, time, optional fraction,
 * `Z` or an offset.
 */
export function rfc3339(text: unknown, name: string): Date | string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text)) return `${name}: not an RFC 3339 time: ${shownValue(text)}`;
  const at = new Date(text.toUpperCase());
  return Number.isNaN(at.getTime()) ? `${name}: not a time: ${JSON.stringify(text)}` : at;
}

/**
 * The checks both envelopes share, on their signed attributes, as notation-core-go makes them: a known signing
 * scheme, with its own time, required (`signingTime` for notary.x509, `authenticSigningTime` for signingAuthority;
 * not the other's); an expiry after it; `crit` present, naming the scheme (and the authentic time, and the expiry
 * when there is one), and only names that are present. Returns why not, or undefined.
 */
export function headerProblem(e: Omit<NotaryEnvelope, 'critical'> & { critical: string[] | undefined }, present: (name: string) => boolean): string | undefined {
  if (e.signingScheme === SCHEME_X509) {
    if (e.authenticSigningTime) return `${HEADER.authenticSigningTime} must not be present under ${SCHEME_X509}`;
    if (!e.signingTime) return `${HEADER.signingTime} is required under ${SCHEME_X509}`;
  } else if (e.signingScheme === SCHEME_SIGNING_AUTHORITY) {
    if (e.signingTime) return `${HEADER.signingTime} must not be present under ${SCHEME_SIGNING_AUTHORITY}`;
    if (!e.authenticSigningTime) return `${HEADER.authenticSigningTime} is required under ${SCHEME_SIGNING_AUTHORITY}`;
  } else return `${HEADER.signingScheme}: ${JSON.stringify(e.signingScheme)} is neither ${SCHEME_X509} nor ${SCHEME_SIGNING_AUTHORITY}`;
  const signed = e.signingTime ?? e.authenticSigningTime!;
  if (e.expiry && e.expiry <= signed) return `${HEADER.expiry} ${e.expiry.toISOString()} is not after its signing time ${signed.toISOString()}`;
  if (!e.critical || e.critical.length === 0) return 'no crit header';
  const must = [HEADER.signingScheme, ...(e.signingScheme === SCHEME_SIGNING_AUTHORITY ? [HEADER.authenticSigningTime] : []), ...(e.expiry ? [HEADER.expiry] : [])];
  const missing = must.filter((m) => !e.critical!.includes(m));
  if (missing.length > 0) return `crit does not name ${missing.join(', ')}`;
  const absent = e.critical.filter((c) => !present(c));
  if (absent.length > 0) return `crit names ${absent.join(', ')}, not present`;
  return undefined;
}
