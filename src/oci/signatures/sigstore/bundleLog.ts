import { intotoSignatures, type LoggedEnvelopeSignature, pemDer } from '../../attestations/intotoEntry';
import { createHash } from '../../nodeCrypto';
import { decodeBase64 } from '../cosignFormat';
import { inclusionProblem, type InclusionProof, logKey, readInclusionProof } from './inclusionProof';
import { entryBody, entryProblem, type RekorEntry, type RekorKey, verifySet } from '../rekorBundle';
import { v2EntryProblem } from './rekorV2Entry';
import type { BundleTlogEntry } from './sigstoreBundle';

/** What a bundle's Rekor entry must be of: its one signature, the DER of its key or leaf certificate, and what it signs. */
export interface LoggedSignature {
  signature: Buffer;
  publicKey: Buffer;
  /** A DSSE envelope's payload (a `dsse` entry logs its hash) and its PAE (the bytes signed), or the bytes a message signature signs (`hashedrekord`). */
  signed: { dssePayload: Buffer; pae: Buffer } | { message: Buffer };
}

/**
 * The first of a bundle's tlog entries that proves `logged` was logged, in the log of a Rekor key given (its log ID
 * names it): its inclusionPromise (SET) verifies (rekorBundle.ts's verifySet, as for cosign's bundle annotation), its
 * inclusionProof (with its checkpoint, inclusionProof.ts) proves the body is in the log's tree, and the body logs
 * this signature, key and content. Either the SET or the proof suffices, as in sigstore-go; when both are there both
 * must hold. A proof that is there and fails refuses the bundle, whatever other entries hold. Only a SET gives a
 * time (integratedTime): Rekor v2 entries, which have none, prove the logging but no time (a bundle's verified RFC 3161
 * timestamp gives it: timestamp.ts, keyless.ts).
 */
export function verifyBundleLog(entries: readonly BundleTlogEntry[], keys: readonly RekorKey[], logged: LoggedSignature): RekorEntry | { bad: string } {
  if (entries.length === 0) return { bad: 'the bundle has no tlog entry, and a --rekor-key asks for one' };
  const why: string[] = [];
  for (const [i, e] of entries.entries()) {
    const where = `tlogEntries[${i}]`;
    const read = e.inclusionProof === undefined || e.inclusionProof === null ? undefined : readInclusionProof(e.inclusionProof);
    const proof: InclusionProof | undefined = read && !('bad' in read) ? read : undefined;
    // An entry of another log is passed over, as sigstore-go passes over what its trusted logs cannot verify.
    const key = logKey(e.logID, keys, proof);
    if (!key) {
      // A Rekor v2 Ed25519 log's ID binds its checkpoint's origin: with the checkpoint unread, say why too.
      const unread = read && 'bad' in read ? `${proofAt(where, read.bad)}; ` : '';
      why.push(`${unread}${where}: its log ID ${e.logID} is none of the Rekor keys given (${keys.map((k) => `${k.name}: ${k.logId}`).join('; ')})`);
      continue;
    }
    if (read && 'bad' in read) return { bad: proofAt(where, read.bad) };
    if (!e.set && !proof) {
      why.push(`${where}: neither an inclusionPromise (SET) nor an inclusionProof`);
      continue;
    }
    if (e.set) {
      const verified = verifySet(e, e.set, keys);
      if ('bad' in verified) {
        why.push(`${where}: ${verified.bad}`);
        continue;
      }
    }
    if (proof) {
      const problem = inclusionProblem(proof, e.body, key);
      if (problem) return { bad: `${where}.inclusionProof: ${problem}` };
    }
    const label = kindVersionProblem(e);
    if (label) {
      why.push(`${where}.kindVersion: ${label}`);
      continue;
    }
    const problem = bodyProblem(e.body, logged);
    if (problem) {
      why.push(`${where}: the Rekor entry is not of this signature: ${problem}`);
      continue;
    }
    return { ...(e.set ? { integratedTime: e.integratedTime } : {}), logIndex: e.logIndex, logId: e.logID, key: key.name, ...(proof ? { inclusionProof: true as const } : {}) };
  }
  return { bad: why.join('; ') };
}

/**
 * Why the entry's kindVersion is not its body's kind and apiVersion (sigstore-js refuses the bundle so: "kind/version
 * mismatch"). It is the bundle's label of a signed body, itself unsigned; only a kind or version given is compared.
 */
