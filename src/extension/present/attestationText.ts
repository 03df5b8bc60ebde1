import * as l10n from '@vscode/l10n';
import type { ImageAttestations } from '../../oci/attestations';
import { shownName } from '../../oci/shownName';
import { signerName } from './verifyText';

/** Platforms named in a summary before "…": the Problems panel lists every one. */
const NAMED = 3;

/**
 * Verify Attestations' notification, as Verify Signatures': `v1: 3 of 3 manifests verified by cosign.pub`, `v1:
 * linux/arm64 has no valid attestation (2 of 3 verified by cosign.pub)`, `v1: 2 of 3 manifests have no valid
 * attestation: linux/amd64, linux/arm64`; with a type asked, "of type https://…" after "attestation".
 */
export function attestationSummaryText(what: string, report: ImageAttestations, predicateType?: string): string {
  const all = report.manifests;
  const bad = all.filter((m) => !m.valid);
  const good = all.length - bad.length;
  const keys = [...new Set(all.flatMap((m) => m.attestations.filter((a) => a.valid).map(signerName)))].join(', ');
  if (bad.length === 0) return all.length === 1 ? l10n.t('{0}: verified by {1}', what, keys) : l10n.t('{0}: {1} of {2} manifests verified by {3}', what, good, all.length, keys);
  const none = predicateType === undefined ? l10n.t('no valid attestation') : l10n.t('no valid attestation of type {0}', shownName(predicateType));
  if (all.length === 1) return l10n.t('{0} has {1}', what, none);
  if (bad.length === 1) {
    const name = shownName(bad[0]!.label);
    return good === 0 ? l10n.t('{0}: {1} has {2}', what, name, none) : l10n.t('{0}: {1} has {2} ({3} of {4} verified by {5})', what, name, none, good, all.length, keys);
  }
  const names = bad.slice(0, NAMED).map((m) => shownName(m.label)).join(', ') + (bad.length > NAMED ? ', …' : '');
  return l10n.t('{0}: {1} of {2} manifests have {3}: {4}', what, bad.length, all.length, none, names);
}
