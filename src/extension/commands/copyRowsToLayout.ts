// Copy to Layout of several rows at once (a selection, or a drop of several): the questions asked once for all of
// them, before anything is copied, then each row copied and one message for the lot.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { resolve } from 'node:path';
import type { ManifestLikeNode } from '../tree/nodes';
import type { Services } from '../services';
import { confirmAllTagMoves, movedText } from '../ui/confirm';
import { isLayoutArchive, openDestinationLayout } from '../ui/layoutDestination';
import { Cancelled } from '../ui/prompts';
import { reportDone } from '../ui/report';
import { askRowsReferrers, askRowTag, refuseSharedTags, rowName } from './copyRowsQuestions';
import { plainArgs, sourceManifestFrom, sourceReferenceText, type SourceManifest } from './args';
import { copyIntoLayout, referrersText, type CopiedIntoLayout } from './copyIntoLayout';
import { givenOnly } from './copyReferrers';

/** What a copy of several rows returns: as one row's (the last row's digest; every row's tags and moves), and each row's. */
export interface CopiedRows extends CopiedIntoLayout {
  rows: CopiedIntoLayout[];
}

/** A row to copy: where it is read from and the tags it is given (undefined: asked, as for one row). */
export interface RowToCopy {
  node: ManifestLikeNode;
  tags: string[] | undefined;
}

/**
 * Copies `rows` into the layout `to`, asking once for all of them: whether to bring the referrers, and which (only
 * when some row's copy would carry any), and one confirmation of every tag that would move (declined: nothing copied).
 * `answers` (`{ referrers?, only?: ['signature'], confirmed? }`) answers those without asking. Rows already in `to`
 * are left where they are.
 */
export async function copyRowsToLayout(services: Services, rows: readonly RowToCopy[], to: string, answers: unknown): Promise<CopiedRows> {
  const title = l10n.t('Copy to Layout');
  const plain = plainArgs(answers);
  const copies = rows.filter((r) => resolve(r.node.layout!.path) !== resolve(to));
  if (copies.length === 0) throw new Error(l10n.t('Nothing to copy: the rows selected are in {0} already.', to));
  const sources: SourceManifest[] = [];
  for (const r of copies) sources.push(await sourceManifestFrom(services, r.node, title));
  // A row without a tag a reference can carry still has its own asked, now: every question comes before any copy.
  const tags: string[][] = [];
  for (const [i, r] of copies.entries()) tags.push(r.tags ?? (await askRowTag(title, sources[i]!)));
  // Refused before the destination is opened: a folder that is no layout is not made one for nothing.
  refuseSharedTags(sources, tags);
  if (isLayoutArchive(to)) throw new Error(l10n.t('{0} is a layout archive: copy into a layout folder.', to));
  const { referrers, only } = givenOnly(plain.only, plain.referrers) ?? (typeof plain.referrers === 'boolean' ? { referrers: plain.referrers } : await askRowsReferrers(title, sources));
  const layout = await openDestinationLayout(services, to);
  // No platforms asked: each index is copied whole. Choosing platforms is for one image, whose list a pick can show;
  // across several indexes the platforms differ and one list would not say which row each came from.
  const planned = sources.map((s, i) => ({ tags: tags[i]!, digest: s.desc.digest, what: sourceReferenceText(s) }));
  await confirmAllTagMoves(layout, planned, plain.confirmed === true);
  const done: CopiedIntoLayout[] = [];
  for (const [i, source] of sources.entries()) {
    try {
      // Confirmed above, all at once: copyIntoLayout only notes each move for the message, told once below.
      done.push(await copyIntoLayout(services, title, source, layout, { tags: tags[i], referrers, ...(only ? { only } : {}), confirmed: true, quiet: true }, () => ''));
    } catch (err) {
      // A row that fails after others were copied: the error says which were (they stay; nothing stored is undone).
      if (done.length === 0 || err instanceof Cancelled) throw err;
      throw new Error(l10n.t('{0} Copied before it: {1}.', (err as Error).message, sources.slice(0, i).map(rowName).join(', ')), { cause: err });
    }
  }
  return report(services, layout.path, sources, done);
}

/** `Copied 3 rows to B: app:v1, app:v2, tools:v1 (with 4 referrers).` and the tags moved, told once. */
function report(services: Services, to: string, sources: readonly SourceManifest[], done: readonly CopiedIntoLayout[]): CopiedRows {
  const count = done.reduce((n, d) => n + d.referrers, 0);
  const moved = done.flatMap((d) => d.moved);
  const last = done[done.length - 1]!;
  const message =
    l10n.t('Copied {0} rows to {1}: {2}', done.length, vscode.workspace.asRelativePath(to), sources.map(rowName).join(', ')) +
    (count > 0 ? ` (${referrersText(count).trim()})` : '') +
    '.' +
    movedText(moved).map((m) => ` ${m}`).join('');
  reportDone(services, message, { layout: to, tag: last.tags[0], digest: last.digest });
  return { layout: to, digest: last.digest, tags: done.flatMap((d) => d.tags), moved, message, referrers: count, rows: [...done] };
}