function kindVersionProblem(e: BundleTlogEntry): string | undefined {
  if (e.kind === '' && e.version === '') return undefined;
  const read = entryBody(e.body);
  if ('problem' in read) return undefined; // bodyProblem says it
  const [kind, version] = [read.at(['kind']), read.at(['apiVersion'])];
  return kind === e.kind && version === e.version ? undefined : `${JSON.stringify(e.kind)} ${JSON.stringify(e.version)}, not the logged body's kind ${JSON.stringify(kind)} and apiVersion ${JSON.stringify(version)}`;
}

/** Where the inclusion proof readInclusionProof refused is wrong: at a field of it (`hashes[2]: ...`), or the proof itself (`expected an object`). */
function proofAt(where: string, bad: string): string {
  return bad.startsWith('expected ') ? `${where}.inclusionProof: ${bad}` : `${where}.inclusionProof.${bad}`;
}

/** Why the body is not of `logged`: a Rekor v2 entry (hashedrekord or dsse 0.0.2) for either content; else hashedrekord 0.0.1 for a message, dsse 0.0.1 or intoto 0.0.2 for an envelope. */
function bodyProblem(body: string, logged: LoggedSignature): string | undefined {
  const read = entryBody(body);
  if ('problem' in read) return read.problem;
  const kind = read.at(['kind']);
  if (read.at(['apiVersion']) === '0.0.2' && (kind === 'hashedrekord' || kind === 'dsse')) {
    const signed = 'message' in logged.signed ? { signed: logged.signed.message } : { signed: logged.signed.pae, dssePayload: logged.signed.dssePayload };
    return v2EntryProblem(kind, read.at, { signature: logged.signature, publicKey: logged.publicKey, ...signed });
  }
  if ('message' in logged.signed) return entryProblem(body, { signature: logged.signature, publicKey: logged.publicKey, payload: logged.signed.message });
  return dsseEntryProblem(read.at, logged, logged.signed.dssePayload);
}

/**
 * Why a DSSE entry's body is not of this envelope: a `dsse` 0.0.1 (what cosign 3 and sigstore-go log) or an `intoto`
 * 0.0.2 (what sigstore-js 1 and npm logged). Its payloadHash must be the payload's SHA-256 and one of its signatures
 * this one, by this key or certificate (PEM, base64). The envelope's own hash is of its JSON as uploaded, which a
 * bundle does not keep byte for byte: not compared (the payload, the signature and the signer are).
 */
function dsseEntryProblem(at: (path: string[]) => unknown, logged: LoggedSignature, payload: Buffer): string | undefined {
  const kind = `${String(at(['kind']))} ${String(at(['apiVersion']))}`;
  // Where each kind keeps the payload's hash, and its signatures read (intoto 0.0.2's by intotoEntry.ts, as for a `.att` layer's entry).
  const hashPath = kind === 'dsse 0.0.1' ? ['spec', 'payloadHash'] : kind === 'intoto 0.0.2' ? ['spec', 'content', 'payloadHash'] : undefined;
  if (!hashPath) return `body: a ${kind} entry, not dsse 0.0.1 (what cosign 3 logs for an envelope) nor intoto 0.0.2`;
  const where = hashPath.slice(1).join('.');
  if (at([...hashPath, 'algorithm']) !== 'sha256') return `${where}.algorithm: ${JSON.stringify(at([...hashPath, 'algorithm']))}, not "sha256"`;
  const hash = createHash('sha256').update(payload).digest('hex');
  const value = at([...hashPath, 'value']);
  if (typeof value !== 'string' || value.toLowerCase() !== hash) return `it logs a payload of digest sha256:${String(value)}, not sha256:${hash}`;
  const signatures = kind === 'dsse 0.0.1' ? dsseSignatures(at) : intotoSignatures(at);
  if ('problem' in signatures) return signatures.problem;
  const ours = signatures.filter((s) => s.signature?.equals(logged.signature) === true);
  if (ours.length === 0) return 'it logs another signature';
  return ours.some((s) => s.publicKey?.equals(logged.publicKey) === true) ? undefined : 'it logs another key or certificate';
}

/** A dsse 0.0.1 entry's `spec.signatures[]`: `signature` base64 once, `verifier` base64 PEM. */
function dsseSignatures(at: (path: string[]) => unknown): LoggedEnvelopeSignature[] | { problem: string } {
  const signatures = at(['spec', 'signatures']);
  if (!Array.isArray(signatures)) return { problem: 'signatures: expected an array' };
  return signatures.map((s: unknown) => {
    const o = s !== null && typeof s === 'object' ? (s as Record<string, unknown>) : {};
    return { signature: typeof o.signature === 'string' ? decodeBase64(o.signature) : undefined, publicKey: pemDer(o.verifier) };
  });
}
