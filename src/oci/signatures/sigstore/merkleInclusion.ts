import { createHash } from '../../nodeCrypto';

/**
 * RFC 6962 / RFC 9162 Merkle trees, as Rekor (v1 on Trillian, v2 on tiles) builds its log: a leaf's hash is
 * SHA-256(0x00 || entry), an inner node's SHA-256(0x01 || left || right). An inclusion proof is the audit path of the
 * leaf at `index` in the tree of the first `size` leaves, lowest sibling first.
 */
export function leafHash(entry: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(entry).digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/**
 * The root the audit path `path` gives for the leaf hash `leaf` at `index` of a tree of `size` leaves (RFC 9162
 * 2.1.3.2), or why the path cannot be one: an index outside the tree, a path too long or too short for that index
 * and size. bigint: a log index passes 2^32, where JavaScript's bit operators stop.
 */
export function inclusionRoot(leaf: Buffer, index: bigint, size: bigint, path: readonly Buffer[]): Buffer | { bad: string } {
  if (index < 0n || index >= size) return { bad: `leaf index ${index} is outside a tree of ${size}` };
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) return { bad: `${path.length} hashes: too many for leaf ${index} of a tree of ${size}` };
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      // A right-border node with no right sibling moves up without hashing until it is a right child again.
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return { bad: `${path.length} hashes: too few for leaf ${index} of a tree of ${size}` };
  return r;
}
