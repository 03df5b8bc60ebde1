// Signing as notation signs with a local key and its certificate chain (`notation sign`, scheme notary.x509): a JWS
// envelope (signature-envelope-jws.md, notation's default format) whose payload names the manifest's descriptor,
// pushed as notation pushes it: an OCI 1.1 referrer of type application/vnd.cncf.notary.signature, the envelope its
// one layer, the chain's thumbprints in an annotation.
import type { KeyObject } from 'node:crypto';
import { OciError } from '../../errors';
import { createHash, signing } from '../../nodeCrypto';
import { type OneLayerReferrer, pushOneLayerReferrer } from '../../referrers/oneLayerReferrer';
import type { Descriptor } from '../../descriptor';
import type { OpOptions, Target } from '../../target';
import { type Certificate, parseCertificates } from '../x509/certificates';
import { CborTag, type CborValue, encodeCbor } from './cborWrite';
import { chainProblem } from './notaryChain';
import { HEADER, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, NOTARY_PAYLOAD_TYPE, NOTARY_SIGNATURE_ARTIFACT_TYPE, type NotaryAlgorithm, SCHEME_X509 } from './notaryEnvelope';
import { sortedAnnotations } from '../signedAnnotations';

/** notation's annotation of the signature manifest: the SHA-256 thumbprints of the chain, leaf first, as a JSON array of hex. */
export const THUMBPRINT_ANNOTATION = 'io.cncf.notary.x509chain.thumbprint#S256';

export interface NotarySigner {
  /** The key file's name, as given. */
  name: string;
  key: KeyObject;
  /** The chain the envelope carries, leaf first. */
  chain: Certificate[];
  alg: NotaryAlgorithm;
}

/**
 * A signer from a private key (PEM: PKCS#8, PKCS#1 or SEC 1, unencrypted, as notation's local keys are) and the
 * certificate chain its leaf heads (PEM, leaf first). The algorithm is the Notary Project's for the key (RSA 2048,
 * 3072, 4096: PS256, PS384, PS512; ECDSA P-256, P-384, P-521: ES256, ES384, ES512). Throws INVALID_ARGUMENT naming
 * the file: a key it cannot read or of another type or size, a chain that is not PEM certificates, a leaf whose public
 * key is not the key's.
 */
export function loadNotarySigner(keyName: string, keyPem: Buffer, chainName: string, chainPem: Buffer): NotarySigner {
  const crypto = signing();
  let key: KeyObject;
  try {
    key = crypto.createPrivateKey(keyPem);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${keyName}: not a private key notation signs with (PEM, unencrypted): ${(err as Error).message}`);
  }
  const alg = algorithmOf(key);
  if (!alg) {
    const d = key.asymmetricKeyDetails;
    const what = key.asymmetricKeyType === 'rsa' ? `RSA ${d?.modulusLength ?? '?'}` : `${key.asymmetricKeyType ?? 'unknown'}${d?.namedCurve ? ` ${d.namedCurve}` : ''}`;
    throw new OciError('INVALID_ARGUMENT', `${keyName}: a ${what} key: the Notary Project signs with RSA 2048, 3072 or 4096 or ECDSA P-256, P-384 or P-521`);
  }
  let chain: Certificate[];
  try {
    chain = parseCertificates(chainName, chainPem.toString());
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', (err as Error).message);
  }
  const der = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!der(chain[0]!.x509.publicKey).equals(der(crypto.createPublicKey(key)))) {
    throw new OciError('INVALID_ARGUMENT', `${chainName}: its first certificate (${chain[0]!.x509.subject.replace(/\n/g, ', ')}) is not for the key ${keyName}: the chain must start with the key's certificate`);
  }
  // As notation-core-go validates the chain before it signs: one verify would refuse (not in order, a certificate
  // whose signature no longer verifies, no root at its end) is refused here, not signed.
  // OpenSSL reads a key whose stored public key is not its private key's without a word (as import-key-pair checks):
  // what it signed would match no certificate.
  const probe = Buffer.from('manifold sign --notary-key: does this key sign as its certificate says');
  let agrees: boolean;
  try {
    agrees = crypto.verify('sha256', probe, chain[0]!.x509.publicKey, crypto.sign('sha256', probe, key));
  } catch {
    agrees = false;
  }
  if (!agrees) throw new OciError('INVALID_ARGUMENT', `${keyName}: damaged: its private key does not sign as its public key says, so no verifier would take what it signs`);
  const problem = chainProblem(chain);
  if (problem) throw new OciError('INVALID_ARGUMENT', `${chainName}: not a chain the Notary Project signs with: ${problem}`);
  return { name: keyName, key, chain, alg };
}

