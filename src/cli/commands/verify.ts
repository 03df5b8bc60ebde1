import { shownName } from '../../oci/shownName';
import { type CtLogKey, type ImageVerification, loggedChecksText, type RekorKey, type SignatureResult, verifiedBy, type VerifyKey, verifyImage } from '../../oci/signatures';
import { CERTIFICATE_OPTIONS, type CertificateFlags, subjectFlags, trustFlags, trustJson } from '../certificateFlags';
import { NOTARY_OPTIONS, type NotaryFlags, notaryFlags, notaryJson, notaryTrust } from '../notaryFlags';
import { parseAnnotations } from '../../oci/imageIndex/annotations';
import { type Command, formatOpt, LAYOUT_OPTION, listOpt, type ParsedCommand, stringOpt } from '../command';
import { checkedManifestJson, keyJson } from '../checkedJson';
import { formatJson } from '../printer';
import { otherKindWarning } from '../otherKind';
import { openTarget, referenceOrSaved } from '../targets';

/** The exit code when a manifest checked has no valid signature (1 stays for errors), as `coverage --require`'s 3. */
export const EXIT_UNVERIFIED = 3;

/** The version of the JSON `verify --format json` writes; it changes only when a field changes meaning or goes. */
export const VERIFY_JSON_VERSION = 1;

export const verify: Command = {
  path: 'verify',
  summary: 'Verify the cosign signatures of an image (and, with --recursive, of each platform) with public keys or certificates (keyless), and its Notary Project signatures with --notary-roots or notation\'s trust policy',
  usage: 'verify {--key FILE | --certificate-identity[-regexp] ID --certificate-oidc-issuer[-regexp] ISSUER {--ca-roots FILE | --trusted-root FILE} | --notary-roots FILE|DIR | --notary-trust-policy FILE} [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold verify --key cosign.pub --oci-layout layout:v1',
    `manifold verify --key cosign.pub --oci-layout layout:v1 --recursive   # the index and every platform: exit code ${EXIT_UNVERIFIED} while one has no valid signature`,
    'manifold verify --key cosign.pub --key other.pub --identity=registry.example.com/app:v1 --oci-layout layout:v1   # valid when either key verifies',
    `manifold verify --key cosign.pub --plain-http localhost:5000/app:v1 --platform linux/arm64 --format json   # exit code ${EXIT_UNVERIFIED} when it has no valid signature`,
    'manifold verify --certificate-identity mitr@redhat.com --certificate-oidc-issuer https://github.com/login/oauth --ca-roots fulcio_v1.crt.pem --rekor-key rekor.pub --oci-layout keyless:v1   # keyless, offline',
    'manifold verify --certificate-identity mitr@redhat.com --certificate-oidc-issuer https://github.com/login/oauth --trusted-root trusted_root.json --oci-layout keyless:v1   # the same, from Sigstore\'s trusted_root.json (each part within its validFor)',
    "manifold verify --notary-roots ca.crt --notary-identity 'x509.subject: C=US, ST=WA, O=example.com' --plain-http localhost:5000/app:v1   # notation's signatures",
    "manifold verify --notary-trust-policy trustpolicy.json --plain-http localhost:5000/app:v1   # under notation's trust policy (~/.config/notation/trustpolicy.json) and the truststore folder beside it",
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    key: { type: 'string', multiple: true, description: 'a PEM public key (cosign.pub) a signature may be made with', valueName: 'FILE' },
    ...CERTIFICATE_OPTIONS,
    ...NOTARY_OPTIONS,
    identity: { type: 'string', description: 'the exact docker reference a signature must name (critical.identity.docker-reference)', valueName: 'REF' },
    annotation: {
      type: 'string',
      short: 'a',
      multiple: true,
      description: "an annotation a signature must have been signed with, as cosign verify -a (a payload's optional, a bundle's statement subject), or a Notary signature's user metadata (its payload's targetArtifact), as notation checks it",
      valueName: 'KEY=VALUE',
    },
    platform: { type: 'string', description: 'verify the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    recursive: { type: 'boolean', short: 'r', description: 'for an index: the index and every manifest below it' },
    format: { type: 'string', description: 'output format: text (default) or json', valueName: 'FORMAT' },
  },
  async run(p, printer) {
    const format = formatOpt(p);
    const subjects = subjectFlags(p); // usage errors before any file is read
    const notaryAsked = notaryFlags(p);
    const annotations = signedAnnotationFlags(p);
    const trust = await trustFlags(p, 'signature', notaryAsked !== undefined);
    const raw = p.positionals[0]!;
    const notary = notaryAsked && (await notaryTrust(notaryAsked, raw));
    const t = await openTarget(p, raw);
    const report = await verifyImage(t.target, await referenceOrSaved(t, raw, (text) => printer.err(text)), trust.keys, { ...trust.options, identity: stringOpt(p, 'identity'), ...annotations, ...subjects, ...(notary ? { notary } : {}) });
    if (report.listedAs) printer.err(otherKindWarning(t.display(), report.listedAs, report.root.mediaType));
    if (format === 'json') printer.out(formatJson(verifyJson(t.path, report, trust.keys, { ...trust, ...annotations, ...(notaryAsked ? { notary: notaryAsked } : {}) })));
    else printer.out(verifyText(t.path, report));
    // A layout copied from a registry without `-r` holds neither the referrers nor cosign's tags: the likely reason for none.
    const none = report.manifests.filter((m) => m.signatures.length === 0).length;
    if (none > 0 && t.kind === 'oci-layout') {
      printer.err(`Note: no signature found for ${none} manifest${none === 1 ? '' : 's'}; if the layout was copied from a registry, copy with -r (cp -r carries referrers and cosign's sha256-<hex>.sig tags; without it, neither)\n`);
    }
    const unverified = report.manifests.filter((m) => !m.valid).length;
    if (unverified > 0) printer.err(`Error: ${unverified} of ${report.manifests.length} manifest${report.manifests.length === 1 ? '' : 's'} checked ${unverified === 1 ? 'has' : 'have'} no valid signature\n`);
    return unverified > 0 ? EXIT_UNVERIFIED : 0;
  },
};

