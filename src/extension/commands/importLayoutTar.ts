import { basename, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { importLayout, planLayoutImport } from '../../oci/copy';
import { OciLayoutStore } from '../../oci/layout';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { Node } from '../tree/nodes';
import { layoutFrom, plainArgs, type ResolvedLayout } from './args';
import { confirmTagMoves, movedText, type TagMove } from '../ui/confirm';
import { layoutChanged, reportDone } from '../ui/report';
import { withProgress } from '../ui/progress';
import { chooseFiles } from '../ui/fileChooser';
import { need } from '../ui/prompts';
import { listTags } from '../../oci/graph/tagListing';
import { givenOnly } from './copyReferrers';
import { askTagsReferrers } from './tagsReferrers';
import { openDestinationLayout, pickLayoutDestination } from '../ui/layoutDestination';
import { shownName } from '../../oci/shownName';

export interface ImportResult {
  layout: string;
  /** Tag to digest, for every tag of the archive, sorted by tag. */
  tags: Record<string, string>;
  /** Referrers copied along (recursively, of every tag's content). */
  referrers: number;
  moved: TagMove[];
  /** Untagged entries of the archive that are not referrers of what was imported: not copied. */
  leftOut: string[];
  /** With `only` (Only Some Kinds…): the referrers (cosign's tags with `tag`) left behind, and those below them. */
  referrersLeft: Array<{ digest: string; tag?: string }>;
  /** What the notification said. */
  message: string;
}

/**
 * `manifold.importLayoutTar`: copies every tag of a layout `.tar`, with everything below it and its referrers, into a
 * layout folder, as `cp -r` from the tar does one tag at a time. A tag of the destination that names something else
 * moves only once the user confirms (the same question as Tag... asks). Picking the archive, the user is asked which
 * referrers come along when its tags have some: all, or Only Some Kinds… Arguments: a layout node (the destination),
 * or `{ file, layout, only?, confirmed? }` (a layout folder that does not exist yet is created; `only`: kind ids or
 * artifact types, as `layout import --only` takes them).
 */
export async function importLayoutTar(services: Services, arg?: unknown): Promise<ImportResult> {
  const title = l10n.t('Import .tar into Layout');
  const plain = plainArgs(arg);
  let file = typeof plain.file === 'string' ? resolve(plain.file) : undefined;
  const interactive = !file;
  if (!file) {
    const picked = await chooseFiles(services.context.workspaceState, {
      title,
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      openLabel: l10n.t('Import'),
      filters: { [l10n.t('Layout archives')]: ['tar'] },
    });
    file = need(picked[0]).fsPath;
  }
  const src = await OciLayoutStore.openTar(file);
  const only = givenOnly(plain.only, true)?.only ?? (interactive ? (await askTagsReferrers(src, listTags(await src.entries()), title, (some, what) => l10n.t('{0}: {1}. Import which?', some, what), false)).only : undefined);
  const layout = await destination(services, arg, title);
  if (layout.store.readOnly) throw new Error(l10n.t('{0} is a layout archive: import into a layout folder.', layout.path));

  const { listings, moving } = await planLayoutImport(src, layout.store);
  // undefined: each tag names its own manifest of the archive; the tags are those that name something else now.
  const moved = await confirmTagMoves(layout, moving.map((m) => m.tag), undefined, l10n.t('what it names in {0}', basename(file)), plain.confirmed === true);

  const name = vscode.workspace.asRelativePath(layout.path);
  const result = await withProgress(l10n.t('Importing {0} into {1}…', basename(file), name), (signal, progress) =>
    importLayout(src, layout.store, {
      signal,
      ...(only ? { only } : {}),
      onTag: (tag, i, total) => progress.report({ message: l10n.t('{0} ({1} of {2})', shownName(tag), i + 1, total), increment: i === 0 ? 0 : 100 / total }),
    }),
  );
  const { tags, leftOut } = result;
  const referrersLeft = result.referrersLeft.map((l) => (l.tag ? { digest: l.desc.digest, tag: l.tag } : { digest: l.desc.digest }));
  const referrers = result.referrers.length;
  layoutChanged(services, layout.path);
  // With only some kinds, cosign's tags come as the referrers they are, not as tags (importLayout).
  const imported = only ? listings.filter((l) => l.tag in tags) : listings;
  const count = imported.length === 1 ? l10n.t('1 tag') : l10n.t('{0} tags', imported.length);
  let message = l10n.t('Imported {0} from {1} into {2}: {3}.', count, basename(file), name, imported.map((l) => shownName(l.tag)).join(', ') || l10n.t('none'));
  if (referrers > 0) message += ` ${referrers === 1 ? l10n.t('With 1 referrer.') : l10n.t('With {0} referrers.', referrers)}`;
  if (referrersLeft.length > 0) message += ' ' + (referrersLeft.length === 1 ? l10n.t('1 referrer of other kinds was left out.') : l10n.t('{0} referrers of other kinds were left out.', referrersLeft.length));
  if (leftOut.length > 0) {
    message += ` ${leftOut.length === 1 ? l10n.t('1 untagged manifest of the archive was left out ({0}): tag it there to import it.', shortDigest(leftOut[0]!)) : l10n.t('{0} untagged manifests of the archive were left out: tag them there to import them.', leftOut.length)}`;
  }
  message += movedText(moved).map((m) => ` ${m}`).join('');
  reportDone(services, message, { layout: layout.path, tag: imported[0]?.tag });
  return { layout: layout.path, tags, referrers, moved, leftOut, referrersLeft, message };
}

/** The layout node it was invoked on, `{ layout }` (made if missing), or a pick: a known layout folder or another folder. */
async function destination(services: Services, arg: unknown, title: string): Promise<ResolvedLayout> {
  if (arg instanceof Node) return layoutFrom(services, arg, title);
  const given = typeof plainArgs(arg).layout === 'string' ? resolve(plainArgs(arg).layout as string) : undefined;
  const path =
    given ??
    (await pickLayoutDestination(services, {
      title,
      placeHolder: l10n.t('Import into which layout? (a folder that is not one becomes one)'),
      openLabel: l10n.t('Import Here'),
    }));
  return openDestinationLayout(services, path);
}
