import type { X509Certificate } from 'node:crypto';
import { OciError } from '../../errors';
import { x509 } from '../../nodeCrypto';
import { childrenOf, contextTag, DerError, expect, oidText, readOnly, TAG, timeOf } from './der';

/** The object identifiers read here. */
export const OID = {
  subjectAltName: '2.5.29.17',
  extendedKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  anyExtendedKeyUsage: '2.5.29.37.0',
  /** Fulcio's OIDC issuer, the raw string as the extension's value (deprecated, still written). */
  fulcioIssuerV1: '1.3.6.1.4.1.57264.1.1',
  /** Fulcio's OIDC issuer, a DER UTF8String. */
  fulcioIssuerV2: '1.3.6.1.4.1.57264.1.8',
  /** Fulcio's otherName SAN: a username (UTF8String) for identities that are neither an email nor a URI. */
  fulcioUsername: '1.3.6.1.4.1.57264.1.7',
} as const;

/**
 * Extensions a verifier understands (or, as Go's crypto/x509 which cosign uses, reads and may ignore): a critical
 * extension outside these is refused, as RFC 5280 asks. Name constraints and policy constraints are not applied here,
 * so a certificate marking them critical is refused rather than trusted past them.
 */
const UNDERSTOOD = new Set([
  OID.subjectAltName,
  OID.extendedKeyUsage,
  OID.basicConstraints,
  OID.keyUsage,
  '2.5.29.14', // subject key identifier
  '2.5.29.35', // authority key identifier
  '2.5.29.32', // certificate policies (read, not enforced, as Go by default)
]);

/** What a certificate says that Node's X509Certificate does not give as such, read from its DER. */
export interface CertificateFields {
  notBefore: Date;
  notAfter: Date;
  /**
   * Its SAN names as cosign lists them for matching an identity: emails, URIs, DNS names, IP addresses, and
   * Fulcio's otherName username; in the certificate's order.
   */
  names: string[];
  /** Fulcio's OIDC issuer (either extension; both must agree); undefined when it has neither. */
  oidcIssuer?: string;
  /** The EKU extension's purposes; undefined when it has none (then any purpose, as Go reads it). */
  extendedKeyUsage?: string[];
  /** Whether the EKU extension is marked critical (RFC 3161 asks it of a timestamp authority's certificate). */
  extendedKeyUsageCritical?: boolean;
  /** basicConstraints: a CA, and how many intermediates may follow it (undefined: no limit). */
  ca: boolean;
  pathLength?: number;
  /** Critical extensions it has that are not understood here. */
  unhandledCritical: string[];
  /** Every extension it marks critical (the Notary Project asks basicConstraints and keyUsage be). */
  critical: string[];
  /** keyUsage's bits set, by RFC 5280's names (`digitalSignature`, `keyCertSign`, ...); undefined when it has none. */
  keyUsage?: string[];
  /** The algorithm it is signed with (the OID of tbsCertificate.signature): SHA-1 ones are refused for Notary signatures. */
  signatureAlgorithm: string;
  /** Its issuer and subject names as encoded (a Notary chain links a certificate to its issuer by these bytes, as Go does; identities match the subject's attributes). */
  issuerDer: Buffer;
  subjectDer: Buffer;
}

/** keyUsage's bits in order (RFC 5280 4.2.1.3). */
const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

/** A certificate, parsed, named for messages (`roots.pem[1]`, `the certificate annotation`). */
export interface Certificate {
  name: string;
  x509: X509Certificate;
  fields: CertificateFields;
}

