import * as l10n from '@vscode/l10n';
import { type CosignLayerResult, identityText, type ImageVerification } from '../../oci/signatures';
import { shownName } from '../../oci/shownName';

/** Platforms named in a summary before "…": the Problems panel lists every one. */
const NAMED = 3;

/**
 * Verify Signatures' notification: `v1: 3 of 3 manifests verified by cosign.pub`, `v1: linux/arm64 has no valid
 * signature (2 of 3 verified by cosign.pub)`, `v1: 2 of 3 manifests have no valid signature: linux/amd64, linux/arm64`.
 */
export function verifySummaryText(what: string, report: ImageVerification): string {
  const all = report.manifests;
  const bad = all.filter((m) => !m.valid);
  const good = all.length - bad.length;
  const keys = [...new Set(all.flatMap((m) => m.signatures.filter((s) => s.valid).map(signerName)))].join(', ');
  if (bad.length === 0) return all.length === 1 ? l10n.t('{0}: verified by {1}', what, keys) : l10n.t('{0}: {1} of {2} manifests verified by {3}', what, good, all.length, keys);
  if (all.length === 1) return l10n.t('{0} has no valid signature', what);
  if (bad.length === 1) {
    const name = shownName(bad[0]!.label);
    return good === 0 ? l10n.t('{0}: {1} has no valid signature', what, name) : l10n.t('{0}: {1} has no valid signature ({2} of {3} verified by {4})', what, name, good, all.length, keys);
  }
  const names = bad.slice(0, NAMED).map((m) => shownName(m.label)).join(', ') + (bad.length > NAMED ? ', …' : '');
  return l10n.t('{0}: {1} of {2} manifests have no valid signature: {3}', what, bad.length, all.length, names);
}

/** Who made a valid signature or attestation, briefly: the key as the setting names it, or `the certificate for mitr@redhat.com (https://github.com/login/oauth)`. */
export function signerName(s: Pick<CosignLayerResult<string>, 'key' | 'certificate'>): string {
  return s.key ?? (s.certificate ? l10n.t('the certificate for {0}', identityText(s.certificate)) : '');
}
