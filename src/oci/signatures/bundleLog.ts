import { createHash } from '../nodeCrypto';
import { decodeBase64 } from './cosignFormat';
import { entryBody, entryProblem, pemBody, type RekorEntry, type RekorKey, verifySet } from './rekorBundle';
import type { BundleTlogEntry } from './sigstoreBundle';

/** What a bundle's Rekor entry must be of: its one signature, the DER of its key or leaf certificate, and what it signs. */
export interface LoggedSignature {
  signature: Buffer;
  publicKey: Buffer;
  /** A DSSE envelope's payload (a `dsse` entry logs its hash), or the bytes a message signature signs (`hashedrekord`). */
  signed: { dssePayload: Buffer } | { message: Buffer };
}

/**
 * The first of a bundle's tlog entries that proves `logged` was logged: its inclusionPromise (SET) verifies with a
 * Rekor key given (rekorBundle.ts's verifySet, as for cosign's bundle annotation), and its body (which the SET
 * covers; the bundle's kindVersion does not count) logs this signature, key and content. An inclusion proof alone
 * (Rekor v2) proves nothing here: that needs the log's checkpoint key and a signed timestamp.
 */
export function verifyBundleLog(entries: readonly BundleTlogEntry[], keys: readonly RekorKey[], logged: LoggedSignature): RekorEntry | { bad: string } {
  if (entries.length === 0) return { bad: 'the bundle has no tlog entry, and a --rekor-key asks for one' };
  const why: string[] = [];
  for (const [i, e] of entries.entries()) {
    const where = `tlogEntries[${i}]`;
    if (!e.set) {
      why.push(`${where}: no inclusionPromise (a Rekor v2 entry, proved by an inclusion proof and a signed timestamp, not checked here)`);
      continue;
    }
    const verified = verifySet(e, e.set, keys);
    if ('bad' in verified) {
      why.push(`${where}: ${verified.bad}`);
      continue;
    }
    const problem = 'message' in logged.signed ? entryProblem(e.body, { signature: logged.signature, publicKey: logged.publicKey, payload: logged.signed.message }) : dsseEntryProblem(e.body, logged, logged.signed.dssePayload);
    if (problem) {
      why.push(`${where}: the Rekor entry is not of this signature: ${problem}`);
      continue;
    }
    return verified;
  }
  return { bad: why.join('; ') };
}

/**
 * Why a DSSE entry's body is not of this envelope: a `dsse` 0.0.1 (what cosign 3 and sigstore-go log) or an `intoto`
 * 0.0.2 (what sigstore-js 1 and npm logged). Its payloadHash must be the payload's SHA-256 and one of its signatures
 * this one, by this key or certificate (PEM, base64). The envelope's own hash is of its JSON as uploaded, which a
 * bundle does not keep byte for byte: not compared (the payload, the signature and the signer are).
 */
function dsseEntryProblem(body: string, logged: LoggedSignature, payload: Buffer): string | undefined {
  const read = entryBody(body);
  if ('problem' in read) return read.problem;
  const at = read.at;
  const kind = `${String(at(['kind']))} ${String(at(['apiVersion']))}`;
  // Where each kind keeps the payload's hash and the signatures; intoto 0.0.2 holds each signature base64 twice over.
  const shape =
    kind === 'dsse 0.0.1'
      ? { hash: ['spec', 'payloadHash'], signatures: ['spec', 'signatures'], sig: (s: Record<string, unknown>) => decoded(s.signature), key: (s: Record<string, unknown>) => s.verifier }
      : kind === 'intoto 0.0.2'
        ? { hash: ['spec', 'content', 'payloadHash'], signatures: ['spec', 'content', 'envelope', 'signatures'], sig: (s: Record<string, unknown>) => decoded(decoded(s.sig)?.toString('latin1')), key: (s: Record<string, unknown>) => s.publicKey }
        : undefined;
  if (!shape) return `body: a ${kind} entry, not dsse 0.0.1 (what cosign 3 logs for an envelope) nor intoto 0.0.2`;
  const where = shape.hash.slice(1).join('.');
  if (at([...shape.hash, 'algorithm']) !== 'sha256') return `${where}.algorithm: ${JSON.stringify(at([...shape.hash, 'algorithm']))}, not "sha256"`;
  const hash = createHash('sha256').update(payload).digest('hex');
  const value = at([...shape.hash, 'value']);
  if (typeof value !== 'string' || value.toLowerCase() !== hash) return `it logs a payload of digest sha256:${String(value)}, not sha256:${hash}`;
  const signatures = at(shape.signatures);
  if (!Array.isArray(signatures)) return `${shape.signatures.slice(1).join('.')}: expected an array`;
  const ours = signatures.filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object' && shape.sig(s)?.equals(logged.signature) === true);
  if (ours.length === 0) return 'it logs another signature';
  const byThisKey = ours.some((s) => {
    const pem = decoded(shape.key(s));
    return pem ? pemBody(pem.toString('utf8'))?.equals(logged.publicKey) === true : false;
  });
  return byThisKey ? undefined : 'it logs another key or certificate';
}

function decoded(v: unknown): Buffer | undefined {
  return typeof v === 'string' ? decodeBase64(v) : undefined;
}
