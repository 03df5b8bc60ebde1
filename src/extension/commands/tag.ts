import * as l10n from '@vscode/l10n';
import { checkTag, shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { stringList } from './argValues';
import { manifestFrom, plainArgs } from './args';
import { layoutChanged, reportDone } from '../ui/report';
import { tagProblem } from './createIndex';
import { input, splitList } from '../ui/prompts';

/**
 * `manifold.tag`: more tags for a manifest; a tag that named another manifest moves.
 * Arguments: a tag or manifest node, or `{ layout, reference, tags }`.
 */
export async function tag(services: Services, arg?: unknown): Promise<{ digest: string; tags: string[] }> {
  const title = l10n.t('Tag');
  const target = await manifestFrom(services, arg, title);
  let tags = stringList(plainArgs(arg).tags, 'tags');
  if (!tags) {
    tags = splitList(
      await input({
        title: `${title} ${target.tag ?? shortDigest(target.desc.digest)}`,
        prompt: l10n.t('New tags, separated by commas or spaces'),
        validateInput: (v) => tagProblem(splitList(v)),
      }),
    );
  }
  tags.forEach(checkTag);
  for (const name of tags) await target.layout.store.tag(target.desc, name);
  layoutChanged(services, target.layout.path);
  reportDone(services, l10n.t('Tagged {0} as {1}', shortDigest(target.desc.digest), tags.join(', ')), {
    layout: target.layout.path,
    tag: tags[0],
    digest: target.desc.digest,
  });
  return { digest: target.desc.digest, tags };
}
