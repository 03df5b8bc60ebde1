import { OciError } from '../../errors';
import { type Certificate, readCertificate, OID, oneLine, parseCertificates } from '../x509/certificates';
import { readNode } from '../x509/der';
import { signing, x509 } from '../../nodeCrypto';
import type { NotaryAlgorithm } from './notaryEnvelope';

/**
 * The certificate chain of a Notary signature (signature-specification.md "Certificate Requirements", as
 * notation-core-go's ValidateCodeSigningCertChain checks it): ordered leaf first, each certificate issued (names as
 * encoded, signature) by the next, ending with a self-signed root; the leaf a code-signing certificate, each above
 * it a CA allowed to issue the chain below it. Only basicConstraints, keyUsage and extendedKeyUsage are honoured:
 * the specification asks other extensions, critical or not, to be neither evaluated nor refused.
 */

/** The envelope's certificates parsed (`the envelope's x5c[1]`), or why one is not X.509. */
export function parseChain(ders: readonly Buffer[], name: string): Certificate[] | { malformed: string } {
  const crypto = x509();
  const out: Certificate[] = [];
  for (const [i, der] of ders.entries()) {
    const read = readCertificate(der, `${name}[${i}]`, crypto);
    if ('malformed' in read) return read;
    out.push(read);
  }
  return out;
}

/** The one algorithm a certificate's key signs with (signature-specification.md "Algorithm Selection"), or why it signs none. */
export function keyAlgorithm(c: Certificate): { alg: NotaryAlgorithm; keyType: string } | { unsupported: string } {
  let key;
  try {
    // OpenSSL reads the key only when asked: one whose bits are damaged, or of a type it has not, passes the parse.
    key = c.x509.publicKey;
  } catch (err) {
    return { unsupported: `a public key that cannot be read (${(err as Error).message})` };
  }
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = d.modulusLength;
    const alg = bits === 2048 ? 'PS256' : bits === 3072 ? 'PS384' : bits === 4096 ? 'PS512' : undefined;
    return alg ? { alg, keyType: `rsa-${bits}` } : { unsupported: `an RSA key of ${bits} bits: Notary signatures use 2048, 3072 or 4096` };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = d.namedCurve;
    const alg = curve === 'prime256v1' ? 'ES256' : curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : undefined;
    const names: Record<string, string> = { prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' };
    return alg ? { alg, keyType: `ecdsa-${names[curve!]}` } : { unsupported: `an ECDSA key on curve ${curve}: Notary signatures use P-256, P-384 or P-521` };
  }
  return { unsupported: `a key of type ${key.asymmetricKeyType}: Notary signatures use RSA-PSS or ECDSA` };
}

/**
 * Whether `signature` over `input` is the leaf's, with the algorithm `alg`. RSA-PSS's salt: of any length in a JWS
 * envelope (notation verifies those with golang-jwt, whose PS256..PS512 take any), as long as the hash in a COSE one
 * (go-cose's); notation signs with the hash's length either way.
 */
