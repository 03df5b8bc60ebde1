import * as l10n from '@vscode/l10n';
import { isFallbackTag } from '../../oci/reference';
import { parseRegistryReference } from '../../oci/registry';
import type { Services } from '../services';
import { layoutFrom, plainArgs } from './args';
import { pickDestination } from '../ui/destinationPick';
import { pullToLayout } from './pullToLayout';
import { rememberedAfter } from './rememberRepository';

/**
 * `manifold.pullIntoLayout`: Pull into Layout from the layout's side (its node in the Layouts view, its folder in
 * the Explorer): asks what to pull (a repository of the Registries view and one of its tags, or any `host/repo:tag`), then
 * pulls as Pull into Layout does. Arguments: a layout node, a layout folder URI, or
 * `{ layout, from: 'host/repo:tag', tags?, platforms?, referrers?: false, confirmed? }`.
 */
export async function pullIntoLayout(services: Services, arg?: unknown, answers?: unknown): ReturnType<typeof pullToLayout> {
  const title = l10n.t('Pull into This Layout');
  const layout = await layoutFrom(services, arg, title);
  const plain = plainArgs(arg, answers);
  const from = typeof plain.from === 'string' ? plain.from : await pickDestination(services.registries.list(), title, { kind: 'source', tagsOf: (registry, repository) => firstTags(services, registry, repository) });
  const ref = parseRegistryReference(from);
  if (!ref.reference) throw new Error(l10n.t('Name the tag or digest to pull: {0}', `${ref.registry}/${ref.repository}:TAG`));
  const { tags, platforms, referrers, confirmed } = plain;
  // A source typed in full joins the Registries view as a copy's destination does.
  return rememberedAfter(services, ref, () =>
    pullToLayout(services, { registry: ref.registry, repository: ref.repository, reference: ref.reference, layout: layout.path, tags, platforms, referrers, confirmed }),
  );
}

/** The first tags of a repository, for the pick (a tag beyond them is typed in full). */
async function firstTags(services: Services, registry: string, repository: string): Promise<string[]> {
  const tags: string[] = [];
  for await (const tag of services.registries.repository(registry, repository).tags()) {
    if (isFallbackTag(tag)) continue; // a referrer's stand-in tag, not something to pull
    tags.push(tag);
    if (tags.length === 100) break;
  }
  return tags;
}
