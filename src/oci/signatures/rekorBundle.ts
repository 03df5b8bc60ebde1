import { OciError } from '../errors';
import { createHash } from '../nodeCrypto';
import { decodeBase64 } from './cosignFormat';
import { loadPublicKey, type VerifyKey } from './keys/publicKeys';
import { outsideValidFor, type ValidFor, validForText } from './x509/validFor';
import { isJsonObject } from '../jsonObject';

/**
 * cosign's offline Rekor bundle (annotation `dev.sigstore.cosign/bundle`): the log's signed entry timestamp (SET)
 * over its entry, `{"SignedEntryTimestamp": base64, "Payload": {"body", "integratedTime", "logIndex", "logID"}}`.
 * Verified as cosign's VerifyBundle and VerifySET do (pkg/cosign/verify.go, tlog.go), offline: the SET with the
 * Rekor key whose log ID the entry names, over the canonical JSON (RFC 8785) of those four fields; then the entry's
 * body, a `hashedrekord` 0.0.1, must be of this very signature: its signature bytes, its key or certificate, the
 * SHA-256 of the payload. What it proves is the time Rekor logged the signature (integratedTime); an inclusion proof
 * in the log's tree is not checked (that needs the log online, or its checkpoints).
 */
export const BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';

/** A Rekor log's public key, named as given, and the log ID it has (the SHA-256 of its DER, hex): what a bundle names. */
export interface RekorKey {
  name: string;
  logId: string;
  key: VerifyKey;
  /** A trusted root's tlog window (`--trusted-root`): the entries it signed were integrated in it. */
  validFor?: ValidFor;
}

/** A Rekor public key from PEM (`--rekor-key`): INVALID_ARGUMENT naming `name` when it is no key cosign can verify with. */
export function loadRekorKey(name: string, pem: Buffer | string): RekorKey {
  const key = loadPublicKey(name, pem);
  if (key.unsupported || !key.spki) throw new OciError('INVALID_ARGUMENT', `${name}: ${key.unsupported ?? 'not a public key'}`);
  return { name, logId: createHash('sha256').update(key.spki).digest('hex'), key };
}

/** A Rekor entry verified (its SET, or a Sigstore bundle's inclusion proof) and of the signature: when and where Rekor logged it. */
export interface RekorEntry {
  /** Seconds since 1970 (UTC): when Rekor logged the entry, as its SET signs it; absent when only an inclusion proof was verified (Rekor v2 gives no time). */
  integratedTime?: number;
  logIndex: number;
  logId: string;
  /** The Rekor key (name as given) that verifies the SET or the checkpoint. */
  key: string;
  /** A Sigstore bundle's inclusion proof and checkpoint were verified: the entry is in the log's tree. */
  inclusionProof?: true;
}

/** What a bundle's entry must be of: the signature's bytes, the DER of its key or leaf certificate, the payload signed. */
export interface SignedMaterial {
  signature: Buffer;
  publicKey: Buffer;
  payload: Buffer;
}

/** Why a Rekor entry's body (base64 JSON) is not of `signed`, undefined when it is: hashedrekord's by default, an attestation's intoto. */
export type EntryCheck = (body: string, signed: SignedMaterial) => string | undefined;

