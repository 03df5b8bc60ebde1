import { childrenOf, contextTag, type DerNode, DerError, expect, oidText, readOnly, TAG } from './der';

/**
 * The parts of a CMS SignedData (RFC 5652) an RFC 3161 timestamp token is verified with, read on der.ts: DER as
 * Sigstore's timestamp authorities write it (a BER token, indefinite lengths, is a DerError, not a guess). Nothing
 * here is trusted: timestamp.ts verifies the signature, the signer and what is signed.
 */

export const CMS_OID = {
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  /** ESS signingCertificate (SHA-1 ESSCertID, RFC 2634) and signingCertificateV2 (RFC 5035): which certificate signs. */
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

/** The one signer of a SignedData, as RFC 3161 asks (the TSA's signature and no other). */
export interface SignerInfo {
  /** issuerAndSerialNumber: the issuer Name's DER and the serial INTEGER's content; or a subjectKeyIdentifier. */
  sid: { issuer: Buffer; serial: Buffer } | { keyId: Buffer };
  digestAlgorithm: string;
  /** The signed attributes re-tagged as the SET OF they are signed as (RFC 5652 5.4), and read by OID. */
  signedAttributes: Buffer;
  attributes: Map<string, DerNode[]>;
  signatureAlgorithm: string;
  signature: Buffer;
}

export interface SignedData {
  eContentType: string;
  /** The encapsulated content's octets (a TSTInfo's DER): what messageDigest is the hash of. */
  eContent: Buffer;
  /** The certificates it carries (DER), untrusted: candidates for the signer and a path to a root. */
  certificates: Buffer[];
  signer: SignerInfo;
}

/**
 * An AlgorithmIdentifier's OID. Its parameters, not signed in a SignerInfo, must be NULL or absent, as they are for
 * every algorithm read here (SHA-2, ECDSA, RSA PKCS #1 v1.5, Ed25519): anything else is refused, not passed over.
 */
export function algorithmOid(node: DerNode | undefined, what: string): string {
  const [oid, parameters, ...more] = childrenOf(expect(node, TAG.SEQUENCE, what));
  const text = oidText(expect(oid, TAG.OID, `${what}.algorithm`).content);
  if (more.length > 0) throw new DerError(`${what}: ${more.length + 2} fields, not an algorithm and its parameters`);
  if (parameters && (parameters.tag !== TAG.NULL || parameters.content.length > 0)) throw new DerError(`${what}.parameters: tag 0x${parameters.tag.toString(16)} of ${parameters.content.length} bytes, not NULL or absent (${text} takes none)`);
  return text;
}

/** A ContentInfo holding a SignedData (a TimeStampToken), read. Throws DerError naming the field. */
export function readSignedData(token: Buffer): SignedData {
  const info = childrenOf(expect(readOnly(token, 'ContentInfo'), TAG.SEQUENCE, 'ContentInfo'));
  const type = oidText(expect(info[0], TAG.OID, 'contentType').content);
  if (type !== CMS_OID.signedData) throw new DerError(`contentType ${type}, not signedData (${CMS_OID.signedData})`);
  const content = childrenOf(expect(info[1], contextTag(0, true), 'content'));
  const sd = childrenOf(expect(content[0], TAG.SEQUENCE, 'SignedData'));
  let i = 0;
  expect(sd[i++], TAG.INTEGER, 'SignedData.version');
  expect(sd[i++], TAG.SET, 'SignedData.digestAlgorithms');
  const encap = childrenOf(expect(sd[i++], TAG.SEQUENCE, 'encapContentInfo'));
  const eContentType = oidText(expect(encap[0], TAG.OID, 'eContentType').content);
  const wrapped = childrenOf(expect(encap[1], contextTag(0, true), 'eContent'));
  const eContent = expect(wrapped[0], TAG.OCTET_STRING, 'eContent').content;
  const certificates: Buffer[] = [];
  if (sd[i]?.tag === contextTag(0, true)) {
    // CertificateChoices: only X.509 certificates (SEQUENCE) are kept; attribute certificates and others are not signers.
    for (const c of childrenOf(sd[i++]!)) if (c.tag === TAG.SEQUENCE) certificates.push(c.raw);
  }
  if (sd[i]?.tag === contextTag(1, true)) i++; // crls: not read (revocation is not checked, as sigstore-go)
  const signers = childrenOf(expect(sd[i], TAG.SET, 'SignedData.signerInfos'));
  if (signers.length !== 1) throw new DerError(`signerInfos: ${signers.length} signers, not the one RFC 3161 allows`);
  return { eContentType, eContent, certificates, signer: readSignerInfo(signers[0]!) };
}

function readSignerInfo(node: DerNode): SignerInfo {
  const si = childrenOf(expect(node, TAG.SEQUENCE, 'SignerInfo'));
  let i = 0;
  expect(si[i++], TAG.INTEGER, 'SignerInfo.version');
  const sidNode = si[i++];
  let sid: SignerInfo['sid'];
  if (sidNode?.tag === TAG.SEQUENCE) {
    const [issuer, serial] = childrenOf(sidNode);
    sid = { issuer: expect(issuer, TAG.SEQUENCE, 'sid.issuer').raw, serial: expect(serial, TAG.INTEGER, 'sid.serialNumber').content };
  } else sid = { keyId: expect(sidNode, contextTag(0, false), 'sid').content };
  const digestAlgorithm = algorithmOid(si[i++], 'SignerInfo.digestAlgorithm');
  const attrsNode = expect(si[i++], contextTag(0, true), 'SignerInfo.signedAttrs');
  // What is signed is the attributes' DER with the SET OF tag, not the [0] IMPLICIT they are written with.
  const signedAttributes = Buffer.concat([Buffer.from([TAG.SET]), attrsNode.raw.subarray(1)]);
  const attributes = new Map<string, DerNode[]>();
  for (const a of childrenOf(attrsNode)) {
    const [oid, values] = childrenOf(expect(a, TAG.SEQUENCE, 'Attribute'));
    const name = oidText(expect(oid, TAG.OID, 'Attribute.attrType').content);
    if (attributes.has(name)) throw new DerError(`signed attribute ${name} twice`);
    attributes.set(name, childrenOf(expect(values, TAG.SET, `attribute ${name}: values`)));
  }
  const signatureAlgorithm = algorithmOid(si[i++], 'SignerInfo.signatureAlgorithm');
  const signature = expect(si[i++], TAG.OCTET_STRING, 'SignerInfo.signature').content;
  return { sid, digestAlgorithm, signedAttributes, attributes, signatureAlgorithm, signature };
}

/** Whether the certificate `der` is the one `sid` names: its issuer Name and serial (byte for byte), or its subjectKeyIdentifier. */
export function isSigner(der: Buffer, sid: SignerInfo['sid']): boolean {
  const tbs = childrenOf(expect(childrenOf(expect(readOnly(der, 'certificate'), TAG.SEQUENCE, 'certificate'))[0], TAG.SEQUENCE, 'tbsCertificate'));
  const i = tbs[0]?.tag === contextTag(0, true) ? 1 : 0;
  if ('serial' in sid) return expect(tbs[i], TAG.INTEGER, 'serialNumber').content.equals(sid.serial) && expect(tbs[i + 2], TAG.SEQUENCE, 'issuer').raw.equals(sid.issuer);
  const extensions = tbs.slice(i + 6).find((n) => n.tag === contextTag(3, true));
  for (const ext of extensions ? childrenOf(expect(childrenOf(extensions)[0], TAG.SEQUENCE, 'extensions')) : []) {
    const parts = childrenOf(ext);
    if (oidText(expect(parts[0], TAG.OID, 'extnID').content) !== '2.5.29.14') continue;
    const ski = readOnly(expect(parts[parts.length - 1], TAG.OCTET_STRING, 'subjectKeyIdentifier').content, 'subjectKeyIdentifier');
    return expect(ski, TAG.OCTET_STRING, 'subjectKeyIdentifier').content.equals(sid.keyId);
  }
  return false;
}
