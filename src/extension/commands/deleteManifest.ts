import * as l10n from '@vscode/l10n';
import { ANNOTATION_REF_NAME } from '../../oci/descriptor';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { manifestFrom, plainArgs } from './args';
import { layoutChanged, reportDone } from '../ui/report';
import { confirmChange } from '../ui/confirm';

/**
 * `manifold.delete`: deletes a manifest's blob and every index.json entry (tag) naming it, after a
 * confirmation that names those tags and what else becomes unreachable.
 * Arguments: a tag or manifest node, or `{ layout, reference, confirmed? }`.
 */
export async function deleteManifest(services: Services, arg?: unknown): Promise<{ digest: string; tags: string[] }> {
  const title = l10n.t('Delete Manifest');
  const target = await manifestFrom(services, arg, title);
  const digest = target.desc.digest;
  const tags = (await target.layout.store.entries()).filter((e) => e.digest === digest).map((e) => e.annotations?.[ANNOTATION_REF_NAME]).filter((t): t is string => Boolean(t));
  const question = tags.length
    ? l10n.t('Delete {0} and its tags {1}?', shortDigest(digest), tags.join(', '))
    : l10n.t('Delete {0}?', shortDigest(digest));
  const detail = await confirmChange(target.layout, { delete: [digest] }, question, l10n.t('Delete'), plainArgs(arg).confirmed === true);
  await target.layout.store.delete(target.desc);
  layoutChanged(services, target.layout.path);
  reportDone(services, `${l10n.t('Deleted {0}.', shortDigest(digest))} ${detail}`, { layout: target.layout.path });
  return { digest, tags };
}
