import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { manifestName } from '../present/format';
import type { Descriptor, ImageIndex } from '../../oci/descriptor';
import { fetchManifest } from '../../oci/graph';
import { listedAgain } from '../../oci/indexDocument';
import { attestedDigest, carryOverReferrers, planReferrerCarryOver, type CarriedReferrer } from '../../oci/referrers';
import { describeDescriptor } from '../present/consequences';
import { updateIndex as updateIndexCore, type AnnotationChanges, type UpdateIndexOptions } from '../../oci/imageIndex';
import { isImageIndex, isManifestMediaType } from '../../oci/mediaType';
import { shownPlatform } from '../../oci/platform';
import { checkTag, shortDigest } from '../../oci/reference';
import { quotedText } from '../../oci/shownName';
import type { Services } from '../services';
import { annotationChanges, stringList } from './argValues';
import { plainArgs } from './args';
import { editableManifestFrom, editableTagItems, reportChanged, type EditableManifest } from './targetArgs';
import { withProgress } from '../ui/progress';
import type { IndexCommandResult } from './createIndex';
import { tagProblem } from './createIndex';
import { askAnnotations, Cancelled, input, pickMany, pickOne, splitList } from '../ui/prompts';

export interface UpdateCommandResult extends IndexCommandResult {
  changed: boolean;
  /** Referrers of the old index copied to the new one (their subject re-pointed). */
  carried?: CarriedReferrer[];
  /** Referrers left with the old index: signatures, and the rest when the user did not copy them. */
  leftBehind?: Descriptor[];
}

/** How an update treats the old index's referrers: ask (the default), copy those that describe content, or leave them. */
export type ReferrerChoice = 'ask' | 'copy' | 'leave';

export function referrerChoice(plain: Record<string, unknown>): ReferrerChoice {
  if (plain.referrers === 'copy' || plain.referrers === 'leave') return plain.referrers;
  return plain.confirmed === true ? 'leave' : 'ask';
}

type Changes = Pick<UpdateIndexOptions, 'add' | 'remove' | 'removeAttestations' | 'merge' | 'mergeSkipsListed' | 'annotations' | 'tags' | 'artifactType'>;

/**
 * `manifold.updateIndex`: add, remove or merge manifests, set or remove annotations, add tags. The tag the
 * index was named by moves to the new index; the old document stays, reachable by digest.
 * In a layout or on a registry. Arguments: an index node of either view, or `{ layout, index, add?, remove?, merge?, annotations?, tags?, artifactType?, referrers? }`
 * (`{ registry, repository, index, ... }` on a registry) where `annotations` is `['key=value', 'key-']` or `{ set, remove }`, and `referrers` is `'copy'` or `'leave'` (what
 * to do with the old index's referrers; asked when it has some and this is not given), and `duplicates` is `'skip'`
 * or `'keep'` (what a merge does with manifests the index already lists; asked when there are some).
 */
export async function updateIndex(services: Services, arg?: unknown, answers?: unknown): Promise<UpdateCommandResult> {
  const title = l10n.t('Update Index');
  const target = await editableManifestFrom(services, arg, title, { indexOnly: true, key: 'index' });
  const plain = plainArgs(arg, answers);
  const scripted = ['add', 'remove', 'merge', 'annotations', 'tags', 'artifactType'].some((k) => plain[k] !== undefined);
  const changes: Changes = scripted
    ? {
        add: stringList(plain.add, 'add'),
        remove: stringList(plain.remove, 'remove'),
        merge: stringList(plain.merge, 'merge'),
        annotations: annotationChanges(plain.annotations, true),
        tags: stringList(plain.tags, 'tags'),
        artifactType: typeof plain.artifactType === 'string' ? plain.artifactType : undefined,
      }
    : await askChanges(services, target, title);
  if (changes.merge?.length) changes.mergeSkipsListed = await mergeDuplicates(target, changes.merge, plain.duplicates);
  // An image removed here takes the attestation entries buildx listed for it along: left, they describe nothing.
  if (changes.remove?.length) changes.removeAttestations = true;
  return applyUpdate(services, target, changes, title, referrerChoice(plain));
}

