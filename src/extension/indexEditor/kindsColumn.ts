import * as l10n from '@vscode/l10n';
import { OTHER_KIND, type KindTable } from '../../oci/referrers';
import { documentCoverage } from '../../oci/referrers/documentCoverage';
import type { ReadOnlyTarget } from '../../oci/target';
import type { RowKinds } from '../../shared/indexEditorProtocol';
import { kindWord } from '../present/coverageItem';

/**
 * The index editor's kinds column: what each entry of the document (as written now) carries attached, and what it
 * lacks that a sibling or the index has; undefined for an entry that is not a platform (a BuildKit attestation).
 */
export async function rowKinds(target: ReadOnlyTarget, text: string, kinds: KindTable, signal?: AbortSignal): Promise<Array<RowKinds | undefined>> {
  const { report, entries } = await documentCoverage(target, text, { kinds, signal });
  const titles = new Map(report.columns.map((c) => [c.id, c.title]));
  // As the trees say them: `signed · SBOM` for what an entry carries, `no signature` for what it lacks. A user's
  // title goes as written: the page escapes each word, as it does the names it shows.
  const word = (id: string, carried = true) => (carried && id === 'signature' ? l10n.t('signed') : kindWord(id, titles));
  return entries.map((e) => {
    if (!e) return undefined;
    const carried = report.columns.filter((c) => (e.counts[c.id] ?? 0) > 0).map((c) => word(c.id));
    const other = e.counts[OTHER_KIND] ?? 0;
    if (other > 0) carried.push(l10n.t('{0} other', other));
    return { carried, gaps: e.gaps.map((id) => word(id, false)) };
  });
}
