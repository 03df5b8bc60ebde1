import { type AttestationResult, attesterText, type ImageAttestations, predicateTypeOf, verifyImageAttestations } from '../../oci/attestations';
import { TYPES } from './attest';
import { shownName } from '../../oci/shownName';
import type { CtLogKey, RekorKey, VerifyKey } from '../../oci/signatures';
import { CERTIFICATE_OPTIONS, type CertificateFlags, subjectFlags, trustFlags, trustJson } from '../certificateFlags';
import { type Command, formatOpt, LAYOUT_OPTION, stringOpt } from '../command';
import { otherKindWarning } from '../otherKind';
import { checkedManifestJson, keyJson } from '../checkedJson';
import { formatJson } from '../printer';
import { openTarget, referenceOrSaved } from '../targets';
import { EXIT_UNVERIFIED } from './verify';

/** The version of the JSON `verify-attestation --format json` writes; it changes only when a field changes meaning or goes. */
export const VERIFY_ATTESTATION_JSON_VERSION = 1;

export const verifyAttestation: Command = {
  path: 'verify-attestation',
  summary: 'Verify the cosign attestations (in-toto in DSSE) of an image (and, with --recursive, of each platform) with public keys or certificates (keyless)',
  usage: 'verify-attestation {--key FILE | --certificate-identity[-regexp] ID --certificate-oidc-issuer[-regexp] ISSUER {--ca-roots FILE | --trusted-root FILE}} [--type TYPE] [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold verify-attestation --key cosign.pub --type slsaprovenance --oci-layout layout:v1',
    `manifold verify-attestation --key cosign.pub --type spdxjson --oci-layout layout:v1 --recursive   # exit code ${EXIT_UNVERIFIED} while a platform has no valid SPDX attestation`,
    `manifold verify-attestation --key cosign.pub --plain-http localhost:5000/app:v1 --platform linux/arm64 --format json   # any predicate type; exit code ${EXIT_UNVERIFIED} when it has no valid attestation`,
    `manifold verify-attestation --certificate-identity-regexp ^https://github.com/example/ --certificate-oidc-issuer https://token.actions.githubusercontent.com --ca-roots fulcio_v1.crt.pem --rekor-key rekor.pub --type slsaprovenance1 --oci-layout keyless:v1   # keyless, offline; exit code ${EXIT_UNVERIFIED} when it has no valid attestation`,
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    key: { type: 'string', multiple: true, description: 'a PEM public key (cosign.pub) an attestation may be signed with', valueName: 'FILE' },
    ...CERTIFICATE_OPTIONS,
    type: { type: 'string', description: `the predicate type an attestation must have: ${TYPES}, or a URI; any when not given`, valueName: 'TYPE' },
    platform: { type: 'string', description: 'verify the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    recursive: { type: 'boolean', short: 'r', description: 'for an index: the index and every manifest below it' },
    format: { type: 'string', description: 'output format: text (default) or json', valueName: 'FORMAT' },
  },
  async run(p, printer) {
    const format = formatOpt(p);
    const typeText = stringOpt(p, 'type');
    const predicateType = typeText === undefined ? undefined : predicateTypeOf(typeText);
    const subjects = subjectFlags(p); // usage errors before any file is read
    const trust = await trustFlags(p, 'attestation');
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const report = await verifyImageAttestations(t.target, await referenceOrSaved(t, raw, (text) => printer.err(text)), trust.keys, { predicateType, ...trust.options, ...subjects });
    if (report.listedAs) printer.err(otherKindWarning(t.display(), report.listedAs, report.root.mediaType));
    if (format === 'json') printer.out(formatJson(verifyAttestationJson(t.path, report, trust.keys, predicateType, trust)));
    else printer.out(verifyAttestationText(t.path, report, predicateType));
    // A layout copied from a registry without `-r` holds neither the referrers nor cosign's tags: the likely reason for none.
    const none = report.manifests.filter((m) => m.attestations.length === 0).length;
    if (none > 0 && t.kind === 'oci-layout') {
      printer.err(`Note: no attestation found for ${none} manifest${none === 1 ? '' : 's'}; if the layout was copied from a registry, copy with -r (cp -r carries referrers and cosign's sha256-<hex>.att tags; without it, neither)\n`);
    }
    const unverified = report.manifests.filter((m) => !m.valid).length;
    const what = predicateType === undefined ? 'valid attestation' : `valid attestation of type ${predicateType}`;
    if (unverified > 0) printer.err(`Error: ${unverified} of ${report.manifests.length} manifest${report.manifests.length === 1 ? '' : 's'} checked ${unverified === 1 ? 'has' : 'have'} no ${what}\n`);
    return unverified > 0 ? EXIT_UNVERIFIED : 0;
  },
};

/** One line per manifest: verified (by which key, of which predicate types) or not, then a line per attestation that is not valid. */
export function verifyAttestationText(path: string, report: ImageAttestations, predicateType?: string): string {
  const lines: string[] = [];
  for (const m of report.manifests) {
    const what = `${shownName(m.label)} ${path}@${m.subject.digest}`;
    const good = m.attestations.filter((a) => a.valid);
    if (good.length > 0) {
      const by = [...new Set(good.map(attesterText))].join(', ');
      const types = [...new Set(good.map((a) => a.predicateType!))].map(shownName).join(', ');
      lines.push(`${what}: verified by ${by}, predicate type ${types}`);
    } else {
      const none = m.attestations.length === 0 ? ' (none found)' : '';
      lines.push(`${what}: no valid attestation${predicateType === undefined ? '' : ` of type ${shownName(predicateType)}`}${none}`);
    }
    for (const a of m.attestations) if (!a.valid) lines.push(`  ${attestationName(a)}: ${a.problem}: ${shownName(a.reason ?? '')}`);
  }
  return lines.join('\n') + '\n';
}

/** `sha256:...[layer 0]`: the attestation manifest and, for one of its attestations, its layer. */
function attestationName(a: AttestationResult): string {
  return a.layer === undefined ? a.manifest : `${a.manifest} layers[${a.layer}]`;
}

/** The JSON documented in the README ("Verify attestations"): stable field names, `version` bumps on a change of meaning. */
export function verifyAttestationJson(
  path: string,
  report: ImageAttestations,
  keys: readonly VerifyKey[],
  predicateType?: string,
  trust: { certificates?: CertificateFlags; rekorKeys?: readonly RekorKey[]; timestampChains?: readonly string[]; ctLogKeys?: readonly CtLogKey[]; trustedRoot?: string } = {},
): unknown {
  return {
    version: VERIFY_ATTESTATION_JSON_VERSION,
    reference: `${path}@${report.root.digest}`,
    predicateType: predicateType ?? null,
    keys: keys.map(keyJson),
    // Added fields (the version stays 1), as verify's: what keyless verification was asked, and the Rekor keys given.
    ...trustJson(trust.certificates, trust.rekorKeys, trust.timestampChains, trust.ctLogKeys, trust.trustedRoot),
    manifests: report.manifests.map((m) => ({ ...checkedManifestJson(path, m), attestations: m.attestations })),
  };
}
