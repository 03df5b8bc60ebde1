import { createHash } from '../../nodeCrypto';
import { decodeBase64 } from '../cosignFormat';
import type { RekorKey } from '../rekorBundle';

/**
 * A transparency log checkpoint (C2SP tlog-checkpoint): a signed note (C2SP signed-note, golang.org/x/mod/sumdb/note)
 * whose text is the log's origin, its tree size (decimal), its root hash (base64), maybe extension lines; then a
 * blank line and signature lines `— <name> <base64(key hint (4 bytes) || signature)>`. What is signed is the text up
 * to and with its last newline, the blank line excluded.
 */
export interface Checkpoint {
  origin: string;
  size: bigint;
  root: Buffer;
  /** The note's text, as signed. */
  text: string;
  signatures: Array<{ name: string; hint: Buffer; signature: Buffer }>;
}

/** The checkpoint `envelope` holds, or why it is none (rekor's SignedNote.UnmarshalText and sigstore-js's rules). */
export function parseCheckpoint(envelope: string): Checkpoint | { bad: string } {
  const split = envelope.lastIndexOf('\n\n');
  if (split < 0) return { bad: 'no blank line before its signatures' };
  const text = envelope.slice(0, split + 1);
  const sigText = envelope.slice(split + 2);
  if (!sigText.endsWith('\n')) return { bad: 'its signature lines do not end with a newline' };
  const signatures: Checkpoint['signatures'] = [];
  for (const line of sigText.slice(0, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    const bytes = m ? decodeBase64(m[2]!) : undefined;
    if (!m || !bytes || bytes.length < 5) return { bad: `signature line ${JSON.stringify(line)}: not "— <name> <base64 of a key hint and a signature>"` };
    signatures.push({ name: m[1]!, hint: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return { bad: `${lines.length} lines of text, not an origin, a tree size and a root hash` };
  const [origin, size, root] = lines as [string, string, string];
  if (origin === '') return { bad: 'an empty origin line' };
  if (!/^(0|[1-9]\d*)$/.test(size)) return { bad: `tree size ${JSON.stringify(size)}: not a decimal number` };
  const rootHash = decodeBase64(root);
  if (!rootHash || rootHash.length !== 32) return { bad: `root hash ${JSON.stringify(root)}: not base64 of 32 bytes` };
  return { origin, size: BigInt(size), root: rootHash, text, signatures };
}

/**
 * The 4-byte key hints `key` signs a note as, under signature name `name`. Rekor v1 (rekor's signed_note.go) and
 * Rekor v2 for ECDSA (rekor-tiles' note.KeyHash, which departs from the signed-note spec for ECDSA): the first bytes
 * of SHA-256 of the key's DER, that is of its log ID. Rekor v2 for Ed25519, as the signed-note spec defines:
 * SHA-256(name || "\n" || 0x01 || the 32-byte key). A hint only picks the line: the signature is what counts.
 */
export function noteKeyIds(key: RekorKey, name: string): Buffer[] {
  const ids = [Buffer.from(key.logId, 'hex')];
  const spki = key.key.spki;
  if (key.key.type === 'ed25519' && spki && spki.length >= 32) ids.push(createHash('sha256').update(`${name}\n`).update(Buffer.of(1)).update(spki.subarray(-32)).digest());
  return ids;
}

/**
 * Whether `key` signed `checkpoint`: each signature line whose hint is the key's must verify over the note's text,
 * and there must be one. Lines of other signers (a Rekor v2 checkpoint carries witnesses' cosignatures) are not
 * ours to judge and are passed over, as golang.org/x/mod/sumdb/note's Open passes over unknown keys.
 */
export function checkpointSignedBy(checkpoint: Checkpoint, key: RekorKey): string | undefined {
  const ours = checkpoint.signatures.filter((s) => noteKeyIds(key, s.name).some((id) => id.subarray(0, 4).equals(s.hint)));
  if (ours.length === 0) return `no signature line is by ${key.name} (key hints ${checkpoint.signatures.map((s) => `${s.name} ${s.hint.toString('hex')}`).join(', ')})`;
  const text = Buffer.from(checkpoint.text, 'utf8');
  const bad = ours.find((s) => !key.key.verifies(text, s.signature));
  return bad ? `its signature by ${bad.name} does not verify with ${key.name}: the checkpoint or its signature was changed` : undefined;
}
