import type { CheckProblem } from '../check';
import { checkedPlaces } from '../referrers/checkedPlace';
import { shownName } from '../shownName';
import { identityText } from './keyless';
import type { ImageVerification, VerifiedManifest } from './verifyImage';
import type { SignatureResult } from './verify';

/**
 * A verification as Check's problems, for where check results are shown (the Problems panel): per manifest without
 * a valid signature an error (signatures found, none valid: a wrong key, a tampered payload) or a warning (none
 * found), with each signature's reason; per verified manifest a note naming the key and the name signed. A platform
 * is marked at its entry in the index that lists it (`manifests[1]`), the reference itself at its own document.
 * `rootName` is what the reference is called (its tag, or its short digest), as Check Image calls it.
 */
export function verificationProblems(report: ImageVerification, rootName: string, options: { layout?: boolean } = {}): CheckProblem[] {
  const placeOf = checkedPlaces(report, rootName);
  return report.manifests.map((m): CheckProblem => {
    const at = placeOf(m);
    const name = shownName(m.label);
    if (m.valid) return { ...at, severity: 'info', code: 'verified', message: `${name} verified by ${verifiedBy(m)}` };
    if (m.signatures.length === 0) {
      // A layout copied from a registry without `-r` holds neither referrers nor cosign's tags: the likely reason for
      // none (as the CLI's Note).
      const hint = options.layout ? " (if the layout was copied from a registry, copy with -r: it carries referrers and cosign's sha256-<hex>.sig tags)" : '';
      return { ...at, severity: 'warning', code: 'no-signature', message: `${name} has no valid signature: none found${hint}` };
    }
    const invalid = m.signatures.filter((s) => !s.valid);
    return { ...at, severity: 'error', code: invalid[0]?.problem ?? 'bad-signature', message: `${name} has no valid signature: ${invalid.map(signatureText).join('; ')}` };
  });
}

/**
 * `cosign.pub (ecdsa-p256), signed as registry.example.com/app:v1`: the keys (or certificates) that verify it, the
 * names signed; then `, with annotations git_sha=1a2b, team=web` when they were signed with some (cosign's `-a`,
 * notation's user metadata), each pair once.
 */
export function verifiedBy(m: VerifiedManifest): string {
  const good = m.signatures.filter((s) => s.valid);
  const by = [...new Set(good.map(signerText))].join(', ');
  const as = [...new Set(good.map(signedName))].join(', ');
  const pairs = new Set(good.flatMap((s) => Object.entries(s.annotations ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)));
  return `${by}, signed as ${as}${pairs.size > 0 ? `, with annotations ${shownName([...pairs].join(', '))}` : ''}`;
}

/** The name a valid signature was made under, as shown; a Sigstore bundle (cosign 3) names none but its statement's subject name, if any. */
export function signedName(s: SignatureResult): string {
  if (s.identity !== undefined) return shownName(s.identity);
  if (s.format === 'notary') return '(no name: a Notary signature signs the descriptor only)';
  return s.format === 'bundle' ? '(no name: a Sigstore bundle signs the digest only)' : shownName('');
}

/**
 * Who made a valid signature: `cosign.pub (ecdsa-p256)` for a key given, `certificate for mitr@redhat.com
 * (https://github.com/login/oauth)` for a certificate (then `, with an SCT of CT log ctfe.pub` when one verified); either with `, logged by Rekor at 2023-01-20T20:51:33Z` when
 * its bundle was verified, `(inclusion proof verified)` after when a Sigstore bundle's proof was too, and only
 * `, logged by Rekor (inclusion proof verified, no time)` for a Rekor v2 entry, which gives no time; then
 * `, timestamped by O=sigstore.dev, CN=sigstore-tsa at 2025-06-09T11:57:38Z` when an RFC 3161 timestamp was verified
 * (then ` ± 1s` when its TSTInfo states an accuracy). A
 * Notary signature: the signing certificate's subject and its root (then its verified timestamp, as above).
 */
export function signerText(s: SignatureResult): string {
  // `Notary signature of C=US, O=Notary, CN=alpine (root alpine.crt, notary.x509)`: whom the signing certificate names, the root given it chains to.
  const stamped = s.timestamp ? `, timestamped by ${s.timestamp.authority} at ${s.timestamp.time.replace('.000Z', 'Z')}${s.timestamp.accuracy ? ` ± ${s.timestamp.accuracy}` : ''}` : '';
  if (s.format === 'notary' && s.certificate) {
    // Under a trust policy that only logs authenticity (audit), a valid signature may chain to no root trusted.
    const policy = s.trustPolicy ? `, trust policy ${JSON.stringify(s.trustPolicy.name)} ${s.trustPolicy.level}${s.trustPolicy.logged ? `, ${s.trustPolicy.logged.length} failure${s.trustPolicy.logged.length === 1 ? '' : 's'} logged` : ''}` : '';
    return `Notary signature of ${shownName(s.certificate.subject)} (root ${s.certificate.root ?? 'none trusted'}, ${s.notary?.signingScheme}${policy})${stamped}`;
  }
  const who = s.key !== undefined ? `${s.key} (${s.keyAlgorithm ?? s.keyType})` : s.certificate ? `certificate for ${identityText(s.certificate)}${s.ctLogKey !== undefined ? `, with an SCT of CT log ${s.ctLogKey}` : ''}` : '?';
  if (s.integratedTime === undefined) return `${who}${s.inclusionProof ? `, logged by Rekor (inclusion proof verified${stamped ? '' : ', no time'})` : ''}${stamped}`;
  return `${who}, logged by Rekor at ${new Date(s.integratedTime * 1000).toISOString().replace('.000Z', 'Z')}${s.inclusionProof ? ' (inclusion proof verified)' : ''}${stamped}`;
}

/**
 * Each check a Notary trust policy's level only logged for a signature it passed (audit, permissive): `logged
 * (trust policy "name", audit): authenticity: untrusted-certificate: …`, as verify, verify-blob and VS Code say them.
 */
export function loggedChecksText(s: Pick<SignatureResult, 'trustPolicy'>): string[] {
  const policy = s.trustPolicy;
  return (policy?.logged ?? []).map((l) => `logged (trust policy ${JSON.stringify(policy!.name)}, ${policy!.level}): ${l.check}: ${l.problem}: ${shownName(l.reason)}`);
}

/** `sha256:5c1e… layers[0]: bad-signature: no key given verifies it (cosign.pub)`. */
function signatureText(s: SignatureResult): string {
  const name = s.layer === undefined ? s.manifest : `${s.manifest} layers[${s.layer}]`;
  return `${name}: ${s.problem}: ${shownName(s.reason ?? '')}`;
}