/** Runs the core update and reports it; shared with annotate. */
export async function applyUpdate(services: Services, target: EditableManifest, changes: Changes, title: string, choice: ReferrerChoice = 'ask'): Promise<UpdateCommandResult> {
  changes.tags?.forEach(checkTag);
  if (!target.tag && !changes.tags?.length) {
    // Named by digest, the new index would have no tag and no entry in index.json.
    throw new Error(l10n.t('{0} is not tagged: give the updated index a tag.', shortDigest(target.desc.digest)));
  }
  // The updated index is a new digest: the old one's referrers stay with it unless copies are attached.
  const referrers: Descriptor[] = [];
  if (!onlyRetags(changes)) for await (const r of target.target.referrers(target.desc)) referrers.push(r);
  const plan = planReferrerCarryOver(referrers);
  const copy = referrers.length === 0 ? false : choice === 'ask' ? await askCarryOver(target, plan) : choice === 'copy';
  const result = await withProgress(title, (signal, progress) =>
    updateIndexCore(target.target, {
      index: target.reference,
      ...changes,
      signal,
      onEvent: (e) => {
        if (e.type === 'fetching') progress.report({ message: e.ref });
      },
    }),
  );
  const tags = [...(target.tag ? [target.tag] : []), ...(changes.tags ?? [])];
  if (!result.changed) {
    void vscode.window.showInformationMessage(l10n.t('Nothing to change.'));
    return { layout: layoutOrReference(target), digest: target.desc.digest, size: target.desc.size, tags, changed: false };
  }
  const { desc } = result as { desc: Descriptor };
  const carried = copy && plan.copy.length > 0 ? await carryOverReferrers(target.target, plan.copy, desc) : [];
  const leftBehind = copy ? plan.resign : [...plan.copy, ...plan.resign];
  const lines = [l10n.t('Updated {0}: now {1}', tags.join(', ') || shortDigest(target.desc.digest), shortDigest(desc.digest))];
  if (carried.length > 0) lines.push(carried.length === 1 ? l10n.t('Copied 1 referrer to it.') : l10n.t('Copied {0} referrers to it.', carried.length));
  const old = shortDigest(target.desc.digest);
  if (leftBehind.length > 0) lines.push(leftBehind.length === 1 ? l10n.t('1 referrer stays with {0}.', old) : l10n.t('{0} referrers stay with {1}.', leftBehind.length, old));
  if (plan.resign.length > 0) lines.push(l10n.t('Sign the updated index again: signatures and attestations are not copied.'));
  reportChanged(services, target, lines.join(' '), {
    tag: tags[0],
    digest: desc.digest,
  });
  return { layout: layoutOrReference(target), digest: desc.digest, size: desc.size, tags, changed: true, carried, leftBehind };
}

/** The result's `layout`: the layout's folder, or on a registry, the repository (`host/repo`). */
function layoutOrReference(target: EditableManifest): string {
  return target.layout?.path ?? (target.ref.kind === 'registry' ? `${target.ref.registry}/${target.ref.repository}` : '');
}

/** Only more tags: the index keeps its digest, and its referrers stay its own. */
function onlyRetags(c: Changes): boolean {
  const a = c.annotations;
  return !c.add?.length && !c.remove?.length && !c.merge?.length && c.artifactType === undefined && !(a && (Object.keys(a.set).length > 0 || a.remove.length > 0));
}

/**
 * Says which referrers stay with the old digest and offers to attach copies of the ones that describe content to
 * the updated index; signatures are never copied (they sign the old digest). Returns whether to copy.
 */
async function askCarryOver(target: EditableManifest, plan: ReturnType<typeof planReferrerCarryOver>): Promise<boolean> {
  const name = manifestName(target.tag, target.desc.digest);
  const list = (ds: Descriptor[]) => ds.map(describeDescriptor).join(', ');
  const lines = [l10n.t('The updated index gets a new digest; the referrers of {0} keep referring to the old one ({1}).', name, shortDigest(target.desc.digest))];
  if (plan.copy.length > 0) lines.push(l10n.t('Describing its content, can be copied to the updated index: {0}.', list(plan.copy)));
  if (plan.resign.length > 0) lines.push(l10n.t('Signatures and attestations, never copied (they sign or state the old digest); sign the updated index again: {0}.', list(plan.resign)));
  const copy = l10n.t('Update and Copy Referrers');
  const only = l10n.t('Update Only');
  const buttons = plan.copy.length > 0 ? [copy, only] : [only];
  const answer = await vscode.window.showWarningMessage(l10n.t('Update {0}? Its referrers stay with the old index.', name), { modal: true, detail: lines.join('\n') }, ...buttons);
  if (answer === undefined) throw new Cancelled();
  return answer === copy;
}

/**
 * Whether a merge leaves out the manifests the index already lists. oras appends them all (so does the CLI), which
 * lists an image twice (`linux/amd64, linux/amd64`): the user is asked, the default keeping the index as it is.
 */
