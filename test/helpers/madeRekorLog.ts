// A transparency log made in the test, as Rekor keeps one: RFC 6962's tree computed by its definition (RFC 9162
// 2.1.1, 2.1.3.1: MTH and PATH, recursively: an oracle apart from the iterative check under test) and checkpoints
// signed as Rekor signs them (a Rekor v1 signed note, or Rekor v2's with an Ed25519 key), to prove entries in it and
// to sign checkpoints that are wrong in one thing only.
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { loadRekorKey, type RekorKey } from '../../src/oci/signatures';

const sha256 = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
export const leaf = (entry: Buffer) => sha256(Buffer.of(0), entry);
const node = (l: Buffer, r: Buffer) => sha256(Buffer.of(1), l, r);
/** The largest power of two below n (n > 1). */
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

export function treeRoot(entries: readonly Buffer[]): Buffer {
  if (entries.length === 0) return sha256();
  if (entries.length === 1) return leaf(entries[0]!);
  const k = split(entries.length);
  return node(treeRoot(entries.slice(0, k)), treeRoot(entries.slice(k)));
}

export function auditPath(m: number, entries: readonly Buffer[]): Buffer[] {
  if (entries.length <= 1) return [];
  const k = split(entries.length);
  return m < k ? [...auditPath(m, entries.slice(0, k)), treeRoot(entries.slice(k))] : [...auditPath(m - k, entries.slice(k)), treeRoot(entries.slice(0, k))];
}

export interface MadeLog {
  origin: string;
  /** Its public key, PEM (what --rekor-key reads). */
  pem: string;
  key: RekorKey;
  privateKey: KeyObject;
  /** The log ID a bundle names this log by, base64 (v1 and ECDSA: SHA-256 of the key's DER; v2 Ed25519: its note key ID). */
  logIdBase64: string;
  /** A signed note of `text` by this log's key, its signature line named `name` (the origin's host for v1). */
  note(text: string, name?: string): string;
  /** The bundle JSON of entry `index` of `entries`: its inclusionProof, with a checkpoint of the whole tree. */
  inclusionProof(entries: readonly Buffer[], index: number): Record<string, unknown>;
}

/** A log signing as Rekor v1 does (ECDSA P-256, origin `<host> - <tree ID>`) or as Rekor v2 does (Ed25519, origin its host). */
export function makeLog(kind: 'v1-ecdsa' | 'v2-ed25519', host = 'log.example.test'): MadeLog {
  const pair = kind === 'v1-ecdsa' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('ed25519');
  const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = loadRekorKey(`${kind}.pub`, pem);
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const noteId = kind === 'v1-ecdsa' ? sha256(spki) : sha256(Buffer.from(`${host}\n`), Buffer.of(1), spki.subarray(-32));
  const origin = kind === 'v1-ecdsa' ? `${host} - 1193050959916656506` : host;
  const note = (text: string, name = host) => {
    const sig = kind === 'v1-ecdsa' ? sign('sha256', Buffer.from(text), pair.privateKey) : sign(null, Buffer.from(text), pair.privateKey);
    return `${text}\n\u2014 ${name} ${Buffer.concat([noteId.subarray(0, 4), sig]).toString('base64')}\n`;
  };
  return {
    origin,
    pem,
    key,
    privateKey: pair.privateKey,
    logIdBase64: noteId.toString('base64'),
    note,
    inclusionProof: (entries, index) => {
      const root = treeRoot(entries).toString('base64');
      return {
        logIndex: String(index),
        rootHash: root,
        treeSize: String(entries.length),
        hashes: auditPath(index, entries).map((h) => h.toString('base64')),
        checkpoint: { envelope: note(`${origin}\n${entries.length}\n${root}\n`) },
      };
    },
  };
}
