import { predicateTypeOf } from '../../oci/attestations';
import { blobDigest, type BundleCheck, type SignatureResult, signerText, verifyBlobBundle } from '../../oci/signatures';
import { shownName } from '../../oci/shownName';
import { signatureFlagCheck } from '../blobSignatureFlag';
import { CERTIFICATE_OPTIONS, trustFlags, trustJson } from '../certificateFlags';
import { keyJson } from '../checkedJson';
import { type Command, formatOpt, listOpt, stringOpt, UsageError } from '../command';
import { NOTARY_BLOB_VERIFY_OPTIONS, notaryBlobVerifyAsked } from '../notaryBlobFlags';
import { formatJson } from '../printer';
import { readBytes, readSubjectFile } from './sign';
import { EXIT_UNVERIFIED } from './verify';
import { verifyBlobNotary } from './verifyBlobNotary';

/** The version of the JSON `verify-blob --format json` writes; it changes only when a field changes meaning or goes. */
export const VERIFY_BLOB_JSON_VERSION = 1;

export const verifyBlob: Command = {
  path: 'verify-blob',
  summary: "Verify a file's signature as cosign verify-blob does: a Sigstore bundle (keyed or keyless, its Rekor entries and timestamps under --trusted-root), or the classic base64 signature with --key; or notation's (FILE.jws.sig, FILE.cose.sig) as notation blob verify does",
  usage: 'verify-blob {--bundle FILE | --signature FILE|BASE64} {--key FILE | --certificate-identity[-regexp] ID --certificate-oidc-issuer[-regexp] ISSUER --trusted-root FILE | --notary-roots FILE|DIR | --notary-trust-policy FILE|DIR} [flags] FILE (- for stdin)',
  examples: [
    `manifold verify-blob --key cosign.pub --bundle release.sigstore.json release.tar.gz   # exits ${EXIT_UNVERIFIED} when the bundle does not sign this file`,
    'manifold verify-blob --key cosign.pub --signature release.sig release.tar.gz   # the classic form (sign-blob --output-signature); no Rekor entry read',
    'manifold verify-blob --key cosign.pub --signature release.intoto.jsonl --type slsaprovenance release.tar.gz   # attest-blob\'s DSSE envelope (cosign verify-blob-attestation --signature)',
    "manifold verify-blob --notary-roots ca.crt --notary-identity 'x509.subject: C=US, ST=WA, O=example.com' --signature release.tar.gz.jws.sig release.tar.gz   # notation's blob signature",
    'manifold verify-blob --notary-trust-policy trustpolicy.blob.json --signature release.tar.gz.jws.sig release.tar.gz   # under its globalPolicy statement (--notary-policy-name NAME: another), the truststore folder beside it',
    'manifold verify-blob --certificate-identity https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json --bundle a.txt.sigstore.json a.txt --format json   # keyless, offline',
  ],
  minArgs: 1,
  maxArgs: 1,
  localFiles: true,
  options: {
    key: { type: 'string', multiple: true, description: 'a PEM public key (cosign.pub) the file may be signed with', valueName: 'FILE' },
    bundle: { type: 'string', description: 'the Sigstore bundle (v0.1 to v0.3) signing the file: a message signature over it, or a DSSE statement naming its SHA-256', valueName: 'FILE' },
    signature: { type: 'string', description: "with --key: cosign's classic blob signature (base64, as sign-blob writes it apart from a bundle; a file, else the text itself), or attest-blob's DSSE envelope (a file); with --notary-roots or --notary-trust-policy: notation's, FILE.jws.sig or FILE.cose.sig", valueName: 'FILE' },
    type: { type: 'string', description: "the bundle or envelope must be an attestation of this predicate type (as cosign verify-blob-attestation --type): slsaprovenance, spdxjson, cyclonedx, ... or a URI", valueName: 'TYPE' },
    ...CERTIFICATE_OPTIONS,
    ...NOTARY_BLOB_VERIFY_OPTIONS,
    format: { type: 'string', description: 'output format: text (default) or json', valueName: 'FORMAT' },
  },
  async run(p, printer) {
    if (notaryBlobVerifyAsked(p)) return verifyBlobNotary(p, printer, VERIFY_BLOB_JSON_VERSION);
    const format = formatOpt(p);
    const bundleFile = stringOpt(p, 'bundle');
    const sigFile = stringOpt(p, 'signature');
    if ((bundleFile === undefined) === (sigFile === undefined)) throw new UsageError('give one of --bundle FILE (a Sigstore bundle) or --signature FILE (the classic base64 signature)');
    if (listOpt(p, 'key').length === 0 && stringOpt(p, 'certificate-identity') === undefined && stringOpt(p, 'certificate-identity-regexp') === undefined) {
      throw new UsageError('--key FILE is required, or --certificate-identity ID for a keyless bundle: the public key (cosign.pub) to verify with, or whom its certificate must be for');
    }
    // The classic form carries no certificate: only a key can verify it.
    if (sigFile !== undefined && listOpt(p, 'key').length === 0) throw new UsageError('--signature needs --key FILE: a classic signature carries no certificate (keyless files are verified from their --bundle)');
    const typeFlag = stringOpt(p, 'type');
    const wanted = typeFlag === undefined ? undefined : predicateTypeOf(typeFlag);
    const trust = await trustFlags(p, 'signature');
    const file = p.positionals[0]!;
    const blob = await readSubjectFile(file);
    const digest = blobDigest(blob);
    const check = bundleFile !== undefined ? await verifyBlobBundle(await readBytes(bundleFile, '--bundle'), blob, trust.keys, trust.options) : await signatureFlagCheck(sigFile!, blob, digest, trust.keys);
    const result = ofType(resultOf(check), wanted);
    if (format === 'json') {
      printer.out(formatJson({ version: VERIFY_BLOB_JSON_VERSION, file, digest, ...(bundleFile !== undefined ? { bundle: bundleFile } : { signature: sigFile }), keys: trust.keys.map(keyJson), ...trustJson(trust.certificates, trust.rekorKeys, trust.timestampChains, trust.ctLogKeys, trust.trustedRoot), ...result }));
    } else if (result.valid) printer.out(`${file} (${digest}): verified by ${signerText(result as SignatureResult)}\n`);
    else printer.out(`${file} (${digest}): ${result.problem}: ${shownName(result.reason ?? '')}\n`);
    if (!result.valid) printer.err(`Error: ${file}: no valid signature\n`);
    return result.valid ? 0 : EXIT_UNVERIFIED;
  },
};

/** The check as a result's fields: valid, who signed (key, certificate, log, timestamp), or the problem and why. */
function resultOf(check: BundleCheck): Partial<SignatureResult> & { valid: boolean } {
  return check.ok ? { valid: true, ...check.fields } : { valid: false, ...check.fields, problem: check.problem, reason: check.reason };
}

/** With --type: a valid bundle that is no attestation of that predicate type is refused as `wrong-type`, as cosign refuses it. */
function ofType(result: ReturnType<typeof resultOf>, wanted: string | undefined): ReturnType<typeof resultOf> {
  if (wanted === undefined || !result.valid || result.predicateType === wanted) return result;
  const what = result.predicateType === undefined ? 'a message signature, no attestation' : `an attestation of ${result.predicateType}`;
  return { ...result, valid: false, problem: 'wrong-type', reason: `it is ${what}, not of ${wanted} (--type)` };
}