function algorithmOf(key: KeyObject): NotaryAlgorithm | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return ({ 2048: 'PS256', 3072: 'PS384', 4096: 'PS512' } as const)[d?.modulusLength as 2048] ?? undefined;
  if (key.asymmetricKeyType === 'ec') return ({ prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' } as const)[d?.namedCurve as 'prime256v1'] ?? undefined;
  return undefined;
}

export interface NotarySignOptions extends OpOptions {
  /** The signing time (default: now). */
  now?: Date;
  /** How long the signature stays valid (io.cncf.notary.expiry, critical); none by default, as notation. */
  expiresIn?: number;
  /** The signing agent named in the unsigned header. */
  agent?: string;
  /** User metadata (notation's `--user-metadata`, our `-a`): signed as the payload's targetArtifact annotations. */
  annotations?: Record<string, string>;
}

/**
 * The JWS envelope notation writes (notation-core-go's jws package): the payload `{"targetArtifact": descriptor}`;
 * the protected header with alg, cty, crit (the signing scheme, and the expiry when set), the scheme, the signing
 * time (and expiry) in RFC 3339; the unprotected header with x5c (standard base64 DER, leaf first) and the agent;
 * the signature over `protected.payload` (ECDSA as r||s; RSA-PSS with a salt of the hash's length).
 */
export function makeNotaryJws(subject: Descriptor, signer: NotarySigner, options: NotarySignOptions = {}): Buffer {
  const { now, expiry, payload } = envelopeParts(subject, options);
  const time = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
  const header: Record<string, unknown> = {
    alg: signer.alg,
    cty: NOTARY_PAYLOAD_TYPE,
    crit: [HEADER.signingScheme, ...(expiry ? [HEADER.expiry] : [])],
    [HEADER.signingScheme]: SCHEME_X509,
    [HEADER.signingTime]: time(now),
    ...(expiry ? { [HEADER.expiry]: time(expiry) } : {}),
  };
  const protectedText = Buffer.from(JSON.stringify(header)).toString('base64url');
  const payloadText = payload.toString('base64url');
  const signature = signBytes(signer, Buffer.from(`${protectedText}.${payloadText}`, 'ascii'));
  const unprotected = { x5c: signer.chain.map((c) => c.x509.raw.toString('base64')), [HEADER.signingAgent]: options.agent ?? 'manifold' };
  return Buffer.from(JSON.stringify({ payload: payloadText, protected: protectedText, header: unprotected, signature: signature.toString('base64url') }));
}

/** The COSE algorithm identifiers of the Notary Project's algorithms (RFC 9053). */
const COSE_ALG: Record<NotaryAlgorithm, number> = { PS256: -37, PS384: -38, PS512: -39, ES256: -7, ES384: -35, ES512: -36 };

/**
 * The COSE envelope notation writes with `--signature-format cose` (notation-core-go's cose package): a tagged
 * COSE_Sign1 `18([protected, unprotected, payload, signature])`, the protected header `{1: alg, 2: crit, 3: cty, the
 * scheme, the signing time (tag 1, seconds), the expiry}`, the unprotected one `{33: [the chain, DER], the agent}`,
 * the signature over the Sig_structure `["Signature1", protected, h'', payload]` (ECDSA as r||s; RSA-PSS, salt the
 * hash's length).
 */
export function makeNotaryCose(subject: Descriptor, signer: NotarySigner, options: NotarySignOptions = {}): Buffer {
  const { now, expiry, payload } = envelopeParts(subject, options);
  const seconds = (d: Date) => new CborTag(1, Math.floor(d.getTime() / 1000));
  const protectedMap = new Map<number | string, CborValue>([
    [1, COSE_ALG[signer.alg]],
    [2, [HEADER.signingScheme, ...(expiry ? [HEADER.expiry] : [])]],
    [3, NOTARY_PAYLOAD_TYPE],
    [HEADER.signingScheme, SCHEME_X509],
    [HEADER.signingTime, seconds(now)],
    ...(expiry ? [[HEADER.expiry, seconds(expiry)] as [string, CborValue]] : []),
  ]);
  const protectedBytes = encodeCbor(protectedMap);
  const signature = signBytes(signer, encodeCbor(['Signature1', protectedBytes, Buffer.alloc(0), payload]));
  const unprotected = new Map<number | string, CborValue>([
    [33, signer.chain.map((c) => c.x509.raw)],
    [HEADER.signingAgent, options.agent ?? 'manifold'],
  ]);
  return encodeCbor(new CborTag(18, [protectedBytes, unprotected, payload, signature]));
}

const RESERVED_METADATA_PREFIX = 'io.cncf.notary';

/** The signing time, the expiry (when asked) and the payload `{"targetArtifact": descriptor}`, as both envelopes hold them. */
function envelopeParts(subject: Descriptor, options: NotarySignOptions): { now: Date; expiry?: Date; payload: Buffer } {
  const now = options.now ?? new Date();
  const expiry = options.expiresIn !== undefined ? new Date(now.getTime() + options.expiresIn) : undefined;
  // The descriptor as a registry resolves it (a layout's index.json annotations, its tag name, are no part of it).
  // User metadata as notation signs it: the descriptor's annotations, keys in Go's map order; notation refuses a key
  // of its own namespace (notation-go's reserved prefix), which its verifier reads as the Notary Project's.
  const reserved = Object.keys(options.annotations ?? {}).find((k) => k.startsWith(RESERVED_METADATA_PREFIX));
  if (reserved !== undefined) throw new OciError('INVALID_ARGUMENT', `user metadata ${reserved}: the prefix ${RESERVED_METADATA_PREFIX} is the Notary Project's own, as notation refuses it`);
  const annotations = options.annotations && Object.keys(options.annotations).length > 0 ? { annotations: sortedAnnotations(options.annotations) } : {};
  const payload = Buffer.from(JSON.stringify({ targetArtifact: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size, ...annotations } }));
  return { now, expiry, payload };
}

