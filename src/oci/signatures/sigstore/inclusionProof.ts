import { type Checkpoint, checkpointSignedBy, noteKeyIds, parseCheckpoint } from './checkpoint';
import { decodeBase64 } from '../cosignFormat';
import { inclusionRoot, leafHash } from './merkleInclusion';
import type { RekorKey } from '../rekorBundle';
import { isJsonObject } from '../../jsonObject';

/**
 * A bundle tlog entry's `inclusionProof` (sigstore protobuf-specs' InclusionProof, as protojson writes it): the leaf's
 * index in the log's tree (for Rekor v1, in its current shard: not the entry's global logIndex), the tree's size and
 * root hash, the audit path, and the log's checkpoint for that tree.
 */
export interface InclusionProof {
  logIndex: bigint;
  treeSize: bigint;
  rootHash: Buffer;
  hashes: Buffer[];
  checkpoint: Checkpoint;
}

/** The inclusion proof `v` is (the JSON value, checked here rather than when the bundle is read), or why it is none, naming the field. */
export function readInclusionProof(v: unknown): InclusionProof | { bad: string } {
  if (!isJsonObject(v)) return { bad: 'expected an object' };
  // protojson writes int64 as a decimal string, and reads a number too.
  const whole = (n: unknown): bigint | undefined => (typeof n === 'string' && /^\d+$/.test(n) ? BigInt(n) : typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? BigInt(n) : undefined);
  const logIndex = whole(v.logIndex);
  if (logIndex === undefined) return { bad: 'logIndex: expected a whole number' };
  const treeSize = whole(v.treeSize);
  if (treeSize === undefined) return { bad: 'treeSize: expected a whole number' };
  const rootHash = typeof v.rootHash === 'string' ? decodeBase64(v.rootHash) : undefined;
  if (!rootHash || rootHash.length !== 32) return { bad: 'rootHash: expected base64 of 32 bytes' };
  if (!Array.isArray(v.hashes)) return { bad: 'hashes: expected an array' };
  const hashes: Buffer[] = [];
  for (const [i, h] of v.hashes.entries()) {
    const hash = typeof h === 'string' ? decodeBase64(h) : undefined;
    if (!hash || hash.length !== 32) return { bad: `hashes[${i}]: expected base64 of 32 bytes` };
    hashes.push(hash);
  }
  const envelope = isJsonObject(v.checkpoint) ? v.checkpoint.envelope : undefined;
  if (typeof envelope !== 'string') return { bad: 'checkpoint.envelope: expected a string' };
  const checkpoint = parseCheckpoint(envelope);
  if ('bad' in checkpoint) return { bad: `checkpoint: ${checkpoint.bad}` };
  return { logIndex, treeSize, rootHash, hashes, checkpoint };
}

/**
 * The Rekor key given that the entry's log ID names: the SHA-256 of its DER (Rekor v1, and v2 with ECDSA), or for an
 * Ed25519 Rekor v2 log its checkpoint key ID, which binds the log's origin (the checkpoint's first line).
 */
export function logKey(logId: string, keys: readonly RekorKey[], proof: InclusionProof | undefined): RekorKey | undefined {
  return keys.find((k) => k.logId === logId || (proof !== undefined && noteKeyIds(k, proof.checkpoint.origin).some((id) => id.toString('hex') === logId)));
}

/**
 * Why `proof` does not prove the entry `body` (base64, the bundle's canonicalizedBody) is in the log of `key`, or
 * undefined when it does, as sigstore-go (rekor's VerifyInclusion and VerifyCheckpointSignature) and sigstore-js
 * check it: the audit path from the leaf SHA-256(0x00 || body) leads to rootHash; the checkpoint is signed by `key`;
 * its tree size and root hash are the proof's. The checkpoint's origin is not compared with a configured one (a
 * `--rekor-key` names no log URL): the key that signs it is what is trusted.
 */
export function inclusionProblem(proof: InclusionProof, body: string, key: RekorKey): string | undefined {
  const entry = decodeBase64(body);
  if (!entry) return 'canonicalizedBody: not base64';
  const root = inclusionRoot(leafHash(entry), proof.logIndex, proof.treeSize, proof.hashes);
  if ('bad' in root) return `its audit path: ${root.bad}`;
  if (!root.equals(proof.rootHash)) {
    return `its audit path (${proof.hashes.length} hashes, leaf ${proof.logIndex} of a tree of ${proof.treeSize}) leads from the entry to root ${root.toString('hex')}, not its rootHash ${proof.rootHash.toString('hex')}: the entry, a hash, logIndex, treeSize or rootHash was changed`;
  }
  const signed = checkpointSignedBy(proof.checkpoint, key);
  if (signed) return `checkpoint: ${signed}`;
  if (proof.checkpoint.size !== proof.treeSize) return `checkpoint: its tree size ${proof.checkpoint.size} is not the proof's treeSize ${proof.treeSize}`;
  if (!proof.checkpoint.root.equals(proof.rootHash)) return `checkpoint: its root hash ${proof.checkpoint.root.toString('hex')} is not the proof's rootHash ${proof.rootHash.toString('hex')}`;
  return undefined;
}
