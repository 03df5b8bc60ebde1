import type { KeyObject } from 'node:crypto';
import { OciError } from '../../errors';
import { createHash, signing } from '../../nodeCrypto';
import { childrenOf, contextTag, DerError, encodeNode, expect, oidText, readOnly, TAG } from './der';

/**
 * Certificate Transparency (RFC 6962) for Fulcio's certificates: the Signed Certificate Timestamps (SCTs) a CT log
 * signed for the precertificate, embedded in the final certificate (extension 1.3.6.1.4.1.11129.2.4.2). An SCT
 * that verifies under a log's key proves the log promised to publish the certificate, so a mis-issued one would be
 * seen. Verified as certificate-transparency-go's VerifySCT does for an embedded SCT (what cosign and sigstore-go
 * call): over the precert entry built from the leaf's TBSCertificate without that extension and the SHA-256 of its
 * issuer's SubjectPublicKeyInfo. Offline: a log's key is given, never fetched.
 */
export const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2';

/** A CT log's public key (`--ctlog-key`), named as given, and its log ID: the SHA-256 of its DER SubjectPublicKeyInfo, hex (RFC 6962 3.2). */
export interface CtLogKey {
  name: string;
  logId: string;
  key: KeyObject;
  /** What it signs SCTs with: RFC 6962 logs use ECDSA (NIST P-256) or RSA, with SHA-256. */
  type: 'ecdsa' | 'rsa';
  /** When the key signed SCTs (a trusted_root.json's `validFor`): an SCT of another time is not its, as sigstore-js reads it. None from a PEM file. */
  validFor?: { start?: Date; end?: Date };
}

/** A CT log's public key from PEM: INVALID_ARGUMENT naming `name` when it is no key, or one no CT log signs with. */
export function loadCtLogKey(name: string, pem: Buffer | string): CtLogKey {
  let key: KeyObject;
  try {
    key = signing().createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${name}: not a PEM public key (${(err as Error).message})`, { cause: err });
  }
  return ctLogKey(name, key);
}

/** A CT log's key already read (from a trusted root's DER, say), checked as loadCtLogKey checks it. */
export function ctLogKey(name: string, key: KeyObject, validFor?: CtLogKey['validFor']): CtLogKey {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const type = key.asymmetricKeyType === 'ec' && curve === 'prime256v1' ? 'ecdsa' : key.asymmetricKeyType === 'rsa' ? 'rsa' : undefined;
  if (!type) {
    const what = key.asymmetricKeyType === 'ec' ? `an ECDSA key on curve ${curve}` : `a key of type ${key.asymmetricKeyType}`;
    throw new OciError('INVALID_ARGUMENT', `${name}: ${what}: CT logs sign SCTs with ECDSA P-256 or RSA keys (RFC 6962 2.1.4)`);
  }
  return { name, logId: createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex'), key, type, ...(validFor ? { validFor } : {}) };
}

/** One SCT of the list, as RFC 6962 3.2 serializes it (v1 only: its fields are what v1 has). */
export interface Sct {
  version: number;
  /** The log's ID, hex. */
  logId: string;
  /** Milliseconds since 1970 (UTC), as the log signed it. */
  timestamp: number;
  /** The 8 bytes of the timestamp as signed. */
  timestampBytes: Buffer;
  /** The SCT's extensions as signed (a static-ct log puts its leaf index here). */
  extensions: Buffer;
  /** DigitallySigned's algorithms (RFC 5246 7.4.1.4.1): hash 4 is SHA-256; signature 1 RSA, 3 ECDSA. */
  hashAlgorithm: number;
  signatureAlgorithm: number;
  signature: Buffer;
}

export class SctError extends DerError {}

/** Reads TLS's big-endian integers and length-prefixed vectors, each error naming the field and the byte it is at. */
class TlsReader {
  at = 0;
  constructor(
    readonly bytes: Buffer,
    /** Where `bytes` starts in the list, for messages. */
    readonly base: number,
    readonly what: string,
  ) {}
  take(n: number, field: string): Buffer {
    if (this.at + n > this.bytes.length) throw new SctError(`${this.what}: ${field} at byte ${this.base + this.at}: ${n} bytes, ${this.bytes.length - this.at} left`);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint(n: number, field: string): number {
    return this.take(n, field).reduce((v, b) => v * 256 + b, 0);
  }
  vector(lengthBytes: number, field: string): Buffer {
    return this.take(this.uint(lengthBytes, `${field}'s length`), field);
  }
}

