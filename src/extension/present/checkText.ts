// What "Check Image" and "Check Layout" say: the progress line, the summary when done, each problem's message, and
// which read-only document a problem is in. No `vscode` here so a unit test reads it in plain Node.
import * as l10n from '@vscode/l10n';
import type { CheckCounts, CheckProblem } from '../../oci/check';
import type { DocumentView } from './documentUri';
import { formatSize, shortDigest } from './format';
import { namesReference } from '../../oci/reference';
import { shownName } from '../../oci/shownName';

/** `1 index, 3 manifests, 3 configs, 3 layers`, with the referrers among them when there are any. */
export function checkedText(c: Readonly<CheckCounts>): string {
  const parts = [
    c.indexes === 1 ? l10n.t('1 index') : l10n.t('{0} indexes', c.indexes),
    c.manifests === 1 ? l10n.t('1 manifest') : l10n.t('{0} manifests', c.manifests),
    c.configs === 1 ? l10n.t('1 config') : l10n.t('{0} configs', c.configs),
    c.layers === 1 ? l10n.t('1 layer') : l10n.t('{0} layers', c.layers),
  ];
  if (c.referrers > 0) parts.push(c.referrers === 1 ? l10n.t('1 referrer among them') : l10n.t('{0} referrers among them', c.referrers));
  return parts.join(', ');
}

/** The notification's line while the check reads: what has been read so far. */
export function checkProgressText(c: Readonly<CheckCounts>): string {
  return l10n.t('{0}; {1} of layers read', checkedText(c), formatSize(c.bytes));
}

/** `No problems in v1: 1 index, ...` or `2 errors, 1 warning in v1`. */
export function checkSummaryText(what: string, problems: readonly CheckProblem[], counts: Readonly<CheckCounts>): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  // Notes (info: a layout's garbage) are in the Problems panel, not counted as problems.
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (errors + warnings === 0) return l10n.t('No problems in {0}: {1}; {2} of layers read', what, checkedText(counts), formatSize(counts.bytes));
  const parts: string[] = [];
  if (errors > 0) parts.push(errors === 1 ? l10n.t('1 error') : l10n.t('{0} errors', errors));
  if (warnings > 0) parts.push(warnings === 1 ? l10n.t('1 warning') : l10n.t('{0} warnings', warnings));
  return l10n.t('{0} in {1}', parts.join(', '), what);
}

/**
 * What the check did not verify, as sentences for the summary: layers not stored (fetched from their urls), layers
 * whose diff_id this Node.js cannot unpack to compare (zstd).
 */
export function uncomparedText(uncompared: Readonly<Record<string, number>>): string[] {
  return Object.entries(uncompared).map(([why, n]) => {
    if (why === 'foreign') return n === 1 ? l10n.t('1 foreign layer not read: it is not stored here.') : l10n.t('{0} foreign layers not read: they are not stored here.', n);
    return n === 1 ? l10n.t('The diff_id of 1 {0} layer was not compared: this Node.js cannot unpack {0}.', why) : l10n.t('The diff_ids of {0} {1} layers were not compared: this Node.js cannot unpack {1}.', n, why);
  });
}

/**
 * The Problems panel's text: the document as reached from the root first, so the platform shows. Digests are cut
 * to 12 hex digits and the layout's folder to its name, as the trees show them: the row's width goes to what is
 * wrong (the full digest is at the problem's place in the document).
 */
export function checkProblemMessage(p: CheckProblem, layout?: { path: string; name: string }, options: { alwaysLed?: boolean } = {}): string {
  let message = p.message.replace(/\b(sha256:[a-f0-9]{12})[a-f0-9]{52}\b/g, '$1…').replace(/\b(sha512:[a-f0-9]{12})[a-f0-9]{116}\b/g, '$1…');
  if (layout) message = message.split(layout.path).join(layout.name);
  // A problem of the root whose message names the tag it was read by (`manifest … in app:v1: …`) is not led by
  // that tag again; a name with a character that cannot be seen still leads, shown escaped.
  const root = !p.where.includes(' > ') && shownName(p.where) === p.where;
  // (Verify Signatures' are always led: a payload's identity, `app:v1`, names the tag without the message being of it.)
  if (root && !options.alwaysLed && namesReference(p.message, p.where)) return message;
  // `where` starts with the name the root is listed by (a tag another tool wrote): shown as any stored name is.
  return `${shownName(p.where)}: ${message}`;
}

/**
 * The read-only document a problem is in, as the trees open it (so its problems show there too): a config is a
 * `blob` named after its manifest (`linux/arm64-config`), the root manifest by its tag, any other by its digest.
 * undefined for a problem with no such document (a layout's index.json, a registry's tag).
 */
export function checkDocumentOf(p: CheckProblem): { view: DocumentView; label: string } | undefined {
  if (!p.digest || p.document === 'index.json' || p.document === 'tag') return undefined;
  const parts = p.where.split(' > ');
  if (p.document === 'config') {
    // `where` of a config is its manifest's, then ` > config`: the manifest's name is the segment before.
    const manifest = parts.length > 1 ? parts[parts.length - 2]! : shortDigest(p.digest);
    return { view: 'blob', label: `${manifest}-config` };
  }
  if (parts.length === 1 && !parts[0]!.startsWith('@')) return { view: 'manifest', label: parts[0]! };
  return { view: 'manifest', label: shortDigest(p.digest) };
}
