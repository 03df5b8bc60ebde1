/**
 * A self-signed code-signing certificate as Go's x509.CreateCertificate writes one from notation-core-go's
 * testhelper template for a signing certificate (what `notation cert generate-test` makes): version 3, the subject as
 * its issuer, keyUsage digitalSignature (critical), extendedKeyUsage codeSigning, no basicConstraints (a leaf, not a
 * CA), signed with the key itself by Go's choice of algorithm (RSA PKCS#1 v1.5 SHA-256 whatever the size; ECDSA with
 * the curve's hash). Its serial: 20 random bytes (notation's is 0 to 199).
 */
import type { KeyObject } from 'node:crypto';
import { randomBytes, signing } from '../../nodeCrypto';
import { OID } from './certificates';
import { bitString, boolean, derNull, directoryString, explicit, namedBits, octetString, oid, sequence, set, smallInteger, time, unsignedInteger } from './derWrite';

/** Subject attribute types by name, in the order Go's pkix.Name writes them (so a subject reads as notation's). */
export const SUBJECT_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
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

/**
 * The certificate's DER: `subject` by SUBJECT_ATTRIBUTES' names (written in that order whatever the map's), valid
 * from `notBefore` to `notAfter` (to the second).
 */
export function selfSignedCodeSigning(key: KeyObject, subject: ReadonlyMap<string, string>, notBefore: Date, notAfter: Date): Buffer {
  const unknown = [...subject.keys()].filter((t) => !SUBJECT_ATTRIBUTES.some(([name]) => name === t));
  if (unknown.length > 0) throw new RangeError(`subject attributes not written here: ${unknown.join(', ')}`);
  const name = sequence(...SUBJECT_ATTRIBUTES.filter(([t]) => subject.has(t)).map(([t, id]) => set(sequence(oid(id), directoryString(subject.get(t)!)))));
  // Positive and at most 20 bytes (RFC 5280 4.1.2.2), its top byte 0x40-0x7f so it is always 20: 158 random bits.
  const serial = randomBytes(20);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  const spki = signing().createPublicKey(key).export({ type: 'spki', format: 'der' });
  const { hash, algorithm } = signatureAlgorithm(key);
  const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
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

/** Go's signature algorithm for the key: sha256WithRSAEncryption (with its NULL parameters), or ECDSA with the curve's hash. */
function signatureAlgorithm(key: KeyObject): { hash: string; algorithm: Buffer } {
  if (key.asymmetricKeyType === 'rsa') return { hash: 'sha256', algorithm: sequence(oid('1.2.840.113549.1.1.11'), derNull()) };
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const ecdsa = ({ prime256v1: ['sha256', '1.2.840.10045.4.3.2'], secp384r1: ['sha384', '1.2.840.10045.4.3.3'], secp521r1: ['sha512', '1.2.840.10045.4.3.4'] } as const)[curve as 'prime256v1'];
  if (key.asymmetricKeyType !== 'ec' || !ecdsa) throw new RangeError(`a ${key.asymmetricKeyType} key${curve ? ` on ${curve}` : ''}: certificates are made here for RSA and ECDSA P-256, P-384, P-521 keys`);
  return { hash: ecdsa[0], algorithm: sequence(oid(ecdsa[1])) };
}
