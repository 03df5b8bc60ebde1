// The confirmation text for untag and delete: what else becomes unreachable, in words.
import type { Descriptor } from '../../oci/descriptor';
import type { UnreachableReport } from '../../oci/graph';
import { isImageIndex } from '../../oci/mediaType';
import { shownPlatform } from '../../oci/platform';
import { shownName } from '../../oci/shownName';
import { formatSize, shortDigest } from './format';
import { LISTED, someNamed } from './someNamed';
import * as l10n from '@vscode/l10n';

export function describeDescriptor(desc: Descriptor): string {
  const kind = isImageIndex(desc.mediaType) ? l10n.t('index') : l10n.t('manifest');
  const what = desc.platform ? ` ${shownPlatform(desc.platform)}` : desc.artifactType ? ` ${shownName(desc.artifactType)}` : '';
  return `${kind}${what} ${shortDigest(desc.digest)}`;
}

/** The lines after "Untag v1?" / "Delete …?": unreachable manifests (named), blobs (counted), orphans. */
export function consequenceLines(report: UnreachableReport): string[] {
  const lines: string[] = [];
  if (report.manifests.length === 0 && report.blobs.length === 0) {
    lines.push(l10n.t('Nothing else becomes unreachable.'));
  } else {
    const named = someNamed(report.manifests.map(describeDescriptor));
    if (named.length > 0) lines.push(l10n.t('No longer reachable from index.json: {0}.', named.join(', ')));
    if (report.blobs.length > 0) {
      lines.push(
        report.blobs.length === 1
          ? l10n.t('Also 1 config or layer ({0}).', formatSize(report.bytes))
          : l10n.t('Also {0} configs and layers ({1} in all).', report.blobs.length, formatSize(report.bytes)),
      );
    }
    lines.push(l10n.t('Unreachable content stays on disk until a garbage collection removes it.'));
  }
  if (report.orphanedReferrers.length > 0) {
    const listed = report.orphanedReferrers.slice(0, LISTED).map(describeDescriptor).join(', ');
    lines.push(
      report.orphanedReferrers.length === 1
        ? l10n.t('1 referrer will refer to a manifest that is no longer listed: {0}.', listed)
        : l10n.t('{0} referrers will refer to a manifest that is no longer listed: {1}.', report.orphanedReferrers.length, listed),
    );
  }
  if (report.danglingParents.length > 0) {
    lines.push(l10n.t('{0} index(es) will list a manifest that no longer exists: {1}.', report.danglingParents.length, report.danglingParents.slice(0, LISTED).map(describeDescriptor).join(', ')));
  }
  return lines;
}
