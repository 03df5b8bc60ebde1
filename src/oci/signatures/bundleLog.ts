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
 * Why a `dsse` 0.0.1 body (what Rekor logs for a DSSE envelope) is not of this envelope: its payloadHash must be the
 * payload's SHA-256 and one of its signatures this one, by this key or certificate (PEM, base64). The envelopeHash
 * is of the envelope's JSON as uploaded, which a bundle does not keep byte for byte: not compared (the payload, the
 * signature and the signer are).
 */
function dsseEntryProblem(body: string, logged: LoggedSignature, payload: Buffer): string | undefined {
  const read = entryBody(body);
  if ('problem' in read) return read.problem;
  const at = read.at;
  if (at(['kind']) !== 'dsse' || at(['apiVersion']) !== '0.0.1') return `body: a ${String(at(['kind']))} ${String(at(['apiVersion']))} entry, not dsse 0.0.1 (what cosign 3 logs for an envelope)`;
  if (at(['spec', 'payloadHash', 'algorithm']) !== 'sha256') return `spec.payloadHash.algorithm: ${JSON.stringify(at(['spec', 'payloadHash', 'algorithm']))}, not "sha256"`;
  const hash = createHash('sha256').update(payload).digest('hex');
  const value = at(['spec', 'payloadHash', 'value']);
  if (typeof value !== 'string' || value.toLowerCase() !== hash) return `it logs a payload of digest sha256:${String(value)}, not sha256:${hash}`;
  const signatures = at(['spec', 'signatures']);
  if (!Array.isArray(signatures)) return 'spec.signatures: expected an array';
  const ours = signatures.filter((s: unknown) => {
    const sig = typeof (s as { signature?: unknown })?.signature === 'string' ? decodeBase64((s as { signature: string }).signature) : undefined;
    return sig?.equals(logged.signature) === true;
  });
  if (ours.length === 0) return 'it logs another signature';
  const byThisKey = ours.some((s: { verifier?: unknown }) => {
    const pem = typeof s.verifier === 'string' ? decodeBase64(s.verifier) : undefined;
    return pem ? pemBody(pem.toString('utf8'))?.equals(logged.publicKey) === true : false;
  });
  return byThisKey ? undefined : 'it logs another key or certificate';
}
