import { createHash } from '../nodeCrypto';
import { decodeBase64 } from '../signatures/cosignFormat';
import { type EntryCheck, isObject, pemBody } from '../signatures/rekorBundle';

/**
 * What `cosign attest` logs in Rekor for an attestation: an `intoto` entry of the envelope (cosign's
 * TLogUploadInTotoAttestation, the envelope's bytes and the certificate or key PEM), not a hashedrekord. Rekor's
 * canonical body (pkg/types/intoto, Canonicalize), which a bundle's Payload.body holds:
 * - 0.0.1 (rekor's default for cosign 1 and 2): `spec.publicKey` (base64 PEM), `spec.content.hash` (SHA-256 of the
 *   envelope's bytes as uploaded), `spec.content.payloadHash` (SHA-256 of the decoded payload; absent from entries
 *   older rekors logged: the envelope hash binds the payload anyway);
 * - 0.0.2: the same two hashes, and `spec.content.envelope.signatures[]` with `sig` (base64 of the envelope's base64
 *   signature text: twice encoded) and `publicKey` (base64 PEM).
 * The entry is of this envelope when the envelope hash is the layer's bytes' and the key is the signer's (in 0.0.2,
 * beside the signature that verified).
 */
export function intotoEntryCheck(envelope: Buffer, payload: Buffer): EntryCheck {
  const envelopeHash = createHash('sha256').update(envelope).digest('hex');
  const payloadHash = createHash('sha256').update(payload).digest('hex');
  return (body, signed) => {
    const bytes = decodeBase64(body);
    if (!bytes) return 'body: not base64';
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      return `body: not JSON (${(err as Error).message})`;
    }
    const at = (from: unknown, path: string[]): unknown => path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), from);
    const kind = at(doc, ['kind']);
    const version = at(doc, ['apiVersion']);
    if (kind !== 'intoto' || (version !== '0.0.1' && version !== '0.0.2')) {
      return `body: a ${String(kind)} ${String(version)} entry, not intoto 0.0.1 or 0.0.2 (what cosign logs for an attestation)`;
    }
    const hash = (name: 'hash' | 'payloadHash', want: string, what: string): string | undefined => {
      const algorithm = at(doc, ['spec', 'content', name, 'algorithm']);
      const value = at(doc, ['spec', 'content', name, 'value']);
      if (algorithm !== 'sha256') return `spec.content.${name}.algorithm: ${JSON.stringify(algorithm)}, not "sha256"`;
      if (typeof value !== 'string' || value.toLowerCase() !== want) return `it logs ${what} of digest sha256:${String(value)}, not sha256:${want}`;
      return undefined;
    };
    const oldEntry = version === '0.0.1' && at(doc, ['spec', 'content', 'payloadHash']) === undefined;
    const problem = hash('hash', envelopeHash, 'an envelope') ?? (oldEntry ? undefined : hash('payloadHash', payloadHash, 'a payload'));
    if (problem) return problem;
    const isSigner = (text: unknown): boolean => {
      const pem = typeof text === 'string' ? decodeBase64(text) : undefined;
      const der = pem ? pemBody(pem.toString('utf8')) : undefined;
      return der !== undefined && der.equals(signed.publicKey);
    };
    if (version === '0.0.1') return isSigner(at(doc, ['spec', 'publicKey'])) ? undefined : 'spec.publicKey: it logs another key or certificate';
    const signatures = at(doc, ['spec', 'content', 'envelope', 'signatures']);
    if (!Array.isArray(signatures)) return 'spec.content.envelope.signatures: expected an array';
    const sigText = signed.signature.toString('base64');
    const logged = signatures.some((s) => {
      const sig = at(s, ['sig']);
      const text = typeof sig === 'string' ? decodeBase64(sig)?.toString('utf8') : undefined;
      // The envelope's text may be URL-safe or unpadded base64: compare the bytes it stands for.
      return text !== undefined && Buffer.from(text, 'base64').equals(signed.signature) && isSigner(at(s, ['publicKey']));
    });
    return logged ? undefined : `spec.content.envelope.signatures: none is this signature (${sigText.slice(0, 16)}…) by this key or certificate`;
  };
}