/** One line per manifest: verified (by which key, signed as which name) or not, then a line per signature that is not valid. */
export function verifyText(path: string, report: ImageVerification): string {
  const lines: string[] = [];
  for (const m of report.manifests) {
    const what = `${shownName(m.label)} ${path}@${m.subject.digest}`;
    const skipped = m.notarySkipped !== undefined ? `Notary trust policy statement ${JSON.stringify(m.notarySkipped)} is level skip: its signatures not verified, as notation skips them` : undefined;
    if (m.signatures.some((s) => s.valid)) lines.push(`${what}: verified by ${verifiedBy(m)}${skipped ? `; ${skipped}` : ''}`);
    else if (skipped) lines.push(`${what}: passed: ${skipped}`);
    else lines.push(`${what}: no valid signature${m.signatures.length === 0 ? ' (none found)' : ''}`);
    for (const s of m.signatures) {
      if (!s.valid) lines.push(`  ${signatureName(s)}: ${s.problem}: ${shownName(s.reason ?? '')}`);
      // Valid under a trust policy that only logs these checks: each failure said, as notation logs it.
      for (const l of loggedChecksText(s)) lines.push(`  ${signatureName(s)}: ${l}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `-a KEY=VALUE` as the core's `annotations` (none given: nothing). */
function signedAnnotationFlags(p: ParsedCommand): { annotations?: Record<string, string> } {
  const given = listOpt(p, 'annotation');
  return given.length > 0 ? { annotations: parseAnnotations(given) } : {};
}

/** `sha256:...[layer 0]`: the signature manifest and, for one of its signatures, its layer. */
function signatureName(s: SignatureResult): string {
  return s.layer === undefined ? s.manifest : `${s.manifest} layers[${s.layer}]`;
}

/** The JSON documented in the README ("Verify signatures"): stable field names, `version` bumps on a change of meaning. */
export function verifyJson(
  path: string,
  report: ImageVerification,
  keys: readonly VerifyKey[],
  trust: { certificates?: CertificateFlags; rekorKeys?: readonly RekorKey[]; timestampChains?: readonly string[]; ctLogKeys?: readonly CtLogKey[]; trustedRoot?: string; notary?: NotaryFlags; annotations?: Record<string, string> } = {},
): unknown {
  const c = trust.certificates;
  return {
    version: VERIFY_JSON_VERSION,
    reference: `${path}@${report.root.digest}`,
    keys: keys.map(keyJson),
    // Added fields (the version stays 1): what keyless verification was asked, and the Rekor keys given.
    ...trustJson(c, trust.rekorKeys, trust.timestampChains, trust.ctLogKeys, trust.trustedRoot),
    ...notaryJson(trust.notary),
    ...(trust.annotations ? { annotations: trust.annotations } : {}),
    manifests: report.manifests.map((m) => ({ ...checkedManifestJson(path, m), ...(m.notarySkipped !== undefined ? { notarySkipped: m.notarySkipped } : {}), signatures: m.signatures })),
  };
}
