import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { resolve } from 'node:path';
import { resolveCopyRoot } from '../../oci/copy';
import { isValidTag, shortDigest } from '../../oci/reference';
import { manifestName } from '../present/format';
import { ManifestLikeNode, TagNode } from '../tree/nodes';
import type { Services } from '../services';
import { tagList } from './argValues';
import { plainArgs, sourceManifestFrom, sourceReferenceText } from './args';
import { askCopyPlatforms, subsetText } from './copyPlatforms';
import { askCopyReferrers } from './copyReferrers';
import { askLayoutTag, referrersText } from './pullToLayout';
import { confirmTagMoves, movedText, type TagMove } from '../ui/confirm';
import { copyWithProgress } from '../ui/copyProgress';
import { openDestinationLayout, pickLayoutDestination } from '../ui/layoutDestination';
import { layoutChanged, reportDone } from '../ui/report';

/**
 * `manifold.copyToLayout`: copies a layout's tag (or manifest) with everything below it and, unless the user says
 * otherwise, its referrers into another layout: one the Layouts view shows, or a folder picked (made a layout if it
 * is none); of a multi-platform index, the platforms chosen. What `cp -r --from-oci-layout A:t --oci-layout B:t`
 * does, from a layout folder or a layout archive. Arguments: a node of the Layouts or Referrers view, or `{ layout,
 * reference, to, tags?, platforms?: ['os/arch'], referrers?: false, confirmed? }` (`tags`, when given, at least one;
 * `to`: the destination folder). A destination tag that names something else moves once the user confirms. Several
 * rows selected: each is copied, into one destination asked once.
 */
export async function copyToLayout(services: Services, arg?: unknown, answers?: unknown, selectionAnswers?: unknown): Promise<CopiedToLayout> {
  // Several rows selected in the tree (passed as the second argument): the destination asked once, then each copied
  // there as a drop copies it (a tag keeping its name); the result is the last one's.
  const selected = Array.isArray(answers) ? answers.filter((n): n is ManifestLikeNode => n instanceof ManifestLikeNode && n.layout !== undefined) : [];
  if (arg instanceof ManifestLikeNode && arg.layout && selected.length > 1 && selected.includes(arg)) {
    // After a selection, a caller may answer the destination too: `executeCommand(id, node, selection, { to })`.
    const given = plainArgs(selectionAnswers).to;
    const to = typeof given === 'string' ? resolve(given) : await askDestination(services, arg.layout.path);
    let last: CopiedToLayout | undefined;
    // One already in the destination (a selection across layouts) stays where it is.
    for (const node of selected) if (resolve(node.layout!.path) !== resolve(to)) last = await copyOne(services, node, { to, tags: keptTags(node) });
    if (!last) throw new Error(l10n.t('Nothing to copy: the rows selected are in {0} already.', to));
    return last;
  }
  return copyOne(services, arg, answers);
}

/** The tags a row copied without questions keeps: its own, when it is a tag a reference can carry; else asked. */
export function keptTags(node: ManifestLikeNode): string[] | undefined {
  return node instanceof TagNode && isValidTag(node.tag) ? [node.tag] : undefined;
}

export interface CopiedToLayout {
  layout: string;
  digest: string;
  tags: string[];
  moved: TagMove[];
  message: string;
}

function askDestination(services: Services, from: string): Promise<string> {
  return pickLayoutDestination(services, {
    title: l10n.t('Copy to Layout'),
    placeHolder: l10n.t('Copy into which layout? (a folder that is not one becomes one)'),
    openLabel: l10n.t('Copy Here'),
    exclude: from,
  });
}

async function copyOne(services: Services, arg: unknown, answers: unknown): Promise<CopiedToLayout> {
  const title = l10n.t('Copy to Layout');
  const source = await sourceManifestFrom(services, arg, title);
  if (source.ref.kind !== 'layout') throw new Error(l10n.t('{0} copies from a layout; from a registry, use Pull into Layout.', title));
  const from = source.ref.path;
  const plain = plainArgs(arg, answers);
  // Refused before anything is asked or read: `tags: []` is a caller's mistake, not an untagged copy.
  let tags = tagList(plain.tags, 'tags');
  const platforms = await askCopyPlatforms(source.target, source.desc, title, plain.platforms);
  const to = typeof plain.to === 'string' ? resolve(plain.to) : await askDestination(services, from);
  const layout = await openDestinationLayout(services, to);
  if (layout.store.readOnly) throw new Error(l10n.t('{0} is a layout archive: copy into a layout folder.', layout.path));
  const referrers = await askCopyReferrers(source.target, source.desc, title, plain.referrers, !tags);
  if (!tags) tags = [await askLayoutTag(title, source.tag)];
  // With some platforms, the tags will name the new index (or the one platform): that is what a moved tag is asked about.
  const root = platforms ? (await resolveCopyRoot(source.target, source.reference, tags, { platforms })).root : source.desc;
  const moved = await confirmTagMoves(layout, tags, root.digest, sourceReferenceText(source), plain.confirmed === true);
  const where = vscode.workspace.asRelativePath(layout.path);
  const result = await copyWithProgress(title, source.target, source.reference, layout.store, tags, undefined, { platforms, referrers, where });
  layoutChanged(services, layout.path);
  const message =
    l10n.t('Copied {0} from {1} to {2} as {3} ({4})', manifestName(source.tag, source.desc.digest), vscode.workspace.asRelativePath(from), where, tags.join(', '), shortDigest(result.root.digest)) +
    referrersText(result.referrers.length) +
    '.' +
    movedText(moved).map((m) => ` ${m}`).join('') +
    subsetText(result.subset, result.root, platforms);
  reportDone(services, message, { layout: layout.path, tag: tags[0], digest: result.root.digest });
  return { layout: layout.path, digest: result.root.digest, tags, moved, message };
}
