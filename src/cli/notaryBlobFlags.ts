// The flags sign-blob and verify-blob take for files signed as notation signs them (`notation blob sign`, `notation
// blob verify`): their specs, which of them make a command the Notary one, and the blob trust policy they read.
import { dirname, join } from 'node:path';
import { OciError } from '../oci/errors';
import { blobTrustPolicyFile, mediaTypeProblem, type NotaryTrust, parseBlobTrustPolicy, selectBlobTrustPolicy, TrustPolicyError, trustPolicyTrust } from '../oci/signatures';
import { readFlagFile } from './certificateFlags';
import { type OptionSpec, type ParsedCommand, stringOpt, UsageError } from './command';
import { NOTARY_OPTIONS, type NotaryPolicyFlags } from './notaryFlags';

const MEDIA_TYPE: OptionSpec = { type: 'string', description: '', valueName: 'TYPE' };
const USER_METADATA: OptionSpec = { type: 'string', short: 'a', multiple: true, description: '', valueName: 'KEY=VALUE' };

/** sign-blob's flags for a Notary signature (notation blob sign's, named as sign's --notary-key are). */
export const NOTARY_BLOB_SIGN_OPTIONS: Record<string, OptionSpec> = {
  'notary-key': { type: 'string', description: "sign as notation blob sign does instead: its private key (PEM, unencrypted: notation's local key), with --notary-certificate", valueName: 'FILE' },
  'notary-certificate': { type: 'string', description: "with --notary-key: the key's certificate chain (PEM, leaf first), carried in the signature", valueName: 'FILE' },
  'signature-format': { type: 'string', description: "with --notary-key: the envelope, jws (default, as notation's) or cose; the signature file is FILE.jws.sig or FILE.cose.sig", valueName: 'FORMAT' },
  'signature-directory': { type: 'string', description: "with --notary-key: the folder the signature file is written to (default: the file's own, as notation)", valueName: 'DIR' },
  'media-type': { ...MEDIA_TYPE, description: 'with --notary-key: what the file is, signed in its descriptor (default application/octet-stream, as notation)' },
  annotation: { ...USER_METADATA, description: "with --notary-key: user metadata signed with the file, as notation blob sign's user metadata flag (the payload's targetArtifact annotations)" },
  expiry: { type: 'string', description: 'with --notary-key: how long the signature stays valid (io.cncf.notary.expiry), as notation --expiry: 90s, 10m, 720h (whole seconds)', valueName: 'DURATION' },
  force: { type: 'boolean', description: 'with --notary-key: replace the signature file if it exists (notation asks; without this, it is refused)' },
};

const { 'notary-scope': _scope, ...NOTARY_TRUST_OPTIONS } = NOTARY_OPTIONS;

/** verify-blob's flags for a Notary signature: verify's trust flags (no scope: a file has no repository) and notation blob verify's. */
export const NOTARY_BLOB_VERIFY_OPTIONS: Record<string, OptionSpec> = {
  ...NOTARY_TRUST_OPTIONS,
  'notary-trust-policy': {
    type: 'string',
    description: "with a Notary signature (--signature FILE.jws.sig or FILE.cose.sig): notation's blob trust policy (trustpolicy.blob.json, or the folder holding it: ~/.config/notation), the statement named by --notary-policy-name, else its globalPolicy one; instead of --notary-roots and the flags beside it",
    valueName: 'FILE|DIR',
  },
  'notary-policy-name': { type: 'string', description: "with --notary-trust-policy: the blob trust policy statement to verify under (notation's policy-name flag); default the one marked globalPolicy", valueName: 'NAME' },
  'media-type': { ...MEDIA_TYPE, description: 'a Notary signature must sign the file as this media type (default: any, as notation blob verify)' },
  annotation: { ...USER_METADATA, description: "user metadata a Notary signature must have been signed with, as notation blob verify's user metadata flag checks it" },
};

/** Whether sign-blob is asked for a Notary signature: a flag of its own given (signBlobNotary then says what is missing). */
export function notaryBlobSignAsked(p: ParsedCommand): boolean {
  return Object.keys(NOTARY_BLOB_SIGN_OPTIONS).some((k) => p.values[k] !== undefined);
}

/**
 * Whether verify-blob is asked about a Notary signature: a Notary flag given, or (no --key) a signature file named
 * as notation names one (FILE.jws.sig, FILE.cose.sig).
 */
export function notaryBlobVerifyAsked(p: ParsedCommand): boolean {
  if (Object.keys(NOTARY_BLOB_VERIFY_OPTIONS).some((k) => p.values[k] !== undefined)) return true;
  const sig = stringOpt(p, 'signature');
  return p.values.key === undefined && sig !== undefined && /\.(jws|cose)\.sig$/i.test(sig);
}

/** The flags of the other kind of signature, refused beside a Notary one: the first given, as `--flag`. */
export function otherFlagGiven(p: ParsedCommand, flags: readonly string[]): string | undefined {
  const given = flags.find((f) => p.values[f] !== undefined);
  return given === undefined ? undefined : `--${given}`;
}

/** `--media-type` checked as notation checks it: undefined when not given. */
export function mediaTypeFlag(p: ParsedCommand): string | undefined {
  const mediaType = stringOpt(p, 'media-type');
  if (mediaType === undefined) return undefined;
  const problem = mediaTypeProblem(mediaType);
  if (problem) throw new UsageError(`--media-type: ${problem}`);
  return mediaType;
}

/**
 * The blob trust policy `f` names (a file, or the folder holding trustpolicy.blob.json), its statement (`name`, else
 * the global one) and its trust stores read (`truststore` beside the policy unless --notary-trust-store): errors
 * name the file (INVALID_ARGUMENT).
 */
export async function blobPolicyTrust(f: NotaryPolicyFlags, name: string | undefined): Promise<NotaryTrust> {
  f.file = await blobTrustPolicyFile(f.file).catch((err: Error) => {
    throw new OciError('INVALID_ARGUMENT', `--notary-trust-policy ${err.message}`, { cause: err });
  });
  f.store ??= join(dirname(f.file), 'truststore');
  const text = (await readFlagFile('--notary-trust-policy', f.file)).toString('utf8');
  try {
    return await trustPolicyTrust(selectBlobTrustPolicy(parseBlobTrustPolicy(text, f.file), name, f.file), f.store);
  } catch (err) {
    if (!(err instanceof TrustPolicyError)) throw err;
    throw new OciError('INVALID_ARGUMENT', `--notary-trust-policy ${err.message}`, { cause: err });
  }
}
