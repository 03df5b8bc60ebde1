import { INTOTO_PAYLOAD_TYPE, makeEnvelope } from '../../attestations/dsse';
import { createHash, signing } from '../../nodeCrypto';
import type { SignKey } from '../keys/privateKeys';
import { COSIGN_SIGN_PREDICATE_TYPE, SIGSTORE_BUNDLE_MEDIA_TYPE } from './sigstoreBundle';
import { sortedAnnotations } from '../signedAnnotations';

/**
 * Sigstore bundles as cosign 3 writes them when it signs with a key and uploads nothing (`--new-bundle-format
 * --tlog-upload=false`): sigstore-go's sign.Bundle, marshalled by protojson.
 */

/** The in-toto Statement v1 type cosign 3's `sign` writes (its `attest` keeps v0.1: statement.ts). */
export const STATEMENT_V1_TYPE = 'https://in-toto.io/Statement/v1';

/**
 * `verificationMaterial.publicKey.hint` for a key: base64 of the SHA-256 of its DER (SubjectPublicKeyInfo), as
 * cosign's SignerVerifierKeypair computes it (internal/key/svkeypair.go). It names the key; it proves nothing.
 */
export function keyHint(publicPem: string): string {
  const der = signing().createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/**
 * The statement `cosign sign --new-bundle-format` signs for the manifest `digest` (cosign's signDigestBundle):
 * Statement v1, one subject with the digest only (no name: verify cannot match `--identity` against it) and
 * the `-a` annotations (a Struct, keys in protojson's sorted order; without any still written, empty),
 * predicateType sign/v1, an empty predicate. Fields in protojson's order (the proto's field numbers).
 */
export function cosignSignStatement(digest: string, annotations: Readonly<Record<string, string>> = {}): Buffer {
  const [algorithm, hex] = digest.split(':');
  const subject = { digest: { [algorithm!]: hex }, annotations: sortedAnnotations(annotations) };
  return Buffer.from(JSON.stringify({ _type: STATEMENT_V1_TYPE, subject: [subject], predicateType: COSIGN_SIGN_PREDICATE_TYPE, predicate: {} }));
}

/**
 * A bundle v0.3 of `statement` signed by `key`: a DSSE envelope (dsse.ts: over PAE) and, as verification
 * material, only the key's hint. No tlog entry and no timestamp: nothing was uploaded, so a verifier needs the
 * key itself (sigstore-go: WithNoObserverTimestamps; sigstore-js: thresholds at 0).
 */
export function makeKeyBundle(statement: Buffer, key: SignKey): Buffer {
  return envelopeKeyBundle(makeEnvelope(INTOTO_PAYLOAD_TYPE, statement, (b) => key.sign(b)), key);
}

/** The bundle of an envelope `key` signed (makeEnvelope's bytes): attest-blob writes the same envelope apart too. */
export function envelopeKeyBundle(envelope: Buffer, key: SignKey): Buffer {
  const dsseEnvelope = JSON.parse(envelope.toString('utf8')) as unknown;
  return Buffer.from(JSON.stringify({ mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, verificationMaterial: { publicKey: { hint: keyHint(key.publicPem()) } }, dsseEnvelope }));
}

/**
 * A bundle v0.3 of the file `blob` as `cosign sign-blob --key --new-bundle-format --tlog-upload=false` writes it: a
 * message signature over its bytes (messageDigest in the key's hash), the key's hint as verification material, no tlog
 * entry. Fields in protojson's order.
 */
export function makeMessageBundle(blob: Buffer, key: SignKey): Buffer {
  // The hash the key signs with, as cosign states it: a P-384 key's SHA-384, a P-521 key's SHA-512; else SHA-256.
  const hash = /-sha(384|512)$/.exec(key.algorithm)?.[1] ?? '256';
  const digest = createHash(`sha${hash}`).update(blob).digest('base64');
  const messageSignature = { messageDigest: { algorithm: `SHA2_${hash}`, digest }, signature: key.sign(blob).toString('base64') };
  return Buffer.from(JSON.stringify({ mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, verificationMaterial: { publicKey: { hint: keyHint(key.publicPem()) } }, messageSignature }));
}