/** The signature over `input` with the signer's algorithm: ECDSA as r||s, RSA-PSS with a salt of the hash's length. */
function signBytes(signer: NotarySigner, input: Buffer): Buffer {
  const crypto = signing();
  const hash = `sha${signer.alg.slice(2)}`;
  return signer.alg.startsWith('PS')
    ? crypto.sign(hash, input, { key: signer.key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST })
    : crypto.sign(hash, input, { key: signer.key, dsaEncoding: 'ieee-p1363' });
}

/** Signs `subject` as `notation sign` does (makeNotaryJws, or makeNotaryCose for `format: 'cose'`), pushed as a Notary signature referrer of it. */
export async function signManifestNotary(target: Target, subject: Descriptor, signer: NotarySigner, options: NotarySignOptions & { format?: 'jws' | 'cose' } = {}): Promise<OneLayerReferrer> {
  const cose = options.format === 'cose';
  const envelope = cose ? makeNotaryCose(subject, signer, options) : makeNotaryJws(subject, signer, options);
  const thumbprints = signer.chain.map((c) => createHash('sha256').update(c.x509.raw).digest('hex'));
  return pushOneLayerReferrer(
    target,
    subject,
    {
      artifactType: NOTARY_SIGNATURE_ARTIFACT_TYPE,
      mediaType: cose ? NOTARY_COSE_MEDIA_TYPE : NOTARY_JWS_MEDIA_TYPE,
      bytes: envelope,
      annotations: { [THUMBPRINT_ANNOTATION]: JSON.stringify(thumbprints) },
      now: options.now,
      what: 'Notary signature manifest',
    },
    options,
  );
}
