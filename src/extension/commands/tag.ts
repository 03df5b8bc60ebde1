import * as l10n from '@vscode/l10n';
import { checkTag, shortDigest } from '../../oci/reference';
import { manifestName } from '../present/format';
import type { Services } from '../services';
import { tagList } from './argValues';
import { plainArgs } from './args';
import { editableManifestFrom, reportChanged } from './targetArgs';
import { tagProblem } from './createIndex';
import { input, splitList } from '../ui/prompts';
import { confirmTagMoves, movedText, type TagMove } from '../ui/confirm';

/**
 * `manifold.tag`: more tags for a manifest; a tag that names another manifest moves once the user confirms
 * (what it named stays listed, untagged if it has no other tag). In a layout or on a registry. Arguments: a tag
 * or manifest node of either view, or `{ layout, reference, tags, confirmed? }` or `{ registry, repository, reference, tags, confirmed? }`.
 */
export async function tag(services: Services, arg?: unknown, answers?: unknown): Promise<{ digest: string; tags: string[]; moved: TagMove[] }> {
  const title = l10n.t('Tag');
  const target = await editableManifestFrom(services, arg, title);
  // `tags: []` or `'  '` from another extension: refused naming the argument, not "Tagged X as " with nothing done.
  let tags = tagList(plainArgs(arg, answers).tags, 'tags');
  if (!tags) {
    tags = splitList(
      await input({
        title: `${title} ${manifestName(target.tag, target.desc.digest)}`,
        prompt: l10n.t('New tags, separated by commas or spaces'),
        validateInput: (v) => tagProblem(splitList(v)),
      }),
    );
  }
  const problem = tagProblem(tags);
  if (problem) throw new Error(problem);
  const newWhat = target.tag ? `${manifestName(target.tag, target.desc.digest)} (${shortDigest(target.desc.digest)})` : shortDigest(target.desc.digest);
  const moved = await confirmTagMoves({ store: target.target }, tags, target.desc.digest, newWhat, plainArgs(arg, answers).confirmed === true);
  for (const name of tags) await target.target.tag(target.desc, name);
  reportChanged(services, target, [l10n.t('Tagged {0} as {1}', shortDigest(target.desc.digest), tags.join(', ')), ...movedText(moved)].join(' '), {
    tag: tags[0],
    digest: target.desc.digest,
  });
  return { digest: target.desc.digest, tags, moved };
}
