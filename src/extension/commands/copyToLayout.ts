import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { resolve } from 'node:path';
import { isValidTag } from '../../oci/reference';
import { manifestName } from '../present/format';
import { ManifestLikeNode, TagNode } from '../tree/nodes';
import type { Services } from '../services';
import { tagList } from './argValues';
import { plainArgs, sourceManifestFrom } from './args';
import { copyIntoLayout, type CopiedIntoLayout } from './copyIntoLayout';
import { copyRowsToLayout } from './copyRowsToLayout';
import { askCopyPlatforms } from './copyPlatforms';
import { askCopyReferrers } from './copyReferrers';
import { isLayoutArchive, openDestinationLayout, pickLayoutDestination } from '../ui/layoutDestination';

/**
 * `manifold.copyToLayout`: copies a layout's tag (or manifest) with everything below it and, unless the user says
 * otherwise, its referrers into another layout: one the Layouts view shows, or a folder picked (made a layout if it
 * is none); of a multi-platform index, the platforms chosen. What `cp -r --from-oci-layout A:t --oci-layout B:t`
 * does, from a layout folder or a layout archive. Arguments: a node of the Layouts or Referrers view, or `{ layout,
 * reference, to, tags?, platforms?: ['os/arch'], referrers?: false, only?: ['signature'], confirmed? }` (`tags`, when given, at least one;
 * `to`: the destination folder). A destination tag that names something else moves once the user confirms. Several
 * rows selected (or dropped): copied into one destination, each question asked once for all (copyRowsToLayout.ts).
 */
export async function copyToLayout(services: Services, arg?: unknown, answers?: unknown, selectionAnswers?: unknown): Promise<CopiedIntoLayout> {
  // Several rows selected in the tree (passed as the second argument), or dropped: the destination asked once, then
  // the questions once for all of them (copyRowsToLayout.ts), each row keeping its tag.
  const selected = Array.isArray(answers) ? answers.filter((n): n is ManifestLikeNode => n instanceof ManifestLikeNode && n.layout !== undefined) : [];
  if (arg instanceof ManifestLikeNode && arg.layout && selected.length > 1 && selected.includes(arg)) {
    // After a selection, a caller may answer the questions too: `executeCommand(id, node, selection, { to, referrers, only, confirmed })`.
    const given = plainArgs(selectionAnswers).to;
    const to = typeof given === 'string' ? resolve(given) : await askDestination(services, arg.layout.path);
    return copyRowsToLayout(services, selected.map((node) => ({ node, tags: keptTags(node) })), to, selectionAnswers);
  }
  return copyOne(services, arg, answers);
}

/** The tags a row copied without questions keeps: its own, when it is a tag a reference can carry; else asked. */
export function keptTags(node: ManifestLikeNode): string[] | undefined {
  return node instanceof TagNode && isValidTag(node.tag) ? [node.tag] : undefined;
}

function askDestination(services: Services, from: string): Promise<string> {
  return pickLayoutDestination(services, {
    title: l10n.t('Copy to Layout'),
    placeHolder: l10n.t('Copy into which layout? (a folder that is not one becomes one)'),
    openLabel: l10n.t('Copy Here'),
    exclude: from,
  });
}

async function copyOne(services: Services, arg: unknown, answers: unknown): Promise<CopiedIntoLayout> {
  const title = l10n.t('Copy to Layout');
  const source = await sourceManifestFrom(services, arg, title);
  if (source.ref.kind !== 'layout') throw new Error(l10n.t('{0} copies from a layout; from a registry, use Pull into Layout.', title));
  const from = source.ref.path;
  const plain = plainArgs(arg, answers);
  // Refused before anything is asked or read: `tags: []` is a caller's mistake, not an untagged copy.
  const tags = tagList(plain.tags, 'tags');
  const platforms = await askCopyPlatforms(source.target, source.desc, title, plain.platforms);
  const to = typeof plain.to === 'string' ? resolve(plain.to) : await askDestination(services, from);
  if (isLayoutArchive(to)) throw new Error(l10n.t('{0} is a layout archive: copy into a layout folder.', to));
  // Asked before the destination is made one: a question cancelled leaves no empty layout folder behind.
  const { referrers, only } = await askCopyReferrers(source, title, plain.referrers, !tags, plain.only, platforms);
  const layout = await openDestinationLayout(services, to);
  return copyIntoLayout(services, title, source, layout, { tags, platforms, referrers, ...(only ? { only } : {}), confirmed: plain.confirmed === true }, (shown, digest) =>
    l10n.t('Copied {0} from {1} to {2} as {3} ({4})', manifestName(source.tag, source.desc.digest), vscode.workspace.asRelativePath(from), vscode.workspace.asRelativePath(layout.path), shown.join(', '), digest),
  );
}