/**
 * The SCTs of the extension's value (an OCTET STRING holding the TLS SignedCertificateTimestampList: a uint16 length,
 * then each SCT as a uint16-length-prefixed SerializedSCT). Throws SctError naming the SCT, field and byte.
 */
export function parseSctList(extnValue: Buffer): Sct[] {
  const list = expect(readOnly(extnValue, 'the SCT list extension'), TAG.OCTET_STRING, 'the SCT list extension').content;
  const outer = new TlsReader(list, 0, 'the SCT list');
  const body = outer.vector(2, 'the list');
  if (outer.at !== list.length) throw new SctError(`the SCT list: ${list.length - outer.at} bytes after it, at byte ${outer.at}`);
  const items = new TlsReader(body, 2, 'the SCT list');
  const scts: Sct[] = [];
  while (items.at < body.length) {
    const start = items.at;
    const raw = items.vector(2, `SCT[${scts.length}]`);
    const what = `SCT[${scts.length}]`;
    const r = new TlsReader(raw, 2 + start + 2, what);
    const version = r.uint(1, 'sct_version');
    // A v1 SCT's layout is known; a later version's is not, and is not read (RFC 6962 3.2 has only v1).
    if (version !== 0) throw new SctError(`${what}: sct_version ${version} at byte ${r.base}, not v1 (0)`);
    const logId = r.take(32, 'log id').toString('hex');
    const timestampBytes = r.take(8, 'timestamp');
    const timestamp = Number(timestampBytes.readBigUInt64BE());
    const extensions = r.vector(2, 'extensions');
    const hashAlgorithm = r.uint(1, 'hash algorithm');
    const signatureAlgorithm = r.uint(1, 'signature algorithm');
    const signature = r.vector(2, 'signature');
    if (r.at !== raw.length) throw new SctError(`${what}: ${raw.length - r.at} bytes after its signature, at byte ${r.base + r.at}`);
    scts.push({ version, logId, timestamp, timestampBytes, extensions, hashAlgorithm, signatureAlgorithm, signature });
  }
  if (scts.length === 0) throw new SctError('the SCT list is empty');
  return scts;
}

