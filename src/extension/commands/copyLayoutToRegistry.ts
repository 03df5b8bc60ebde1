import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { copyTags, type CopiedTag, type CopyTagsResult, type TagToCopy } from '../../oci/copy';
import { isOciError } from '../../oci/errors';
import { listTargetTags } from '../../oci/graph';
import { formatRegistryReference, parseRegistryReference } from '../../oci/registry';
import type { Services } from '../services';
import { layoutFrom, plainArgs } from './args';
import { concurrencyArg } from './argValues';
import { copiedText } from './copiedText';
import { givenOnly } from './copyReferrers';
import { askTagsReferrers } from './tagsReferrers';
import { tagTurns, withProgress } from '../ui/progress';
import { reportDone } from '../ui/report';
import { Cancelled } from '../ui/prompts';
import { cancelledTagsCopyText, CopyTally } from '../present/copyText';
import { pickDestination } from '../ui/destinationPick';
import { rememberRepository } from './rememberRepository';
import { parseCosignTag } from '../../oci/referrers';
import { shownName } from '../../oci/shownName';

export interface CopyLayoutResult {
  to: string;
  tags: CopiedTag[];
  referrers: number;
  message: string;
}

/** Tags copied at a time, and transfers within each, as the CLI's `restore` copies a layout to a registry. */
const CONCURRENCY = 5;

/**
 * `manifold.copyLayoutToRegistry`: copies every tag of a layout, with everything below it and its referrers, to one
 * repository under the same tags, as `manifold restore` does (copyTags: several tags at a time, each tag set once
 * everything is there); cancelled, it says which tags are there whole and tagged, and which whole but not tagged. A
 * tag of the repository that names something else moves. Arguments: a layout node, a layout folder URI, or `{ layout, to: 'host/repo', referrers?, only?, concurrency? }`
 * (`referrers: false`: without them, as `restore --exclude-referrers`; `only`: kind ids or artifact types of the
 * referrers to carry, as `restore --only` takes them; `concurrency`: tags copied at a time, 5 unless given). A user
 * picking the repository is asked about the referrers when some tag has them: all, Only Some Kinds…, or none.
 */
export async function copyLayoutToRegistry(services: Services, arg?: unknown, answers?: unknown): Promise<CopyLayoutResult> {
  const title = l10n.t('Copy Layout to Registry');
  const layout = await layoutFrom(services, arg, title);
  const tags: TagToCopy[] = (await listTargetTags(layout.store)).map(({ tag, desc }) => ({ tag, desc }));
  if (tags.length === 0) throw new Error(l10n.t('{0} has no tags to copy.', vscode.workspace.asRelativePath(layout.path)));
  const plain = plainArgs(arg, answers);
  const interactive = typeof plain.to !== 'string';
  const ref = parseRegistryReference(typeof plain.to === 'string' ? plain.to : await pickDestination(services.registries.list(), title, { kind: 'repository' }));
  if (ref.reference) throw new Error(l10n.t('Name only the repository ({0}): every tag keeps its name.', `${ref.registry}/${ref.repository}`));
  // Asked only of a user picking the repository, and only when some tag has referrers (as Back Up Repository… asks).
  const { referrers, only } =
    givenOnly(plain.only, plain.referrers) ??
    (typeof plain.referrers === 'boolean' ? { referrers: plain.referrers } : interactive ? await askTagsReferrers(layout.store, tags, title, (some, what) => l10n.t('{0}: {1}. Copy them too?', some, what)) : { referrers: true });
  const dst = services.registries.repository(ref.registry, ref.repository);
  const to = formatRegistryReference(ref.registry, ref.repository);
  const remember = () => rememberRepository(services, ref);
  const tally = new CopyTally();
  let aborted = false;
  let result: CopyTagsResult;
  try {
    result = await withProgress(title, (signal, progress) => {
      signal.addEventListener('abort', () => (aborted = true));
      return copyTags(layout.store, tags, dst, {
        signal,
        referrers,
        ...(only ? { only } : {}),
        concurrency: concurrencyArg(plain.concurrency) ?? CONCURRENCY,
        onTag: tagTurns(progress),
        onProgress: (e) => tally.add(e),
        onTagged: (tag) => tally.tagged(tag),
      });
    });
  } catch (err) {
    if (aborted) {
      // Cancelled: say which tags are whole and tagged there, what reached it in all, and (the tags are set last)
      // which tags' content is there whole but not tagged, as Back Up Repository… says it.
      // With only some kinds, cosign's tags went as referrers (copyTags): not tags whose state is told.
      const told = only ? tags.filter((t) => !parseCosignTag(t.tag)) : tags;
      if (tally.left(told).tagged.length > 0) await remember();
      void vscode.window.showInformationMessage(cancelledTagsCopyText(tally, told, to));
      throw new Cancelled();
    }
    if (isOciError(err, 'UNAUTHORIZED')) await remember();
    throw err;
  }
  await remember();
  services.registriesTree.refreshAll();
  const what = result.tags.length <= 4 ? result.tags.map((c) => shownName(c.tag)).join(', ') : l10n.t('{0} tags', result.tags.length);
  // Counted from the events, each blob and manifest once: the passes find again what the first one pushed.
  let message = copiedText(what, result.referrers.length, to, tally.pushed, tally.existing);
  const left = result.referrersLeft.length;
  if (left > 0) message += '. ' + (left === 1 ? l10n.t('1 referrer of other kinds was left out.') : l10n.t('{0} referrers of other kinds were left out.', left));
  reportDone(services, message, { layout: layout.path });
  return { to, tags: result.tags, referrers: result.referrers.length, message };
}
