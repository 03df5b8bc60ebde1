import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { ImageIndex } from '../../oci/descriptor';
import { updateIndex as updateIndexCore, type AnnotationChanges, type UpdateIndexOptions } from '../../oci/imageIndex';
import { isImageIndex, isManifestMediaType } from '../../oci/mediaType';
import { formatPlatform } from '../../oci/platform';
import { checkTag, shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { annotationChanges, stringList } from './argValues';
import { manifestFrom, plainArgs, type ResolvedManifest } from './args';
import { tagItems } from '../ui/pickers';
import { withProgress } from '../ui/progress';
import { layoutChanged, reportDone } from '../ui/report';
import type { IndexCommandResult } from './createIndex';
import { tagProblem } from './createIndex';
import { askAnnotations, input, pickMany, pickOne, splitList } from '../ui/prompts';

export interface UpdateCommandResult extends IndexCommandResult {
  changed: boolean;
}

type Changes = Pick<UpdateIndexOptions, 'add' | 'remove' | 'merge' | 'annotations' | 'tags' | 'artifactType'>;

/**
 * `manifold.updateIndex`: add, remove or merge manifests, set or remove annotations, add tags. The tag the
 * index was named by moves to the new index; the old document stays, reachable by digest.
 * Arguments: an index node, or `{ layout, index, add?, remove?, merge?, annotations?, tags?, artifactType? }`
 * where `annotations` is `['key=value', 'key-']` or `{ set, remove }`.
 */
export async function updateIndex(services: Services, arg?: unknown): Promise<UpdateCommandResult> {
  const title = l10n.t('Update Index');
  const target = await manifestFrom(services, arg, title, { indexOnly: true, key: 'index' });
  const plain = plainArgs(arg);
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
  return applyUpdate(services, target, changes, title);
}

/** Runs the core update and reports it; shared with annotate. */
export async function applyUpdate(services: Services, target: ResolvedManifest, changes: Changes, title: string): Promise<UpdateCommandResult> {
  changes.tags?.forEach(checkTag);
  if (!target.tag && !changes.tags?.length) {
    // Named by digest, the new index would have no tag and no entry in index.json.
    throw new Error(l10n.t('{0} is not tagged: give the updated index a tag.', shortDigest(target.desc.digest)));
  }
  const result = await withProgress(title, (signal, progress) =>
    updateIndexCore(target.layout.store, {
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
    return { layout: target.layout.path, digest: target.desc.digest, size: target.desc.size, tags, changed: false };
  }
  const { desc } = result as { desc: { digest: string; size: number } };
  layoutChanged(services, target.layout.path);
  reportDone(services, l10n.t('Updated {0}: now {1}', tags.join(', ') || shortDigest(target.desc.digest), shortDigest(desc.digest)), {
    layout: target.layout.path,
    tag: tags[0],
    digest: desc.digest,
  });
  return { layout: target.layout.path, digest: desc.digest, size: desc.size, tags, changed: true };
}

async function askChanges(services: Services, target: ResolvedManifest, title: string): Promise<Changes> {
  const index = JSON.parse((await target.layout.store.fetchBytes(target.desc)).toString('utf8')) as ImageIndex;
  const children = Array.isArray(index.manifests) ? index.manifests : [];
  const action = await pickOne(
    [
      { label: l10n.t('$(add) Add manifests…'), id: 'add' },
      { label: l10n.t('$(remove) Remove manifests…'), id: 'remove' },
      { label: l10n.t('$(merge) Merge another index…'), id: 'merge' },
      { label: l10n.t('$(note) Set or remove annotations…'), id: 'annotations' },
      { label: l10n.t('$(tag) Add tags…'), id: 'tags' },
    ],
    { title, placeHolder: l10n.t('What to change in {0}', target.tag ?? shortDigest(target.desc.digest)) },
  );
  const changes: Changes = {};
  switch (action.id) {
    case 'add': {
      const have = new Set(children.map((c) => c.digest));
      const items = await tagItems(services, target.layout, (d) => isManifestMediaType(d.mediaType) && !have.has(d.digest) && d.digest !== target.desc.digest);
      changes.add = (await pickMany(items, { title, placeHolder: l10n.t('Manifests to add'), matchOnDescription: true })).map((i) => i.tag);
      break;
    }
    case 'remove': {
      const items = children.map((c) => ({
        label: c.platform ? formatPlatform(c.platform) : (c.artifactType ?? shortDigest(c.digest)),
        description: shortDigest(c.digest),
        digest: c.digest,
      }));
      changes.remove = (await pickMany(items, { title, placeHolder: l10n.t('Manifests to remove') })).map((i) => i.digest);
      break;
    }
    case 'merge': {
      const items = await tagItems(services, target.layout, (d) => isImageIndex(d.mediaType) && d.digest !== target.desc.digest);
      changes.merge = [(await pickOne(items, { title, placeHolder: l10n.t('Index whose manifests to append') })).tag];
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
