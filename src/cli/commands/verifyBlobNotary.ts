import { parseAnnotations } from '../../oci/imageIndex/annotations';
import { blobDigest, loggedChecksText, notaryBlobFormatOf, type NotaryTrust, type SignatureResult, signerText, verifyNotaryBlob } from '../../oci/signatures';
import { shownName } from '../../oci/shownName';
import { CERTIFICATE_OPTIONS } from '../certificateFlags';
import { formatOpt, listOpt, type ParsedCommand, stringOpt, UsageError } from '../command';
import { blobPolicyTrust, mediaTypeFlag, otherFlagGiven } from '../notaryBlobFlags';
import { notaryFlags, notaryJson, notaryTrust } from '../notaryFlags';
import { formatJson, type Printer } from '../printer';
import { readBytes, readSubjectFile } from './sign';
import { EXIT_UNVERIFIED } from './verify';

type Result = Partial<SignatureResult> & { valid: boolean; notarySkipped?: string };

/**
 * `verify-blob --signature FILE.jws.sig|FILE.cose.sig {--notary-roots R | --notary-trust-policy P} FILE`: a file's
 * signature as `notation blob verify` checks it (the format from the signature file's name), trusted under verify's
 * Notary flags or notation's blob trust policy; reported as verify-blob reports a cosign signature (`jsonVersion`:
 * verify-blob's JSON version). 0 when verified (or its policy statement is level skip), EXIT_UNVERIFIED when not.
 */
export async function verifyBlobNotary(p: ParsedCommand, printer: Printer, jsonVersion: number): Promise<number> {
  const format = formatOpt(p);
  const sigFile = stringOpt(p, 'signature');
  if (sigFile === undefined) throw new UsageError("--signature FILE.jws.sig (or FILE.cose.sig) is required: notation's signature of the file");
  const envelopeFormat = notaryBlobFormatOf(sigFile);
  if (typeof envelopeFormat !== 'string') throw new UsageError(`--signature ${envelopeFormat.problem}`);
  const cosign = otherFlagGiven(p, ['key', 'bundle', 'type', ...Object.keys(CERTIFICATE_OPTIONS)]);
  if (cosign) throw new UsageError(`${cosign} is for cosign's signatures: a Notary signature (${sigFile}) is trusted through --notary-roots or --notary-trust-policy`);
  const asked = notaryFlags(p);
  if (!asked) throw new UsageError(`${sigFile} is a Notary signature: give --notary-roots FILE|DIR (the roots its chain must hold) or --notary-trust-policy FILE|DIR (notation's trustpolicy.blob.json)`);
  const policyName = stringOpt(p, 'notary-policy-name');
  if (policyName !== undefined && !asked.policy) throw new UsageError('--notary-policy-name goes with --notary-trust-policy FILE: a statement of the blob trust policy');
  if (policyName?.trim() === '') throw new UsageError('--notary-policy-name: empty');
  const mediaType = mediaTypeFlag(p);
  const given = listOpt(p, 'annotation');
  const annotations = given.length > 0 ? parseAnnotations(given) : undefined;
  const trust: NotaryTrust = asked.policy ? await blobPolicyTrust(asked.policy, policyName) : await notaryTrust(asked);
  const file = p.positionals[0]!;
  const blob = await readSubjectFile(file);
  const envelope = await readBytes(sigFile, '--signature');
  let digest: string;
  let result: Result;
  const skip = trust.policy?.statement.level === 'skip' ? trust.policy.statement.name : undefined;
  if (skip !== undefined) {
    // As notation: a statement of level skip verifies nothing, not even the envelope.
    digest = blobDigest(blob);
    result = { valid: true, notarySkipped: skip };
  } else {
    const check = verifyNotaryBlob(envelope, envelopeFormat, blob, { ...trust, ...(annotations ? { annotations } : {}) }, mediaType);
    digest = check.digest;
    result = check.ok ? { valid: true, format: 'notary', ...check.fields } : { valid: false, format: 'notary', ...check.fields, problem: check.problem, reason: check.reason };
  }
  if (format === 'json') {
    // `notaryTrust`, not verify's `notary`: the result's own fields are beside it here, its `notary` the envelope's attributes.
    const policy = { notaryTrust: { ...(notaryJson(asked).notary as object), ...(policyName !== undefined ? { policyName } : {}) } };
    printer.out(formatJson({ version: jsonVersion, file, digest, signature: sigFile, keys: [], ...policy, ...(mediaType !== undefined ? { mediaType } : {}), ...(annotations ? { annotations } : {}), ...result }));
  } else printer.out(resultText(file, digest, result));
  if (!result.valid) printer.err(`Error: ${file}: no valid signature\n`);
  return result.valid ? 0 : EXIT_UNVERIFIED;
}

/** As verify-blob's lines, and a line per failure the trust policy only logged (as verify writes them). */
function resultText(file: string, digest: string, r: Result): string {
  const head = `${file} (${digest})`;
  if (r.notarySkipped !== undefined) return `${head}: passed: Notary trust policy statement ${JSON.stringify(r.notarySkipped)} is level skip: the signature not verified, as notation skips it\n`;
  if (!r.valid) return `${head}: ${r.problem}: ${shownName(r.reason ?? '')}\n`;
  const logged = loggedChecksText(r).map((l) => `  ${l}\n`);
  return `${head}: verified by ${signerText(r as SignatureResult)}\n${logged.join('')}`;
}
