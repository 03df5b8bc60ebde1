import type { CheckProblem } from '../check';
import { checkedPlaces } from '../referrers/checkedPlace';
import { shownName } from '../shownName';
import { signerText } from '../signatures/verifyProblems';
import type { AttestationResult } from './verifyAttestations';
import type { AttestedManifest, ImageAttestations } from './verifyImageAttestations';

/**
 * An attestation verification as Check's problems, as verificationProblems makes a signature verification's: per
 * manifest without a valid attestation an error (attestations found, none valid, coded with the first one's problem:
 * a wrong key, another predicate type, another subject) or a warning (none found), with each attestation's reason;
 * per verified manifest a note naming the keys and the predicate types. `predicateType`: the type asked for, if any.
 */
export function attestationProblems(report: ImageAttestations, rootName: string, options: { layout?: boolean; predicateType?: string } = {}): CheckProblem[] {
  const placeOf = checkedPlaces(report, rootName);
  const none = options.predicateType === undefined ? 'has no valid attestation' : `has no valid attestation of type ${shownName(options.predicateType)}`;
  return report.manifests.map((m): CheckProblem => {
    const at = placeOf(m);
    const name = shownName(m.label);
    if (m.valid) return { ...at, severity: 'info', code: 'verified', message: `${name} verified by ${attestedBy(m)}` };
    if (m.attestations.length === 0) {
      // As the CLI's Note: a layout copied without `-r` holds neither referrers nor cosign's tags.
      const hint = options.layout ? " (if the layout was copied from a registry, copy with -r: it carries referrers and cosign's sha256-<hex>.att tags)" : '';
      return { ...at, severity: 'warning', code: 'no-attestation', message: `${name} ${none}: none found${hint}` };
    }
    const invalid = m.attestations.filter((a) => !a.valid);
    return { ...at, severity: 'error', code: invalid[0]?.problem ?? 'bad-signature', message: `${name} ${none}: ${invalid.map(attestationText).join('; ')}` };
  });
}

/** `cosign.pub (ecdsa-p256), predicate type https://slsa.dev/provenance/v0.2`: the keys (or certificates) that verify it, the types stated. */
export function attestedBy(m: AttestedManifest): string {
  const good = m.attestations.filter((a) => a.valid);
  const by = [...new Set(good.map(attesterText))].join(', ');
  const types = [...new Set(good.map((a) => a.predicateType ?? ''))].map(shownName).join(', ');
  return `${by}, predicate type ${types}`;
}

/** `sha256:5c1e… layers[0]: wrong-predicate-type: …`, as verify-attestation's lines. */
function attestationText(a: AttestationResult): string {
  const name = a.layer === undefined ? a.manifest : `${a.manifest} layers[${a.layer}]`;
  return `${name}: ${a.problem}: ${shownName(a.reason ?? '')}`;
}

/** `cosign.pub (ecdsa-p256)`, or `certificate for … (issuer), logged by Rekor at …`: who signed an attestation, as verify says it of a signature. */
export function attesterText(a: AttestationResult): string {
  const { problem: _problem, ...signed } = a;
  return signerText(signed);
}
