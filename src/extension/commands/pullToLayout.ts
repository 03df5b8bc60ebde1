import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { tagList } from './argValues';
import { layoutFrom, plainArgs, sourceManifestFrom, sourceReferenceText } from './args';
import { copyIntoLayout, type CopiedIntoLayout } from './copyIntoLayout';
import { askCopyPlatforms } from './copyPlatforms';
import { askCopyReferrers } from './copyReferrers';

/**
 * `manifold.pullToLayout`: copies a registry tag with everything below it and, unless the user says otherwise, its
 * referrers into a layout; of a multi-platform index, the platforms chosen (all by default; some make a new index).
 * Arguments: a registry tag node, or `{ registry, repository, reference, layout, tags?, platforms?: ['os/arch'],
 * referrers?: false, only?: ['signature', 'sbom'], confirmed? }` (`tags`, when given, at least one). A layout tag that names something else moves once the user confirms; what it
 * named stays listed.
 */
export async function pullToLayout(services: Services, arg?: unknown, answers?: unknown): Promise<CopiedIntoLayout> {
  const title = l10n.t('Pull into Layout');
  const source = await sourceManifestFrom(services, arg, title);
  const plain = plainArgs(arg, answers);
  // Refused before anything is asked or read: `tags: []` is a caller's mistake, not an untagged pull.
  const tags = tagList(plain.tags, 'tags');
  const platforms = await askCopyPlatforms(source.target, source.desc, title, plain.platforms);
  const layout = await layoutFrom(services, typeof plain.layout === 'string' ? { layout: plain.layout } : undefined, title);
  const { referrers, only } = await askCopyReferrers(source, title, plain.referrers, !tags, plain.only, platforms);
  return copyIntoLayout(services, title, source, layout, { tags, platforms, referrers, ...(only ? { only } : {}), confirmed: plain.confirmed === true, onDidRetry: services.registries.onDidRetry }, (shown, digest) =>
    l10n.t('Pulled {0} into {1} as {2} ({3})', sourceReferenceText(source), vscode.workspace.asRelativePath(layout.path), shown.join(', '), digest),
  );
}
