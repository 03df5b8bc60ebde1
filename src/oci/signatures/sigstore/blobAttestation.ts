import { isUtf8 } from 'node:buffer';
import { INTOTO_PAYLOAD_TYPE, makeEnvelope, pae, parseEnvelope } from '../../attestations/dsse';
import { makeStatement, parseStatement, statementNames } from '../../attestations/statement';
import { OciError } from '../../errors';
import { jsonObject } from '../cosignFormat';
import type { SignKey } from '../keys/privateKeys';
import { keyVerifying, type VerifyKey } from '../keys/publicKeys';
import type { BundleCheck } from './bundleSignature';
import { envelopeKeyBundle } from './bundleWrite';

/**
 * Files attested as `cosign attest-blob --key` attests them (nothing uploaded) and their envelopes checked as
 * `cosign verify-blob-attestation --signature` checks them: an in-toto statement naming the file's SHA-256, signed
 * in a DSSE envelope.
 */

/**
 * What attest-blob signs: a predicate of a type (cosign's GenerateStatement), or a whole statement (`--statement`);
 * `source` names the file as the user gave it (`--statement st.json`), what errors about it lead with.
 */
export type BlobClaim = ({ type: string; predicate: Buffer; now?: Date } | { statement: Buffer }) & { source?: string };

export interface BlobAttestation {
  /** The in-toto statement signed (what cosign's `--output-attestation` writes). */
  statement: Buffer;
  /** The DSSE envelope as cosign 3 writes it apart (`--output-signature`): payload, payloadType, signatures[].sig. */
  envelope: Buffer;
  /** The same envelope in a Sigstore bundle v0.3 naming the key by its hint (`--bundle`, cosign 3's format). */
  bundle: Buffer;
  predicateType: string;
}

/**
 * Attests the file `name` of SHA-256 `digest` (`sha256:<hex>`) with `key`: for a predicate, the statement cosign's
 * attest-blob makes (statement.ts, the subject named by the file's base name); a statement given must name `digest`
 * (else verify-blob would refuse what was signed). One signature: the bundle holds the very envelope written apart.
 */
export function attestBlob(name: string, digest: string, key: SignKey, claim: BlobClaim): BlobAttestation {
  let statement: Buffer;
  if ('statement' in claim) {
    statement = claim.statement;
    const read = parseStatement(statement);
    const source = claim.source ?? '--statement';
    // Signed as its bytes are, and written back as text (--output-attestation): bytes that are no UTF-8 would be
    // written (and read by any JSON reader) as U+FFFD, another statement than the one signed.
    if (!isUtf8(statement)) throw new OciError('INVALID_ARGUMENT', `${source}: not UTF-8 (byte ${firstNotUtf8(statement)}), as an in-toto statement's JSON must be`);
    if ('malformed' in read) throw new OciError('INVALID_ARGUMENT', `${source}: not an in-toto statement (${read.malformed})`);
    if (!statementNames(read, digest)) throw new OciError('INVALID_ARGUMENT', `${source}: its subjects do not name ${name} (${digest})`);
  } else statement = makeStatement(claim.type, claim.predicate, digest, name, claim.now, claim.source);
  const predicateType = (parseStatement(statement) as { predicateType: string }).predicateType;
  const envelope = makeEnvelope(INTOTO_PAYLOAD_TYPE, statement, (b) => key.sign(b));
  return { statement, envelope, bundle: envelopeKeyBundle(envelope, key), predicateType };
}

/**
 * Whether the DSSE envelope `bytes` (attest-blob's `--output-signature`) attests the file of SHA-256 `digest`, as
 * cosign's verify-blob-attestation `--signature --check-claims` checks it: a key given verifies one of its signatures
 * over PAE, then its payload is an in-toto statement naming `digest` among its subjects. Its problems are those a
 * bundle's envelope has (bundleSignature.ts): the predicate type is reported for `--type` to compare.
 */
export function verifyBlobEnvelope(bytes: Buffer, digest: string, keys: readonly VerifyKey[]): BundleCheck {
  const envelope = parseEnvelope(bytes);
  if ('malformed' in envelope) return { ok: false, problem: 'malformed-signature', reason: `the envelope: ${envelope.malformed}${bundleHint(bytes)}`, fields: {} };
  const supported = keys.filter((k) => !k.unsupported);
  const verified = keyVerifying(supported, pae(envelope.payloadType, envelope.payload), envelope.signatures.map((s) => s.sig));
  if (!verified) {
    const unsupported = keys.filter((k) => k.unsupported).map((k) => `${k.name}: ${k.unsupported}`);
    if (supported.length === 0) return { ok: false, problem: 'unsupported-key', reason: `no key can verify it (${unsupported.join('; ')})`, fields: {} };
    return { ok: false, problem: 'bad-signature', reason: [`no key given verifies the envelope (${supported.map((k) => k.name).join(', ')})`, ...unsupported].join('; '), fields: {} };
  }
  const by = verified.fields;
  if (envelope.payloadType !== INTOTO_PAYLOAD_TYPE) return { ok: false, problem: 'wrong-type', reason: `its payloadType is "${envelope.payloadType}", not "${INTOTO_PAYLOAD_TYPE}"`, fields: by };
  const statement = parseStatement(envelope.payload);
  if ('malformed' in statement) return { ok: false, problem: 'malformed-payload', reason: `its statement: ${statement.malformed}`, fields: by };
  const claimed = { ...by, predicateType: statement.predicateType };
  const named = statement.subjects.find((s) => statementNames({ ...statement, subjects: [s] }, digest));
  if (!named) {
    const stated = statement.subjects.flatMap((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`));
    return { ok: false, problem: 'digest-mismatch', reason: `its statement is of ${stated.join(', ')}, not ${digest}`, fields: claimed };
  }
  // As a bundle's: the subject's name is reported (cosign's attest-blob names the file), never checked.
  return { ok: true, fields: named.name ? { ...claimed, identity: named.name } : claimed };
}

/** A Sigstore bundle given where an envelope belongs: said, since verify-blob reads it from --bundle. */
function bundleHint(bytes: Buffer): string {
  const read = jsonObject(bytes);
  const mediaType = 'doc' in read ? read.doc.mediaType : undefined;
  return typeof mediaType === 'string' && mediaType.startsWith('application/vnd.dev.sigstore.bundle') ? ' (it is a Sigstore bundle: give it as --bundle)' : '';
}

/** The offset of the first byte of `bytes` that is no part of UTF-8 text (where decoding and encoding again first differ). */
function firstNotUtf8(bytes: Buffer): number {
  const back = Buffer.from(bytes.toString('utf8'));
  let i = 0;
  while (i < bytes.length && bytes[i] === back[i]) i++;
  return i;
}
