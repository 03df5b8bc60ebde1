import { createHash, signing } from '../../nodeCrypto';
import { type Certificate, OID, oneLine, parseCertificates } from './certificates';
import { chainToRoots, TIME_STAMPING, validAt } from './certificateChain';
import { algorithmOid, CMS_OID, isSigner, readSignedData, type SignedData } from './cmsSignedData';
import { childrenOf, type DerNode, DerError, expect, oidText, readOnly, TAG } from './der';
import { type Accuracy, accuracyText, readAccuracy } from './timestampAccuracy';
import { outsideValidFor, type ValidFor, validForText } from './validFor';

/**
 * RFC 3161 timestamps as Sigstore bundles carry them (`verificationMaterial.timestampVerificationData.
 * rfc3161Timestamps[].signedTimestamp`): a timestamp authority (TSA) signed, at genTime, the hash of the bundle's
 * signature bytes. Verified as sigstore-go does (timestamp-authority's VerifyTimestampResponse, digitorus/pkcs7):
 * the token's one SignerInfo is signed by a TSA certificate over its signed attributes, whose messageDigest is the
 * hash of the TSTInfo; that certificate chains to a root given, is for time stamping only (RFC 3161 2.3: its EKU
 * critical, timeStamping alone) and is the one its ESS signingCertificate attribute names; the TSTInfo's
 * messageImprint is the hash of the signature; and the chain is valid at genTime. A verified timestamp is a time
 * the signing certificate is checked at, as a Rekor SET's integratedTime is. The TSTInfo's accuracy is read and
 * reported; a Sigstore bundle's time is genTime alone (sigstore-go does not use the accuracy), a Notary signature's
 * the range genTime ± accuracy (notary/notaryTimestamp.ts), as notation takes it.
 */

/** The TSAs trusted (`--timestamp-certificate-chain`): their leaves (a token may omit its certificate), intermediates and roots. */
export interface TimestampAuthorities {
  leaves: readonly Certificate[];
  intermediates: readonly Certificate[];
  roots: readonly Certificate[];
  /** A trusted root's timestamp authorities (`--trusted-root`), which the three above join: a token must verify under one whose `validFor` holds its genTime. */
  authorities?: readonly TimestampAuthority[];
}

/** One of a trusted root's timestamp authorities: its chain (named for messages) and the window it stamped times in. */
export interface TimestampAuthority {
  name: string;
  leaves: readonly Certificate[];
  intermediates: readonly Certificate[];
  roots: readonly Certificate[];
  validFor?: ValidFor;
}

/** What a result says of a verified timestamp: its time (ISO), the TSA certificate's subject, and the root (name as given). */
export interface VerifiedTimestamp {
  time: string;
  authority: string;
  root: string;
  /** The TSTInfo's accuracy as a duration (`1.5s`), when it states one that reads. */
  accuracy?: string;
  /** Where the range is checked (a Notary countersignature): the earliest and the latest time it stands for, genTime ∓ accuracy (ISO). */
  earliest?: string;
  latest?: string;
}

/** A token's TSTInfo, as read: its time to the nanosecond and its accuracy, for a verifier that takes the time as a range. */
export interface TstInfo {
  policy: string;
  imprintAlgorithm: string;
  imprint: Buffer;
  genTime: Date;
  /** genTime in nanoseconds since the epoch (a fraction finer than milliseconds kept, to 9 digits). */
  genTimeNanos: bigint;
  /** Absent when the TSTInfo has none; `malformed` naming what is wrong (a Sigstore bundle's timestamp does not read it, as sigstore-go does not). */
  accuracy?: Accuracy | { malformed: string };
}

/** More timestamps than a bundle has (one per TSA asked): each costs a chain search, so more are refused (sigstore-go's bound). */
export const MAX_TIMESTAMPS = 32;

