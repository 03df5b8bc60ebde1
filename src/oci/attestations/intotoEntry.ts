import { createHash } from '../nodeCrypto';
import { decodeBase64 } from '../signatures/cosignFormat';
import { type EntryCheck, entryBody, pemBody } from '../signatures/rekorBundle';
import { isJsonObject } from '../jsonObject';

/**
 * What `cosign attest` logs in Rekor for an attestation: an `intoto` entry of the envelope (cosign's
 * TLogUploadInTotoAttestation, the envelope's bytes and the certificate or key PEM), not a hashedrekord. Rekor's
 * canonical body (pkg/types/intoto, Canonicalize), which a bundle's Payload.body holds:
 * - 0.0.1 (rekor's default for cosign 1 and 2): `spec.publicKey` (base64 PEM), `spec.content.hash` (SHA-256 of the
 *   envelope's bytes as uploaded), `spec.content.payloadHash` (SHA-256 of the decoded payload; absent from entries
 *   older rekors logged: the envelope hash binds the payload anyway);
 * - 0.0.2: the same two hashes, and `spec.content.envelope.signatures[]` (intotoSignatures).
 * The entry is of this envelope when the envelope hash is the layer's bytes' and the key is the signer's (in 0.0.2,
 * beside the signature that verified).
 */
export function intotoEntryCheck(envelope: Buffer, payload: Buffer): EntryCheck {
  const envelopeHash = createHash('sha256').update(envelope).digest('hex');
  const payloadHash = createHash('sha256').update(payload).digest('hex');
  return (body, signed) => {
    const read = entryBody(body);
    if ('problem' in read) return read.problem;
    const at = read.at;
    const kind = at(['kind']);
    const version = at(['apiVersion']);
    if (kind !== 'intoto' || (version !== '0.0.1' && version !== '0.0.2')) {
      return `body: a ${String(kind)} ${String(version)} entry, not intoto 0.0.1 or 0.0.2 (what cosign logs for an attestation)`;
    }
    const hash = (name: 'hash' | 'payloadHash', want: string, what: string): string | undefined => {
      const algorithm = at(['spec', 'content', name, 'algorithm']);
      const value = at(['spec', 'content', name, 'value']);
      if (algorithm !== 'sha256') return `spec.content.${name}.algorithm: ${JSON.stringify(algorithm)}, not "sha256"`;
      if (typeof value !== 'string' || value.toLowerCase() !== want) return `it logs ${what} of digest sha256:${String(value)}, not sha256:${want}`;
      return undefined;
    };
    const oldEntry = version === '0.0.1' && at(['spec', 'content', 'payloadHash']) === undefined;
    const problem = hash('hash', envelopeHash, 'an envelope') ?? (oldEntry ? undefined : hash('payloadHash', payloadHash, 'a payload'));
    if (problem) return problem;
    if (version === '0.0.1') return pemDer(at(['spec', 'publicKey']))?.equals(signed.publicKey) ? undefined : 'spec.publicKey: it logs another key or certificate';
    const signatures = intotoSignatures(at);
    if ('problem' in signatures) return signatures.problem;
    const logged = signatures.some((s) => s.signature?.equals(signed.signature) === true && s.publicKey?.equals(signed.publicKey) === true);
    return logged ? undefined : `spec.content.envelope.signatures: none is this signature (${signed.signature.toString('base64').slice(0, 16)}…) by this key or certificate`;
  };
}

/** One signature an entry logs: its bytes and its key's or certificate's DER, each undefined when it cannot be read. */
export interface LoggedEnvelopeSignature {
  signature?: Buffer;
  publicKey?: Buffer;
}

/**
 * An intoto 0.0.2 entry's `spec.content.envelope.signatures[]`, read for both its readers (a `.att` layer's bundle
 * here, a Sigstore bundle's entry in bundleLog.ts): `sig` is base64 of the envelope's own base64 signature text
 * (twice encoded; that text may be URL-safe or unpadded, so the bytes it stands for are compared), `publicKey`
 * base64 of a PEM key or certificate.
 */
export function intotoSignatures(at: (path: string[]) => unknown): LoggedEnvelopeSignature[] | { problem: string } {
  const signatures = at(['spec', 'content', 'envelope', 'signatures']);
  if (!Array.isArray(signatures)) return { problem: 'spec.content.envelope.signatures: expected an array' };
  return signatures.map((s) => {
    if (!isJsonObject(s)) return {};
    const text = typeof s.sig === 'string' ? decodeBase64(s.sig)?.toString('utf8') : undefined;
    return { signature: text === undefined ? undefined : Buffer.from(text, 'base64'), publicKey: pemDer(s.publicKey) };
  });
}

/** The DER of the PEM block `text` holds in base64 (how Rekor bodies hold a key or certificate), or undefined. */
export function pemDer(text: unknown): Buffer | undefined {
  const pem = typeof text === 'string' ? decodeBase64(text) : undefined;
  return pem ? pemBody(pem.toString('utf8')) : undefined;
}
