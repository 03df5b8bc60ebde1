import * as l10n from '@vscode/l10n';
import { TagNode } from '../tree/nodes';
import type { Services } from '../services';
import { stringList } from './argValues';
import { layoutFrom, plainArgs } from './args';
import { tagItems } from '../ui/pickers';
import { layoutChanged, reportDone } from '../ui/report';
import { confirmChange } from '../ui/confirm';
import { pickMany } from '../ui/prompts';
import { shownName } from '../../oci/shownName';

/**
 * `manifold.untag`: removes tags; the manifests stay on disk, and a confirmation names what becomes
 * unreachable. Arguments: a tag node (or several selected), or `{ layout, tags, confirmed? }`.
 */
export async function untag(services: Services, arg?: unknown, selection?: unknown[]): Promise<{ tags: string[] }> {
  const title = l10n.t('Untag');
  const layout = await layoutFrom(services, arg, title);
  let tags: string[] | undefined;
  if (arg instanceof TagNode) {
    // A multi-selection in the tree arrives as the second argument.
    const nodes = (selection ?? [arg]).filter((n): n is TagNode => n instanceof TagNode && n.layout?.path === layout.path);
    tags = nodes.length > 0 ? nodes.map((n) => n.tag) : [arg.tag];
  } else {
    tags = stringList(plainArgs(arg).tags ?? plainArgs(arg).reference, 'tags');
  }
  if (!tags) tags = (await pickMany(await tagItems(services, layout), { title, placeHolder: l10n.t('Tags to remove') })).map((i) => i.tag);
  if (tags.length === 0) throw new Error(l10n.t('Untag: no tag given (tags is empty).'));

  const names = tags.map(shownName).join(', ');
  const question = tags.length === 1 ? l10n.t('Remove the tag {0}?', names) : l10n.t('Remove the tags {0}?', names);
  const detail = await confirmChange(layout, { untag: tags }, question, l10n.t('Untag'), plainArgs(arg).confirmed === true);
  for (const name of tags) await layout.store.untag(name);
  layoutChanged(services, layout.path);
  reportDone(services, `${l10n.t('Removed {0}.', names)} ${detail}`, { layout: layout.path });
  return { tags };
}
