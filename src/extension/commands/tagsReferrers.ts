import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import type { ReadOnlyTarget } from '../../oci/target';
import { referrerKindTable } from '../settings/referrerKinds';
import { pickOne } from '../ui/prompts';
import { lookForReferrers, tallyCarried, withPlatformsText } from './carriedReferrers';
import { pickReferrerKinds, type ReferrerChoice, SOME_KINDS_ITEM } from './copyReferrers';

/** Past this many tags, the referrers question is asked from what the first of them have. */
const TALLY_TAGS = 20;

/**
 * Whether the referrers of a set of tags come along (Back Up Repository…, Copy Layout to Registry, Import .tar into
 * Layout…), and which: asked only when the copy would carry some (of the first TALLY_TAGS tags): a tag's own, an
 * index's platforms', those of referrers, cosign's tags, found by the copy's own walk (referrersToCarry), naming how
 * many tags have them, how many are on platforms, and their kinds. They come along unless the user says otherwise, as
 * in Copy to Layout; Only Some Kinds… picks the kinds, those found ticked. `question` words the pick's placeholder
 * from "1 of the 2 tags has referrers" and the kinds; `without`: whether "Without referrers" is offered.
 */
export async function askTagsReferrers(
  src: ReadOnlyTarget,
  tags: ReadonlyArray<{ desc: Descriptor }>,
  title: string,
  question: (some: string, what: string) => string,
  without = true,
): Promise<ReferrerChoice> {
  const looked = tags.slice(0, TALLY_TAGS);
  const table = referrerKindTable();
  const tally = tallyCarried(table, await lookForReferrers(looked.map((t) => ({ target: src, desc: t.desc }))));
  const { withSome, what } = tally;
  if (withSome === 0) return { referrers: true };
  const tagsSome =
    looked.length < tags.length
      ? l10n.t('{0} of the first {1} tags have referrers', withSome, looked.length)
      : withSome === 1
      ? l10n.t('1 of the {0} tags has referrers', tags.length)
      : l10n.t('{0} of the {1} tags have referrers', withSome, tags.length);
  const some = withPlatformsText(tagsSome, tally);
  const items = [
    { label: l10n.t('With their referrers'), description: what, detail: l10n.t('and the referrers of what is below each (each platform of an index)'), value: 'all' as const },
    SOME_KINDS_ITEM(),
    ...(without ? [{ label: l10n.t('Without referrers'), description: l10n.t('the images alone'), value: 'none' as const }] : []),
  ];
  const choice = (await pickOne(items, { title, placeHolder: question(some, what) })).value;
  if (choice !== 'some') return { referrers: choice === 'all' };
  return { referrers: true, only: await pickReferrerKinds(table, tally.seen, title) };
}