/** Reads a certificate's fields from its DER. Throws DerError naming what is not X.509 as RFC 5280 writes it. */
export function certificateFields(der: Buffer): CertificateFields {
  const cert = childrenOf(expect(readOnly(der, 'certificate'), TAG.SEQUENCE, 'certificate'));
  const tbs = childrenOf(expect(cert[0], TAG.SEQUENCE, 'tbsCertificate'));
  // version [0] EXPLICIT is optional (v1 certificates have none): the fields after it shift by one.
  let i = tbs[0]?.tag === contextTag(0, true) ? 1 : 0;
  expect(tbs[i++], TAG.INTEGER, 'serialNumber');
  const signatureAlgorithm = oidText(expect(childrenOf(expect(tbs[i++], TAG.SEQUENCE, 'signature'))[0], TAG.OID, 'signature algorithm').content);
  const issuer = expect(tbs[i++], TAG.SEQUENCE, 'issuer');
  const validity = childrenOf(expect(tbs[i++], TAG.SEQUENCE, 'validity'));
  const subject = expect(tbs[i++], TAG.SEQUENCE, 'subject');
  expect(tbs[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const fields: CertificateFields = { notBefore: timeOf(validity[0]!), notAfter: timeOf(validity[1]!), names: [], ca: false, unhandledCritical: [], critical: [], signatureAlgorithm, issuerDer: issuer.raw, subjectDer: subject.raw };
  const extensionsNode = tbs.slice(i).find((n) => n.tag === contextTag(3, true));
  if (!extensionsNode) return fields;
  const seen = new Set<string>();
  let issuerV1: string | undefined;
  let issuerV2: string | undefined;
  for (const ext of childrenOf(expect(childrenOf(extensionsNode)[0], TAG.SEQUENCE, 'extensions'))) {
    const parts = childrenOf(expect(ext, TAG.SEQUENCE, 'extension'));
    const oid = oidText(expect(parts[0], TAG.OID, 'extnID').content);
    // critical BOOLEAN DEFAULT FALSE: present only when true in DER.
    const critical = parts[1]?.tag === TAG.BOOLEAN && parts[1].content[0] !== 0;
    const value = expect(parts[parts.length - 1], TAG.OCTET_STRING, `extension ${oid}: extnValue`).content;
    if (seen.has(oid)) throw new DerError(`extension ${oid} twice`);
    seen.add(oid);
    if (critical) fields.critical.push(oid);
    if (critical && !UNDERSTOOD.has(oid)) fields.unhandledCritical.push(oid);
    if (oid === OID.subjectAltName) fields.names = sanNames(value);
    else if (oid === OID.extendedKeyUsage) {
      fields.extendedKeyUsage = childrenOf(expect(readOnly(value, 'EKU'), TAG.SEQUENCE, 'EKU')).map((n) => oidText(expect(n, TAG.OID, 'EKU purpose').content));
      fields.extendedKeyUsageCritical = critical;
    }
    else if (oid === OID.keyUsage) fields.keyUsage = keyUsageBits(expect(readOnly(value, 'keyUsage'), TAG.BIT_STRING, 'keyUsage').content);
    else if (oid === OID.basicConstraints) {
      const bc = childrenOf(expect(readOnly(value, 'basicConstraints'), TAG.SEQUENCE, 'basicConstraints'));
      let j = 0;
      if (bc[j]?.tag === TAG.BOOLEAN) fields.ca = bc[j++]!.content[0] !== 0;
      if (bc[j]?.tag === TAG.INTEGER) fields.pathLength = smallInteger(bc[j]!.content);
    } else if (oid === OID.fulcioIssuerV1) issuerV1 = value.toString('utf8');
    else if (oid === OID.fulcioIssuerV2) issuerV2 = expect(readOnly(value, 'OIDC issuer v2'), TAG.UTF8_STRING, 'OIDC issuer v2').content.toString('utf8');
  }
  if (issuerV1 !== undefined && issuerV2 !== undefined && issuerV1 !== issuerV2) {
    throw new DerError(`its OIDC issuer extensions disagree: ${OID.fulcioIssuerV1} ${JSON.stringify(issuerV1)}, ${OID.fulcioIssuerV2} ${JSON.stringify(issuerV2)}`);
  }
  const oidcIssuer = issuerV2 ?? issuerV1;
  if (oidcIssuer !== undefined) fields.oidcIssuer = oidcIssuer;
  return fields;
}

/** GeneralNames (RFC 5280 4.2.1.6): the IMPLICIT tags of the kinds cosign matches an identity against. */
function sanNames(value: Buffer): string[] {
  const names: string[] = [];
  for (const n of childrenOf(expect(readOnly(value, 'subjectAltName'), TAG.SEQUENCE, 'subjectAltName'))) {
    if (n.tag === contextTag(1, false) || n.tag === contextTag(2, false) || n.tag === contextTag(6, false)) names.push(n.content.toString('latin1')); // rfc822Name, dNSName, URI: IA5String
    else if (n.tag === contextTag(7, false)) names.push(ipText(n.content));
    else if (n.tag === contextTag(0, true)) {
      // otherName: { type-id OID, [0] EXPLICIT value }; Fulcio's username is a UTF8String.
      const [type, wrapped] = childrenOf(n);
      if (type?.tag === TAG.OID && oidText(type.content) === OID.fulcioUsername && wrapped?.tag === contextTag(0, true)) {
        names.push(expect(childrenOf(wrapped)[0], TAG.UTF8_STRING, 'otherName username').content.toString('utf8'));
      }
    }
  }
  return names;
}

/** An iPAddress SAN as Go's net.IP prints it (cosign matches that text): dotted IPv4, IPv6 with the longest zero run as `::`. */
function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length !== 16) throw new DerError(`an iPAddress of ${b.length} bytes`);
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return [...b.subarray(12)].join('.');
  const groups = [...Array(8).keys()].map((g) => b.readUInt16BE(g * 2));
  let best = { at: -1, len: 1 };
  for (let g = 0; g < 8; ) {
    if (groups[g] !== 0) {
      g++;
      continue;
    }
    let e = g;
    while (e < 8 && groups[e] === 0) e++;
    if (e - g > best.len) best = { at: g, len: e - g };
    g = e;
  }
  const hex = groups.map((g) => g.toString(16));
  return best.at < 0 ? hex.join(':') : `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** A BIT STRING's set bits (its first byte counts the unused bits at the end), named. */
function keyUsageBits(content: Buffer): string[] {
  if (content.length === 0 || content[0]! > 7) throw new DerError('a keyUsage BIT STRING without its unused-bits byte');
  const set: string[] = [];
  for (let bit = 0; bit < (content.length - 1) * 8; bit++) {
    if (content[1 + (bit >> 3)]! & (0x80 >> (bit & 7))) set.push(KEY_USAGE_BITS[bit] ?? `bit ${bit}`);
  }
  return set;
}

function smallInteger(content: Buffer): number {
  if (content.length === 0 || content.length > 4 || content[0]! & 0x80) throw new DerError('a pathLenConstraint out of range');
  return content.reduce((n, b) => n * 256 + b, 0);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Every `CERTIFICATE` block of a PEM text, parsed, named `name[i]` (or `name` alone for one). Throws DerError (or
 * Node's error) naming the block that is not a certificate; none at all is an error too.
 */
export function parseCertificates(name: string, pem: string): Certificate[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
  if (blocks.length === 0) throw new DerError(`${name}: no PEM CERTIFICATE block`);
  const crypto = x509();
  return blocks.map((b64, i) => {
    const label = blocks.length === 1 ? name : `${name}[${i}]`;
    // Strict, as Go's pem.Decode (cosign's, notation's): Node's base64 decoder skips bytes that are no base64, so a
    // damaged block would otherwise be read as other bytes, or as the certificate it was before the damage.
    if (!STRICT_BASE64.test(b64)) throw new DerError(`${label}: the PEM block is not base64 (a character outside A-Z a-z 0-9 + / =, or its padding wrong)`);
    const read = readCertificate(Buffer.from(b64, 'base64'), label, crypto);
    if ('malformed' in read) throw new DerError(read.malformed);
    return read;
  });
}

/**
 * One DER certificate read, named `label`, or why it is not one. Its structure is read first (der.ts names the field
 * and the byte: "validity: tag 0x30, not 0x17"): given bytes it cannot read as DER, OpenSSL falls back to PEM and
 * says only "PEM routines::no start line", which names neither.
 */
export function readCertificate(der: Buffer, label: string, crypto = x509()): Certificate | { malformed: string } {
  try {
    const fields = certificateFields(der);
    return { name: label, x509: new crypto.X509Certificate(der), fields };
  } catch (err) {
    const message = (err as Error).message;
    const said = /PEM routines::no start line/.test(message) ? 'OpenSSL cannot read it as DER X.509: a part not read here, its names, its key or its signature, is malformed' : message;
    return { malformed: `${label}: not an X.509 certificate (${said})` };
  }
}

/** The certificates of a PEM file the user gave (`--ca-roots`): INVALID_ARGUMENT naming the file and the block when one is not. */
export function loadCertificates(name: string, pem: Buffer | string): Certificate[] {
  try {
    return parseCertificates(name, pem.toString());
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', (err as Error).message, { cause: err });
  }
}

/** `the CN=..., O=... certificate`: a certificate's subject on one line, for reasons. */
export function subjectLine(c: Certificate): string {
  return oneLine(c.x509.subject);
}

/** Node's multi-line distinguished name (`O=sigstore.dev\nCN=sigstore`) on one line, as X.509 tools print it; "" for none (a Fulcio leaf's subject is empty, which Node gives as undefined). */
/** What a certificate says of itself, as results report it (trusted or not): names one line each, times in ISO 8601. */
export function certificateFacts(c: Certificate): { subject: string; issuer: string; identities: string[]; oidcIssuer?: string; notBefore: string; notAfter: string } {
  return {
    subject: oneLine(c.x509.subject),
    issuer: oneLine(c.x509.issuer),
    identities: c.fields.names,
    ...(c.fields.oidcIssuer !== undefined ? { oidcIssuer: c.fields.oidcIssuer } : {}),
    notBefore: c.fields.notBefore.toISOString(),
    notAfter: c.fields.notAfter.toISOString(),
  };
}

export function oneLine(dn: string | undefined): string {
  return (dn ?? '').split('\n').filter(Boolean).join(', ');
}
