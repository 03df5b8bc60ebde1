import * as l10n from '@vscode/l10n';
import { createIndex as createIndexCore } from '../../oci/imageIndex';
import { isManifestMediaType } from '../../oci/mediaType';
import { checkTag, shortDigest } from '../../oci/reference';
import { TagNode } from '../tree/nodes';
import type { Services } from '../services';
import { annotationChanges, stringList, tagList } from './argValues';
import { layoutFrom, plainArgs } from './args';
import { tagItems } from '../ui/pickers';
import { withProgress } from '../ui/progress';
import { layoutChanged, reportDone } from '../ui/report';
import { askAnnotations, input, pickMany, splitList } from '../ui/prompts';
import { confirmTagMoves, movedText, type TagMove } from '../ui/confirm';

export interface IndexCommandResult {
  layout: string;
  digest: string;
  size: number;
  tags: string[];
  /** Tags that named something else before (createIndex only). */
  moved?: TagMove[];
}

/**
 * `manifold.createIndex`: a multi-arch index of tags (or digests) of one layout, with the platforms read from
 * each image's config. Arguments: a layout or tag node, a layout folder URI, or
 * `{ layout, sources, tags, annotations?, artifactType?, confirmed? }` (no prompts then). A tag that names something
 * else moves once the user confirms (`confirmed` answers for scripts); what it named stays listed.
 */
export async function createIndex(services: Services, arg?: unknown): Promise<IndexCommandResult> {
  const title = l10n.t('Create Multi-Arch Index');
  const layout = await layoutFrom(services, arg, title);
  const plain = plainArgs(arg);
  const scripted = plain.sources !== undefined;

  let sources = stringList(plain.sources, 'sources');
  if (!sources) {
    const items = await tagItems(services, layout, (d) => isManifestMediaType(d.mediaType));
    const preselected = arg instanceof TagNode ? arg.tag : undefined;
    const picked = await pickMany(
      items.map((i) => ({ ...i, picked: i.tag === preselected })),
      { title, placeHolder: l10n.t('Pick the manifests of the new index (each shows its platform)'), matchOnDescription: true },
    );
    sources = picked.map((p) => p.tag);
  }

  let tags = tagList(plain.tags, 'tags');
  if (!tags) {
    tags = splitList(
      await input({
        title,
        prompt: l10n.t('Tags for the new index, separated by commas or spaces'),
        placeHolder: 'v1, latest',
        validateInput: (v) => tagProblem(splitList(v)),
      }),
    );
  }
  tags.forEach(checkTag);
  if (tags.length === 0) throw new Error(l10n.t('Give the index at least one tag: an untagged index is not listed in index.json and would be lost.'));

  const annotations = annotationChanges(plain.annotations, false)?.set ?? (scripted ? undefined : toMap(await askAnnotations(l10n.t('Annotations of the index (optional)'))));
  const artifactType = typeof plain.artifactType === 'string' ? plain.artifactType : undefined;
  const moved = await confirmTagMoves(layout, tags, undefined, l10n.t('the new index of {0}', sources.join(', ')), plain.confirmed === true);

  const result = await withProgress(title, (signal, progress) =>
    createIndexCore(layout.store, {
      sources: sources!,
      tags: tags!,
      annotations,
      artifactType,
      signal,
      onEvent: (e) => {
        if (e.type === 'fetching') progress.report({ message: e.ref });
      },
    }),
  );
  layoutChanged(services, layout.path);
  reportDone(services, [l10n.t('Created the index {0} ({1}) of {2} manifests', tags.join(', '), shortDigest(result.desc.digest), result.index.manifests.length), ...movedText(moved)].join(' '), {
    layout: layout.path,
    tag: tags[0],
    digest: result.desc.digest,
  });
  return { layout: layout.path, digest: result.desc.digest, size: result.desc.size, tags, moved };
}

export function tagProblem(tags: string[]): string | undefined {
  if (tags.length === 0) return l10n.t('Enter at least one tag');
  for (const tag of tags) {
    try {
      checkTag(tag);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}

function toMap(entries: string[]): Record<string, string> | undefined {
  return annotationChanges(entries, false)?.set;
}
