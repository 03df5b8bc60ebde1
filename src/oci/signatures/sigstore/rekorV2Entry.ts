import { createHash } from '../../nodeCrypto';
import { decodeBase64 } from '../cosignFormat';
import { isJsonObject } from '../../jsonObject';

/** What a Rekor v2 entry must log: the signature, the DER of its key or leaf certificate, and the bytes signed. */
export interface V2Logged {
  signature: Buffer;
  publicKey: Buffer;
  /** The bytes the signature is over: a message, or a DSSE envelope's PAE (Rekor v2 logs an envelope's signature as a hashedrekord of them). */
  signed: Buffer;
  /** A DSSE envelope's payload, which a `dsse` 0.0.2 entry logs the hash of. */
  dssePayload?: Buffer;
}

/**
 * Why a Rekor v2 body (rekor-tiles' protojson: `hashedrekord` 0.0.2 under spec.hashedRekordV002, `dsse` 0.0.2 under
 * spec.dsseV002) is not of `logged`, undefined when it is. sigstore-go rebuilds the hashedrekord from the bundle and
 * compares its leaf hash; here the body the proof covers is read instead: the digest (SHA2_256) of the bytes signed
 * (of the payload, for dsse), the signature, and a verifier whose x509Certificate or publicKey rawBytes is the signer's.
 */
export function v2EntryProblem(kind: string, at: (path: string[]) => unknown, logged: V2Logged): string | undefined {
  const [root, hashAt, hashed] =
    kind === 'hashedrekord' ? [['spec', 'hashedRekordV002'], ['data'], logged.signed] : [['spec', 'dsseV002'], ['payloadHash'], logged.dssePayload];
  if (!hashed) return `body: a ${kind} 0.0.2 entry, which logs a DSSE envelope: not of a message signature`;
  const where = [...root, ...hashAt].slice(1).join('.');
  const algorithm = at([...root, ...hashAt, 'algorithm']);
  if (algorithm !== 'SHA2_256') return `${where}.algorithm: ${JSON.stringify(algorithm)}, not "SHA2_256"`;
  const digest = at([...root, ...hashAt, 'digest']);
  const want = createHash('sha256').update(hashed).digest();
  const got = typeof digest === 'string' ? decodeBase64(digest) : undefined;
  if (!got?.equals(want)) return `it logs ${kind === 'hashedrekord' ? 'signed bytes' : 'a payload'} of digest sha256:${got?.toString('hex') ?? String(digest)}, not sha256:${want.toString('hex')}`;
  const signatures = kind === 'hashedrekord' ? [at([...root, 'signature'])] : at([...root, 'signatures']);
  if (!Array.isArray(signatures)) return `${root.slice(1).join('.')}.signatures: expected an array`;
  const ours = signatures.filter((s) => isJsonObject(s) && typeof s.content === 'string' && decodeBase64(s.content)?.equals(logged.signature) === true);
  if (ours.length === 0) return 'it logs another signature';
  const byThisKey = ours.some((s: Record<string, unknown>) => {
    const v = isJsonObject(s.verifier) ? s.verifier : {};
    const raw = isJsonObject(v.x509Certificate) ? v.x509Certificate.rawBytes : isJsonObject(v.publicKey) ? v.publicKey.rawBytes : undefined;
    return typeof raw === 'string' && decodeBase64(raw)?.equals(logged.publicKey) === true;
  });
  return byThisKey ? undefined : 'it logs another key or certificate';
}