export function verifiesWith(c: Certificate, alg: NotaryAlgorithm, input: Buffer, signature: Buffer, envelope: 'jws' | 'cose'): boolean {
  const hash = `sha${alg.slice(2)}`;
  const crypto = signing();
  try {
    if (alg.startsWith('PS')) {
      const saltLength = envelope === 'jws' ? crypto.constants.RSA_PSS_SALTLEN_AUTO : crypto.constants.RSA_PSS_SALTLEN_DIGEST;
      return crypto.verify(hash, input, { key: c.x509.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    }
    return crypto.verify(hash, input, { key: c.x509.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false; // a signature of the wrong shape is simply not the key's
  }
}

/** SHA-1 signature algorithms, refused in a Notary chain. */
const SHA1_SIGNATURES = new Set(['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3']);
/** Purposes a code-signing leaf must not have (the specification's list, and notation-core-go's OCSP signing). */
const EXCLUDED_EKU: Record<string, string> = {
  [OID.anyExtendedKeyUsage]: 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

/** Why `chain` (leaf first) is not a Notary code-signing chain, or undefined. */
export function chainProblem(chain: readonly Certificate[]): string | undefined {
  for (const [i, c] of chain.entries()) {
    const last = i === chain.length - 1;
    const selfSigned = issuedBy(c, c);
    if (last && !selfSigned) return `${c.name} (${oneLine(c.x509.subject)}) is the last of the chain and not a self-signed root: the chain must end with its root`;
    if (!last) {
      if (selfSigned) return `${c.name} (${oneLine(c.x509.subject)}) is self-signed but not the last of the chain`;
      const parent = chain[i + 1]!;
      if (!issuedBy(c, parent)) return `${c.name} (${oneLine(c.x509.subject)}) is not issued by ${parent.name} (${oneLine(parent.x509.subject)}): the chain must be in order, leaf first`;
    }
    // A chain of one is a self-signed leaf: it meets the leaf's requirements, not a CA's.
    const problem = i === 0 ? leafProblem(c) : caProblem(c, i - 1);
    if (problem) return `${c.name} (${oneLine(c.x509.subject)}) ${problem}`;
    if (SHA1_SIGNATURES.has(c.fields.signatureAlgorithm)) return `${c.name} is signed with SHA-1 (${c.fields.signatureAlgorithm})`;
  }
  return undefined;
}

function issuedBy(child: Certificate, issuer: Certificate): boolean {
  if (!child.fields.issuerDer.equals(issuer.fields.subjectDer)) return false;
  // The same chain signs many manifests (51 in bench/verify.ts's image): each pair's signature checked once. The
  // answer is the two certificates' bytes' alone.
  const key = `${child.x509.fingerprint256}>${issuer.x509.fingerprint256}`;
  let known = issuedByKnown.get(key);
  if (known === undefined) {
    try {
      known = child.x509.verify(issuer.x509.publicKey);
    } catch {
      known = false;
    }
    if (issuedByKnown.size >= 1000) issuedByKnown.clear();
    issuedByKnown.set(key, known);
  }
  return known;
}

const issuedByKnown = new Map<string, boolean>();

function leafProblem(c: Certificate): string | undefined {
  const f = c.fields;
  if (f.ca) return 'is a CA (basicConstraints cA), not a signing certificate';
  const usage = keyUsageProblem(c);
  if (usage) return usage;
  if (!f.keyUsage!.includes('digitalSignature')) return 'has no digitalSignature key usage';
  const other = f.keyUsage!.filter((u) => u !== 'digitalSignature' && u !== 'nonRepudiation');
  if (other.length > 0) return `has key usages a signing certificate must not (${other.join(', ')})`;
  const excluded = (f.extendedKeyUsage ?? []).filter((e) => EXCLUDED_EKU[e]).map((e) => EXCLUDED_EKU[e]);
  if (excluded.length > 0) return `is not for code signing (extendedKeyUsage ${excluded.join(', ')})`;
  const spec = keyAlgorithm(c);
  return 'unsupported' in spec ? `has ${spec.unsupported}` : undefined;
}

function caProblem(c: Certificate, below: number): string | undefined {
  const f = c.fields;
  if (!f.ca || !f.critical.includes(OID.basicConstraints)) return 'is not a CA: basicConstraints must be present, critical and cA true';
  if (f.pathLength !== undefined && f.pathLength < below) return `allows ${f.pathLength} intermediates below it, not ${below}`;
  const usage = keyUsageProblem(c);
  if (usage) return usage;
  if (!f.keyUsage!.includes('keyCertSign')) return 'has no keyCertSign key usage';
  return undefined;
}

function keyUsageProblem(c: Certificate): string | undefined {
  if (!c.fields.keyUsage) return 'has no keyUsage extension';
  if (!c.fields.critical.includes(OID.keyUsage)) return 'has a keyUsage extension not marked critical';
  return undefined;
}

/**
 * The given root (byte for byte a certificate of the chain, as notation matches its trust store) that makes the chain
 * trusted, or undefined.
 */
export function trustedBy(chain: readonly Certificate[], roots: readonly Certificate[]): Certificate | undefined {
  return roots.find((r) => chain.some((c) => c.x509.raw.equals(r.x509.raw)));
}

/**
 * The certificates of a trust store file (`--notary-roots`), PEM or DER as notation's trust stores hold them (one
 * or more certificates, DER ones back to back): INVALID_ARGUMENT naming the file when one is not a certificate.
 */
export function loadNotaryRoots(name: string, bytes: Buffer): Certificate[] {
  try {
    if (bytes.includes('-----BEGIN')) return parseCertificates(name, bytes.toString());
    const ders: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const r = readNode(bytes, at);
      ders.push(r.node.raw);
      at = r.next;
    }
    if (ders.length === 0) throw new Error(`${name}: empty`);
    const parsed = parseChain(ders, name);
    if ('malformed' in parsed) throw new Error(parsed.malformed);
    return ders.length === 1 ? parsed.map((c) => ({ ...c, name })) : parsed;
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${(err as Error).message.startsWith(name) ? '' : `${name}: `}${(err as Error).message}`, { cause: err });
  }
}
