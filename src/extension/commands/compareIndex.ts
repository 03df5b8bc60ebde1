import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { describeManifest, untaggedEntries } from '../../oci/graph';
import { isImageIndex } from '../../oci/mediaType';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { manifestFrom, plainArgs } from './args';
import { tagItems } from '../ui/pickers';
import { Cancelled, pickOne } from '../ui/prompts';

interface Side {
  desc: Descriptor;
  /** A tag, or the digest of an untagged index. */
  label: string;
}

/**
 * `manifold.compareIndex`: a side-by-side view of two indexes of one layout: the one it was invoked on (right) and
 * one the user picks (left): another tagged index, or an index the layout still lists untagged (a previous digest of
 * a tag that moved). Each side is a read-only document summarizing its index (platforms with digest, created date,
 * layer count and size, annotations, referrer types) in one stable order, so the diff editor lines up each platform
 * with the same platform. Arguments: an index tag node, or `{ layout, reference, with }` (a tag or digest).
 * Returns the two documents' URIs.
 */
export async function compareIndex(services: Services, arg?: unknown): Promise<{ left: string; right: string }> {
  const title = l10n.t('Compare Index With');
  const target = await manifestFrom(services, arg, title, { indexOnly: true });
  if (!isImageIndex(target.desc.mediaType)) throw new Error(l10n.t('{0} is not an index: Compare Index With... compares two indexes.', target.reference));
  const store = target.layout.store;
  const right: Side = { desc: target.desc, label: target.tag ?? target.desc.digest };
  const given = plainArgs(arg).with;
  let left: Side;
  if (typeof given === 'string') {
    left = { desc: await store.resolve(given), label: given };
  } else {
    const others = (await tagItems(services, target.layout, (d) => isImageIndex(d.mediaType) && d.digest !== target.desc.digest)).map((t) => ({ ...t, side: { desc: t.desc, label: t.tag } }));
    const untagged = untaggedEntries(await store.entries()).filter((d) => isImageIndex(d.mediaType) && d.digest !== target.desc.digest);
    const previous = await Promise.all(
      untagged.map(async (d) => ({
        label: l10n.t('Untagged index {0}', shortDigest(d.digest)),
        description: await describeManifest(store, d).then((s) => s.description, () => d.mediaType),
        detail: d.digest,
        side: { desc: d, label: d.digest },
      })),
    );
    if (others.length + previous.length === 0) {
      void vscode.window.showInformationMessage(l10n.t('This layout has no other index to compare {0} with.', right.label));
      throw new Cancelled();
    }
    const items: (vscode.QuickPickItem & { side?: Side })[] = [...others];
    if (previous.length > 0) items.push({ label: l10n.t('Untagged (earlier digests)'), kind: vscode.QuickPickItemKind.Separator }, ...previous);
    const picked = await pickOne(items, { title, placeHolder: l10n.t('Compare {0} with', right.label), matchOnDescription: true });
    if (!picked.side) throw new Cancelled();
    left = picked.side;
  }
  if (!isImageIndex(left.desc.mediaType)) throw new Error(l10n.t('{0} is not an index: Compare Index With... compares two indexes.', left.label));
  const ref = { kind: 'layout' as const, path: target.layout.path };
  const uriOf = (side: Side) => services.documents.uri('indexSummary', ref, side.desc, side.label);
  const short = (side: Side) => (side.label === side.desc.digest ? shortDigest(side.desc.digest) : side.label);
  const leftUri = uriOf(left);
  const rightUri = uriOf(right);
  await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, l10n.t('{0} ↔ {1} (indexes)', short(left), short(right)), { preview: true });
  return { left: leftUri.toString(), right: rightUri.toString() };
}