const TST_INFO = '1.2.840.113549.1.9.16.1.4';
/** The SHA-2 hashes read (SHA-1 is not accepted for a messageImprint or a digest, as sigstore's clients refuse it). */
const HASHES: Record<string, string> = { '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };
/** Signature algorithms: the hash they name (null: Ed25519's own), or undefined to take the SignerInfo's digestAlgorithm. */
const SIGNATURES: Record<string, string | null | undefined> = {
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.2.1': undefined, // id-ecPublicKey, as some CMS writers name ECDSA
  '1.2.840.113549.1.1.1': undefined, // rsaEncryption
  '1.3.101.112': null, // Ed25519
};

/** The bundle's timestamps verified, each over `signature` (the bundle's signature bytes); the first that fails is the answer, named. */
export function verifyTimestamps(tokens: readonly Buffer[], signature: Buffer, tsa: TimestampAuthorities): VerifiedTimestamp[] | { bad: string } {
  const where = (i: number) => `timestampVerificationData.rfc3161Timestamps[${i}]`;
  if (tokens.length > MAX_TIMESTAMPS) return { bad: `${where(0).slice(0, -3)}: ${tokens.length} timestamps, more than the ${MAX_TIMESTAMPS} verified` };
  const out: VerifiedTimestamp[] = [];
  for (const [i, token] of tokens.entries()) {
    // The same token twice would count one TSA's word twice (sigstore-go refuses duplicates).
    const twice = tokens.findIndex((t) => t.equals(token));
    if (twice !== i) return { bad: `${where(i)}: the same timestamp as ${where(twice)}` };
    const verified = verifyTimestamp(token, signature, tsa);
    if ('bad' in verified) return { bad: `${where(i)}: ${verified.bad}` };
    const outside = tsa.authorities && authorityProblem(token, signature, verified, tsa.authorities);
    if (outside) return { bad: `${where(i)}: ${outside}` };
    out.push(verified);
  }
  return out;
}

/** Why no timestamp authority of a trusted root both verifies the token and was valid at its genTime (its `validFor`); undefined when one does. */
function authorityProblem(token: Buffer, signature: Buffer, verified: VerifiedTimestamp, authorities: readonly TimestampAuthority[]): string | undefined {
  const at = new Date(verified.time);
  if (authorities.some((a) => outsideValidFor(a.validFor, at) === undefined && !('bad' in verifyTimestamp(token, signature, a)))) return undefined;
  const meant = authorities.find((a) => a.roots.some((r) => r.name === verified.root));
  return `its genTime ${verified.time} is outside the window of ${meant ? `${meant.name}, whose root it chains to (${validForText(meant.validFor)})` : 'every timestamp authority of the trusted root it chains to'}`;
}

/** One signedTimestamp (a TimeStampResp, or the TimeStampToken alone) verified over `signature`, or why not. */
export function verifyTimestamp(der: Buffer, signature: Buffer, tsa: TimestampAuthorities): VerifiedTimestamp | { bad: string } {
  const r = verifyTimestampToken(der, signature, tsa);
  return 'bad' in r ? r : r.verified;
}

/** The same, with the TSTInfo read (its accuracy, its time to the nanosecond). */
export function verifyTimestampToken(der: Buffer, signature: Buffer, tsa: TimestampAuthorities): { verified: VerifiedTimestamp; info: TstInfo } | { bad: string } {
  let sd: SignedData;
  let info: TstInfo;
  try {
    sd = readSignedData(tokenOf(der));
    if (sd.eContentType !== TST_INFO) return { bad: `the token signs content of type ${sd.eContentType}, not a TSTInfo (${TST_INFO})` };
    info = readTstInfo(sd.eContent);
  } catch (err) {
    return { bad: `not an RFC 3161 timestamp: ${(err as Error).message}` };
  }
  const si = sd.signer;
  const digest = HASHES[si.digestAlgorithm];
  if (!digest) return { bad: `the token's digestAlgorithm ${si.digestAlgorithm} is not SHA-256, SHA-384 or SHA-512` };

  // The signed attributes: of a TSTInfo, whose hash they hold.
  const [type] = si.attributes.get(CMS_OID.contentType) ?? [];
  if (!type || type.tag !== TAG.OID || oidText(type.content) !== TST_INFO) return { bad: `its signed contentType attribute is not a TSTInfo (${TST_INFO})` };
  const [md] = si.attributes.get(CMS_OID.messageDigest) ?? [];
  const hash = createHash(digest).update(sd.eContent).digest();
  if (!md || md.tag !== TAG.OCTET_STRING || !md.content.equals(hash)) return { bad: `its signed messageDigest is not the ${digest} of its TSTInfo (${hash.toString('hex')}): the TSTInfo was changed` };

  // The signer: a certificate the token carries or a TSA leaf given, named by the SignerInfo.
  const candidates: Certificate[] = [...tsa.leaves];
  try {
    for (const [n, c] of sd.certificates.entries()) candidates.push(...parseCertificates(`the token's certificates[${n}]`, pemOf(c)));
  } catch (err) {
    return { bad: (err as Error).message };
  }
  const leaf = candidates.find((c) => isSigner(c.x509.raw, si.sid));
  if (!leaf) return { bad: `its signer (${'serial' in si.sid ? `serial ${si.sid.serial.toString('hex')}` : `key ID ${si.sid.keyId.toString('hex')}`}) is neither a certificate it carries nor a TSA certificate given` };
  const signed = signatureProblem(si.signatureAlgorithm, digest, si.signedAttributes, si.signature, leaf);
  if (signed) return { bad: signed };
  const ess = essProblem(si.attributes, leaf);
  if (ess) return { bad: ess };

  // RFC 3161 2.3: a TSA's certificate is for time stamping alone, and says so critically.
  const eku = leaf.fields.extendedKeyUsage;
  if (!eku || eku.length !== 1 || eku[0] !== OID.timeStamping || !leaf.fields.extendedKeyUsageCritical) {
    return { bad: `${leaf.name} (${oneLine(leaf.x509.subject)}) is not a timestamp authority's certificate: its extendedKeyUsage must be timeStamping (${OID.timeStamping}) alone, critical (it has ${eku ? `${eku.join(', ')}${leaf.fields.extendedKeyUsageCritical ? ', critical' : ', not critical'}` : 'none'})` };
  }
  const intermediates = [...tsa.intermediates, ...candidates.filter((c) => c !== leaf && c.fields.ca)];
  const trusted = chainToRoots(leaf, intermediates, tsa.roots, TIME_STAMPING);
  if ('untrusted' in trusted) return { bad: `its TSA certificate ${trusted.untrusted}` };

  const imprint = HASHES[info.imprintAlgorithm];
  if (!imprint) return { bad: `its messageImprint's hashAlgorithm ${info.imprintAlgorithm} is not SHA-256, SHA-384 or SHA-512` };
  const expected = createHash(imprint).update(signature).digest();
  if (!info.imprint.equals(expected)) return { bad: `its messageImprint ${info.imprint.toString('hex')} is not the ${imprint} of the signature it stamps (${expected.toString('hex')}): it timestamps another signature` };
  const outside = validAt(trusted.chain, info.genTime);
  if (outside) return { bad: `its genTime ${info.genTime.toISOString()} is outside its TSA chain's validity: ${outside}` };
  // A TSA leaf may have an empty subject (sigstore's virtual TSA): then its issuer names it.
  const authority = oneLine(leaf.x509.subject) || `a certificate of ${oneLine(leaf.x509.issuer)}`;
  const accuracy = info.accuracy && !('malformed' in info.accuracy) ? { accuracy: accuracyText(info.accuracy) } : {};
  return { verified: { time: info.genTime.toISOString(), authority, root: trusted.chain[trusted.chain.length - 1]!.name, ...accuracy }, info };
}

/** The TimeStampToken of a TimeStampResp (its status granted) or the token itself: a ContentInfo begins with its OID. */
function tokenOf(der: Buffer): Buffer {
  const parts = childrenOf(expect(readOnly(der, 'TimeStampResp'), TAG.SEQUENCE, 'TimeStampResp'));
  if (parts[0]?.tag === TAG.OID) return der;
  const status = childrenOf(expect(parts[0], TAG.SEQUENCE, 'TimeStampResp.status'));
  const value = expect(status[0], TAG.INTEGER, 'PKIStatusInfo.status').content;
  // PKIStatus: 0 granted, 1 grantedWithMods; anything else carries no token to trust.
  if (value.length !== 1 || value[0]! > 1) throw new DerError(`status ${value.toString('hex')}, not granted`);
  return expect(parts[1], TAG.SEQUENCE, 'timeStampToken').raw;
}

/** TSTInfo (RFC 3161 2.4.2): version 1, policy, messageImprint, serialNumber, genTime, accuracy when present (the only SEQUENCE that may follow genTime); the rest is not read. */
function readTstInfo(der: Buffer): TstInfo {
  const t = childrenOf(expect(readOnly(der, 'TSTInfo'), TAG.SEQUENCE, 'TSTInfo'));
  const version = expect(t[0], TAG.INTEGER, 'TSTInfo.version').content;
  if (version.length !== 1 || version[0] !== 1) throw new DerError(`TSTInfo.version ${version.toString('hex')}, not 1`);
  const policy = oidText(expect(t[1], TAG.OID, 'TSTInfo.policy').content);
  const mi = childrenOf(expect(t[2], TAG.SEQUENCE, 'TSTInfo.messageImprint'));
  const imprintAlgorithm = algorithmOid(mi[0], 'messageImprint.hashAlgorithm');
  const imprint = expect(mi[1], TAG.OCTET_STRING, 'messageImprint.hashedMessage').content;
  expect(t[3], TAG.INTEGER, 'TSTInfo.serialNumber');
  const { genTime, genTimeNanos } = generalizedTime(expect(t[4], TAG.GENERALIZED_TIME, 'TSTInfo.genTime'));
  const accuracy = t[5]?.tag === TAG.SEQUENCE ? { accuracy: readAccuracy(t[5]) } : {};
  return { policy, imprintAlgorithm, imprint, genTime, genTimeNanos, ...accuracy };
}

/** genTime: YYYYMMDDHHMMSS[.fraction]Z (RFC 3161 allows the fraction): as a Date (milliseconds) and in nanoseconds. */
function generalizedTime(node: DerNode): { genTime: Date; genTimeNanos: bigint } {
  const text = node.content.toString('latin1');
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/.exec(text);
  if (!m) throw new DerError(`TSTInfo.genTime: not a GeneralizedTime as RFC 3161 writes it: ${JSON.stringify(text)}`);
  const whole = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const nanos = m[7] ? BigInt(m[7].slice(0, 9).padEnd(9, '0')) : 0n;
  return { genTime: new Date(whole + ms), genTimeNanos: BigInt(whole) * 1_000_000n + nanos };
}

/** Why the SignerInfo's signature over its signed attributes is not `leaf`'s. */
function signatureProblem(algorithm: string, digest: string, signed: Buffer, signature: Buffer, leaf: Certificate): string | undefined {
  if (!(algorithm in SIGNATURES)) return `its signatureAlgorithm ${algorithm} is not one read here (ECDSA, RSA PKCS#1 v1.5, Ed25519)`;
  const hash = SIGNATURES[algorithm] === undefined ? digest : SIGNATURES[algorithm]!;
  let ok: boolean;
  try {
    ok = signing().verify(hash, signed, leaf.x509.publicKey, signature);
  } catch {
    ok = false; // a key that cannot take this algorithm did not make this signature
  }
  return ok ? undefined : `its signature does not verify with ${leaf.name} (${oneLine(leaf.x509.subject)}): the token's signed attributes or its signature were changed`;
}

/** RFC 3161 2.4.1 asks an ESS signingCertificate (v1 SHA-1, or v2) attribute: its first certificate hash must be the signer's. */
function essProblem(attributes: Map<string, DerNode[]>, leaf: Certificate): string | undefined {
  const v2 = attributes.get(CMS_OID.signingCertificateV2)?.[0];
  const v1 = attributes.get(CMS_OID.signingCertificate)?.[0];
  if (!v2 && !v1) return 'its signed attributes have no ESS signingCertificate (v1 or v2) naming the TSA certificate, as RFC 3161 asks';
  try {
    const certs = childrenOf(expect(childrenOf(expect(v2 ?? v1, TAG.SEQUENCE, 'SigningCertificate'))[0], TAG.SEQUENCE, 'SigningCertificate.certs'));
    const id = childrenOf(expect(certs[0], TAG.SEQUENCE, 'ESSCertID'));
    // ESSCertIDv2's hashAlgorithm defaults to SHA-256 (absent then); v1's hash is SHA-1, an identifier here, not a signature.
    const withAlgorithm = v2 !== undefined && id[0]?.tag === TAG.SEQUENCE;
    const algorithm = !v2 ? 'sha1' : withAlgorithm ? HASHES[algorithmOid(id[0], 'ESSCertIDv2.hashAlgorithm')] : 'sha256';
    if (!algorithm) return 'its ESS signingCertificateV2 hashes with an algorithm not read here';
    const named = expect(id[withAlgorithm ? 1 : 0], TAG.OCTET_STRING, 'ESSCertID.certHash').content;
    if (!named.equals(createHash(algorithm).update(leaf.x509.raw).digest())) return `its ESS signingCertificate names another certificate than its signer ${leaf.name}`;
    return undefined;
  } catch (err) {
    return `its ESS signingCertificate: ${(err as Error).message}`;
  }
}

function pemOf(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
}

/** Several chains as one set of TSAs: a token verifies when it chains through any of them. */
export function joinTimestampAuthorities(parts: readonly TimestampAuthorities[]): TimestampAuthorities {
  return { leaves: parts.flatMap((p) => p.leaves), intermediates: parts.flatMap((p) => p.intermediates), roots: parts.flatMap((p) => p.roots) };
}

/** A PEM file of TSA certificates as cosign's --timestamp-certificate-chain reads it: non-CA leaves, self-signed CA roots, other CAs intermediates. */
export function timestampAuthorities(certificates: readonly Certificate[]): TimestampAuthorities {
  const selfSigned = (c: Certificate) => c.x509.checkIssued(c.x509) && c.x509.verify(c.x509.publicKey);
  return {
    leaves: certificates.filter((c) => !c.fields.ca),
    intermediates: certificates.filter((c) => c.fields.ca && !selfSigned(c)),
    roots: certificates.filter((c) => c.fields.ca && selfSigned(c)),
  };
}
