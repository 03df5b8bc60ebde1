// The words of Prune Layout... and of Delete with Referrers: the figures of a dry run, the referrers a delete leaves
// pointing at nothing, what the plan deletes. No vscode here, so the questions' text is unit-tested.
import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import type { DeletePlan } from '../../oci/graph';
import type { PruneReport } from '../../oci/layout/prune';
import { describeDescriptor } from './consequences';
import { formatSize, shortDigest } from './format';
import { someNamed } from './someNamed';


function counts(r: PruneReport): { blobs: number; temps: number; locks: number } {
  return {
    blobs: r.removed.filter((f) => f.kind === 'blob').length,
    temps: r.removed.filter((f) => f.kind === 'temp').length,
    locks: r.removed.filter((f) => f.kind === 'lock').length,
  };
}

/** The figures of a prune dry run, one line each: blobs and their bytes, temp files, stale locks, the total, what is kept for being young. */
export function pruneFigureLines(r: PruneReport): string[] {
  const c = counts(r);
  const blobBytes = r.removed.filter((f) => f.kind === 'blob').reduce((n, f) => n + f.size, 0);
  const lines = [
    c.blobs === 1 ? l10n.t('1 unreachable blob to remove ({0}).', formatSize(blobBytes)) : l10n.t('{0} unreachable blobs to remove ({1}).', c.blobs, formatSize(blobBytes)),
    c.temps === 1 ? l10n.t('1 leftover temporary file.') : l10n.t('{0} leftover temporary files.', c.temps),
    c.locks === 1 ? l10n.t('1 stale lock file.') : l10n.t('{0} stale lock files.', c.locks),
    l10n.t('{0} freed in all.', formatSize(r.bytes)),
  ];
  const young = pruneYoungLine(r);
  if (young) lines.push(young);
  return lines;
}

/** Unreachable blobs kept because they are younger than the grace period; empty when there are none. */
export function pruneYoungLine(r: PruneReport): string {
  if (r.young.length === 0) return '';
  const minutes = Math.round(r.graceMs / 60_000);
  return r.young.length === 1
    ? l10n.t('1 unreachable blob is kept: it changed within the last {0} minutes, and another process may be writing it.', minutes)
    : l10n.t('{0} unreachable blobs are kept: they changed within the last {1} minutes, and another process may be writing them.', r.young.length, minutes);
}

/**
 * What "Prune with Untagged" adds to a plain prune: the untagged manifests it drops, named with their platforms, and
 * the bytes it frees beyond the plain prune's. Empty when there is none to drop.
 */
export function pruneUntaggedLines(withUntagged: PruneReport, plain: PruneReport): string[] {
  const n = withUntagged.untagged.length;
  if (n === 0) return [];
  const named = someNamed(withUntagged.untagged.map((u) => (u.platforms.length ? `${shortDigest(u.digest)} (${u.platforms.join(', ')})` : shortDigest(u.digest))));
  const more = formatSize(withUntagged.bytes - plain.bytes);
  return [
    n === 1
      ? l10n.t('Prune with Untagged also drops 1 untagged manifest nothing else needs: {0}; {1} more freed.', named.join(', '), more)
      : l10n.t('Prune with Untagged also drops {0} untagged manifests nothing else needs: {1}; {2} more freed.', n, named.join(', '), more),
  ];
}

/** The message after a prune: the bytes freed, and what, leaving out the kinds of which there were none. */
export function prunedText(name: string, r: PruneReport): string {
  const c = counts(r);
  const parts = [c.blobs === 1 ? l10n.t('1 blob') : l10n.t('{0} blobs', c.blobs)];
  if (c.temps > 0) parts.push(c.temps === 1 ? l10n.t('1 temporary file') : l10n.t('{0} temporary files', c.temps));
  if (c.locks > 0) parts.push(c.locks === 1 ? l10n.t('1 stale lock') : l10n.t('{0} stale locks', c.locks));
  let text = l10n.t('Pruned {0}: freed {1} ({2}).', name, formatSize(r.bytes), parts.join(', '));
  if (r.untagged.length === 1) text += ` ${l10n.t('Dropped 1 untagged manifest.')}`;
  else if (r.untagged.length > 1) text += ` ${l10n.t('Dropped {0} untagged manifests.', r.untagged.length)}`;
  return text;
}

/** The referrers a plain delete leaves pointing at nothing; empty when the plan has none. */
export function danglingReferrers(plan: DeletePlan): Descriptor[] {
  return plan.deletions.filter((p) => p.role === 'referrer').map((p) => p.desc);
}

/** The lines a delete confirmation adds when the manifest has referrers: who is left dangling, what the other button deletes. */
export function danglingLines(plan: DeletePlan): string[] {
  const dangling = danglingReferrers(plan);
  if (dangling.length === 0) return [];
  const named = someNamed(dangling.map(describeDescriptor));
  const lines = [
    dangling.length === 1
      ? l10n.t('Delete leaves 1 referrer pointing at nothing: {0}.', named.join(', '))
      : l10n.t('Delete leaves {0} referrers pointing at nothing: {1}.', dangling.length, named.join(', ')),
    l10n.t('Delete with Referrers deletes {0}.', planCounts(plan)),
  ];
  if (plan.kept.length === 1) lines.push(l10n.t('1 child manifest stays: something else reaches it.'));
  else if (plan.kept.length > 1) lines.push(l10n.t('{0} child manifests stay: something else reaches them.', plan.kept.length));
  return lines;
}

/** `5 manifests in all (3 referrers, 1 child manifest)`, from the plan (a fallback-tag index counts in the total only). */
export function planCounts(plan: DeletePlan): string {
  const referrers = plan.deletions.filter((p) => p.role === 'referrer').length;
  const children = plan.deletions.filter((p) => p.role === 'child').length;
  const parts = [referrers === 1 ? l10n.t('1 referrer') : l10n.t('{0} referrers', referrers)];
  if (children > 0) parts.push(children === 1 ? l10n.t('1 child manifest') : l10n.t('{0} child manifests', children));
  const total = plan.deletions.length;
  return total === 1 ? l10n.t('1 manifest in all') : l10n.t('{0} manifests in all ({1})', total, parts.join(', '));
}
