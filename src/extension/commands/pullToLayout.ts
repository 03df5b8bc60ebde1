import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { checkTag, shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { tagList } from './argValues';
import { layoutFrom, plainArgs, sourceManifestFrom, sourceReferenceText } from './args';
import { layoutChanged, reportDone } from '../ui/report';
import { copyWithProgress } from '../ui/copyProgress';
import { input } from '../ui/prompts';
import { confirmTagMoves, movedText, type TagMove } from '../ui/confirm';
import { resolveCopyRoot } from '../../oci/copy';
import { askCopyPlatforms, subsetText } from './copyPlatforms';
import { askCopyReferrers } from './copyReferrers';

/**
 * `manifold.pullToLayout`: copies a registry tag with everything below it and, unless the user says otherwise, its
 * referrers into a layout; of a multi-platform index, the platforms chosen (all by default; some make a new index).
 * Arguments: a registry tag node, or `{ registry, repository, reference, layout, tags?, platforms?: ['os/arch'],
 * referrers?: false, confirmed? }` (`tags`, when given, at least one). A layout tag that names something else moves once the user confirms; what it
 * named stays listed.
 */
export async function pullToLayout(services: Services, arg?: unknown, answers?: unknown): Promise<{ layout: string; digest: string; tags: string[]; moved: TagMove[]; message: string }> {
  const title = l10n.t('Pull into Layout');
  const source = await sourceManifestFrom(services, arg, title);
  const plain = plainArgs(arg, answers);
  // Refused before anything is asked or read: `tags: []` is a caller's mistake, not an untagged pull.
  let tags = tagList(plain.tags, 'tags');
  const platforms = await askCopyPlatforms(source.target, source.desc, title, plain.platforms);
  const layout = await layoutFrom(services, typeof plain.layout === 'string' ? { layout: plain.layout } : undefined, title);
  const referrers = await askCopyReferrers(source.target, source.desc, title, plain.referrers, !tags);
  if (!tags) tags = [await askLayoutTag(title, source.tag)];
  // With some platforms, the tags will name the new index (or the one platform): that is what a moved tag is asked about.
  const root = platforms ? (await resolveCopyRoot(source.target, source.reference, tags, { platforms })).root : source.desc;
  const moved = await confirmTagMoves(layout, tags, root.digest, sourceReferenceText(source), plain.confirmed === true);
  const result = await copyWithProgress(title, source.target, source.reference, layout.store, tags, services.registries.onDidRetry, {
    platforms,
    referrers,
    where: vscode.workspace.asRelativePath(layout.path),
  });
  layoutChanged(services, layout.path);
  const message =
    l10n.t('Pulled {0} into {1} as {2} ({3})', sourceReferenceText(source), vscode.workspace.asRelativePath(layout.path), tags.join(', '), shortDigest(result.root.digest)) +
    referrersText(result.referrers.length) +
    '.' +
    movedText(moved).map((m) => ` ${m}`).join('') +
    subsetText(result.subset, result.root, platforms);
  reportDone(services, message, {
    layout: layout.path,
    tag: tags[0],
    digest: result.root.digest,
  });
  return { layout: layout.path, digest: result.root.digest, tags, moved, message };
}

/** The tag to give in the destination layout, asked with the source's tag (if any) filled in. */
export async function askLayoutTag(title: string, value: string | undefined): Promise<string> {
  const typed = await input({
    title,
    prompt: l10n.t('Tag in the layout'),
    value: value ?? '',
    validateInput: (v) => {
      try {
        checkTag(v.trim());
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return typed.trim();
}

/** ` with 3 referrers.`: what came along with the pulled manifest; empty when nothing did. */
export function referrersText(count: number): string {
  if (count === 0) return '';
  return ' ' + (count === 1 ? l10n.t('with 1 referrer') : l10n.t('with {0} referrers', count));
}
