/**
 * A Notary signing key and its self-signed certificate, as `notation cert generate-test NAME` makes them (read in
 * notation's cmd/notation/cert/generateTest.go and notation-core-go's testhelper): the certificate is
 * x509/makeCertificate.ts's, the subject C=US, ST=WA, L=Seattle, O=Notary, CN=NAME, the key PKCS#8 unencrypted.
 * Unlike notation's: any of the Notary Project's key types (notation makes RSA only), a year's validity by default
 * (notation's test certificate lasts a day).
 */
import type { KeyObject } from 'node:crypto';
import { OciError } from '../../errors';
import { type KeyPairType, newPrivateKey } from '../keys/keyPair';
import { type Certificate, oneLine, readCertificate } from '../x509/certificates';
import { selfSignedCodeSigning, SUBJECT_ATTRIBUTES } from '../x509/makeCertificate';
import { parseDistinguishedName } from './notaryIdentity';

/** The Notary Project's key types and sizes (signature-specification.md "Algorithm Selection"); notation makes rsa-2048 by default. */
export const CERTIFICATE_KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521'] as const satisfies readonly KeyPairType[];
export type CertificateKeyType = (typeof CERTIFICATE_KEY_TYPES)[number];

/** notation's subject for `generate-test NAME`. */
export const notationSubject = (name: string): string => `C=US, ST=WA, L=Seattle, O=Notary, CN=${name}`;

/**
 * `--subject`'s text (RFC 4514, as trustedIdentities write it: `CN=app, O=Example, C=US`) as attributes;
 * INVALID_ARGUMENT naming the problem: a type Go's pkix.Name does not write, no CN, a C not of two letters.
 */
export function certificateSubject(text: string): Map<string, string> {
  const shown = JSON.stringify(text);
  let given: Map<string, string>;
  try {
    given = parseDistinguishedName(text, shown);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `--subject ${(err as Error).message}`);
  }
  const known = SUBJECT_ATTRIBUTES.map(([t]) => t);
  const unknown = [...given.keys()].filter((t) => !known.includes(t));
  if (unknown.length > 0) throw new OciError('INVALID_ARGUMENT', `--subject ${shown}: ${unknown.join(', ')} not written here (${known.join(', ')})`);
  if (!given.has('CN')) throw new OciError('INVALID_ARGUMENT', `--subject ${shown}: no CN: a signing certificate names its signer (notation's CN is the key's name)`);
  const c = given.get('C');
  if (c !== undefined && !/^[A-Za-z]{2}$/.test(c)) throw new OciError('INVALID_ARGUMENT', `--subject ${shown}: C=${c}: a country is two letters (ISO 3166), as X.520 asks`);
  return given;
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

/** A new key of the type and its self-signed code-signing certificate. */
export function makeSigningCertificate(options: SigningCertificateOptions): SigningCertificate {
  const { keyType, subject, days } = options;
  if (!Number.isInteger(days) || days < 1) throw new OciError('INVALID_ARGUMENT', `--days ${days}: a whole number of days, at least 1`);
  const notBefore = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  if (!(notAfter.getUTCFullYear() <= 9999)) throw new OciError('INVALID_ARGUMENT', `--days ${days}: past the year 9999, the last a certificate can name`);
  const key = newPrivateKey(keyType);
  const read = readCertificate(selfSignedCodeSigning(key, subject, notBefore, notAfter), 'the certificate made');
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
