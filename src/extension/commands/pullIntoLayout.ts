import * as l10n from '@vscode/l10n';
import { parseRegistryReference } from '../../oci/registry';
import type { Services } from '../services';
import { layoutFrom, plainArgs } from './args';
import { askRepository } from './askRepository';
import { pullToLayout } from './pullToLayout';

/**
 * `manifold.pullIntoLayout`: Pull into Layout from the layout's side (its node in the Layouts view, its folder in
 * the Explorer): asks what to pull (a repository of the Registries view and a tag, or any `host/repo:tag`), then
 * pulls as Pull into Layout does. Arguments: a layout node, a layout folder URI, or
 * `{ layout, from: 'host/repo:tag', tags?, platforms?, referrers?: false, confirmed? }`.
 */
export async function pullIntoLayout(services: Services, arg?: unknown, answers?: unknown): ReturnType<typeof pullToLayout> {
  const title = l10n.t('Pull into This Layout');
  const layout = await layoutFrom(services, arg, title);
  const plain = plainArgs(arg, answers);
  const from = typeof plain.from === 'string' ? plain.from : await askRepository(services, title, l10n.t('What to pull: registry/repository:tag'), true);
  const ref = parseRegistryReference(from);
  if (!ref.reference) throw new Error(l10n.t('Name the tag or digest to pull: {0}', `${ref.registry}/${ref.repository}:TAG`));
  const { tags, platforms, referrers, confirmed } = plain;
  return pullToLayout(services, { registry: ref.registry, repository: ref.repository, reference: ref.reference, layout: layout.path, tags, platforms, referrers, confirmed });
}