async function mergeDuplicates(target: EditableManifest, merge: readonly string[], answer: unknown): Promise<boolean> {
  if (answer === 'skip' || answer === 'keep') return answer === 'skip';
  const store = target.target;
  const children = async (ref: string) => {
    const manifests = ((await fetchManifest(store, ref, 'index')).json as ImageIndex).manifests;
    return Array.isArray(manifests) ? manifests : [];
  };
  const current = await children(target.desc.digest);
  const incoming: Descriptor[] = [];
  for (const ref of merge) incoming.push(...(await children(ref)));
  const again = listedAgain(current, incoming);
  if (again.length === 0) return false;
  const name = manifestName(target.tag, target.desc.digest);
  const list = again.map((d) => (d.platform ? `${shownPlatform(d.platform)} (${shortDigest(d.digest)})` : shortDigest(d.digest))).join(', ');
  const skip = l10n.t('Merge Without Them');
  const keep = l10n.t('Merge All');
  const question =
    again.length === 1 ? l10n.t('{0} already lists a manifest of {1}. Merge it again?', name, merge.join(', ')) : l10n.t('{0} already lists {1} manifests of {2}. Merge them again?', name, again.length, merge.join(', '));
  const picked = await vscode.window.showWarningMessage(
    question,
    { modal: true, detail: l10n.t('Listed twice, an image is only weight: clients use its first entry. Already listed: {0}.', list) },
    skip,
    keep,
  );
  if (picked === undefined) throw new Cancelled();
  return picked === skip;
}

async function askChanges(services: Services, target: EditableManifest, title: string): Promise<Changes> {
  const index = JSON.parse((await target.target.fetchBytes(target.desc)).toString('utf8')) as ImageIndex;
  const children = Array.isArray(index.manifests) ? index.manifests : [];
  const action = await pickOne(
    [
      { label: l10n.t('$(add) Add manifests…'), id: 'add' },
      { label: l10n.t('$(remove) Remove manifests…'), id: 'remove' },
      { label: l10n.t('$(merge) Merge another index…'), id: 'merge' },
      { label: l10n.t('$(note) Set or remove annotations…'), id: 'annotations' },
      { label: l10n.t('$(tag) Add tags…'), id: 'tags' },
    ],
    { title, placeHolder: l10n.t('What to change in {0}', manifestName(target.tag, target.desc.digest)) },
  );
  const changes: Changes = {};
  switch (action.id) {
    case 'add': {
      const have = new Set(children.map((c) => c.digest));
      const pick = await tagPick(services, target, title, (d) => isManifestMediaType(d.mediaType) && !have.has(d.digest) && d.digest !== target.desc.digest);
      changes.add = (await pickMany(pick.items, { title: pick.title, placeHolder: l10n.t('Manifests to add'), matchOnDescription: true })).map((i) => i.tag);
      break;
    }
    case 'remove': {
      // An image's attestation entries go with it (removeAttestations): one row for both.
      const attestationsOf = (digest: string) => children.filter((c) => attestedDigest(c) === digest).length;
      const listed = new Set(children.map((c) => c.digest));
      const items = children
        .filter((c) => !listed.has(attestedDigest(c) ?? ''))
        .map((c) => ({
          label: c.platform ? shownPlatform(c.platform) : (c.artifactType ?? shortDigest(c.digest)),
          description: attestationsOf(c.digest) > 0 ? l10n.t('{0}, with its attestation', shortDigest(c.digest)) : shortDigest(c.digest),
          digest: c.digest,
        }));
      changes.remove = (await pickMany(items, { title, placeHolder: l10n.t('Manifests to remove') })).map((i) => i.digest);
      break;
    }
    case 'merge': {
      const pick = await tagPick(services, target, title, (d) => isImageIndex(d.mediaType) && d.digest !== target.desc.digest);
      changes.merge = [(await pickOne(pick.items, { title: pick.title, placeHolder: l10n.t('Index whose manifests to append') })).tag];
      break;
    }
    case 'annotations':
      changes.annotations = annotationChanges(await askAnnotations(title, true), true) as AnnotationChanges;
      break;
    case 'tags':
      changes.tags = splitList(await input({ title, prompt: l10n.t('More tags for the updated index'), validateInput: (v) => tagProblem(splitList(v)) }));
      break;
  }
  if (!target.tag && !changes.tags?.length) {
    changes.tags = splitList(await input({ title, prompt: l10n.t('Tags for the updated index'), validateInput: (v) => tagProblem(splitList(v)) }));
  }
  return changes;
}


/**
 * The tags to pick from, and the pick's title. A registry's tag list may hold names that are no valid tag (another
 * tool wrote them, or a proxy): they are left out, never sent back to the registry, rather than failing the whole
 * pick; the title says how many, and the log names them.
 */
async function tagPick(services: Services, target: EditableManifest, title: string, filter: (d: Descriptor) => boolean) {
  const skipped: string[] = [];
  const items = await editableTagItems(services, target, filter, (name) => skipped.push(name));
  if (skipped.length === 0) return { items, title };
  services.log.warn(`${layoutOrReference(target)}: not offered, as its tag list holds them but they are not valid tags: ${skipped.map(quotedText).join(', ')}`);
  return {
    items,
    title:
      skipped.length === 1
        ? l10n.t('{0} (1 name in the tag list skipped: not a valid tag)', title)
        : l10n.t('{0} ({1} names in the tag list skipped: not valid tags)', title, skipped.length),
  };
}
