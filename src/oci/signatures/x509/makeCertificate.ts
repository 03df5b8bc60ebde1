/**
 * A Notary signing key and its self-signed certificate, as `notation cert generate-test NAME` makes them
 * (notation-core-go's testhelper.GetRSASelfSignedCertTupleWithPK through Go's x509.CreateCertificate): subject
 * C=US, ST=WA, L=Seattle, O=Notary, CN=NAME; keyUsage digitalSignature (critical), extendedKeyUsage codeSigning, no
 * basicConstraints (a self-signed leaf, not a CA); signed with the key itself, by Go's choice of algorithm (RSA
 * PKCS#1 v1.5 SHA-256 whatever the size; ECDSA with the curve's hash). Unlike notation's: any of the Notary
 * Project's key types (notation makes RSA only), a random 20-byte serial (notation's is 0 to 199), a year's validity
 * by default (notation's test certificate lasts a day).
 */
import type { KeyObject } from 'node:crypto';
import { OciError } from '../../errors';
import { randomBytes, signing } from '../../nodeCrypto';
import { type KeyPairType, newPrivateKey } from '../keys/keyPair';
import { parseDistinguishedName } from '../notary/notaryIdentity';
import { type Certificate, OID, oneLine, readCertificate } from './certificates';
import { bitString, boolean, derNull, directoryString, explicit, namedBits, octetString, oid, sequence, set, smallInteger, time, unsignedInteger } from './derWrite';

/** The Notary Project's key types and sizes (signature-specification.md "Algorithm Selection"); notation makes rsa-2048 by default. */
export const CERTIFICATE_KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521'] as const satisfies readonly KeyPairType[];
export type CertificateKeyType = (typeof CERTIFICATE_KEY_TYPES)[number];

/** Subject attribute types by name, in the order Go's pkix.Name writes them (so a subject reads as notation's). */
const ATTRIBUTE_OIDS: ReadonlyArray<[string, string]> = [
  ['C', '2.5.4.6'],
  ['ST', '2.5.4.8'],
  ['L', '2.5.4.7'],
  ['STREET', '2.5.4.9'],
  ['POSTALCODE', '2.5.4.17'],
  ['O', '2.5.4.10'],
  ['OU', '2.5.4.11'],
  ['CN', '2.5.4.3'],
  ['SERIALNUMBER', '2.5.4.5'],
];

/** notation's subject for `generate-test NAME`. */
export const notationSubject = (name: string): string => `C=US, ST=WA, L=Seattle, O=Notary, CN=${name}`;

/**
 * `--subject`'s text (RFC 4514, as trustedIdentities write it: `CN=app, O=Example, C=US`) as attributes in Go's
 * order; INVALID_ARGUMENT naming the problem: a type Go's pkix.Name does not write, no CN, a C not of two letters.
 */
export function certificateSubject(text: string): Map<string, string> {
  let given: Map<string, string>;
  try {
    given = parseDistinguishedName(text, JSON.stringify(text));
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `--subject ${(err as Error).message}`);
  }
  const known = new Set(ATTRIBUTE_OIDS.map(([t]) => t));
  const unknown = [...given.keys()].filter((t) => !known.has(t));
  if (unknown.length > 0) throw new OciError('INVALID_ARGUMENT', `--subject ${JSON.stringify(text)}: ${unknown.join(', ')} not written here (${[...known].join(', ')})`);
  if (!given.has('CN')) throw new OciError('INVALID_ARGUMENT', `--subject ${JSON.stringify(text)}: no CN: a signing certificate names its signer (notation's CN is the key's name)`);
  const c = given.get('C');
  if (c !== undefined && !/^[A-Za-z]{2}$/.test(c)) throw new OciError('INVALID_ARGUMENT', `--subject ${JSON.stringify(text)}: C=${c}: a country is two letters (ISO 3166), as X.520 asks`);
  return new Map(ATTRIBUTE_OIDS.filter(([t]) => given.has(t)).map(([t]) => [t, given.get(t)!]));
}

export interface SigningCertificate {
  keyType: CertificateKeyType;
  key: KeyObject;
  /** PKCS#8, unencrypted, as notation writes its local keys. */
  keyPem: string;
  certificatePem: string;
  certificate: Certificate;
  /** The subject on one line (`C=US, ST=WA, L=Seattle, O=Notary, CN=NAME`), as verify prints it. */
  subject: string;
}

export interface SigningCertificateOptions {
  keyType: CertificateKeyType;
  /** From certificateSubject. */
  subject: ReadonlyMap<string, string>;
  /** Validity in days from `now`, at least 1. */
  days: number;
  now?: Date;
}

/** A new key of the type and its self-signed code-signing certificate (see the top of this file). */
export function makeSigningCertificate(options: SigningCertificateOptions): SigningCertificate {
  const { keyType, subject, days } = options;
  if (!Number.isInteger(days) || days < 1) throw new OciError('INVALID_ARGUMENT', `--days ${days}: a whole number of days, at least 1`);
  const notBefore = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  if (!(notAfter.getUTCFullYear() <= 9999)) throw new OciError('INVALID_ARGUMENT', `--days ${days}: past the year 9999, the last a certificate can name`);
  const key = newPrivateKey(keyType);
  const der = selfSigned(key, subject, notBefore, notAfter);
  const read = readCertificate(der, 'the certificate made');
  if ('malformed' in read) throw new Error(read.malformed); // ours: a bug, not the user's
  return {
    keyType,
    key,
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    certificatePem: read.x509.toString(),
    certificate: read,
    subject: oneLine(read.x509.subject),
  };
}

/** Go's signature algorithm for the key: sha256WithRSAEncryption (with its NULL parameters), or ECDSA with the curve's hash. */
function signatureAlgorithm(key: KeyObject): { hash: string; algorithm: Buffer } {
  if (key.asymmetricKeyType === 'rsa') return { hash: 'sha256', algorithm: sequence(oid('1.2.840.113549.1.1.11'), derNull()) };
  const [hash, id] = ({ prime256v1: ['sha256', '1.2.840.10045.4.3.2'], secp384r1: ['sha384', '1.2.840.10045.4.3.3'], secp521r1: ['sha512', '1.2.840.10045.4.3.4'] } as const)[key.asymmetricKeyDetails?.namedCurve as 'prime256v1'];
  return { hash, algorithm: sequence(oid(id)) };
}

function selfSigned(key: KeyObject, subject: ReadonlyMap<string, string>, notBefore: Date, notAfter: Date): Buffer {
  const name = sequence(...ATTRIBUTE_OIDS.filter(([t]) => subject.has(t)).map(([t, id]) => set(sequence(oid(id), directoryString(subject.get(t)!)))));
  // Positive and at most 20 bytes (RFC 5280 4.1.2.2), its top byte 0x40-0x7f so it is always 20: 158 random bits.
  const serialBytes = randomBytes(20);
  serialBytes[0] = (serialBytes[0]! & 0x3f) | 0x40;
  const spki = signing().createPublicKey(key).export({ type: 'spki', format: 'der' });
  const { hash, algorithm } = signatureAlgorithm(key);
  const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serialBytes),
    algorithm,
    name, // issuer: itself
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(3, sequence(extension(OID.keyUsage, true, namedBits([0])), extension(OID.extendedKeyUsage, false, sequence(oid(OID.codeSigning))))),
  );
  const signature = signing().sign(hash, tbs, key); // PKCS#1 v1.5 for RSA, DER (r, s) for ECDSA: what X.509 holds
  return sequence(tbs, algorithm, bitString(signature));
}
