// The signatures of files other than cosign's bundle and classic .sig, as verify-blob checks them: the Notary
// Project's (notation's FILE.jws.sig, FILE.cose.sig) under the Notary settings, attest-blob's DSSE envelope with keys.
import * as l10n from '@vscode/l10n';
import { blobDigest, loggedChecksText, notaryBlobFormatOf, type NotaryBlobFormat, type SignatureResult, signerText, type VerifyKey, verifyBlobEnvelope, verifyNotaryBlob } from '../../oci/signatures';
import { NOTARY_ROOTS_SETTING, NOTARY_TRUST_POLICY_SETTING, type NotaryTrustSettings } from '../settings/notaryTrust';

/** A file's signature checked: who signed it, or the problem and why; `digest` the file's as the check computed it. */
export type FileCheck = { digest: string; ok: true; signer: string; logged?: string[] } | { digest: string; ok: false; problem: string; reason: string };

/** The envelope format a signature's name says when it is a Notary one (`.jws.sig`, `.cose.sig`, as verify-blob reads it). */
export function notaryFormatOf(signature: string): NotaryBlobFormat | undefined {
  const format = notaryBlobFormatOf(signature);
  return typeof format === 'string' ? format : undefined;
}

/** A JSON signature that is a DSSE envelope (attest-blob's `--output-signature`), not a Sigstore bundle: it has a payloadType. */
export function isEnvelope(signed: Buffer): boolean {
  try {
    const doc = JSON.parse(signed.toString('utf8')) as unknown;
    return typeof doc === 'object' && doc !== null && 'payloadType' in doc && !('mediaType' in doc);
  } catch {
    return false;
  }
}

/**
 * A Notary signature of the file as `verify-blob --signature FILE.jws.sig` checks it under the Notary settings
 * (none set: not verified, saying which to set). A blob trust policy statement of level skip passes unchecked, as notation.
 */
export function notaryFileCheck(envelope: Buffer, format: NotaryBlobFormat, blob: Buffer, trust: NotaryTrustSettings): FileCheck {
  const notary = trust.notary;
  if (!notary) return { digest: blobDigest(blob), ok: false, problem: 'no-notary-trust', reason: l10n.t('a Notary signature: set {0} (or {1}) to verify it', NOTARY_ROOTS_SETTING, NOTARY_TRUST_POLICY_SETTING) };
  const statement = notary.policy?.statement;
  if (statement?.level === 'skip') return { digest: blobDigest(blob), ok: true, signer: l10n.t('no one: Notary trust policy statement {0} is level skip (not verified, as notation skips it)', JSON.stringify(statement.name)) };
  const check = verifyNotaryBlob(envelope, format, blob, notary);
  if (!check.ok) return { digest: check.digest, ok: false, problem: check.problem, reason: check.reason };
  const fields = { valid: true, format: 'notary', ...check.fields } as SignatureResult;
  const logged = loggedChecksText(fields);
  return { digest: check.digest, ok: true, signer: signerText(fields), ...(logged.length > 0 ? { logged } : {}) };
}

/** attest-blob's DSSE envelope verified with the keys as `verify-blob --signature X.intoto.jsonl` (no --type: any predicate), the predicate type said. */
export function envelopeFileCheck(envelope: Buffer, blob: Buffer, keys: readonly VerifyKey[]): FileCheck {
  const digest = blobDigest(blob);
  const check = verifyBlobEnvelope(envelope, digest, keys);
  if (!check.ok) return { digest, ok: false, problem: check.problem, reason: check.reason };
  const signer = signerText({ valid: true, ...check.fields } as SignatureResult);
  return { digest, ok: true, signer: l10n.t('{0}, an attestation of {1}', signer, check.fields.predicateType ?? '?') };
}