/** The parts of a certificate an SCT covers: its TBSCertificate's children, and its SubjectPublicKeyInfo (an issuer's is hashed). */
function tbsChildren(certDer: Buffer) {
  const cert = childrenOf(expect(readOnly(certDer, 'certificate'), TAG.SEQUENCE, 'certificate'));
  const children = childrenOf(expect(cert[0], TAG.SEQUENCE, 'tbsCertificate'));
  const first = children[0]?.tag === contextTag(0, true) ? 1 : 0; // version [0] is optional
  return { children, spki: expect(children[first + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo').raw };
}

/** A certificate's SubjectPublicKeyInfo as encoded: what the issuer key hash is the SHA-256 of. */
export function subjectPublicKeyInfo(certDer: Buffer): Buffer {
  return tbsChildren(certDer).spki;
}

/**
 * The leaf's SCT list extension value and its TBSCertificate without that extension, re-encoded (each length is
 * written again, the other bytes kept): the precertificate's TBS the log signed. Undefined when it has none. With
 * no extension left, the `[3]` field goes too, as Go's asn1 writes an empty optional field.
 */
export function withoutSctList(certDer: Buffer): { tbs: Buffer; extnValue: Buffer } | undefined {
  const { children } = tbsChildren(certDer);
  const at = children.findIndex((n) => n.tag === contextTag(3, true));
  if (at < 0) return undefined;
  const extensions = childrenOf(expect(childrenOf(children[at]!)[0], TAG.SEQUENCE, 'extensions'));
  let extnValue: Buffer | undefined;
  const kept = extensions.filter((ext) => {
    const parts = childrenOf(expect(ext, TAG.SEQUENCE, 'extension'));
    if (oidText(expect(parts[0], TAG.OID, 'extnID').content) !== SCT_LIST_OID) return true;
    if (extnValue) throw new DerError(`extension ${SCT_LIST_OID} twice`);
    extnValue = expect(parts[parts.length - 1], TAG.OCTET_STRING, `extension ${SCT_LIST_OID}: extnValue`).content;
    return false;
  });
  if (!extnValue) return undefined;
  const field = kept.length > 0 ? [encodeNode(contextTag(3, true), encodeNode(TAG.SEQUENCE, Buffer.concat(kept.map((n) => n.raw))))] : [];
  const tbs = encodeNode(TAG.SEQUENCE, Buffer.concat([...children.slice(0, at).map((n) => n.raw), ...field, ...children.slice(at + 1).map((n) => n.raw)]));
  return { tbs, extnValue };
}

/**
 * What a precert SCT signs (RFC 6962 3.2, digitally-signed struct): sct_version, signature_type
 * certificate_timestamp (0), the timestamp, entry_type precert_entry (1), the issuer key hash, the TBS as a 24-bit
 * length-prefixed blob, then the SCT's extensions (16-bit length-prefixed).
 */
export function precertSignedData(sct: Pick<Sct, 'timestampBytes' | 'extensions'>, issuerKeyHash: Buffer, tbs: Buffer): Buffer {
  if (tbs.length >= 1 << 24) throw new SctError(`a TBSCertificate of ${tbs.length} bytes, more than a 24-bit length holds`);
  const tbsLength = Buffer.from([tbs.length >> 16, (tbs.length >> 8) & 0xff, tbs.length & 0xff]);
  const extensionsLength = Buffer.alloc(2);
  extensionsLength.writeUInt16BE(sct.extensions.length);
  return Buffer.concat([Buffer.from([0, 0]), sct.timestampBytes, Buffer.from([0, 1]), issuerKeyHash, tbsLength, tbs, extensionsLength, sct.extensions]);
}

const SIGNATURE_ALGORITHMS: Record<number, CtLogKey['type']> = { 1: 'rsa', 3: 'ecdsa' };

/** An SCT verified: the log key (name as given) and the time the log gave. */
export interface VerifiedSct {
  logKey: string;
  logId: string;
  /** ISO 8601, to the millisecond. */
  time: string;
}

/**
 * Whether the leaf `leafDer`, issued by the certificate whose SubjectPublicKeyInfo is `issuerSpki`, carries an SCT
 * that verifies under one of `logs` (as sigstore-go asks one by default: SCTs of other logs are passed over), or why
 * none does: no extension, a list that does not parse (naming the byte), no SCT of a log given, or each one's
 * reason (a signature that does not verify: the certificate or the SCT was changed).
 */
export function verifyEmbeddedScts(leafDer: Buffer, issuerSpki: Buffer, logs: readonly CtLogKey[]): VerifiedSct | { bad: string } {
  let found: ReturnType<typeof withoutSctList>;
  let scts: Sct[];
  try {
    found = withoutSctList(leafDer);
    if (!found) return { bad: `the certificate carries no SCT (extension ${SCT_LIST_OID}): no CT log promised to publish it` };
    scts = parseSctList(found.extnValue);
  } catch (err) {
    return { bad: `the certificate's SCTs: ${(err as Error).message}` };
  }
  const issuerKeyHash = createHash('sha256').update(issuerSpki).digest();
  const reasons: string[] = [];
  for (const [i, sct] of scts.entries()) {
    const what = `SCT[${i}] (log ${sct.logId}, ${new Date(sct.timestamp).toISOString()})`;
    const log = logs.find((l) => l.logId === sct.logId);
    if (!log) {
      reasons.push(`${what}: its log is none of the CT log keys given`);
      continue;
    }
    const { start, end } = log.validFor ?? {};
    if ((start && sct.timestamp < start.getTime()) || (end && sct.timestamp > end.getTime())) {
      reasons.push(`${what}: outside the time ${log.name} signed SCTs (${start?.toISOString() ?? '…'} to ${end?.toISOString() ?? '…'})`);
      continue;
    }
    if (sct.hashAlgorithm !== 4) {
      reasons.push(`${what}: hash algorithm ${sct.hashAlgorithm}, not SHA-256 (4) as RFC 6962 asks`);
      continue;
    }
    const kind = SIGNATURE_ALGORITHMS[sct.signatureAlgorithm];
    if (kind !== log.type) {
      reasons.push(`${what}: signature algorithm ${sct.signatureAlgorithm} (${kind ?? 'unknown'}), but ${log.name} is an ${log.type.toUpperCase()} key`);
      continue;
    }
    let ok = false;
    try {
      ok = signing().verify('sha256', precertSignedData(sct, issuerKeyHash, found.tbs), log.key, sct.signature);
    } catch {
      ok = false; // a signature of the wrong shape for this key verifies nothing
    }
    if (ok) return { logKey: log.name, logId: log.logId, time: new Date(sct.timestamp).toISOString() };
    reasons.push(`${what}: its signature does not verify with ${log.name}: the certificate, its issuer or the SCT was changed`);
  }
  const given = logs.map((l) => `${l.name}: ${l.logId}`).join('; ');
  return { bad: `no SCT of the certificate verifies under the CT log keys given (${given}): ${reasons.join('; ')}` };
}
