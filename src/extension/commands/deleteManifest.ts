import * as l10n from '@vscode/l10n';
import { ANNOTATION_REF_NAME } from '../../oci/descriptor';
import { planDeleteWithReferrers, runDeletePlan, unreachableAfter } from '../../oci/graph';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { manifestFrom, plainArgs } from './args';
import { layoutChanged, reportDone } from '../ui/report';
import { consequenceLines } from '../present/consequences';
import { danglingLines, danglingReferrers, planCounts } from '../present/lifecycleText';
import { askModal } from '../ui/confirm';

/**
 * `manifold.delete`: deletes a manifest's blob and every index.json entry (tag) naming it, after a modal
 * confirmation that names those tags, what else becomes unreachable and, when it has referrers, those that would be
 * left pointing at nothing, with a "Delete with Referrers" button that deletes by the plan of
 * `planDeleteWithReferrers` (its referrers, recursively, and an index's children nothing else reaches).
 * Arguments: a tag or manifest node, or `{ layout, reference, withReferrers?, confirmed? }`.
 */
export async function deleteManifest(services: Services, arg?: unknown): Promise<{ digest: string; tags: string[]; deleted: string[] }> {
  const title = l10n.t('Delete Manifest');
  const target = await manifestFrom(services, arg, title);
  const plain = plainArgs(arg);
  const digest = target.desc.digest;
  const store = target.layout.store;
  const entries = await store.entries();
  const tags = entries.filter((e) => e.digest === digest).map((e) => e.annotations?.[ANNOTATION_REF_NAME]).filter((t): t is string => Boolean(t));
  const plan = await planDeleteWithReferrers(store, target.desc);
  const dangling = danglingReferrers(plan);
  let withReferrers = plain.withReferrers === true;
  const detail = consequenceLines(await unreachableAfter(store, entries, { delete: [digest] })).join('\n');
  if (plain.confirmed !== true) {
    const question = tags.length ? l10n.t('Delete {0} and its tags {1}?', shortDigest(digest), tags.join(', ')) : l10n.t('Delete {0}?', shortDigest(digest));
    const del = l10n.t('Delete');
    const delAll = l10n.t('Delete with Referrers');
    const lines = dangling.length > 0 ? [detail, '', ...danglingLines(plan)] : [detail];
    withReferrers = (await askModal(question, lines.join('\n'), dangling.length > 0 ? [del, delAll] : [del])) === delAll;
  }
  let deleted: string[];
  let message: string;
  if (withReferrers) {
    const outcome = await runDeletePlan(store, plan);
    deleted = outcome.deleted.map((d) => d.digest);
    message = l10n.t('Deleted {0} with its referrers: {1}.', shortDigest(digest), planCounts(plan));
  } else {
    await store.delete(target.desc);
    deleted = [digest];
    message = `${l10n.t('Deleted {0}.', shortDigest(digest))} ${detail}`;
  }
  layoutChanged(services, target.layout.path);
  reportDone(services, message, { layout: target.layout.path });
  return { digest, tags, deleted };
}
