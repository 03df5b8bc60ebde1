import * as l10n from '@vscode/l10n';
import { ANNOTATION_REF_NAME } from '../../oci/descriptor';
import { planDeleteWithReferrers, runDeletePlan, unreachableAfter } from '../../oci/graph';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { plainArgs } from './args';
import { editableManifestFrom, editableName, reportChanged } from './targetArgs';
import { consequenceLines } from '../present/consequences';
import { danglingLines, danglingReferrers, planCounts } from '../present/lifecycleText';
import { Cancelled } from '../ui/prompts';
import { ManifestLikeNode, ManifestNode, TagNode } from '../tree/nodes';
import { askModal } from '../ui/confirm';
import { shownName } from '../../oci/shownName';

/**
 * `manifold.delete`: deletes a manifest's blob and every index.json entry (tag) naming it, after a modal
 * confirmation that names those tags, what else becomes unreachable and, when it has referrers, those that would be
 * left pointing at nothing, with a "Delete with Referrers" button that deletes by the plan of
 * `planDeleteWithReferrers` (its referrers, recursively, and an index's children nothing else reaches).
 * On a registry, the registry deletes the manifest and the tags naming it (a registry has no index's children to judge).
 * Arguments: a tag or manifest node of either view, or `{ layout, reference, withReferrers?, confirmed? }` or
 * `{ registry, repository, reference, withReferrers?, confirmed? }`.
 */
export async function deleteManifest(services: Services, arg?: unknown, answers?: unknown): Promise<{ digest: string; tags: string[]; deleted: string[] }> {
  const title = l10n.t('Delete Manifest');
  const target = await editableManifestFrom(services, arg, title);
  const plain = plainArgs(arg, answers);
  const digest = target.desc.digest;
  const store = target.target;
  // A layout lists its tags and what stays reachable; a registry tells neither without reading every tag.
  const entries = store.entries ? await store.entries() : undefined;
  const tags = entries
    ? entries.filter((e) => e.digest === digest).map((e) => e.annotations?.[ANNOTATION_REF_NAME]).filter((t): t is string => Boolean(t))
    : target.tag
      ? [target.tag]
      : [];
  const plan = await planDeleteWithReferrers(store, target.desc);
  const dangling = danglingReferrers(plan);
  let withReferrers = plain.withReferrers === true;
  const detail = entries ? consequenceLines(await unreachableAfter(store, entries, { delete: [digest] })).join('\n') : registryDetail(arg);
  if (plain.confirmed !== true) {
    const name = editableName(target, shortDigest(digest));
    const question = tags.length ? l10n.t('Delete {0} and its tags {1}?', name, tags.map(shownName).join(', ')) : l10n.t('Delete {0}?', name);
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
  reportChanged(services, target, message);
  return { digest, tags, deleted };
}

/** What a registry's delete does, and, for a platform row, that the index above it will list a manifest gone. */
function registryDetail(arg: unknown): string {
  const lines = [l10n.t('The registry removes the manifest and every tag that names it; this cannot be undone.')];
  if (arg instanceof ManifestNode && arg.role === 'child' && arg.parent instanceof ManifestLikeNode) {
    const above = arg.parent instanceof TagNode ? shownName(arg.parent.tag) : shortDigest(arg.parent.desc.digest);
    lines.push(l10n.t('The index {0} lists it: that index will name a manifest the registry no longer has.', above));
  }
  return lines.join('\n');
}