/** The Rekor entry `text` (the bundle annotation) proves for `signed`, or why it proves nothing (naming the field). */
export function verifyBundle(text: string | undefined, keys: readonly RekorKey[], signed: SignedMaterial, entryOf: EntryCheck = entryProblem): RekorEntry | { bad: string } {
  if (text === undefined) return { bad: `no Rekor bundle (annotation ${BUNDLE_ANNOTATION}), and a --rekor-key asks for one` };
  const bad = (why: string) => ({ bad: `${BUNDLE_ANNOTATION}: ${why}` });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return bad(`not JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(doc)) return bad('expected an object');
  const set = typeof doc.SignedEntryTimestamp === 'string' ? decodeBase64(doc.SignedEntryTimestamp) : undefined;
  if (!set) return bad('$.SignedEntryTimestamp: expected base64');
  const p = doc.Payload;
  if (!isJsonObject(p)) return bad('$.Payload: expected an object');
  if (typeof p.body !== 'string') return bad('$.Payload.body: expected a string');
  for (const f of ['integratedTime', 'logIndex'] as const) if (!Number.isSafeInteger(p[f]) || (p[f] as number) < 0) return bad(`$.Payload.${f}: expected a whole number`);
  if (typeof p.logID !== 'string') return bad('$.Payload.logID: expected a string');
  const entry = { body: p.body, integratedTime: p.integratedTime as number, logIndex: p.logIndex as number, logID: p.logID };

  const verified = verifySet(entry, set, keys);
  if ('bad' in verified) return bad(verified.bad);
  const problem = entryOf(entry.body, signed);
  if (problem) return bad(`the Rekor entry is not of this signature: ${problem}`);
  return verified;
}

/** The four fields of a Rekor entry its SET signs: the body (base64, as Rekor returned it), when, where, which log (hex). */
export interface SignedEntry {
  body: string;
  integratedTime: number;
  logIndex: number;
  logID: string;
}

/**
 * Whether `set` (a signed entry timestamp) is the signature of the Rekor key whose log ID `entry` names over the
 * entry's canonical JSON, as cosign's VerifySET and sigstore-go's: cosign reads these four fields into its struct and
 * checks their canonical JSON; nothing else of a bundle is covered. What the body logs is the caller's to compare.
 */
export function verifySet(entry: SignedEntry, set: Buffer, keys: readonly RekorKey[]): RekorEntry | { bad: string } {
  const key = keys.find((k) => k.logId === entry.logID);
  if (!key) return { bad: `its log ID ${entry.logID} is none of the Rekor keys given (${keys.map((k) => `${k.name}: ${k.logId}`).join('; ')})` };
  // Exactly these four fields: a caller's entry may carry more (a bundle's kind, its SET), which the SET does not sign.
  const signed = { body: entry.body, integratedTime: entry.integratedTime, logIndex: entry.logIndex, logID: entry.logID };
  if (!key.key.verifies(Buffer.from(canonicalJson(signed)), set)) return { bad: `its SignedEntryTimestamp does not verify with ${key.name}: the entry or the SET was changed` };
  if (outsideValidFor(key.validFor, new Date(entry.integratedTime * 1000))) {
    return { bad: `its integratedTime ${new Date(entry.integratedTime * 1000).toISOString()} is outside the window of ${key.name} (${validForText(key.validFor)}): the log key was not in use then` };
  }
  return { integratedTime: entry.integratedTime, logIndex: entry.logIndex, logId: entry.logID, key: key.name };
}

/**
 * Why an entry proved by its inclusion proof alone (Rekor v2: no integratedTime, no SET) was not logged while its
 * key was in use: the times its bundle's verified timestamps give are when it was logged at the latest, and each must
 * be in the key's window (a trusted root's `validFor`). An entry with a SET was checked at its integratedTime.
 */
export function untimedEntryProblem(entry: RekorEntry, keys: readonly RekorKey[], times: readonly Date[]): string | undefined {
  const key = entry.integratedTime === undefined ? keys.find((k) => k.name === entry.key) : undefined;
  const outside = key?.validFor && times.find((t) => outsideValidFor(key.validFor, t));
  return outside ? `its Rekor entry (an inclusion proof, no integratedTime) is timestamped at ${outside.toISOString()}, outside the window of ${key!.name} (${validForText(key!.validFor)}): the log key was not in use then` : undefined;
}

/** A Rekor entry's body (base64 JSON) read, or why it cannot be; `at` reads a path of it. */
export function entryBody(body: string): { at: (path: string[]) => unknown } | { problem: string } {
  const bytes = decodeBase64(body);
  if (!bytes) return { problem: 'body: not base64' };
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { problem: `body: not JSON (${(err as Error).message})` };
  }
  return { at: (path: string[]): unknown => path.reduce<unknown>((v, k) => (isJsonObject(v) ? v[k] : undefined), doc) };
}

/** Why the entry's body (base64 JSON, a hashedrekord 0.0.1) is not of `signed`; undefined when it is. */
export function entryProblem(body: string, signed: SignedMaterial): string | undefined {
  const read = entryBody(body);
  if ('problem' in read) return read.problem;
  const at = read.at;
  if (at(['kind']) !== 'hashedrekord' || at(['apiVersion']) !== '0.0.1') return `body: a ${String(at(['kind']))} ${String(at(['apiVersion']))} entry, not hashedrekord 0.0.1 (what cosign logs for an image signature)`;
  const content = at(['spec', 'signature', 'content']);
  const logged = typeof content === 'string' ? decodeBase64(content) : undefined;
  if (!logged) return 'spec.signature.content: expected base64';
  if (!logged.equals(signed.signature)) return 'it logs another signature';
  const keyText = at(['spec', 'signature', 'publicKey', 'content']);
  const keyPem = typeof keyText === 'string' ? decodeBase64(keyText) : undefined;
  const keyDer = keyPem ? pemBody(keyPem.toString('utf8')) : undefined;
  if (!keyDer) return 'spec.signature.publicKey.content: expected base64 of one PEM block';
  if (!keyDer.equals(signed.publicKey)) return 'it logs another key or certificate';
  if (at(['spec', 'data', 'hash', 'algorithm']) !== 'sha256') return `spec.data.hash.algorithm: ${JSON.stringify(at(['spec', 'data', 'hash', 'algorithm']))}, not "sha256"`;
  const hash = createHash('sha256').update(signed.payload).digest('hex');
  const value = at(['spec', 'data', 'hash', 'value']);
  if (typeof value !== 'string' || value.toLowerCase() !== hash) return `it logs a payload of digest sha256:${String(value)}, not sha256:${hash}`;
  return undefined;
}

/** The DER of the one PEM block `text` holds (any type), or undefined. */
export function pemBody(text: string): Buffer | undefined {
  const m = /^\s*-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\s]*?)-----END \1-----\s*$/.exec(text);
  return m ? decodeBase64(m[2]!.replace(/\s+/g, '')) : undefined;
}

/**
 * RFC 8785's canonical JSON, for the values a Rekor entry holds: keys sorted by UTF-16 code units, no white space;
 * strings and numbers as ECMAScript's JSON.stringify writes them, which RFC 8785 defines them to be.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
